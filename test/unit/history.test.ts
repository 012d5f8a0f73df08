/**
 * The revision history as pure functions: damaged entries, the three-way merge of undo, planning a rollback, and a
 * property test (fixed seed) that no sequence of changes, outside edits and rollbacks loses an outside edit unsaid.
 * PROPERTY_RUNS=5000 npm test -- test/unit/history.test.ts runs it longer (PROPERTY_SEED=n for another seed).
 */
import fc from 'fast-check'

import {editFields} from '../../src/domain/json-edit.js'
import {
  appendRecord,
  describeChange,
  drift,
  fieldValue,
  HistoryError,
  kindOf,
  merge3,
  nextRevision,
  planRestore,
  readHistoryData,
  revisionKey,
  sameValue,
  stateAt,
  type History,
  type RevisionRecord,
} from '../../src/domain/history.js'

const runs = Number(process.env.PROPERTY_RUNS ?? 300)
const seed = Number(process.env.PROPERTY_SEED ?? 20261126)

/** A storageInitializer text in KServe's own style (a space before the first colon). */
const CM = (fields: Record<string, unknown>) =>
  `{\n${[
    `    "image" : ${JSON.stringify(fields.image ?? 'kserve/si:v1')}`,
    ...Object.entries(fields)
      .filter(([k]) => k !== 'image')
      .map(([k, v]) => `    "${k}": ${JSON.stringify(v)}`),
  ].join(',\n')}\n}`
const rec = (revision: number, targets: [string, unknown, unknown][], extra: Partial<RevisionRecord> = {}): RevisionRecord => ({
  revision,
  time: `t${revision}`,
  user: 'u',
  command: 'c',
  targets: targets.map(([target, before, after]) => ({target, before, after})),
  ...extra,
})
const hist = (records: RevisionRecord[], damaged: History['damaged'] = []): History => ({records, damaged})

describe('history entries', () => {
  test('a damaged entry says why, and is kept apart', () => {
    const good = rec(1, [['configmap', '{}', '{"image":"a"}']])
    const data: Record<string, string> = {
      [revisionKey(1)]: JSON.stringify(good),
      [revisionKey(2)]: '{not json',
      [revisionKey(3)]: JSON.stringify({...rec(3, []), revision: 4}),
      [revisionKey(4)]: JSON.stringify({revision: 4, time: 't', user: 'u', command: 'c', targets: [{target: 'configmap', before: '{}'}]}),
      [revisionKey(5)]: JSON.stringify({
        revision: 5,
        time: 't',
        user: 'u',
        command: 'c',
        targets: [{target: 'storage-container/x', before: 'text', after: {}}],
      }),
      [revisionKey(6)]: JSON.stringify({revision: 6, time: 't', user: 'u', targets: []}),
      other: 'ignored',
    }
    const h = readHistoryData(data)
    expect(h.records.map(r => r.revision)).toEqual([1])
    expect(h.damaged.map(d => [d.revision, d.reason])).toEqual([
      [2, expect.stringMatching(/^not valid JSON/)],
      [3, 'its "revision" is 4, its key says 3'],
      [4, 'targets[0] (configmap) has no "after"'],
      [5, 'targets[0] (storage-container/x): "before" is not an object (a container)'],
      [6, 'the field "command" is missing'],
    ])
  })

  test('a damaged entry is never overwritten, and ages out like any other', () => {
    const data = {[revisionKey(1)]: JSON.stringify(rec(1, [])), [revisionKey(2)]: 'garbage'}
    const h = readHistoryData(data)
    expect(nextRevision(h.records, h.damaged)).toBe(3)
    expect(appendRecord(data, rec(3, []), 10)).toEqual({[revisionKey(3)]: JSON.stringify(rec(3, []))})
    expect(appendRecord(data, rec(3, []), 2)).toEqual({[revisionKey(1)]: null, [revisionKey(3)]: JSON.stringify(rec(3, []))})
    expect(appendRecord(data, rec(3, []), 1)).toEqual({
      [revisionKey(1)]: null,
      [revisionKey(2)]: null,
      [revisionKey(3)]: JSON.stringify(rec(3, [])),
    })
  })

  test('describe what a record changed', () => {
    expect(
      describeChange(
        rec(1, [
          ['configmap', CM({image: 'a:1'}), CM({image: 'a:2'})],
          ['storage-container/default', {image: 'a:1'}, {image: 'a:2'}],
        ]),
      ),
    ).toBe('image=a:2 (configmap, storage-container/default)')
    expect(describeChange(rec(2, [['configmap', CM({cpuLimit: '1'}), CM({cpuLimit: '2'})]], {undo: 1}))).toBe(
      'Undo of revision 1: cpuLimit=2 (configmap)',
    )
    expect(describeChange(rec(2, [['configmap', '{x', CM({})]], {rollbackTo: 0}))).toBe('Rollback to 0: whole value replaced (configmap)')
  })
})

