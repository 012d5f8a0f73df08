/**
 * Pod Security, from the finding to the fix and back: a namespace that enforces `restricted` refuses the
 * storage-initializer KServe makes; `diagnose` and `validate` (SI062) say so and name `set-security-context`; after it
 * runs, the emulation gives the model a container the level admits, and both are clean.
 */
import {plugin, startCluster, type Started} from '../helpers.js'
import {isvc} from '../model-pods.js'

let s: Started
const run = (args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const st = s.cluster.store
  for (const [n, level] of [
    ['psa', 'restricted'],
    ['psa-base', 'baseline'],
  ])
    st.create('/namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {name: n, labels: {'pod-security.kubernetes.io/enforce': level}},
    })
  st.create('serving.kserve.io/inferenceservices', {
    ...isvc('m'),
    metadata: {name: 'm', namespace: 'psa'},
    spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 's3://models/llama'}}},
  })
  st.create('serving.kserve.io/inferenceservices', {
    ...isvc('b'),
    metadata: {name: 'b', namespace: 'psa-base'},
    spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 's3://models/llama-b'}}},
  })
})
afterAll(() => s.cluster.stop())

test('validate: SI062 for the model in the restricted namespace, with the command; baseline admits the default container', async () => {
  const r = await run(['validate', '-o', 'json'])
  const f = JSON.parse(r.stdout).findings.filter((x: any) => x.rule === 'SI062')
  expect(f).toHaveLength(1)
  expect(f[0].path).toBe('inferenceservice/psa/m')
  expect(f[0].message).toContain('runAsNonRoot: true')
  expect(f[0].hint).toBe('kubectl storage-init set-security-context --pod-security restricted --isvc m -n psa')
})

test('diagnose names the same command', async () => {
  const r = await run(['diagnose', 'm', '-n', 'psa', '-o', 'json'])
  expect(r.code).toBe(1)
  const f = JSON.parse(r.stdout).findings.find((x: any) => x.id === 'DG010')
  expect(f.fix).toBe('kubectl storage-init set-security-context --pod-security restricted --isvc m -n psa')
})

test('the ConfigMap has no securityContext: naming it is one clear line', async () => {
  const r = await run(['set-security-context', '--pod-security', 'restricted', '--target', 'configmap'])
  expect(r.code).not.toBe(0)
  expect(r.stderr.trim().split('\n')[0]).toContain('has no securityContext')
  expect(r.stderr).not.toMatch(/\n\s+at /)
})

test('the fix, per model: the model gets its own container with the restricted securityContext; validate and diagnose are clean', async () => {
  const r = await run(['set-security-context', '--pod-security', 'restricted', '--isvc', 'm', '-n', 'psa'])
  expect([r.code, r.stderr]).toEqual([0, expect.any(String)])
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'storage-init-psa-m')
  expect(csc.spec.container.securityContext).toEqual({
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    seccompProfile: {type: 'RuntimeDefault'},
    capabilities: {drop: ['ALL']},
  })
  const v = await run(['validate', '-o', 'json'])
  expect(JSON.parse(v.stdout).findings.filter((x: any) => x.rule === 'SI062')).toEqual([])
  const d = await run(['diagnose', 'm', '-n', 'psa', '-o', 'json'])
  expect(JSON.parse(d.stdout).findings.filter((x: any) => x.id === 'DG010')).toEqual([])
  // recorded like every change
  const h = await run(['history'])
  expect(h.stdout).toContain('set-security-context --pod-security restricted --isvc m -n psa')
})

test('the fix for every model served by a ClusterStorageContainer: --target, with --diff', async () => {
  const r = await run([
    'set-security-context',
    '--pod-security',
    'restricted',
    '--target',
    'storage-container/default',
    '--diff',
    '--dry-run=client',
  ])
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('+  allowPrivilegeEscalation: false')
})
