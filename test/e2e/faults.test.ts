/**
 * The fault matrix: every fault the simulated cluster can inject, against every command. Each cell runs the command on
 * a fresh cluster with the fault armed and compares with the same command on a cluster without it:
 * - "same": the command recovers (reads retried with backoff, writes re-read and re-planned, streams resumed) and the
 *   output, exit code and final cluster state are those of the run without the fault, with each change made once;
 * - "fails": one line on stderr saying why, exit 1, nothing on stdout, and the cluster exactly as it was.
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import type {FaultRule} from '../cluster/faults.js'
import type {SimCluster} from '../cluster/server.js'
import {ROOT, startCluster, type Started} from '../helpers.js'

const ago = (sec: number) => new Date(Date.now() - sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
const LOG_LINES = Array.from({length: 12}, (_, i) => `downloading shard ${i} of s3://models/llm`)

/** a model pod whose storage-initializer finished, with a log of LOG_LINES */
function seedModel(c: SimCluster): void {
  // logs NAME checks that the model exists
  c.seed({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {name: 'llm', namespace: 'ml'},
    spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 's3://models/llm'}}},
  })
  c.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'llm-0',
      namespace: 'ml',
      labels: {'serving.kserve.io/inferenceservice': 'llm', component: 'predictor'},
      annotations: {'sim.storage-init.dev/logs': JSON.stringify({'storage-initializer': LOG_LINES})},
    },
    spec: {
      initContainers: [{name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0'}],
      containers: [{name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.20.0'}],
    },
    status: {
      phase: 'Running',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 0,
          state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: ago(60), finishedAt: ago(30)}},
        },
      ],
    },
  })
}

interface Command {
  name: string
  args: string[]
  /** run before the fault is armed (e.g. a change for rollback to undo) */
  setup?: string[]
  /** a following command runs until this holds for its stdout, then gets Ctrl-C */
  until?: (stdout: string) => boolean
  /** the exit code of a give-up (validate: 2, "could not check", as kubectl diff) */
  failCode?: number
}

const COMMANDS: Command[] = [
  {name: 'get', args: ['get', '-o', 'json']},
  {name: 'set-image', args: ['set-image', '--tag', 'v0.20.1']},
  {name: 'set-resources', args: ['set-resources', '--limits', 'memory=3Gi']},
  {name: 'rollback', setup: ['set-image', '--tag', 'v0.20.1'], args: ['rollback']},
  {name: 'validate', args: ['validate', '-o', 'json'], failCode: 2},
  {name: 'logs', args: ['logs', 'llm', '-n', 'ml']},
  {name: 'logs -f', args: ['logs', 'llm', '-n', 'ml', '-f', '-o', 'json'], until: out => out.includes('"type":"done"')},
]

interface Fault {
  name: string
  rules: (c: SimCluster) => FaultRule[]
  /** extra flags for the command */
  flags?: string[]
  /** "same", or the message expected on the one line of a failure */
  expect: 'same' | RegExp
}

const FAULTS: Fault[] = [
  {
    name: 'latency beyond --request-timeout',
    rules: () => [{latencyMs: 2500}],
    flags: ['--request-timeout', '1s'],
    expect: /^error: the request to https:\/\/127\.0\.0\.1:\d+ timed out after 1s \(raise --request-timeout, or check the cluster\)$/,
  },
  {name: 'latency within --request-timeout', rules: () => [{latencyMs: 150}], flags: ['--request-timeout', '5s'], expect: 'same'},
  {name: '500 once', rules: () => [{status: 500, count: 1}], expect: 'same'},
  {name: '500 on the second request', rules: () => [{status: 500, count: 1, after: 1}], expect: 'same'},
  {
    name: '503 once on every kind of request',
    rules: () => ['get', 'list', 'patch', 'create', 'watch'].map(verb => ({verb, status: 503, count: 1})),
    expect: 'same',
  },
  {name: '503 for good', rules: () => [{status: 503}], expect: /^error: .*(503|unavailable|Service Unavailable)/i},
  {name: '429 with Retry-After once', rules: () => [{status: 429, retryAfter: 1, count: 1}], expect: 'same'},
  {name: '429 for good', rules: () => [{status: 429, retryAfter: 0}], expect: /^error: .*(429|too many requests)/i},
  {name: 'connection reset once', rules: () => [{reset: true, count: 1}], expect: 'same'},
  {name: 'connection reset on the second request', rules: () => [{reset: true, count: 1, after: 1}], expect: 'same'},
  {
    name: 'conflicting write by someone else',
    rules: c => [{verb: 'patch', resource: 'configmaps', name: 'inferenceservice-config', count: 1, before: () => touch(c)}],
    expect: 'same',
  },
  {name: 'log stream cut mid-line', rules: () => [{resource: 'pods/log', dropAfterLines: 5, midLine: true, count: 1}], expect: 'same'},
  {name: 'watch expired (410 Gone)', rules: () => [{verb: 'watch', resource: 'pods', status: 410, count: 1}], expect: 'same'},
  {
    name: 'token expires mid-command (401)',
    rules: c => [{after: 1, status: 401, before: () => c.expireToken('sim-admin')}],
    expect: /^error: You must be logged in to the server \(Unauthorized\)/,
  },
]