describe('three-way merge of one target', () => {
  const base = CM({image: 'a:2', cpuLimit: '1', memoryLimit: '1Gi'})
  const goal = CM({image: 'a:1', cpuLimit: '1', memoryLimit: '1Gi'})
  test('live is what the plugin left: the goal, byte for byte', () => {
    expect(merge3('json-text', base, goal, base)).toMatchObject({value: goal, state: 'restored', reverted: ['image']})
  })
  test('live is already the goal', () => {
    expect(merge3('json-text', base, goal, goal)).toMatchObject({value: goal, state: 'unchanged'})
  })
  test('an outside edit of another field is kept, in the live text', () => {
    const live = base.replace('"cpuLimit": "1"', '"cpuLimit": "2"')
    const m = merge3('json-text', base, goal, live)
    expect(m).toMatchObject({state: 'merged', reverted: ['image'], kept: ['cpuLimit'], conflicts: []})
    expect(m.value).toBe(live.replace('a:2', 'a:1'))
  })
  test('an outside edit of the same field is a conflict; forced, the rollback wins that field only', () => {
    const live = base.replace('a:2', 'b:9').replace('"cpuLimit": "1"', '"cpuLimit": "2"')
    const m = merge3('json-text', base, goal, live)
    expect(m.state).toBe('conflict')
    expect(m.conflicts).toEqual([{path: 'image', base: 'a:2', goal: 'a:1', live: 'b:9'}])
    expect(JSON.parse(m.value as string)).toEqual({...JSON.parse(goal), cpuLimit: '2'})
  })
  test('invalid live JSON is a conflict over the whole value', () => {
    expect(merge3('json-text', base, goal, '{"image": ')).toMatchObject({state: 'conflict', value: goal, conflicts: [{path: ''}]})
  })
  test('objects merge field by field, at any depth', () => {
    const b = {image: 'a:2', resources: {limits: {cpu: '1', memory: '1Gi'}}}
    const g = {image: 'a:2', resources: {limits: {cpu: '1', memory: '2Gi'}}}
    const l = {image: 'a:2', resources: {limits: {cpu: '3', memory: '1Gi'}}, env: [{name: 'X'}]}
    expect(merge3('object', b, g, l)).toMatchObject({
      state: 'merged',
      value: {image: 'a:2', resources: {limits: {cpu: '3', memory: '2Gi'}}, env: [{name: 'X'}]},
      kept: ['resources.limits.cpu', 'env'],
      reverted: ['resources.limits.memory'],
    })
  })
  test('a field removed outside that the rollback changes is a conflict', () => {
    expect(merge3('object', {image: 'a:2'}, {image: 'a:1'}, {}).conflicts).toEqual([
      {path: 'image', base: 'a:2', goal: 'a:1', live: undefined},
    ])
  })
})

