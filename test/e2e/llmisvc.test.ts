/**
 * LLMInferenceServices on the simulated cluster (KServe v0.20.0's CRD): what the LLM controller gives their pods
 * (pkg/controller/v1alpha2/llmisvc/workload_storage.go@v0.20.0), found by get, get --isvc/--llmisvc, logs, validate
 * and completion.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {FIXTURES, kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])
const sample = () => parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'llminferenceservice-sample.yaml'), 'utf8'))
const NAME = 'facebook-opt-125m-single'
const labels = {
  'app.kubernetes.io/name': NAME,
  'app.kubernetes.io/part-of': 'llminferenceservice',
  'app.kubernetes.io/component': 'llminferenceservice-workload',
}
const ago = (sec: number) => new Date(Date.now() - sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

/** The Deployment the controller made, with the storage-initializer it runs, and one pod of it. */
function running(image: string) {
  s.cluster.seed({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: `${NAME}-kserve`, namespace: 'ml', labels},
    spec: {
      selector: {matchLabels: labels},
      template: {
        metadata: {labels},
        spec: {
          initContainers: [{name: 'storage-initializer', image, args: ['hf://facebook/opt-125m', '/mnt/models']}],
          containers: [{name: 'main', image: 'vllm'}],
        },
      },
    },
  })
  s.cluster.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${NAME}-kserve-abc`,
      namespace: 'ml',
      labels,
      annotations: {
        'sim.storage-init.dev/logs': JSON.stringify({
          'storage-initializer': ['Downloading hf://facebook/opt-125m', 'Model downloaded in 3.0 seconds.'],
        }),
      },
    },
    spec: {
      initContainers: [
        {name: 'storage-initializer', image, resources: {requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}}},
      ],
      containers: [{name: 'main', image: 'vllm'}],
    },
    status: {
      phase: 'Running',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 0,
          state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: ago(20), finishedAt: ago(17)}},
        },
      ],
      containerStatuses: [{name: 'main', state: {running: {}}}],
    },
  })
}

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  // created through the API under KServe's own CRD, as a user would
  const r = await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(sample()))
  expect(r.stderr).toBe('')
})
afterEach(() => s.cluster.stop())

test('get: its own section, built from the ConfigMap although a ClusterStorageContainer serves hf:// for InferenceServices', async () => {
  const j = JSON.parse((await run('get', '-o', 'json')).stdout)
  expect(j.llmInferenceServices.crdInstalled).toBe(true)
  expect(j.llmInferenceServices.items).toHaveLength(1)
  const item = j.llmInferenceServices.items[0]
  expect([item.namespace, item.name, item.uri, item.injection.source, item.injection.image]).toEqual([
    'ml',
    NAME,
    'hf://facebook/opt-125m',
    'configmap',
    'kserve/storage-initializer:v0.20.0',
  ])
  const served = Object.fromEntries(j.uriFormats.map((u: any) => [u.format, u.sourceName]))
  expect(served['hf://']).toBe('clusterstoragecontainer/default')
  expect(served['hf:// (LLMInferenceService)']).toBe('configmap')
  const t = (await run('get')).stdout
  expect(t).toContain(
    'LLM INFERENCE SERVICES (storage-initializer from the LLM controller: the ConfigMap, never a ClusterStorageContainer)',
  )
  expect(t).toMatch(new RegExp(`^ml\\s+${NAME}\\s+hf://facebook/opt-125m\\s+configmap\\s+kserve/storage-initializer:v0.20.0`, 'm'))
})

