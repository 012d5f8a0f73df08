/** `logs` against a model with a finished pod, one downloading, one in ImagePullBackOff and one created while following. */
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import {plugin, ROOT, startCluster, type Started} from '../helpers.js'
import {ago, isvc, oomPod, pod, terminated} from '../model-pods.js'

let s: Started
beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  s.cluster.seed(isvc('llm'))
  s.cluster.seed(pod('llm-done', terminated(100, 88), {'storage-initializer': ['Initializing', 'Model downloaded in 12.0 seconds.']}))
  s.cluster.seed(
    pod(
      'llm-downloading',
      {phase: 'Pending', initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {running: {startedAt: ago(1)}}}]},
      {
        'storage-initializer': [
          'Initializing',
          {text: 'Copying contents of hf://org/llm to local', after: 3},
          {text: 'Model downloaded in 2.5 seconds.', after: 4},
        ],
      },
    ),
  )
  s.cluster.seed(
    pod('llm-pull', {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 0,
          state: {waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "kserve/storage-initializer:v0.20.0"'}},
        },
      ],
    }),
  )
})
afterEach(() => s.cluster.stop())

test("no follow: each pod's log, prefixed, and one status line for the pod that cannot run", async () => {
  const r = await plugin(['logs', 'llm', '-n', 'ml', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(0)
  expect(r.stdout.split('\n').filter(Boolean).sort()).toEqual(
    [
      '[pod/llm-done/storage-initializer] Initializing',
      '[pod/llm-done/storage-initializer] Model downloaded in 12.0 seconds.',
      '[pod/llm-downloading/storage-initializer] Initializing',
    ].sort(),
  )
  expect(r.stderr).toContain(
    '[pod/llm-pull/storage-initializer] status: ImagePullBackOff: Back-off pulling image "kserve/storage-initializer:v0.20.0" (check the image kserve/storage-initializer:v0.20.0 exists and that the pod\'s service account has imagePullSecrets',
  )
  expect(r.stderr).toContain('[pod/llm-done/storage-initializer] finished: exit 0 (Completed) after 12.0s')
})

test('-f: follows all, attaches to a pod created while following, ends each with a summary, Ctrl-C ends cleanly', async () => {
  const child = spawn(process.execPath, [
    join(ROOT, 'bin', 'kubectl-storage_init'),
    'logs',
    'llm',
    '-n',
    'ml',
    '-f',
    '-o',
    'json',
    '--kubeconfig',
    s.kubeconfig,
  ])
  let out = ''
  child.stdout.on('data', d => (out += d))
  const events = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l))
  const until = async (pred: () => boolean, ms = 8000) => {
    const end = Date.now() + ms
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out; got:\n${out}`)
      await new Promise(r => setTimeout(r, 50))
    }
  }
  await until(() => events().some(e => e.pod === 'llm-downloading'))
  // a new pod appears (a scale-up) and starts its init container
  s.cluster.seed(
    pod(
      'llm-new',
      {phase: 'Pending', initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {running: {startedAt: ago(0)}}}]},
      {'storage-initializer': ['new pod starts', {text: 'new pod done', after: 0.3}]},
    ),
  )
  await until(
    () => events().some(e => e.message === 'Model downloaded in 2.5 seconds.') && events().some(e => e.message === 'new pod done'),
  )
  // the downloads finish
  for (const name of ['llm-downloading', 'llm-new']) {
    const p = s.cluster.store.get('/pods', 'ml', name)
    s.cluster.seed({...p, status: terminated(3, 0)})
  }
  await until(() => events().filter(e => e.type === 'done').length === 3)
  const exited = new Promise<number | null>(r => child.on('exit', c => r(c)))
  child.kill('SIGINT')
  expect(await exited).toBe(0)
  const ev = events()
  expect(ev.filter(e => e.pod === 'llm-downloading' && !e.type).map(e => e.message)).toEqual([
    'Initializing',
    'Copying contents of hf://org/llm to local',
    'Model downloaded in 2.5 seconds.',
  ])
  expect(ev.filter(e => e.pod === 'llm-new' && !e.type).map(e => e.message)).toEqual(['new pod starts', 'new pod done'])
  expect(ev.find(e => e.pod === 'llm-pull')).toMatchObject({type: 'status', state: 'waiting', reason: 'ImagePullBackOff'})
  expect(
    ev
      .filter(e => e.type === 'done')
      .map(e => e.pod)
      .sort(),
  ).toEqual(['llm-done', 'llm-downloading', 'llm-new'])
  for (const e of ev.filter(x => !x.type)) expect(Object.keys(e)).toEqual(['pod', 'namespace', 'container', 'time', 'message'])
})

test('a stream cut mid-line is resumed without repeating or losing a line', async () => {
  const lines = Array.from({length: 20}, (_, i) => ({text: `line ${i}`, after: i * 0.05}))
  s.cluster.seed(
    pod(
      'llm-cut',
      {phase: 'Pending', initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {running: {startedAt: ago(0)}}}]},
      {'storage-initializer': lines},
    ),
  )
  s.cluster.faults.add({resource: 'pods/log', name: 'llm-cut', dropAfterLines: 7, midLine: true, count: 1})
  const cluster = s.cluster
  const timer = setTimeout(() => {
    const p = cluster.store.get('/pods', 'ml', 'llm-cut')
    if (p) cluster.seed({...p, status: terminated(2, 0)})
  }, 2500)
  const r = await plugin(['logs', '--pod', 'llm-cut', '-n', 'ml', '-f', '--kubeconfig', s.kubeconfig, '--debug'])
  clearTimeout(timer)
  if (!r.stdout) console.log(r.stderr)
  expect(r.stdout.split('\n').filter(Boolean)).toEqual(lines.map(l => `[pod/llm-cut/storage-initializer] ${l.text}`))
  expect(r.stderr).toContain('stream broke; resumed (attempt 1)')
}, 20000)

test('--summary counts outcomes and download times, in text and JSON', async () => {
  s.cluster.seed(oomPod('llm-oom'))
  s.cluster.seed(pod('llm-done2', terminated(60, 56)))
  const j = JSON.parse((await plugin(['logs', '--summary', '-n', 'ml', '-o', 'json', '--kubeconfig', s.kubeconfig])).stdout)
  const llm = j.items.find((x: any) => x.inferenceService === 'llm')
  expect(llm).toEqual({
    namespace: 'ml',
    kind: 'InferenceService',
    inferenceService: 'llm',
    pods: 5,
    succeeded: 2,
    failed: {ImagePullBackOff: 1, OOMKilled: 1},
    initializing: 1,
    images: ['kserve/storage-initializer:v0.20.0'],
    medianSeconds: 8,
    slowestSeconds: 12,
  })
  const t = await plugin(['logs', '--summary', '-n', 'ml', '--kubeconfig', s.kubeconfig])
  expect(t.stdout).toMatch(
    /^inferenceservice\/llm\s+5\s+2\s+1 ImagePullBackOff, 1 OOMKilled\s+1\s+kserve\/storage-initializer:v0\.20\.0\s+8\.0s\s+12\.0s$/m,
  )
})

test('--previous shows the failed run of a restarted init container', async () => {
  s.cluster.seed(
    pod(
      'llm-oom',
      {
        phase: 'Pending',
        initContainerStatuses: [
          {
            name: 'storage-initializer',
            restartCount: 1,
            state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 10s'}},
            lastState: {terminated: {exitCode: 137, reason: 'OOMKilled'}},
          },
        ],
      },
      {'storage-initializer@previous': ['Copying 40 GB…']},
    ),
  )
  const r = await plugin(['logs', '--pod', 'llm-oom', '-n', 'ml', '--previous', '--kubeconfig', s.kubeconfig])
  expect(r.stdout).toBe('[pod/llm-oom/storage-initializer] Copying 40 GB…\n')
  const now = await plugin(['logs', '--pod', 'llm-oom', '-n', 'ml', '--kubeconfig', s.kubeconfig])
  expect(now.stderr).toContain(
    'status: CrashLoopBackOff: back-off 10s (restarts: 1, last: OOMKilled) (raise its memory: kubectl storage-init set-resources --limits memory=…)',
  )
})

test('bad input: one line, exit 1', async () => {
  for (const [args, text] of [
    [['logs'], 'which pods?'],
    [['logs', 'llm', '--pod', 'x'], 'give only one of ISVC, -l, --pod and --all'],
    [['logs', 'llm', '--since', 'yesterday'], 'invalid --since "yesterday"'],
    [['logs', 'llm', '--since-time', 'noon'], '--since-time "noon" is not an RFC 3339 time'],
  ] as [string[], string][]) {
    const r = await plugin([...args, '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(text)
  }
  const missing = await plugin(['logs', '--pod', 'nope', '-n', 'ml', '--kubeconfig', s.kubeconfig])
  expect(missing.code).toBe(1)
  expect(missing.stderr.trim()).toBe('error: pods "nope" in namespace "ml" not found')
})

test('many pods at once: every line, in order per pod, and no warnings on stderr', async () => {
  s.cluster.seed(isvc('many'))
  for (let i = 0; i < 15; i++) {
    const p = pod(`many-${i}`, terminated(50, 40), {'storage-initializer': [{text: `pod ${i} line {i}`, repeat: 30}]})
    s.cluster.seed({...p, metadata: {...p.metadata, labels: {'serving.kserve.io/inferenceservice': 'many'}}})
  }
  const r = await plugin(['logs', 'many', '-n', 'ml', '--max-log-requests', '15', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(0)
  expect(r.stderr).not.toMatch(/Warning|leak/)
  const lines = r.stdout.split('\n').filter(Boolean)
  expect(lines).toHaveLength(15 * 30)
  for (let i = 0; i < 15; i++) {
    const mine = lines.filter(l => l.startsWith(`[pod/many-${i}/`)).map(l => Number(/line (\d+)$/.exec(l)?.[1]))
    expect(mine).toEqual(Array.from({length: 30}, (_, k) => k + 1))
  }
})

test("what a real API server accepts: kubectl's Accept header on pods/log; --since 0 means no limit (no sinceSeconds=0, which is 422)", async () => {
  const r = await plugin(['logs', 'llm', '-n', 'ml', '--since', '0', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('[pod/llm-done/storage-initializer] Model downloaded in 12.0 seconds.')
  const logs = s.cluster.requests.filter(q => q.path.endsWith('/log'))
  expect(logs.length).toBeGreaterThan(0)
  for (const q of logs) expect(new URLSearchParams(q.query).has('sinceSeconds')).toBe(false)
  // the simulator refuses `Accept: text/plain` on pods/log with 406 as kube-apiserver does (test/cluster-tests/fixtures.test.ts)
  expect(logs.every(q => q.accept === 'application/json, */*')).toBe(true)
  const since = await plugin(['logs', 'llm', '-n', 'ml', '--since', '1h', '--kubeconfig', s.kubeconfig])
  expect(since.code).toBe(0)
  expect(
    s.cluster.requests.filter(q => q.path.endsWith('/log')).some(q => new URLSearchParams(q.query).get('sinceSeconds') === '3600'),
  ).toBe(true)
})

test('-f: a pod watch the server refuses ends the command with one line, instead of retrying forever; a dropped watch is reopened', async () => {
  s.cluster.faults.add({verb: 'watch', resource: 'pods', status: 403})
  const refused = await plugin(['logs', 'llm', '-n', 'ml', '-f', '--kubeconfig', s.kubeconfig])
  expect(refused.code).toBe(1)
  expect(refused.stderr.split('\n').filter(l => l.startsWith('error: '))).toEqual([
    expect.stringMatching(/^error: forbidden: .*cannot watch pods in namespace "ml"/),
  ])
  s.cluster.faults.clear()
  // a watch that the server drops (503) is opened again: the pod made afterwards is still attached
  s.cluster.faults.add({verb: 'watch', resource: 'pods', status: 503, count: 2})
  const cluster = s.cluster
  const late = pod('llm-late', terminated(3, 1), {'storage-initializer': ['late line']})
  const timer = setTimeout(() => cluster.seed({...late, metadata: {...late.metadata, labels: {app: 'late'}}}), 1500)
  const p = spawn(process.execPath, [
    join(ROOT, 'bin', 'kubectl-storage_init'),
    'logs',
    '-l',
    'app=late',
    '-n',
    'ml',
    '-f',
    '--kubeconfig',
    s.kubeconfig,
  ])
  let out = ''
  p.stdout.on('data', d => (out += d))
  const code = await new Promise(r => {
    const kill = setTimeout(() => p.kill('SIGINT'), 6000)
    p.on('exit', c => (clearTimeout(kill), r(c)))
  })
  clearTimeout(timer)
  expect(out).toContain('[pod/llm-late/storage-initializer] late line')
  expect(code).toBe(0)
}, 20000)

test('--summary -A counts a pod that both selectors match once, under its InferenceService', async () => {
  const both = pod('llm-both', terminated(10, 5), {})
  s.cluster.seed({
    ...both,
    metadata: {
      ...both.metadata,
      labels: {...both.metadata.labels, 'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'llm'},
    },
  })
  const r = await plugin(['logs', '--summary', '-A', '-o', 'json', '--kubeconfig', s.kubeconfig])
  const rows = JSON.parse(r.stdout).items.filter((x: any) => x.namespace === 'ml' && x.inferenceService === 'llm')
  expect(rows.map((x: any) => [x.kind, x.pods])).toEqual([['InferenceService', 4]])
})
