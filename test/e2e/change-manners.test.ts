/**
 * The changing commands as a kubectl user drives them: a bare --dry-run, --exit-code for CI, KUBECTL_EXTERNAL_DIFF,
 * managedFields hidden from -o json, and the report of which models still run the previous storage-initializer and how
 * to roll them all (InferenceServices by deployment mode, LLMInferenceServices by their controller's rules).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {FIXTURES, kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])
const cmText = async () =>
  JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json'])).stdout).data
    .storageInitializer

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterEach(() => s.cluster.stop())

test('a bare --dry-run is client; --exit-code says whether anything would change', async () => {
  const before = await cmText()
  const r = await run('set-image', '--tag', 'v0.20.1', '--dry-run', '--exit-code')
  expect(r.code).toBe(1)
  expect(r.stdout).toContain('(dry run)')
  expect(await cmText()).toBe(before)
  const same = await run('set-image', '--tag', 'v0.20.0', '--dry-run', '--exit-code')
  expect(same.code).toBe(0)
})

test('KUBECTL_EXTERNAL_DIFF gets two directories, as kubectl diff gives them', async () => {
  const r = await plugin(
    ['set-resources', '--limits', 'memory=2Gi', '--target', 'configmap', '--diff', '--dry-run=client', '--kubeconfig', s.kubeconfig],
    {KUBECTL_EXTERNAL_DIFF: 'diff -u -N'},
  )
  expect(r.code).toBe(0)
  expect(r.stdout).toMatch(/^--- .*\/LIVE\/configmap\.inferenceservice-config/m)
  expect(r.stdout).toMatch(/^\+\+\+ .*\/MERGED\/configmap\.inferenceservice-config/m)
  expect(r.stdout).toContain('+    "memoryLimit": "2Gi",')
})

test('-o json leaves managedFields out unless --show-managed-fields', async () => {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  s.cluster.seed({
    ...cm,
    metadata: {
      ...cm.metadata,
      managedFields: [{manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {}}],
    },
  })
  const plain = JSON.parse((await run('set-image', '--tag', 'v0.20.1', '--dry-run=server', '-o', 'json', '--target', 'configmap')).stdout)
  expect(plain.items[0].metadata.managedFields).toBeUndefined()
  const all = JSON.parse(
    (await run('set-image', '--tag', 'v0.20.1', '--dry-run=server', '-o', 'json', '--target', 'configmap', '--show-managed-fields')).stdout,
  )
  expect(all.items[0].metadata.managedFields[0].manager).toBe('kubectl-client-side-apply')
})

test('stale pods: summarised per model with one command per way to roll; LLMInferenceServices keep their image', async () => {
  // twelve models in three namespaces, their pods on today's storage-initializer; one Standard, one storageUris
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  for (let i = 0; i < 12; i++) {
    const ns = `team-${i % 3}`
    const name = `m${i}`
    const annotations: Record<string, string> = i === 0 ? {'serving.kserve.io/deploymentMode': 'Standard'} : {}
    const predictor =
      i === 1
        ? {model: {modelFormat: {name: 'hf'}}, storageUris: [{uri: 's3://b/m1', mountPath: '/mnt/models/a'}]}
        : {model: {modelFormat: {name: 'sklearn'}, storageUri: `s3://b/${name}`}}
    s.cluster.seed({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name, namespace: ns, annotations},
      spec: {predictor},
    })
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${name}-predictor-0`,
        namespace: ns,
        labels: {'serving.kserve.io/inferenceservice': name, component: 'predictor'},
        annotations: {'internal.serving.kserve.io/storage-initializer-sourceuri': `s3://b/${name}`},
      },
      spec: {
        initContainers: [{...csc.spec.container, args: [`s3://b/${name}`, '/mnt/models']}],
        containers: [{name: 'kserve-container', image: 'k'}],
      },
    })
  }
  const llm = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'llminferenceservice-sample.yaml'), 'utf8'))
  await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(llm))
  s.cluster.seed({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${llm.metadata.name}-kserve`,
      namespace: 'ml',
      labels: {'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': llm.metadata.name},
    },
    spec: {
      selector: {matchLabels: {a: 'b'}},
      template: {
        metadata: {labels: {a: 'b'}},
        spec: {
          initContainers: [{name: 'storage-initializer', image: 'kserve/storage-initializer:v0.19.0'}],
          containers: [{name: 'main', image: 'v'}],
        },
      },
    },
  })
  const r = await run('set-image', '--tag', 'v0.20.1')
  expect(r.code).toBe(0)
  // 12 models, and the scenario's own sklearn-iris
  expect(r.stderr).toContain(
    'The change applies to pods created from now on: 13 pod(s) of 13 model(s) in 4 namespace(s) still run the previous storage-initializer.',
  )
  expect(r.stderr).toContain('… and 3 more model(s) (--show-all lists them all)')
  expect(r.stderr).toContain('Roll them, and follow them to the end, with: kubectl storage-init rollout -A')
  expect(r.stderr).toContain(
    'for m in team-0/m0; do kubectl annotate inferenceservice -n "${m%/*}" "${m#*/}" --overwrite storage-init.kserve.io/restartedAt=',
  )
  expect(r.stderr).toMatch(
    /for ns in ml team-0 team-1 team-2; do kubectl delete pod -n "\$ns" -l 'serving\.kserve\.io\/inferenceservice in \(m10,m11,m2,m3,m4,m5,m6,m7,m8,m9,sklearn-iris\)'; done/,
  )
  expect(r.stderr).toContain(
    'for m in team-1/m1; do kubectl annotate inferenceservice -n "${m%/*}" "${m#*/}" --overwrite storage-init.kserve.io/reconciledAt=',
  )
  expect(r.stderr).toContain(`1 LLMInferenceService(s) get the ConfigMap's storage-initializer from the LLM controller`)
  expect(r.stderr).toContain(
    `keep the image their Deployment runs until it is recreated (kserve#5085): ml/${llm.metadata.name} (kserve/storage-initializer:v0.19.0)`,
  )
  const all = await run('set-resources', '--limits', 'memory=2Gi', '--show-all')
  expect(all.stderr).not.toContain('more model(s)')
  expect(all.stderr.match(/^team-\d\s+inferenceservice\/m\d+/gm)).toHaveLength(12)
})