describe('planning a rollback', () => {
  const v1 = CM({image: 'si:1', cpuLimit: '1'})
  const v2 = CM({image: 'si:2', cpuLimit: '1'})
  const v2e = CM({image: 'si:2', cpuLimit: '2'})
  const v3e = CM({image: 'si:3', cpuLimit: '2'})
  // revision 1: si:1 -> si:2; then cpuLimit edited by hand; revision 2: si:2 -> si:3 (its before holds the edit)
  const h = hist([rec(1, [['configmap', v1, v2]]), rec(2, [['configmap', v2e, v3e]], {drift: ['configmap']})])
  const live = (v: string) => new Map<string, unknown>([['configmap', v]])

  test('undo restores the before of the newest revision: the hand edit before it survives', () => {
    const p = planRestore(h, live(v3e))
    expect(p).toMatchObject({mode: 'undo', revision: 2, samePrevious: false})
    expect(p.targets[0].merge).toMatchObject({state: 'restored', value: v2e})
  })
  test('--to-revision N restores the state at N and names the hand edits between records it reverts', () => {
    const p = planRestore(h, live(v3e), {toRevision: 1})
    expect(p.targets[0].merge!.value).toBe(v2)
    expect(p.targets[0].gaps).toEqual([{target: 'configmap', path: 'cpuLimit', from: 1, to: 2, value: '2'}])
  })
  test('unknown revisions, targets and empty history', () => {
    expect(() => planRestore(hist([]), live(v1))).toThrow('no revision history')
    expect(() => planRestore(h, live(v1), {toRevision: 7})).toThrow('unable to find specified revision 7 in history')
    expect(() => planRestore(h, live(v1), {targets: ['storage-container/x']})).toThrow(
      '--target storage-container/x: revision 2 did not change it (it changed configmap)',
    )
    expect(planRestore(h, live(v1), {toRevision: 0}).targets[0].goal).toBe(v1)
  })
  test('a damaged entry is never used: not undone, not rolled back past', () => {
    const d = [{revision: 3, key: revisionKey(3), reason: 'not valid JSON (x)'}]
    expect(() => planRestore(hist(h.records, d), live(v3e))).toThrow(
      'revision 3 in configmap storage-initializer-history is damaged: not valid JSON (x); it cannot be undone',
    )
    expect(() => planRestore(hist(h.records, d), live(v3e), {toRevision: 1})).toThrow(
      /revision 3 .* is damaged: .*rolling back past it is not safe/,
    )
    expect(() => planRestore(hist(h.records, d), live(v3e), {toRevision: 3})).toThrow(/is damaged.*its state cannot be restored/)
    const mid = [{revision: 2, key: revisionKey(2), reason: 'x'}]
    const around = hist([rec(1, [['configmap', v1, v2]]), rec(3, [['storage-container/a', {i: 1}, {i: 2}]])], mid)
    expect(() =>
      planRestore(
        around,
        new Map<string, unknown>([
          ['configmap', v2],
          ['storage-container/a', {i: 2}],
        ]),
        {toRevision: 3},
      ),
    ).toThrow(/the state of configmap at revision 3 is not known/)
    try {
      planRestore(hist(h.records, d), live(v3e))
    } catch (e) {
      expect(e).toBeInstanceOf(HistoryError)
    }
  })
  test('an incomplete rollback is finished by the same command, not undone', () => {
    const both = hist([
      rec(1, [
        ['configmap', v1, v2],
        ['storage-container/a', {image: 'si:1'}, {image: 'si:2'}],
      ]),
      rec(2, [['configmap', v2, v1]], {undo: 1, incomplete: ['storage-container/a']}),
    ])
    const p = planRestore(
      both,
      new Map<string, unknown>([
        ['configmap', v1],
        ['storage-container/a', {image: 'si:2'}],
      ]),
    )
    expect(p).toMatchObject({mode: 'undo', revision: 1, resumes: 2})
    expect(p.targets.map(t => [t.target, t.merge!.state])).toEqual([
      ['configmap', 'unchanged'],
      ['storage-container/a', 'restored'],
    ])
  })
  test('a target that no longer exists is planned as vanished', () => {
    const p = planRestore(hist([rec(1, [['storage-container/a', {image: 'si:1'}, {image: 'si:2'}]])]), new Map())
    expect(p.targets).toEqual([expect.objectContaining({target: 'storage-container/a', vanished: true})])
  })
  test('drift names the fields changed since the record', () => {
    expect(drift(h.records, live(v3e.replace('"cpuLimit": "2"', '"cpuLimit": "4"')))).toEqual([
      {target: 'configmap', fields: [{path: 'cpuLimit', a: '2', b: '4'}]},
    ])
    expect(drift(h.records, live(v3e))).toEqual([])
  })
})

// -------------------------------------------------------------------------------------------------------------------
// The property: a model of the cluster (a ConfigMap JSON text and one storage container object), the history, and
// which fields hold an outside edit. Any rollback that changes such a field must name it (a forced conflict, or a hand
// edit between records that --to-revision reverts); a refused rollback changes nothing.

const TARGETS = ['configmap', 'storage-container/a'] as const
const PATHS: Record<string, string[]> = {
  configmap: ['image', 'cpuLimit', 'memoryLimit', 'x-extra'],
  'storage-container/a': ['image', 'resources.limits.cpu', 'resources.limits.memory', 'env'],
}
const VALUES = ['a', 'b', 'c', '1', '2']

