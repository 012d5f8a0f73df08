/**
 * What the plugin says and writes, held to KServe's Go code (each test names the file and tag it follows) on the
 * simulated cluster: the merged container, Go's reading of the document, Helm's chart, versions it cannot read.
 */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'

import {FIXTURES, kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])
const cmText = async () =>
  JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json'])).stdout).data
    .storageInitializer as string
const setDoc = (text: string) =>
  kubectl(s.kubeconfig, [
    'patch',
    'cm',
    'inferenceservice-config',
    '-n',
    'kserve',
    '--type=merge',
    '-p',
    JSON.stringify({data: {storageInitializer: text}}),
  ])

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterEach(() => s.cluster.stop())

test('set-resources refuses a ConfigMap change that makes the merged container invalid (container_merge.go@v0.20.0)', async () => {
  // the default ClusterStorageContainer sets only a memory limit: pods take the ConfigMap's request under it
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  s.cluster.seed({...csc, spec: {...csc.spec, container: {...csc.spec.container, resources: {limits: {memory: '1Gi'}}}}})
  const before = await cmText()
  const r = await run('set-resources', '--requests', 'memory=2Gi', '--limits', 'memory=4Gi', '--target', 'configmap')
  expect(r.code).toBe(1)
  expect(r.stderr).toContain(
    "error: pods served by clusterstoragecontainer.serving.kserve.io/default would get memory request 2Gi above limit 1Gi (its container merged over the ConfigMap's): the API server would reject every one; nothing was changed",
  )
  expect(await cmText()).toBe(before)
  // and validate names the same thing when it is done by hand
  await setDoc(before.replace('"memoryRequest": "100Mi"', '"memoryRequest": "2Gi"').replace('"memoryLimit": "1Gi"', '"memoryLimit": "4Gi"'))
  const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
  expect(v.findings.find((f: any) => f.rule === 'SI022')).toMatchObject({
    severity: 'error',
    path: 'clusterstoragecontainer/default:spec.container.resources.requests.memory',
  })
})

test('quantities compare by value: 700m request under a 0.7 limit is accepted', async () => {
  const r = await run('set-resources', '--requests', 'cpu=700m', '--limits', 'cpu=0.7', '--target', 'configmap')
  expect(r.stderr).not.toContain('error:')
  expect(r.code).toBe(0)
  expect(JSON.parse(await cmText())).toMatchObject({cpuRequest: '700m', cpuLimit: '0.7'})
})

test('set-image edits the key Go reads: the last one, whatever its case (encoding/json)', async () => {
  const doc = await cmText()
  await setDoc(
    doc
      .replace('{', '{\n    "Image": "kserve/storage-initializer:v0.19.0",')
      .replace(/"image" *: *"[^"]*",/, '')
      .replace('{\n    "Image"', '{\n    "image": "decoy:v1",\n    "Image"'),
  )
  const text = await cmText()
  expect(text).toContain('"image": "decoy:v1"')
  const g = JSON.parse((await run('get', '-o', 'json')).stdout)
  expect(g.storageInitializer.image).toBe('kserve/storage-initializer:v0.19.0')
  const r = await run('set-image', '--tag', 'v0.20.1')
  expect(r.code).toBe(0)
  const after = await cmText()
  expect(after).toContain('"Image": "kserve/storage-initializer:v0.20.1"')
  expect(after).toContain('"image": "decoy:v1"')
  const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
  expect(v.findings.map((f: any) => f.rule)).toContain('SI006')
})

test('several inferenceservice-config ConfigMaps: one line naming them, and --kserve-namespace picks one', async () => {
  const cm = JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json'])).stdout)
  await kubectl(s.kubeconfig, ['create', 'namespace', 'odh'])
  s.cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'inferenceservice-config', namespace: 'odh'}, data: cm.data})
  const r = await run('get')
  expect(r.code).toBe(1)
  expect(r.stderr.trim()).toBe(
    'error: 2 configmaps "inferenceservice-config" exist, in namespaces kserve, odh: which KServe do you mean? (pass --kserve-namespace kserve or odh)',
  )
  expect((await run('get', '--kserve-namespace', 'odh')).code).toBe(0)
})

