/**
 * Several writers change different fields of the same ConfigMap at once, hundreds of times, while the cluster injects
 * random one-off faults: three chains of our commands (image, memory limit, cpu request) and two of plain kubectl (another
 * data key, a label). Afterwards every field holds its writer's last successful write (no lost update), and the history
 * holds exactly one record for each of our successful changes.
 *
 * CONCURRENCY_RUNS (default 30 per chain) and CONCURRENCY_SEED (default 7) make longer or other runs:
 *   CONCURRENCY_RUNS=200 CONCURRENCY_SEED=$RANDOM npm test -- test/e2e/concurrency.test.ts
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'

import type {FaultRule} from '../cluster/faults.js'
import {ROOT, startCluster, type Started} from '../helpers.js'

const RUNS = Number(process.env.CONCURRENCY_RUNS ?? 30)
const SEED = Number(process.env.CONCURRENCY_SEED ?? 7)

/** mulberry32: a small seeded PRNG, so that a failing run can be repeated */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface Outcome {
  value: string
  code: number | null
  stderr: string
}

function exec(cmd: string, args: string[], kubeconfig: string): Promise<{code: number | null; stderr: string}> {
  return new Promise(resolve => {
    const child = spawn(cmd, args, {env: {...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1'}, stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    child.stderr.on('data', d => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code, stderr})
    })
  })
}

const ours = (s: Started, args: string[]) =>
  exec(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...args, '--history-limit', '100000'], s.kubeconfig)

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterAll(() => s.cluster.stop())

test(`${RUNS} writes per writer, five writers at once, random faults (seed ${SEED}): nothing lost, every change recorded once`, async () => {
  const random = prng(SEED)
  const chains: {
    name: string
    field: (cm: any) => string
    write: (i: number) => [string, () => Promise<{code: number | null; stderr: string}>]
  }[] = [
    {
      name: 'image',
      field: cm => JSON.parse(cm.data.storageInitializer).image,
      write: i => [`kserve/storage-initializer:v0.30.${i}`, () => ours(s, ['set-image', '--tag', `v0.30.${i}`])],
    },
    {
      name: 'memory limit',
      field: cm => JSON.parse(cm.data.storageInitializer).memoryLimit,
      write: i => [`${2000 + i}Mi`, () => ours(s, ['set-resources', '--limits', `memory=${2000 + i}Mi`])],
    },
    {
      name: 'cpu request',
      field: cm => JSON.parse(cm.data.storageInitializer).cpuRequest,
      write: i => [`${200 + i}m`, () => ours(s, ['set-resources', '--requests', `cpu=${200 + i}m`])],
    },
    {
      name: 'kubectl: data.logger',
      field: cm => cm.data.logger,
      write: i => {
        const v = JSON.stringify({image: `kserve/agent:v0.30.${i}`})
        return [
          v,
          () =>
            exec(
              'kubectl',
              ['patch', 'configmap', 'inferenceservice-config', '-n', 'kserve', '--type=merge', '-p', JSON.stringify({data: {logger: v}})],
              s.kubeconfig,
            ),
        ]
      },
    },
    {
      name: 'kubectl: a label',
      field: cm => cm.metadata.labels?.round,
      write: i => [
        `r${i}`,
        () =>
          exec('kubectl', ['label', 'configmap', 'inferenceservice-config', '-n', 'kserve', `round=r${i}`, '--overwrite'], s.kubeconfig),
      ],
    },
  ]
  const initial = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const otherKeys = Object.fromEntries(Object.entries(initial.data).filter(([k]) => k !== 'storageInitializer' && k !== 'logger'))

  // random one-off faults on every kind of request, while the writers run
  let done = false
  const kinds: (() => FaultRule)[] = [
    () => ({status: 500}),
    () => ({status: 503}),
    () => ({status: 429, retryAfter: 0}),
    () => ({reset: true}),
    () => ({status: 409}),
  ]
  const verbs = ['get', 'list', 'patch', 'create']
  let injected = 0
  const faults = (async () => {
    while (!done) {
      const verb = verbs[Math.floor(random() * verbs.length)]
      const kind = kinds[Math.floor(random() * kinds.length)]()
      // a 409 only means something for writes
      if (kind.status !== 409 || verb === 'patch') {
        s.cluster.faults.add({verb, resource: 'configmaps', count: 1, ...kind})
        injected++
      }
      await new Promise(r => setTimeout(r, 40 + random() * 120))
    }
  })()

  const outcomes = await Promise.all(
    chains.map(async c => {
      const out: Outcome[] = []
      for (let i = 1; i <= RUNS; i++) {
        const [value, run] = c.write(i)
        const r = await run()
        out.push({value, ...r})
      }
      return out
    }),
  )
  done = true
  await faults
  s.cluster.faults.clear()

  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const summary = chains.map((c, k) => ({writer: c.name, succeeded: outcomes[k].filter(o => o.code === 0).length}))
  // the faults were real: some writes needed a retry or a re-plan, and some kubectl calls may have given up
  expect(injected).toBeGreaterThan(RUNS)
  chains.forEach((c, k) => {
    const o = outcomes[k]
    const lastOk = o.map(x => x.code).lastIndexOf(0)
    expect({writer: c.name, lastOk: lastOk >= 0}).toEqual({writer: c.name, lastOk: true})
    // a later run that failed after writing says so ("the change was applied"); only then may its value be there
    const allowed = [
      o[lastOk].value,
      ...o
        .slice(lastOk + 1)
        .filter(x => /the change was applied|changed: configmap/.test(x.stderr))
        .map(x => x.value),
    ]
    expect({writer: c.name, allowed}).toEqual({writer: c.name, allowed: expect.arrayContaining([c.field(cm)])})
    // every give-up of ours was one clear error line (after any warnings), never a stack trace
    for (const x of o.filter(y => y.code !== 0 && !c.name.startsWith('kubectl'))) {
      expect(x.stderr.split('\n').filter(l => l.startsWith('error: '))).toHaveLength(1)
      expect(x.stderr).not.toMatch(/^\s+at /m)
    }
  })
  // keys and annotations nobody wrote are as they were
  expect(Object.fromEntries(Object.entries(cm.data).filter(([k]) => k !== 'storageInitializer' && k !== 'logger'))).toEqual(otherKeys)
  expect(cm.metadata.annotations ?? {}).toEqual(initial.metadata.annotations ?? {})

  // one record per successful change of ours, with the value it wrote
  const hist = s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  const records = Object.values(hist.data).map((r: any) => JSON.parse(r))
  const revisions = records.map(r => r.revision)
  expect(new Set(revisions).size).toBe(revisions.length)
  chains.slice(0, 3).forEach((c, k) => {
    for (const o of outcomes[k].filter(x => x.code === 0)) {
      const flagValue = o.value.replace(/^kserve\/storage-initializer:/, '')
      const mine = records.filter(r => r.command.split(' ').some((w: string) => w === flagValue || w.endsWith(`=${flagValue}`)))
      expect({writer: c.name, value: o.value, records: mine.length}).toEqual({writer: c.name, value: o.value, records: 1})
    }
  })
  console.log(`seed ${SEED}: ${injected} faults injected; ${JSON.stringify(summary)}; ${records.length} revisions recorded`)
}, 600_000)