function setField(target: string, value: unknown, path: string, v: unknown): unknown {
  if (target === 'configmap') return editFields(value as string, {[path]: v})
  const out = structuredClone(value) as Record<string, any>
  const keys = path.split('.')
  let cur = out
  for (const k of keys.slice(0, -1)) cur = cur[k] = typeof cur[k] === 'object' && cur[k] !== null ? cur[k] : {}
  if (v === undefined) delete cur[keys[keys.length - 1]]
  else cur[keys[keys.length - 1]] = v
  return out
}

type Op =
  | {op: 'set'; target: number; path: number; value: number}
  | {op: 'edit'; target: number; path: number; value: number | null}
  | {op: 'break'}
  | {op: 'repair'}
  | {op: 'delete'}
  /** to: null = undo; else a revision picked among the recorded ones (and 0) */
  | {op: 'rollback'; to: number | null; force: boolean; only: number | null}

const op: fc.Arbitrary<Op> = fc.oneof(
  {arbitrary: fc.record({op: fc.constant('set' as const), target: fc.nat(1), path: fc.nat(3), value: fc.nat(4)}), weight: 4},
  {
    arbitrary: fc.record({op: fc.constant('edit' as const), target: fc.nat(1), path: fc.nat(3), value: fc.option(fc.nat(4), {nil: null})}),
    weight: 3,
  },
  {arbitrary: fc.constant({op: 'break' as const}), weight: 1},
  {arbitrary: fc.constant({op: 'repair' as const}), weight: 1},
  {arbitrary: fc.constant({op: 'delete' as const}), weight: 1},
  {
    arbitrary: fc.record({
      op: fc.constant('rollback' as const),
      to: fc.option(fc.nat(1000), {nil: null}),
      force: fc.boolean(),
      only: fc.option(fc.nat(1), {freq: 4, nil: null}),
    }),
    weight: 4,
  },
)

/** How often the property met each situation (printed with PROPERTY_STATS=1). */
const stats: Record<string, number> = {}
const count = (k: string) => (stats[k] = (stats[k] ?? 0) + 1)
afterAll(() => {
  if (process.env.PROPERTY_STATS) console.log(stats)
})