test('a controller version that cannot be read is "unknown", with the rules assumed', async () => {
  const dep = s.cluster.store.get('apps/deployments', 'kserve', 'kserve-controller-manager')
  dep.spec.template.spec.containers[0].image = 'quay.io/opendatahub/kserve-controller:odh-master'
  s.cluster.seed(dep)
  const g = await run('get')
  expect(g.stdout).toContain(
    'unknown (controller image quay.io/opendatahub/kserve-controller:odh-master has no release tag; judged by the newest KServe rules known (v0.20 and later))',
  )
  const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
  expect(v.kserve.version).toBeNull()
  expect(v.findings.find((f: any) => f.rule === 'SI014').message).toContain('quay.io/opendatahub/kserve-controller:odh-master')
})

test('SI030: a CA bundle ConfigMap without cabundle.crt stops reconciling (controller.go@v0.20.0)', async () => {
  await kubectl(s.kubeconfig, ['create', 'configmap', 'corp-ca', '-n', 'kserve', '--from-literal=ca.crt=x'])
  const doc = JSON.parse(await cmText())
  await setDoc(JSON.stringify({...doc, caBundleConfigMapName: 'corp-ca'}, null, 4))
  const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
  expect(v.findings.find((f: any) => f.rule === 'SI030').message).toBe(
    'ConfigMap "corp-ca" has no key cabundle.crt (it has: ca.crt): no InferenceService reconciles until it does',
  )
})

test('set-image --registry whose result is not a valid reference is refused before writing', async () => {
  const before = await cmText()
  const r = await run('set-image', '--registry', `registry.example.com/${'a'.repeat(250)}`, '--target', 'configmap')
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/error: .*is not a valid image reference/)
  expect(await cmText()).toBe(before)
})

test('Helm values for a digest render a valid reference; resources say the chart hard-codes them (chart v0.20.0)', async () => {
  const cm = JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json'])).stdout)
  s.cluster.seed({
    ...cm,
    metadata: {
      ...cm.metadata,
      labels: {'app.kubernetes.io/managed-by': 'Helm'},
      annotations: {'meta.helm.sh/release-name': 'kserve', 'meta.helm.sh/release-namespace': 'kserve'},
    },
  })
  const digest = `sha256:${'b'.repeat(64)}`
  const r = await run('set-image', `kserve/storage-initializer@${digest}`, '--target', 'configmap', '--show-helm-values')
  expect(r.code).toBe(0)
  expect(r.stdout).toContain(`    image: kserve/storage-initializer\n    tag: "v0.20.0@${digest}"`)
  const res = await run('set-resources', '--limits', 'memory=2Gi', '--target', 'configmap', '--show-helm-values')
  expect(res.stdout).toContain('# the kserve-resources chart v0.20.0 hard-codes the storage-initializer resources (kserve/kserve#5412)')
})

test('validate -f values.yaml: stock v0.20.0 values are pinned (tag | default kserve.version); ignored resources and hints point at the values', async () => {
  const values = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'helm-kserve-resources-values.yaml'), 'utf8'))
  const dir = mkdtempSync(join(tmpdir(), 'si-values-'))
  const file = join(dir, 'values.yaml')
  writeFileSync(file, stringify(values))
  const stock = JSON.parse((await plugin(['validate', '-f', file, '-o', 'json'])).stdout)
  expect(stock.findings.map((f: any) => f.rule)).not.toContain('SI011')
  values.kserve.storage.resources.limits.memory = '8Gi'
  values.kserve.storage.image = 'kserve/storage-initializer'
  values.kserve.storage.tag = 'latest'
  writeFileSync(file, stringify(values))
  const r = JSON.parse((await plugin(['validate', '-f', file, '-o', 'json'])).stdout)
  expect(r.findings.find((f: any) => f.rule === 'SI071').message).toContain(
    'kserve.storage.resources (memoryLimit 8Gi) is set, but the kserve-resources chart v0.20.0 does not render it',
  )
  const unpinned = r.findings.find((f: any) => f.rule === 'SI011')
  expect(unpinned.path).toBe(`${file}:kserve.storage.image`)
  expect(unpinned.hint).toBe('change kserve.storage.image and kserve.storage.tag in the values')
})
