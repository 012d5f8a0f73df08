/** Every failure is one clear line on stderr and exit 1; never a stack trace (that only with --debug). */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {plugin, startCluster, type Result, type Started} from '../helpers.js'

function expectOneLine(r: Result, pattern: RegExp | string) {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines).toHaveLength(1)
  expect(lines[0]).toMatch(/^error: /)
  if (typeof pattern === 'string') expect(lines[0]).toContain(pattern)
  else expect(lines[0]).toMatch(pattern)
  expect(r.stderr).not.toMatch(/^\s+at /m)
}

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterAll(() => s.cluster.stop())

test('cluster unreachable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-'))
  const kc = join(dir, 'kc')
  writeFileSync(
    kc,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
  )
  expectOneLine(
    await plugin(['get', '--kubeconfig', kc]),
    'error: the connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
  )
})

test('unknown context', async () => {
  expectOneLine(
    await plugin(['get', '--kubeconfig', s.kubeconfig, '--context', 'nope']),
    'error: context "nope" does not exist (known contexts: sim-admin, sim-readonly, sim-nobody)',
  )
})

test('no kubeconfig at all', async () => {
  const home = mkdtempSync(join(tmpdir(), 'si-home-'))
  expectOneLine(await plugin(['get'], {HOME: home, KUBECONFIG: undefined}), 'no kubeconfig found')
})

test('--kubeconfig naming a missing file', async () => {
  expectOneLine(await plugin(['get', '--kubeconfig', '/nonexistent/kc']), 'stat /nonexistent/kc: no such file or directory')
})

test('ConfigMap missing', async () => {
  const empty = await startCluster()
  try {
    expectOneLine(
      await plugin(['get', '--kubeconfig', empty.kubeconfig]),
      `KServe's configmap "inferenceservice-config" was not found in any namespace`,
    )
    expectOneLine(
      await plugin(['get', '--kubeconfig', empty.kubeconfig, '--kserve-namespace', 'kserve']),
      'configmap "inferenceservice-config" not found in namespace "kserve"',
    )
  } finally {
    await empty.cluster.stop()
  }
})

test('key missing', async () => {
  const c = await startCluster()
  try {
    c.cluster.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'inferenceservice-config', namespace: 'kserve'},
      data: {ingress: '{}'},
    })
    expectOneLine(
      await plugin(['get', '--kubeconfig', c.kubeconfig]),
      'configmap kserve/inferenceservice-config has no key "storageInitializer"',
    )
  } finally {
    await c.cluster.stop()
  }
})

test('storageInitializer is not valid JSON: says where', async () => {
  const c = await startCluster('kserve-broken.yaml')
  try {
    const text: string = c.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config').data.storageInitializer
    const column = text.split('\n')[1].indexOf(',,') + 2
    expectOneLine(
      await plugin(['get', '--kubeconfig', c.kubeconfig]),
      new RegExp(`is not valid JSON: .* at line 2, column ${column} \\(KServe rejects every InferenceService pod until it is fixed`),
    )
  } finally {
    await c.cluster.stop()
  }
})

test('401: expired credentials', async () => {
  const c = await startCluster('kserve-v0.20.0.yaml')
  try {
    c.cluster.expireToken('sim-admin')
    expectOneLine(
      await plugin(['get', '--kubeconfig', c.kubeconfig]),
      'error: You must be logged in to the server (Unauthorized): the credentials of user "sim-admin" (context "sim-admin") were rejected',
    )
  } finally {
    await c.cluster.stop()
  }
})

test('403: names the verb and resource and suggests kubectl auth can-i', async () => {
  expectOneLine(
    await plugin(['get', '--kubeconfig', s.kubeconfig, '--context', 'sim-nobody']),
    'error: forbidden: cannot get configmaps "inferenceservice-config" in namespace "kserve": configmaps "inferenceservice-config" is forbidden: User "system:serviceaccount:default:sim-nobody" cannot get resource "configmaps" in API group "" in the namespace "kserve" (try: kubectl auth can-i get configmaps -n kserve --context sim-nobody)',
  )
})

test('the read-only user can read', async () => {
  const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig, '--context', 'sim-readonly'])
  expect(r.code).toBe(0)
  expect(JSON.parse(r.stdout).context).toBe('sim-readonly')
})