test('no sequence of changes, outside edits and rollbacks loses an outside edit without saying so', () => {
  fc.assert(
    fc.property(fc.array(op, {minLength: 10, maxLength: 40}), ops => {
      const live = new Map<string, unknown>([
        ['configmap', CM({image: 'si:0', cpuLimit: '1', memoryLimit: '1Gi'})],
        ['storage-container/a', {name: 'storage-initializer', image: 'si:0', resources: {limits: {cpu: '1', memory: '1Gi'}}}],
      ])
      const records: RevisionRecord[] = []
      /** "target|path" -> the value an outside edit put there and that is live */
      const owned = new Map<string, unknown>()
      const base = (t: string) => (records.length ? stateAt(records, records[records.length - 1].revision).get(t) : undefined)
      const recordChange = (targets: [string, unknown, unknown][], extra: Partial<RevisionRecord> = {}) => {
        if (targets.length) records.push(rec(records.length + 1, targets, extra))
      }
      const outside = (t: string, path: string, next: unknown) => {
        const b = base(t)
        const key = `${t}|${path}`
        live.set(t, next)
        // an edit back to what the plugin recorded is no longer an outside edit
        if (b !== undefined && sameValue(fieldValue(kindOf(t), b, path), fieldValue(kindOf(t), next, path))) owned.delete(key)
        else owned.set(key, fieldValue(kindOf(t), next, path))
      }
      const valid = () =>
        typeof live.get('configmap') === 'string' &&
        (() => {
          try {
            JSON.parse(live.get('configmap') as string)
            return true
          } catch {
            return false
          }
        })()
      for (const o of ops) {
        if (o.op === 'set' || o.op === 'edit') {
          const t = TARGETS[o.target]
          if (!live.has(t) || (t === 'configmap' && !valid())) continue
          const path = PATHS[t][o.path]
          const v = o.value === null ? undefined : VALUES[o.value]
          const next = setField(t, live.get(t), path, v)
          if (sameValue(next, live.get(t))) continue
          if (o.op === 'set') {
            recordChange([[t, live.get(t), next]])
            live.set(t, next)
            owned.delete(`${t}|${path}`)
          } else outside(t, path, next)
        } else if (o.op === 'break') {
          if (!valid()) continue
          for (const k of [...owned.keys()]) if (k.startsWith('configmap|')) owned.delete(k)
          outside('configmap', '', '{"image": broken')
        } else if (o.op === 'repair') {
          if (valid()) continue
          owned.delete('configmap|')
          live.set('configmap', CM({image: 'si:r', cpuLimit: '1', memoryLimit: '1Gi'}))
          for (const p of PATHS.configmap) {
            const b = base('configmap')
            if (b !== undefined && !sameValue(fieldValue('json-text', b, p), fieldValue('json-text', live.get('configmap'), p)))
              owned.set(`configmap|${p}`, fieldValue('json-text', live.get('configmap'), p))
          }
        } else if (o.op === 'delete') {
          live.delete('storage-container/a')
          for (const k of [...owned.keys()]) if (k.startsWith('storage-container/a|')) owned.delete(k)
        } else {
          let plan
          try {
            plan = planRestore(hist(records), live, {
              toRevision: o.to === null ? undefined : o.to % (records.length + 1),
              targets: o.only === null ? undefined : [TARGETS[o.only]],
            })
          } catch (e) {
            expect(e).toBeInstanceOf(HistoryError)
            count('rollback: not possible (no history, --target not covered)')
            continue
          }
          const conflicts = plan.targets.filter(t => t.merge?.state === 'conflict')
          const gone = plan.targets.filter(t => t.vanished && !sameValue(t.goal, t.base))
          if ((conflicts.length || gone.length) && !o.force) {
            count('rollback: refused (conflict or vanished target)')
            continue // refused: nothing written
          }
          count(
            `${plan.mode}: applied${conflicts.length ? ', forced over a conflict' : ''}${gone.length ? ', skipping a vanished target' : ''}`,
          )
          const said = new Set<string>()
          for (const t of plan.targets) {
            for (const c of t.merge?.conflicts ?? []) said.add(`${t.target}|${c.path}`)
            for (const g of t.gaps) said.add(`${t.target}|${g.path}`)
          }
          const changes: [string, unknown, unknown][] = []
          for (const t of plan.targets) if (!t.vanished && t.merge!.state !== 'unchanged') changes.push([t.target, t.live, t.merge!.value])
          for (const [t, , after] of changes) {
            for (const [key, v] of [...owned]) {
              const [kt, path] = key.split('|')
              if (kt !== t) continue
              if (sameValue(fieldValue(kindOf(t), after, path), v)) {
                count('an outside edit kept')
                continue
              }
              // the outside edit is gone: the plan must have named it (or a field above it, or the whole value)
              const named = [...said].some(s => {
                const [st, sp] = s.split('|')
                return st === t && (sp === '' || sp === path || path.startsWith(sp + '.'))
              })
              expect({lost: key, value: v, named, plan: plan.mode, revision: plan.revision}).toEqual({
                lost: key,
                value: v,
                named: true,
                plan: plan.mode,
                revision: plan.revision,
              })
              count(
                `an outside edit overwritten, and named (${said.size && plan.targets.some(x => x.gaps.length) ? 'edit between records' : 'forced conflict'})`,
              )
              owned.delete(key)
            }
            live.set(t, after)
          }
          recordChange(changes, plan.mode === 'undo' ? {undo: plan.revision} : {rollbackTo: plan.revision})
        }
      }
    }),
    {numRuns: runs, seed},
  )
})

test('without outside edits, undo restores the previous value byte for byte, and --to-revision N the state at N', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.nat(1), fc.nat(3), fc.nat(4)), {minLength: 1, maxLength: 10}), fc.nat(10), (sets, pick) => {
      const live = new Map<string, unknown>([
        ['configmap', CM({image: 'si:0', cpuLimit: '1'})],
        ['storage-container/a', {image: 'si:0'}],
      ])
      const records: RevisionRecord[] = []
      const snapshots: Map<string, unknown>[] = [new Map(live)]
      for (const [ti, pi, vi] of sets) {
        const t = TARGETS[ti]
        const next = setField(t, live.get(t), PATHS[t][pi], VALUES[vi])
        if (sameValue(next, live.get(t))) continue
        records.push(rec(records.length + 1, [[t, live.get(t), next]]))
        live.set(t, next)
        snapshots.push(new Map(live))
      }
      if (records.length === 0) return
      const undo = planRestore(hist(records), live)
      for (const t of undo.targets) expect(t.merge!.value).toBe(snapshots[snapshots.length - 2].get(t.target))
      const n = pick % (records.length + 1)
      const to = planRestore(hist(records), live, {toRevision: n})
      for (const t of to.targets) {
        expect(t.merge!.state === 'conflict').toBe(false)
        expect(sameValue(t.merge!.value, snapshots[n].get(t.target))).toBe(true)
        expect(t.gaps).toEqual([])
      }
    }),
    {numRuns: runs, seed},
  )
})

