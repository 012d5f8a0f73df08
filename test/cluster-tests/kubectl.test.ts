/** The real kubectl binary as the client of the simulated cluster: every verb the plugin's users rely on. */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'

import {kubectl, startCluster, type Started} from '../helpers.js'

let s: Started
const k = (...args: string[]) => kubectl(s.kubeconfig, args)

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterAll(() => s.cluster.stop())

test('create -f, get -o json / -o yaml', async () => {
  const file = join(s.dir, 'cm.yaml')
  writeFileSync(
    file,
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: ml\n  labels: {team: a}\ndata:\n  key: value\n',
  )
  const c = await k('create', '-f', file)
  expect(c.stderr).toBe('')
  expect(c.stdout.trim()).toBe('configmap/demo created')
  const j = await k('get', 'cm', 'demo', '-n', 'ml', '-o', 'json')
  expect(JSON.parse(j.stdout).data).toEqual({key: 'value'})
  const y = await k('get', 'configmap', 'demo', '-n', 'ml', '-o', 'yaml')
  expect(y.stdout).toContain('key: value')
  expect(y.stdout).toContain('team: a')
  const table = await k('get', 'cm', '-n', 'ml', '-l', 'team=a')
  expect(table.stdout).toMatch(/^NAME\s+DATA\s+AGE\ndemo\s+1\s+\d+s\n$/)
})

test('apply creates, then reports unchanged, then configured', async () => {
  const file = join(s.dir, 'applied.yaml')
  writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ml\ndata:\n  a: "1"\n')
  expect((await k('apply', '-f', file)).stdout.trim()).toBe('configmap/applied created')
  expect((await k('apply', '-f', file)).stdout.trim()).toBe('configmap/applied unchanged')
  writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: ml\ndata:\n  a: "2"\n')
  expect((await k('apply', '-f', file)).stdout.trim()).toBe('configmap/applied configured')
  expect(JSON.parse((await k('get', 'cm', 'applied', '-n', 'ml', '-o', 'json')).stdout).data.a).toBe('2')
})

test('patch --type=merge on the KServe ConfigMap keeps every other key', async () => {
  const before = JSON.parse((await k('get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json')).stdout)
  const p = await k('patch', 'cm', 'inferenceservice-config', '-n', 'kserve', '--type=merge', '-p', '{"data":{"extra":"x"}}')
  expect(p.stdout.trim()).toBe('configmap/inferenceservice-config patched')
  const after = JSON.parse((await k('get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json')).stdout)
  expect(after.data).toEqual({...before.data, extra: 'x'})
  expect(Number(after.metadata.resourceVersion)).toBeGreaterThan(Number(before.metadata.resourceVersion))
  const again = await k('patch', 'cm', 'inferenceservice-config', '-n', 'kserve', '--type=merge', '-p', '{"data":{"extra":"x"}}')
  expect(again.stdout.trim()).toBe('configmap/inferenceservice-config patched (no change)')
})

test('patch of a ClusterStorageContainer (merge and json)', async () => {
  const m = await k('patch', 'clusterstoragecontainer', 'default', '--type=merge', '-p', '{"disabled":true}')
  expect(m.stdout.trim()).toBe('clusterstoragecontainer.serving.kserve.io/default patched')
  const j = await k(
    'patch',
    'clusterstoragecontainer',
    'default',
    '--type=json',
    '-p',
    '[{"op":"replace","path":"/disabled","value":false}]',
  )
  expect(j.stdout.trim()).toBe('clusterstoragecontainer.serving.kserve.io/default patched')
  expect(JSON.parse((await k('get', 'clusterstoragecontainers', 'default', '-o', 'json')).stdout).disabled).toBe(false)
})

