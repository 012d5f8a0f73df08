/**
 * The history ConfigMap under the API server's 1 MiB limit (ValidateConfigMap counts the UTF-8 bytes of every value):
 * planAppend keeps the newest --history-limit records as long as they fit, drops the oldest (damaged ones too) to stay
 * under the budget, and refuses a record that cannot fit alone.
 */
import {
  appendRecord,
  CONFIGMAP_DATA_LIMIT,
  HISTORY_DATA_BUDGET,
  planAppend,
  readHistoryData,
  RecordTooLargeError,
  revisionKey,
  utf8Bytes,
  type RevisionRecord,
} from '../../src/domain/history.js'

const KiB = 1024
/** A record whose stored text is about `size` bytes: a ConfigMap change from and to a padded value. */
const rec = (revision: number, size = 0, ch = 'x'): RevisionRecord => ({
  revision,
  time: `t${revision}`,
  user: 'u',
  command: 'c',
  targets: [
    {target: 'configmap', before: ch.repeat(Math.floor(size / 2 / utf8Bytes(ch))), after: ch.repeat(Math.floor(size / 2 / utf8Bytes(ch)))},
  ],
})
/** The data once a patch is applied (a merge patch: null drops a key). */
const apply = (data: Record<string, string>, patch: Record<string, string | null>): Record<string, string> =>
  Object.fromEntries(Object.entries({...data, ...patch}).filter(([, v]) => v !== null)) as Record<string, string>
const dataBytes = (data: Record<string, string>) => Object.values(data).reduce((n, v) => n + utf8Bytes(v), 0)

test('the budget is 1 MiB less 64 KiB; bytes are counted as UTF-8, as Go counts len()', () => {
  expect(CONFIGMAP_DATA_LIMIT).toBe(1048576)
  expect(HISTORY_DATA_BUDGET).toBe(1048576 - 65536)
  expect(utf8Bytes('aé€😀')).toBe(1 + 2 + 3 + 4)
  expect(utf8Bytes('\ud800x')).toBe(3 + 1) // a lone surrogate: U+FFFD
  for (const s of ['plain', 'é'.repeat(10), '€😀a\u07ff\u0800']) expect(utf8Bytes(s)).toBe(new TextEncoder().encode(s).length)
})

test('small records: only --history-limit ages entries out; nothing is pruned', () => {
  let data: Record<string, string> = {}
  for (let n = 1; n <= 5; n++) {
    const plan = planAppend(data, rec(n, 100), 3)
    expect(plan.pruned).toEqual([])
    expect(plan.aged).toEqual(n > 3 ? [n - 3] : [])
    data = apply(data, plan.patch)
  }
  expect(Object.keys(data).sort()).toEqual([3, 4, 5].map(revisionKey))
})

test('large records: the oldest are dropped until the data fits the budget, and the plan says which', () => {
  let data: Record<string, string> = {}
  const dropped: number[][] = []
  for (let n = 1; n <= 6; n++) {
    const plan = planAppend(data, rec(n, 300 * KiB), 10)
    dropped.push(plan.pruned)
    data = apply(data, plan.patch)
    expect(plan.bytes).toBe(dataBytes(data))
    expect(dataBytes(data)).toBeLessThanOrEqual(HISTORY_DATA_BUDGET)
  }
  // three records of 300 KiB fit in 960 KiB; each later one drops the oldest
  expect(dropped).toEqual([[], [], [], [1], [2], [3]])
  expect(Object.keys(data).sort()).toEqual([4, 5, 6].map(revisionKey))
  // and appendRecord is the same patch
  expect(appendRecord(data, rec(7, 300 * KiB), 10)).toEqual(planAppend(data, rec(7, 300 * KiB), 10).patch)
})

test('multi-byte values count as their bytes, not their characters', () => {
  // 200 Ki characters of 3 bytes: 600 KiB a record; two do not fit
  const first = planAppend({}, rec(1, 600 * KiB, '€'), 10)
  const data = apply({}, first.patch)
  expect(dataBytes(data)).toBeGreaterThan(590 * KiB)
  expect(planAppend(data, rec(2, 600 * KiB, '€'), 10).pruned).toEqual([1])
  // the same number of ASCII characters fits twice
  const ascii = apply({}, planAppend({}, rec(1, 200 * KiB), 10).patch)
  expect(planAppend(ascii, rec(2, 200 * KiB), 10).pruned).toEqual([])
})

test('damaged entries are dropped like any other, oldest first; keys that are not revisions are counted and kept', () => {
  const data: Record<string, string> = {
    [revisionKey(1)]: 'garbage'.repeat(40 * KiB), // 280 KiB, damaged
    [revisionKey(2)]: JSON.stringify(rec(2, 300 * KiB)),
    notes: 'n'.repeat(100 * KiB),
  }
  expect(readHistoryData(data).damaged.map(d => d.revision)).toEqual([1])
  const plan = planAppend(data, rec(3, 400 * KiB), 10)
  expect(plan.pruned).toEqual([1])
  expect(plan.patch).toEqual({[revisionKey(1)]: null, [revisionKey(3)]: JSON.stringify(rec(3, 400 * KiB))})
  expect(plan.bytes).toBeLessThanOrEqual(HISTORY_DATA_BUDGET)
  // binaryData (counted by the caller) takes its share too
  expect(planAppend(data, rec(3, 400 * KiB), 10, {otherBytes: 300 * KiB}).pruned).toEqual([1, 2])
})

test('a record that cannot fit alone is refused with its size; so is one that the other keys leave no room for', () => {
  const big = rec(5, 1000 * KiB)
  const bytes = utf8Bytes(JSON.stringify(big))
  let err: unknown
  try {
    planAppend({[revisionKey(4)]: JSON.stringify(rec(4, 10))}, big, 10)
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(RecordTooLargeError)
  expect((err as RecordTooLargeError).bytes).toBe(bytes)
  expect((err as Error).message).toBe(
    `the record alone is ${bytes} bytes, over the ${HISTORY_DATA_BUDGET} bytes the history keeps under the 1 MiB ConfigMap limit`,
  )
  expect(() => appendRecord({}, big, 10)).toThrow(RecordTooLargeError)
  // exactly the budget fits
  const exact = rec(1, 0)
  const padding = HISTORY_DATA_BUDGET - utf8Bytes(JSON.stringify(exact))
  exact.targets[0].after = 'x'.repeat(padding)
  expect(utf8Bytes(JSON.stringify(exact))).toBe(HISTORY_DATA_BUDGET)
  expect(planAppend({}, exact, 10).bytes).toBe(HISTORY_DATA_BUDGET)
  exact.targets[0].after += 'x'
  expect(() => planAppend({}, exact, 10)).toThrow('the record alone is 983041 bytes')
  // others' keys are never dropped
  expect(() => planAppend({notes: 'n'.repeat(700 * KiB)}, rec(1, 300 * KiB), 10)).toThrow(
    /^the record is \d+ bytes and the ConfigMap's other keys 716800 bytes, together over the 983040 bytes/,
  )
})