test('a text with a key set twice (in any case) is merged field by field as Go reads it (test/unit/merge-go-keys.test.ts)', () => {
  const base = '{"image": "a:2", "Image": "a:2", "cpuLimit": "1"}'
  const goal = '{"image": "a:1", "Image": "a:1", "cpuLimit": "1"}'
  const live = '{"image": "a:2", "Image": "a:2", "cpuLimit": "2"}'
  expect(merge3('json-text', base, goal, live)).toMatchObject({
    state: 'merged',
    value: '{"image": "a:2", "Image": "a:1", "cpuLimit": "2"}',
    reverted: ['image'],
    kept: ['cpuLimit'],
    conflicts: [],
  })
  expect(merge3('json-text', base, goal, base)).toMatchObject({state: 'restored', value: goal})
})

describe('rollback targets at the edges (#26)', () => {
  const a = CM({image: 'kserve/si:a'})
  const b = CM({image: 'kserve/si:b'})
  const c = CM({image: 'kserve/si:c'})

  test('0 is the state before the oldest recorded revision, also once older ones were pruned', () => {
    // revisions 1 to 4 aged out: 5 and 6 are left
    const h = hist([rec(5, [['configmap', a, b]]), rec(6, [['configmap', b, c]])])
    const p = planRestore(h, new Map([['configmap', c]]), {toRevision: 0})
    expect(p.targets[0].merge!.value).toBe(a)
    expect(() => planRestore(h, new Map([['configmap', c]]), {toRevision: 3})).toThrow(
      /unable to find specified revision 3 in history \(|^unable to find specified revision 3 in history$/,
    )
  })

  test('past a damaged entry: the hint names a revision that can be restored, or none', () => {
    const damaged = [{revision: 2, key: revisionKey(2), reason: 'not valid JSON'}]
    const withLater = hist([rec(1, [['configmap', a, b]]), rec(3, [['configmap', b, c]])], damaged)
    const e1 = (() => {
      try {
        planRestore(withLater, new Map([['configmap', c]]), {toRevision: 1})
      } catch (e) {
        return e as {hint?: string}
      }
    })()
    expect(e1?.hint).toBe('roll back to revision 3 or later, or repair or delete the damaged entry')
    const newestDamaged = hist([rec(1, [['configmap', a, b]])], damaged)
    const e2 = (() => {
      try {
        planRestore(newestDamaged, new Map([['configmap', b]]), {toRevision: 1})
      } catch (e) {
        return e as {hint?: string}
      }
    })()
    expect(e2?.hint).toBe('repair or delete the damaged entry: no later revision can be restored')
  })
})

test('a per-model change is described by its fields, not as a whole value replaced (#26)', () => {
  const container = {name: 'storage-initializer', image: 'kserve/si:v1', resources: {limits: {memory: '8Gi'}}}
  const made = rec(1, [
    ['storage-container/storage-init-ml-m', null, container],
    ['inferenceservice/ml/m', null, 'storage-init-ml-m'],
  ])
  expect(describeChange(made)).toBe(
    'created with name=storage-initializer, image=kserve/si:v1, resources.limits.memory=8Gi (storage-container/storage-init-ml-m); storageContainerName=storage-init-ml-m (inferenceservice/ml/m)',
  )
  const undone = rec(
    2,
    [
      ['storage-container/storage-init-ml-m', container, null],
      ['inferenceservice/ml/m', 'storage-init-ml-m', null],
    ],
    {undo: 1},
  )
  expect(describeChange(undone)).toBe(
    'Undo of revision 1: removed (storage-container/storage-init-ml-m); storageContainerName removed (inferenceservice/ml/m)',
  )
})