test('replace with a stale resourceVersion: kubectl reports the conflict', async () => {
  const file = join(s.dir, 'stale.json')
  writeFileSync(file, (await k('get', 'cm', 'demo', '-n', 'ml', '-o', 'json')).stdout)
  await k('patch', 'cm', 'demo', '-n', 'ml', '--type=merge', '-p', '{"data":{"key":"changed"}}')
  const r = await k('replace', '-f', file)
  expect(r.code).toBe(1)
  expect(r.stderr).toContain('Error from server (Conflict)')
  expect(r.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again')
})

test('delete, then get says NotFound', async () => {
  const d = await k('delete', 'cm', 'demo', '-n', 'ml')
  expect(d.stdout.trim()).toBe('configmap "demo" deleted')
  const g = await k('get', 'cm', 'demo', '-n', 'ml')
  expect(g.code).toBe(1)
  expect(g.stderr.trim()).toBe('Error from server (NotFound): configmaps "demo" not found')
})

test('logs of the storage-initializer, with timestamps and tail', async () => {
  const pod = 'sklearn-iris-predictor-7d9c8b6f5-x2k4q'
  const r = await k('logs', pod, '-n', 'ml', '-c', 'storage-initializer')
  expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(4)
  expect(r.stdout).toContain('Model downloaded in 5.443 seconds.')
  const t = await k('logs', pod, '-n', 'ml', '-c', 'storage-initializer', '--tail=1', '--timestamps')
  expect(t.stdout).toMatch(/^2026-11-20T10:00:08\.900000000Z .*Model downloaded in 5\.443 seconds\.\n$/)
  const bad = await k('logs', pod, '-n', 'ml', '-c', 'nope')
  expect(bad.code).toBe(1)
  expect(bad.stderr).toContain(`container nope is not valid for pod ${pod}`)
})

test('logs -f follows lines as they arrive and ends when the container terminates', async () => {
  const file = join(s.dir, 'pod.yaml')
  const script = JSON.stringify({'storage-initializer': ['first', {text: 'second', after: 0.6}, {text: 'third', after: 1.2}]})
  writeFileSync(
    file,
    `apiVersion: v1
kind: Pod
metadata:
  name: following
  namespace: ml
  annotations:
    sim.storage-init.dev/logs: '${script}'
spec:
  initContainers: [{name: storage-initializer, image: kserve/storage-initializer:v0.20.0}]
  containers: [{name: kserve-container, image: kserve/sklearnserver:v0.20.0}]
`,
  )
  expect((await k('create', '-f', file)).code).toBe(0)
  s.cluster.seed({
    ...s.cluster.store.get('/pods', 'ml', 'following'),
    status: {
      phase: 'Pending',
      initContainerStatuses: [{name: 'storage-initializer', state: {running: {startedAt: new Date().toISOString()}}}],
    },
  })
  const started = Date.now()
  const follow = k('logs', 'following', '-n', 'ml', '-c', 'storage-initializer', '-f')
  setTimeout(() => {
    const cur = s.cluster.store.get('/pods', 'ml', 'following')
    s.cluster.seed({
      ...cur,
      status: {
        phase: 'Running',
        initContainerStatuses: [{name: 'storage-initializer', state: {terminated: {exitCode: 0, reason: 'Completed'}}}],
      },
    })
  }, 1500)
  const r = await follow
  expect(r.stdout).toBe('first\nsecond\nthird\n')
  expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
})

test('auth can-i and whoami, for the admin and the read-only user', async () => {
  expect((await k('auth', 'can-i', 'patch', 'configmaps', '-n', 'kserve')).stdout.trim()).toBe('yes')
  const ro = await k('--context', 'sim-readonly', 'auth', 'can-i', 'patch', 'configmaps', '-n', 'kserve')
  expect(ro.stdout.trim()).toBe('no')
  expect((await k('--context', 'sim-readonly', 'auth', 'can-i', 'list', 'pods', '-n', 'ml')).stdout.trim()).toBe('yes')
  expect((await k('auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}')).stdout).toBe('sim-admin')
})

test("read-only user is refused with the API server's 403", async () => {
  const r = await k(
    '--context',
    'sim-readonly',
    'patch',
    'cm',
    'inferenceservice-config',
    '-n',
    'kserve',
    '--type=merge',
    '-p',
    '{"data":{"x":"y"}}',
  )
  expect(r.code).toBe(1)
  expect(r.stderr.trim()).toBe(
    'Error from server (Forbidden): configmaps "inferenceservice-config" is forbidden: User "system:serviceaccount:kube-system:sim-readonly" cannot patch resource "configmaps" in API group "" in the namespace "kserve"',
  )
})

test('create namespace and configmap with kubectl generators (protobuf bodies)', async () => {
  expect((await k('create', 'namespace', 'made-by-kubectl')).stdout.trim()).toBe('namespace/made-by-kubectl created')
  expect((await k('create', 'configmap', 'gen', '-n', 'made-by-kubectl', '--from-literal=a=b')).stdout.trim()).toBe('configmap/gen created')
  expect(JSON.parse((await k('get', 'cm', 'gen', '-n', 'made-by-kubectl', '-o', 'json')).stdout).data).toEqual({a: 'b'})
})

test('get pods shows the init status column', async () => {
  const r = await k('get', 'pods', '-n', 'ml')
  expect(r.stdout).toMatch(/sklearn-iris-predictor-7d9c8b6f5-x2k4q\s+1\/1\s+Running/)
})