test('get --isvc falls back to an LLMInferenceService; the running image is kept (kserve#5085), with how to change it', async () => {
  running('kserve/storage-initializer:v0.19.0')
  const j = JSON.parse((await run('get', '--isvc', NAME, '-n', 'ml', '-o', 'json')).stdout)
  expect(j.kind).toBe('LLMInferenceServiceStorage')
  expect(j.storage[0].injection.image).toBe('kserve/storage-initializer:v0.19.0')
  expect(j.storage[0].injection.reason).toContain('keeps the image its Deployment runs (kserve/storage-initializer:v0.19.0; kserve#5085)')
  expect(j.pods.map((p: any) => [p.name, p.current])).toEqual([[`${NAME}-kserve-abc`, true]])
  expect(j.rollout.command).toBe(`kubectl delete deployment ${NAME}-kserve -n ml`)
  const same = JSON.parse((await run('get', '--llmisvc', NAME, '-n', 'ml', '-o', 'json')).stdout)
  expect(same.storage).toEqual(j.storage)
  const none = await run('get', '--isvc', 'nope', '-n', 'ml')
  expect(none.code).toBe(1)
  expect(none.stderr.trim()).toBe(
    'error: inferenceservice "nope" not found in namespace "ml" (nor an llminferenceservice) (list them with: kubectl get inferenceservices,llminferenceservices -n ml)',
  )
})

test('spec.template.initContainers[storage-initializer] is merged over it (kserve#5614); enabled: false turns it off', async () => {
  const l = sample()
  l.spec.template.initContainers = [
    {name: 'storage-initializer', resources: {limits: {memory: '8Gi'}, requests: {memory: '4Gi'}}, args: ['ignored']},
  ]
  await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(l))
  const j = JSON.parse((await run('get', '--llmisvc', NAME, '-n', 'ml', '-o', 'json')).stdout)
  const inj = j.storage[0].injection
  expect([inj.sourceName, inj.resources]).toEqual([
    'configmap+override',
    {limits: {cpu: '1', memory: '8Gi'}, requests: {cpu: '100m', memory: '4Gi'}},
  ])
  expect(inj.container.args).toEqual(['hf://facebook/opt-125m', '/mnt/models'])
  await kubectl(s.kubeconfig, [
    'patch',
    'llminferenceservice',
    NAME,
    '-n',
    'ml',
    '--type=merge',
    '-p',
    JSON.stringify({spec: {storageInitializer: {enabled: false}}}),
  ])
  const off = JSON.parse((await run('get', '--llmisvc', NAME, '-n', 'ml', '-o', 'json')).stdout)
  expect(off.storage[0].injection.source).toBe('none')
})

test('logs NAME finds its pods; --summary counts them; completion offers its name', async () => {
  running('kserve/storage-initializer:v0.20.0')
  const r = await run('logs', NAME, '-n', 'ml')
  expect(r.code).toBe(0)
  expect(r.stdout).toContain(`[pod/${NAME}-kserve-abc/storage-initializer] Model downloaded in 3.0 seconds.`)
  const sum = JSON.parse((await run('logs', '--summary', '-n', 'ml', '-o', 'json')).stdout)
  expect(sum.items.find((x: any) => x.kind === 'LLMInferenceService')).toMatchObject({inferenceService: NAME, pods: 1, succeeded: 1})
  const all = await run('logs', '--all', '-n', 'ml')
  expect(all.stdout).toContain(`[pod/${NAME}-kserve-abc/storage-initializer]`)
  expect(all.stdout).toContain('[pod/sklearn-iris-predictor')
  const c = await plugin(['__complete', 'logs', '-n', 'ml', '--kubeconfig', s.kubeconfig, ''])
  expect(c.stdout.split('\n').filter(Boolean)).toEqual(['sklearn-iris', NAME, ':4'])
  const l = await plugin(['__complete', 'get', '-n', 'ml', '--kubeconfig', s.kubeconfig, '--llmisvc', 'fa'])
  expect(l.stdout.split('\n').filter(Boolean)).toEqual([NAME, ':4'])
})

test('validate says a ClusterStorageContainer change does not reach LLMInferenceServices (SI056)', async () => {
  const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
  const f = v.findings.find((x: any) => x.rule === 'SI056')
  expect(f.message).toContain(
    `default serves the URIs of 1 LLMInferenceService(s) (ml/${NAME}), but the LLM controller builds their storage-initializer from the ConfigMap only`,
  )
})