test('CRD not installed: no storage containers, not an error', async () => {
  const c = await startCluster(undefined, {kserveCRDs: false})
  try {
    c.cluster.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'inferenceservice-config', namespace: 'kserve'},
      data: {
        storageInitializer:
          '{"image": "kserve/storage-initializer:v0.11.0", "cpuRequest": "100m", "cpuLimit": "1", "memoryRequest": "100Mi", "memoryLimit": "1Gi"}',
      },
    })
    const r = await plugin(['get', '-o', 'json', '--kubeconfig', c.kubeconfig])
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout).storageContainers).toEqual({crdInstalled: false, items: []})
  } finally {
    await c.cluster.stop()
  }
})

test('--request-timeout: a slow server gives one line', async () => {
  // the first request: the cluster-wide search for inferenceservice-config
  s.cluster.faults.add({verb: 'list', resource: 'configmaps', latencyMs: 1500, count: 1})
  expectOneLine(
    await plugin(['get', '--kubeconfig', s.kubeconfig, '--request-timeout', '300ms']),
    /the request to https:\/\/127\.0\.0\.1:\d+ timed out after 0\.3s/,
  )
  s.cluster.faults.clear()
})

test('a server that keeps failing is reported as kubectl does, after bounded retries', async () => {
  s.cluster.faults.add({verb: 'list', resource: 'configmaps', status: 503, count: 10})
  expectOneLine(
    await plugin(['get', '--kubeconfig', s.kubeconfig]),
    /Error from server \(ServiceUnavailable\): .* \(gave up after 4 attempts\)/,
  )
  s.cluster.faults.clear()
})

test.each([
  ['503 twice', {status: 503, count: 2}],
  ['429 with Retry-After', {status: 429, retryAfter: 1, count: 1}],
  ['a reset connection', {reset: true, count: 1}],
  ['500 once', {status: 500, count: 1}],
])('reads survive %s', async (_name, fault) => {
  s.cluster.faults.add({verb: 'get', resource: 'configmaps', ...fault})
  const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig])
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout).kserve.version).toBe('v0.20.0')
  s.cluster.faults.clear()
})

test('a write that fails with 503 is retried after a re-read, and applied once', async () => {
  s.cluster.faults.add({verb: 'patch', resource: 'configmaps', name: 'inferenceservice-config', status: 503, count: 1})
  const r = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(0)
  expect(r.stdout).toBe('configmap/inferenceservice-config image updated\n')
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  expect(JSON.parse(cm.data.storageInitializer).image).toBe('kserve/storage-initializer:v0.20.1')
  const hist = s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  expect(Object.keys(hist.data)).toEqual(['revision-000001'])
})

test('bad flag values are usage errors, exit 1', async () => {
  const r = await plugin(['get', '-o', 'xml', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(1)
  // kubectl's own words for an output format it has no printer for
  expect(r.stderr).toBe(
    'error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml\n',
  )
  const d = await plugin(['set-image', '--tag', 'v1', '--dry-run=maybe', '--kubeconfig', s.kubeconfig])
  expect(d.code).toBe(1)
  expect(d.stderr).toContain("See 'kubectl storage-init set-image -h' for help and examples")
  const t = await plugin(['get', '--request-timeout', 'soon', '--kubeconfig', s.kubeconfig])
  expect(t.code).toBe(1)
  expect(t.stderr).toContain('invalid --request-timeout "soon"')
})

test('--debug shows the stack and the requests', async () => {
  const r = await plugin(['get', '--kubeconfig', s.kubeconfig, '--context', 'nope', '--debug'])
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/^\s+at /m)
})

test('an unknown InferenceService', async () => {
  expectOneLine(
    await plugin(['get', '--isvc', 'nope', '-n', 'ml', '--kubeconfig', s.kubeconfig]),
    'inferenceservice "nope" not found in namespace "ml"',
  )
})

test('a flag value of the wrong kind says what was expected', async () => {
  const r = await plugin(['set-image', '--tag', 'v1', '--history-limit', '0', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(1)
  // kubectl's (pflag's) words for a flag value it cannot take
  expect(r.stderr.split('\n')[0]).toBe(
    'error: invalid argument "0" for "--history-limit" flag: expected an integer greater than or equal to 1',
  )
})
