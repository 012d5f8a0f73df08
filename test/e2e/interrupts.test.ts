/**
 * Ctrl-C in the middle of a change (#26): the real plugin interrupted at random moments (seeded) while it writes two
 * targets, each write slowed down. Whatever the moment, the cluster is left in a recorded state: nothing written, or
 * what was written is in the history (complete, or incomplete with what was left), never a half-write without a
 * record; and the next rollback works.
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import {drift, readHistoryData, stateAt} from '../../src/domain/history.js'
import {plugin, ROOT, startCluster, type Started} from '../helpers.js'

const SEED = 26
const RUNS = 14

function prng(seed: number): () => number {
  let t = seed >>> 0
  return () => {
    t += 0x6d2b79f5
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The plugin (npm's build, or the standalone executable), sent `signal` after `delayMs`. */
function interrupted(s: Started, args: string[], delayMs: number, signal: NodeJS.Signals) {
  const bin = process.env.SI_PLUGIN_BIN
  const [cmd, argv] = bin ? [bin, args] : [process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...args]]
  return new Promise<{code: number | null; signal: string | null; stderr: string}>(resolve => {
    const child = spawn(cmd, [...argv, '--kubeconfig', s.kubeconfig], {
      env: {...process.env, NO_COLOR: '1'},
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill(signal), delayMs)
    const hard = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('close', (code, sig) => {
      clearTimeout(timer)
      clearTimeout(hard)
      resolve({code, signal: sig, stderr})
    })
  })
}

/** What is live of the two targets a global change writes. */
function liveValues(s: Started): Map<string, unknown> {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  return new Map<string, unknown>([
    ['configmap', cm.data.storageInitializer],
    ['storage-container/default', csc.spec.container],
  ])
}

const history = (s: Started) => readHistoryData(s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')?.data)

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  // each write takes a while: an interrupt lands between or during them
  s.cluster.faults.add({verb: 'patch', resource: 'configmaps', latencyMs: 120})
  s.cluster.faults.add({verb: 'patch', resource: 'clusterstoragecontainers', latencyMs: 120})
})
afterAll(() => s.cluster.stop())

test(`${RUNS} changes interrupted at random moments (seed ${SEED}): never a write without its record`, async () => {
  const random = prng(SEED)
  const seen = new Set<string>()
  for (let i = 0; i < RUNS; i++) {
    const before = liveValues(s)
    const recordsBefore = history(s).records.length
    const signal = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const)[i % 3]
    const r = await interrupted(
      s,
      ['set-resources', '--limits', `memory=${9 + (i % 5)}Gi`, '--history-limit', '1000'],
      50 + Math.floor(random() * 900),
      signal,
    )
    const after = liveValues(s)
    const h = history(s)
    const changed = [...after].some(([k, v]) => JSON.stringify(v) !== JSON.stringify(before.get(k)))
    // the plugin's own exit: done (0), or the signal's status (129, 130, 143); killed by the signal itself only outside
    // the change (start-up, or after the record was written): either way, what follows holds
    if (!r.signal) expect([0, 129, 130, 143]).toContain(r.code)
    if (changed) {
      // every write is recorded: the newest record describes exactly what is live
      expect(h.records.length).toBe(recordsBefore + 1)
      expect(drift(h.records, after)).toEqual([])
      const newest = h.records[h.records.length - 1]
      seen.add(newest.incomplete ? 'incomplete' : 'complete')
      if (newest.incomplete)
        expect(r.stderr).toMatch(/interrupted \(SIG\w+\) before .*; changed: .*recorded as revision \d+; not changed: /)
    } else {
      expect(h.records.length).toBe(recordsBefore)
      seen.add('nothing written')
    }
    for (const [target, value] of stateAt(h.records, h.records.length ? h.records[h.records.length - 1].revision : 0))
      expect(JSON.stringify(after.get(target))).toBe(JSON.stringify(value))
  }
  // the seed's moments reach more than one of the outcomes
  expect(seen.size).toBeGreaterThan(1)
  // and the plugin's own half-writes are never taken for outside edits: rollback works
  const undo = await plugin(['rollback', '--kubeconfig', s.kubeconfig])
  expect(undo.stderr).not.toMatch(/outside kubectl storage-init/)
  expect(undo.code).toBe(0)
}, 120_000)