/** another writer changes a field we do not touch (a label), moving the resourceVersion on */
function touch(c: SimCluster): void {
  const cm = c.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  c.seed({...cm, metadata: {...cm.metadata, labels: {...cm.metadata.labels, 'touched-by': 'someone-else'}}})
}

/** what a command can change, without the fields that differ between two runs of the same change */
function state(c: SimCluster): unknown {
  const cm = c.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const labels = {...cm.metadata.labels}
  delete labels['touched-by']
  const hist = c.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  const records = hist
    ? Object.values(hist.data ?? {})
        .map((r: any) => JSON.parse(r))
        .map(({time: _t, command: _c, ...r}: any) => r)
    : []
  return {
    data: cm.data,
    labels,
    annotations: cm.metadata.annotations,
    storageContainers: c.store.list('serving.kserve.io/clusterstoragecontainers').map(x => ({name: x.metadata.name, spec: x.spec})),
    history: records,
  }
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function run(s: Started, cmd: Command, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...args, '--kubeconfig', s.kubeconfig], {
      env: {...process.env, NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    let stopped = false
    child.stdout.on('data', d => {
      stdout += d
      if (cmd.until && !stopped && cmd.until(stdout)) {
        stopped = true
        child.kill('SIGINT')
      }
    })
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
  })
}

/** the parts of an output that must match between runs (pod ages and the like aside) */
function normalise(cmd: Command, out: string): unknown {
  if (cmd.name === 'logs -f')
    return out
      .split('\n')
      .filter(Boolean)
      .map(l => JSON.parse(l))
      .filter(e => !e.type)
      .map(e => e.message)
  if (cmd.name === 'logs') return out
  if (cmd.name === 'get') {
    const j = JSON.parse(out)
    delete j.configMap.resourceVersion
    return j
  }
  return out
}

async function fresh(cmd: Command): Promise<Started> {
  const s = await startCluster('kserve-v0.20.0.yaml')
  seedModel(s.cluster)
  if (cmd.setup) {
    const r = await run(s, cmd, cmd.setup)
    if (r.code !== 0) throw new Error(`setup ${cmd.setup.join(' ')} failed: ${r.stderr}`)
  }
  return s
}

const baselines = new Map<string, {run: Run; state: unknown}>()

describe.each(COMMANDS)('$name', cmd => {
  beforeAll(async () => {
    const s = await fresh(cmd)
    try {
      const r = await run(s, cmd, cmd.args)
      if (cmd.until ? !cmd.until(r.stdout) : r.code === null) throw new Error(`${cmd.name} without faults: ${r.stderr}`)
      baselines.set(cmd.name, {run: r, state: state(s.cluster)})
    } finally {
      await s.cluster.stop()
    }
  })

  test.each(FAULTS)('$name', async fault => {
    const base = baselines.get(cmd.name)!
    const s = await fresh(cmd)
    try {
      const before = state(s.cluster)
      for (const rule of fault.rules(s.cluster)) s.cluster.faults.add(rule)
      const r = await run(s, cmd, [...cmd.args, ...(fault.flags ?? [])])
      if (fault.expect === 'same') {
        expect({code: r.code, stderr: r.code === base.run.code ? '' : r.stderr}).toEqual({code: base.run.code, stderr: ''})
        expect(normalise(cmd, r.stdout)).toEqual(normalise(cmd, base.run.stdout))
        // each change made once, and nothing else changed (another writer's label aside)
        expect(state(s.cluster)).toEqual(base.state)
      } else {
        expect(r.code).toBe(cmd.failCode ?? 1)
        expect(r.stdout).toBe('')
        const lines = r.stderr.split('\n').filter(Boolean)
        expect(lines).toHaveLength(1)
        expect(lines[0]).toMatch(fault.expect)
        expect(state(s.cluster)).toEqual(before)
      }
    } finally {
      await s.cluster.stop()
    }
  })
})
