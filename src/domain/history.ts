/**
 * Revision records of applied changes, the configuration they describe at any revision, and undo as a three-way merge
 * (the record's before/after against the live value), as pure functions.
 */
import {editFields, goFieldOf, members} from './json-edit.js'
import {jsonTooDeep} from './json-error.js'

export interface TargetChange {
  /** configmap | storage-container/NAME | inferenceservice/NS/NAME | llminferenceservice/NS/NAME */
  target: string
  /** the live value when the change was made (ConfigMap: the storageInitializer text; storage container: spec.container); null: absent */
  before: unknown
  /** what the change wrote */
  after: unknown
}

export interface RevisionRecord {
  revision: number
  time: string
  user: string
  command: string
  targets: TargetChange[]
  /** a rollback to the state recorded at this revision */
  rollbackTo?: number
  /** a rollback that undid this revision */
  undo?: number
  /** a change that failed half-way: the targets it meant to change but did not */
  incomplete?: string[]
  /** targets found changed outside kubectl storage-init when this change was made (their `before` holds that edit) */
  drift?: string[]
  /** rollouts that brought this change to running models (kubectl storage-init rollout), oldest first */
  rollouts?: RolloutRecord[]
}

/** A rollout, as the history keeps it beside the change it brought to the models. */
export interface RolloutRecord {
  time: string
  user: string
  command: string
  /** each model rolled: `inferenceservice/NAME -n NS`, how it ended (done, failed, rolling: not done in time) and why */
  models: {model: string; state: string; reason?: string}[]
  /** models left out of the list to keep the record small */
  more?: number
}

/** A history entry that cannot be used: never written back to the cluster. */
export interface DamagedRecord {
  revision: number
  key: string
  reason: string
  /** what the entry holds (its first DAMAGED_SHOWN characters), to show what is damaged */
  text?: string
}

/** How much of a damaged entry is kept to show: enough to see what is wrong, never the whole of a large one. */
export const DAMAGED_SHOWN = 2000

export interface History {
  /** usable records, oldest first */
  records: RevisionRecord[]
  damaged: DamagedRecord[]
}

export const HISTORY_CONFIGMAP = 'storage-initializer-history'
export const HISTORY_LABELS = {
  'app.kubernetes.io/managed-by': 'kubectl-storage-init',
  'app.kubernetes.io/name': 'storage-initializer-history',
}
const KEY = /^revision-(\d+)$/

export function revisionKey(n: number): string {
  return `revision-${String(n).padStart(6, '0')}`
}

export function damagedMessage(d: DamagedRecord, namespace?: string): string {
  return `revision ${d.revision} in configmap ${namespace ? `${namespace}/` : ''}${HISTORY_CONFIGMAP} is damaged: ${d.reason}`
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A record as stored under `key`, or why it cannot be used. */
export function parseRecord(key: string, text: string): RevisionRecord | string {
  const n = Number(KEY.exec(key)?.[1])
  let r: any
  try {
    r = JSON.parse(text)
  } catch (e) {
    return `not valid JSON (${(e as Error).message.split('\n')[0]})`
  }
  // the containers a record holds are compared, merged and printed by walks that recurse: a record nested deeper than
  // they can go is refused whole (a storageInitializer text is a string here, whatever it holds: see documentOf)
  const deep = jsonTooDeep(text)
  if (deep) return deep.message.replace(/ \(.*\)$/, '')
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'not a JSON object'
  if (r.revision !== n)
    return r.revision === undefined
      ? 'the field "revision" is missing'
      : `its "revision" is ${JSON.stringify(r.revision)}, its key says ${n}`
  for (const f of ['time', 'user', 'command'])
    if (typeof r[f] !== 'string') return r[f] === undefined ? `the field "${f}" is missing` : `"${f}" is not a string`
  if (!Array.isArray(r.targets)) return r.targets === undefined ? 'the field "targets" is missing' : '"targets" is not a list'
  for (const [i, t] of (r.targets as unknown[]).entries()) {
    if (!isObj(t) || typeof t.target !== 'string') return `targets[${i}] has no "target"`
    const cm = t.target === 'configmap'
    // an InferenceService's spec.predictor.storageContainerName (a string) and an LLMInferenceService's init-container
    // override (an object) are the per-model targets
    const isvc = /^inferenceservice\/[^/]+\/[^/]+$/.test(t.target)
    if (!cm && !isvc && !/^(storage-container|llminferenceservice\/[^/]+)\/[^/]+$/.test(t.target))
      return `targets[${i}]: unknown target "${t.target}"`
    for (const f of ['before', 'after']) {
      if (!(f in t)) return `targets[${i}] (${t.target}) has no "${f}"`
      const v = t[f]
      if (v !== null && (cm || isvc ? typeof v !== 'string' : !isObj(v)))
        return `targets[${i}] (${t.target}): "${f}" is not ${cm ? 'a string (the storageInitializer text)' : isvc ? 'a string (storageContainerName)' : 'an object (a container)'}`
    }
  }
  for (const f of ['rollbackTo', 'undo'])
    if (r[f] !== undefined && !(Number.isInteger(r[f]) && r[f] >= 0)) return `"${f}" is not a revision number`
  for (const f of ['incomplete', 'drift'])
    if (r[f] !== undefined && !(Array.isArray(r[f]) && r[f].every((x: unknown) => typeof x === 'string')))
      return `"${f}" is not a list of targets`
  if (r.rollouts !== undefined) {
    const ok = (x: any) =>
      isObj(x) &&
      ['time', 'user', 'command'].every(k => typeof x[k] === 'string') &&
      Array.isArray(x.models) &&
      x.models.every((m: any) => isObj(m) && typeof m.model === 'string' && typeof m.state === 'string')
    if (!(Array.isArray(r.rollouts) && r.rollouts.every(ok))) return '"rollouts" is not a list of rollouts'
  }
  return r as RevisionRecord
}

/** Every entry of the history ConfigMap's data: usable records oldest first, and damaged ones with the reason. */
export function readHistoryData(data: Record<string, string> | undefined): History {
  const records: RevisionRecord[] = []
  const damaged: DamagedRecord[] = []
  for (const [key, text] of Object.entries(data ?? {})) {
    const m = KEY.exec(key)
    if (!m) continue
    const r = parseRecord(key, String(text))
    if (typeof r === 'string') damaged.push({revision: Number(m[1]), key, reason: r, text: String(text).slice(0, DAMAGED_SHOWN)})
    else records.push(r)
  }
  return {records: records.sort((a, b) => a.revision - b.revision), damaged: damaged.sort((a, b) => a.revision - b.revision)}
}

/** Usable records, oldest first (damaged ones left out: see readHistoryData). */
export function readRecords(data: Record<string, string> | undefined): RevisionRecord[] {
  return readHistoryData(data).records
}

/**
 * What the API server lets a ConfigMap's data hold: core.MaxSecretSize, 1 MiB, the sum of len() of every data and
 * binaryData value (UTF-8 bytes; keys and metadata are not counted): kube-apiserver's ValidateConfigMap.
 */
export const CONFIGMAP_DATA_LIMIT = 1024 * 1024
/** What the history keeps its data under: the limit less 64 KiB, so that an estimate a little off never meets it. */
export const HISTORY_DATA_BUDGET = CONFIGMAP_DATA_LIMIT - 64 * 1024

/** The bytes of a string in UTF-8, as Go's len() counts it once the API server has decoded it (a lone surrogate: U+FFFD). */
export function utf8Bytes(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4
      i++
    } else n += 3
  }
  return n
}

/** A record that the history ConfigMap cannot hold, even with every older entry dropped. */
export class RecordTooLargeError extends Error {
  constructor(
    /** the record's bytes */
    readonly bytes: number,
    /** what the ConfigMap holds besides revisions (other keys, binaryData), which are never dropped */
    readonly otherBytes: number,
    readonly budget: number,
  ) {
    super(
      otherBytes > 0 && bytes <= budget
        ? `the record is ${bytes} bytes and the ConfigMap's other keys ${otherBytes} bytes, together over the ${budget} bytes the history keeps under the 1 MiB ConfigMap limit`
        : `the record alone is ${bytes} bytes, over the ${budget} bytes the history keeps under the 1 MiB ConfigMap limit`,
    )
    this.name = 'RecordTooLargeError'
  }
}

export interface AppendPlan {
  /** the data patch of the history ConfigMap (a merge patch: null drops a key) */
  patch: Record<string, string | null>
  /** entries dropped to keep the newest `limit` (revision numbers, oldest first) */
  aged: number[]
  /** entries dropped, besides those, to keep the data under the budget (oldest first): worth a note */
  pruned: number[]
  /** the bytes the data holds once the patch is applied (binaryData included) */
  bytes: number
}

/**
 * Adding a record: keep the newest `limit` entries (damaged ones too), then drop the oldest of them until the data
 * (values' UTF-8 bytes, other keys' and `otherBytes` too) is within `budget`. A record that cannot fit even alone throws
 * RecordTooLargeError.
 */
export function planAppend(
  data: Record<string, string> | undefined,
  record: RevisionRecord,
  limit: number,
  opts: {budget?: number; otherBytes?: number} = {},
): AppendPlan {
  const budget = opts.budget ?? HISTORY_DATA_BUDGET
  const key = revisionKey(record.revision)
  const text = JSON.stringify(record)
  const bytes = utf8Bytes(text)
  let other = opts.otherBytes ?? 0
  const entries: {key: string; n: number; bytes: number}[] = []
  for (const [k, v] of Object.entries(data ?? {})) {
    const m = KEY.exec(k)
    if (!m) other += utf8Bytes(String(v))
    else if (k !== key) entries.push({key: k, n: Number(m[1]), bytes: utf8Bytes(String(v))})
  }
  if (bytes + other > budget) throw new RecordTooLargeError(bytes, other, budget)
  const all = [...entries, {key, n: record.revision, bytes}].sort((a, b) => a.n - b.n)
  const newest = new Set(all.slice(-Math.max(1, limit)).map(x => x.key))
  const aged = entries.filter(e => !newest.has(e.key)).sort((a, b) => a.n - b.n)
  const kept = entries.filter(e => newest.has(e.key)).sort((a, b) => a.n - b.n)
  let total = other + bytes + kept.reduce((n, e) => n + e.bytes, 0)
  const pruned: typeof kept = []
  while (total > budget && kept.length > 0) {
    const e = kept.shift()!
    pruned.push(e)
    total -= e.bytes
  }
  const patch: Record<string, string | null> = {}
  for (const e of [...aged, ...pruned]) patch[e.key] = null
  patch[key] = text
  return {patch, aged: aged.map(e => e.n), pruned: pruned.map(e => e.n), bytes: total}
}

/**
 * The data patch of the history ConfigMap that adds a record and keeps the newest `limit` entries, damaged ones too,
 * as many of them as fit under HISTORY_DATA_BUDGET (planAppend says which were dropped).
 */
export function appendRecord(
  data: Record<string, string> | undefined,
  record: RevisionRecord,
  limit: number,
): Record<string, string | null> {
  return planAppend(data, record, limit).patch
}

/** The next revision number: after every entry, damaged ones included (a damaged entry is never overwritten). */
export function nextRevision(records: RevisionRecord[], damaged: DamagedRecord[] = []): number {
  return Math.max(0, ...records.map(r => r.revision), ...damaged.map(d => d.revision)) + 1
}

/**
 * The value of every recorded target right after revision n (n = 0: before the first recorded change): the `after` of
 * the newest record up to n that touched it, else the `before` of the oldest later record that touched it.
 */
export function stateAt(records: RevisionRecord[], n: number): Map<string, unknown> {
  const state = new Map<string, unknown>()
  const targets = new Set(records.flatMap(r => r.targets.map(t => t.target)))
  for (const target of targets) {
    const upTo = records.filter(r => r.revision <= n && r.targets.some(t => t.target === target))
    if (upTo.length) {
      state.set(target, upTo[upTo.length - 1].targets.find(t => t.target === target)!.after)
      continue
    }
    const later = records.find(r => r.revision > n && r.targets.some(t => t.target === target))
    if (later) state.set(target, later.targets.find(t => t.target === target)!.before)
  }
  return state
}

/** The newest record that changed `target` (undefined: none did). */
export function newestTouching(records: RevisionRecord[], target: string): RevisionRecord | undefined {
  for (let i = records.length - 1; i >= 0; i--) if (records[i].targets.some(t => t.target === target)) return records[i]
  return undefined
}

/** Stable equality of recorded values (strings byte for byte, objects by content; absent = null). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a ?? null) === canonical(b ?? null)
}

export function canonical(v: unknown): string {
  const sort = (x: any): any =>
    Array.isArray(x)
      ? x.map(sort)
      : x && typeof x === 'object'
        ? Object.fromEntries(
            Object.keys(x)
              .sort()
              .map(k => [k, sort(x[k])]),
          )
        : x
  return JSON.stringify(sort(v))
}

// ---------------------------------------------------------------------------------------------------------------------
// Field-level view of a target's value: the ConfigMap's storageInitializer is a JSON text (its fields are compared once
// parsed), a storage container's spec.container is an object. A field is a path of object keys (arrays are one value).

export type ValueKind = 'json-text' | 'object'

export const kindOf = (target: string): ValueKind => (target === 'configmap' ? 'json-text' : 'object')

/** An own property, whatever its name (`__proto__`, `constructor`): never one inherited. */
const own = (o: Record<string, unknown>, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined)

function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, {value: v, enumerable: true, writable: true, configurable: true})
}

/**
 * The document of a value, or undefined when it is not a JSON object (invalid JSON, absent). A storageInitializer text
 * is read as KServe (Go's encoding/json) reads it: every key that Go matches to a field of its struct (`Image`,
 * `CPULimit`, `cpuRequeſt`: goFieldOf) is that field, under the field's own name, with the value of the last such key;
 * any other key is what JSON.parse makes of it (the last one of the same spelling). Keys keep their first place.
 */
export function documentOf(kind: ValueKind, v: unknown): Record<string, unknown> | undefined {
  if (kind === 'object') return isObj(v) ? v : undefined
  // a text nested too deep for the walks that compare documents (sameValue, merge3) is compared as a whole value
  if (typeof v !== 'string' || jsonTooDeep(v)) return undefined
  try {
    if (!isObj(JSON.parse(v))) return undefined
  } catch {
    return undefined
  }
  const doc: Record<string, unknown> = {}
  for (const {key, raw} of members(v)) setOwn(doc, goFieldOf(key) ?? key, JSON.parse(raw))
  return doc
}

export interface FieldDiff {
  /** dotted path of object keys; '' is the whole value (one side is not a JSON object) */
  path: string
  a: unknown
  b: unknown
}

const join = (path: string, k: string) => (path ? `${path}.${k}` : k)

function diffValues(a: unknown, b: unknown, path: string, out: FieldDiff[]): void {
  if (sameValue(a, b)) return
  if (isObj(a) && isObj(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) diffValues(own(a, k), own(b, k), join(path, k), out)
    return
  }
  out.push({path, a, b})
}

function leaves(v: Record<string, unknown>, path: string): [string, unknown][] {
  return Object.entries(v).flatMap(([k, x]) =>
    isObj(x) && Object.keys(x).length ? leaves(x, join(path, k)) : [[join(path, k), x] as [string, unknown]],
  )
}

/** The fields in which two values of a target differ (a text that only differs in formatting: none). */
export function fieldDiff(kind: ValueKind, a: unknown, b: unknown): FieldDiff[] {
  if (sameValue(a, b)) return []
  const da = documentOf(kind, a)
  const db = documentOf(kind, b)
  if (!da || !db) return [{path: '', a, b}]
  const out: FieldDiff[] = []
  diffValues(da, db, '', out)
  return out
}

/** The value of one field of a target's value (undefined: absent, or the value is not a document). */
export function fieldValue(kind: ValueKind, v: unknown, path: string): unknown {
  if (path === '') return v
  let cur: unknown = documentOf(kind, v)
  for (const k of path.split('.')) cur = isObj(cur) ? own(cur, k) : undefined
  return cur
}

export interface FieldConflict {
  path: string
  base: unknown
  goal: unknown
  live: unknown
}

export interface Merge {
  /** the value to write (equal to live when there is nothing to do); with conflicts, the goal wins them (--force) */
  value: unknown
  /** unchanged: live is already the goal; restored: live was what the plugin left, the goal is written as recorded;
   *  merged: the fields the rollback changes are set, fields edited outside are kept; conflict: both changed a field */
  state: 'unchanged' | 'restored' | 'merged' | 'conflict'
  /** fields the rollback changes */
  reverted: string[]
  /** fields edited outside kubectl storage-init since the record, kept */
  kept: string[]
  /** fields both the rollback and an outside edit change (path '' when live or a side is not a JSON object) */
  conflicts: FieldConflict[]
}

interface MergeAcc {
  reverted: string[]
  kept: string[]
  conflicts: FieldConflict[]
}

function mergeValue(b: unknown, g: unknown, l: unknown, path: string, acc: MergeAcc): unknown {
  if (sameValue(g, b)) {
    // not the rollback's business: every field edited outside here is kept
    const edited: FieldDiff[] = []
    diffValues(b, l, path, edited)
    acc.kept.push(...edited.map(d => d.path))
    return l
  }
  if (sameValue(l, b)) {
    // the whole document (a text that only differs from base in formatting or in the case of its keys): field by field
    if (path === '') {
      const fields: FieldDiff[] = []
      diffValues(b, g, path, fields)
      acc.reverted.push(...fields.map(d => d.path))
    } else acc.reverted.push(path)
    return g
  }
  if (sameValue(l, g)) return l
  if (isObj(b) && isObj(g) && isObj(l)) {
    const out: Record<string, unknown> = {}
    for (const k of new Set([...Object.keys(l), ...Object.keys(g), ...Object.keys(b)])) {
      const v = mergeValue(own(b, k), own(g, k), own(l, k), join(path, k), acc)
      if (v !== undefined) setOwn(out, k, v)
    }
    return out
  }
  acc.conflicts.push({path, base: b, goal: g, live: l})
  return g
}

/**
 * Three-way merge of one target: `base` is what kubectl storage-init last left (the newest record's after), `goal` is
 * what the rollback restores, `live` is what is there now. When live is still base the goal is written as recorded
 * (byte for byte); when live was edited outside, only the fields that differ between base and goal are set, and
 * outside edits of other fields are kept; a field that both changed is a conflict. A storageInitializer text is merged
 * field by field as KServe reads it (documentOf): a key set twice, or in another case, is no obstacle; a key renamed
 * in case only (`CPULimit` for `cpuLimit`) is no change; a field is written where Go reads it (editFields).
 */
export function merge3(kind: ValueKind, base: unknown, goal: unknown, live: unknown): Merge {
  const acc: MergeAcc = {reverted: [], kept: [], conflicts: []}
  if (sameValue(live, goal)) return {value: live, state: 'unchanged', ...acc}
  if (sameValue(live, base)) return {value: goal, state: 'restored', ...acc, reverted: fieldDiff(kind, base, goal).map(d => d.path)}
  const [db, dg, dl] = [base, goal, live].map(v => documentOf(kind, v))
  if (!db || !dg || !dl) return {value: goal, state: 'conflict', ...acc, conflicts: [{path: '', base, goal, live}]}
  const merged = mergeValue(db, dg, dl, '', acc) as Record<string, unknown>
  let value: unknown = merged
  if (kind === 'json-text') {
    // set the merged fields into the live text: its formatting and every other byte stay; a field goes to the key Go
    // reads it from (the last that matches), a removed one takes every key Go would read it from
    const changes: Record<string, unknown> = {}
    for (const k of new Set([...Object.keys(dl), ...Object.keys(merged)]))
      if (!sameValue(own(merged, k), own(dl, k)) || Object.hasOwn(dl, k) !== Object.hasOwn(merged, k)) setOwn(changes, k, own(merged, k))
    value = Object.keys(changes).length ? editFields(live as string, changes) : live
  }
  const state = acc.conflicts.length ? 'conflict' : sameValue(value, live) ? 'unchanged' : 'merged'
  return {value, state, ...acc}
}

// ---------------------------------------------------------------------------------------------------------------------
// Planning a rollback.

export class HistoryError extends Error {
  constructor(
    readonly kind: 'NotFound' | 'Damaged' | 'Usage',
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'HistoryError'
  }
}

export interface GapEdit {
  target: string
  path: string
  /** recorded between these two revisions: after `from`, before `to` */
  from: number
  to: number
  value: unknown
}

export interface RestoreTarget {
  target: string
  base: unknown
  goal: unknown
  /** undefined when the target does not exist any more */
  live: unknown
  vanished: boolean
  /** absent when vanished */
  merge?: Merge
  /** edits made outside kubectl storage-init between two recorded changes (captured by the later one's before) that this rollback reverts */
  gaps: GapEdit[]
}

export interface RestorePlan {
  mode: 'undo' | 'to-revision'
  /** undo: the revision undone; to-revision: the revision returned to */
  revision: number
  /** the newest usable record (what "live should be" refers to) */
  newest: number
  /** an incomplete rollback this one finishes */
  resumes?: number
  targets: RestoreTarget[]
  /** undo: the state before the undone revision is the state recorded at the revision before it */
  samePrevious: boolean
}

export interface RestoreRequest {
  /** undefined: undo the newest change */
  toRevision?: number
  /** only these targets */
  targets?: string[]
}

function describeTargets(ts: string[]): string {
  return ts.length ? ts.join(', ') : 'nothing'
}

/**
 * What a rollback would do, target by target, against the live values (a map of every existing target). Throws a
 * HistoryError for an unknown or damaged revision, or an unknown --target.
 */
export function planRestore(h: History, live: Map<string, unknown>, req: RestoreRequest = {}): RestorePlan {
  const {records, damaged} = h
  if (records.length === 0 && damaged.length === 0)
    throw new HistoryError(
      'NotFound',
      'no revision history: nothing has been changed with kubectl storage-init in this cluster (or the history was deleted)',
    )
  const all = [...records.map(r => r.revision), ...damaged.map(d => d.revision)].sort((a, b) => a - b)
  const newestEntry = all[all.length - 1]
  const isDamaged = (n: number) => damaged.find(d => d.revision === n)
  const byNumber = (n: number) => records.find(r => r.revision === n)
  let mode: RestorePlan['mode']
  let revision: number
  let resumes: number | undefined
  if (req.toRevision === undefined) {
    const d = isDamaged(newestEntry)
    if (d)
      throw new HistoryError(
        'Damaged',
        `${damagedMessage(d)}; it cannot be undone`,
        'see kubectl storage-init history; roll back to an earlier revision with --to-revision N, or repair or delete the entry',
      )
    const newest = byNumber(newestEntry)!
    if (newest.incomplete?.length && (newest.undo !== undefined || newest.rollbackTo !== undefined)) {
      // "run the same command again to finish": an incomplete rollback is finished, not undone
      resumes = newest.revision
      mode = newest.undo !== undefined ? 'undo' : 'to-revision'
      revision = (newest.undo ?? newest.rollbackTo)!
    } else {
      mode = 'undo'
      revision = newest.revision
    }
  } else {
    mode = 'to-revision'
    revision = req.toRevision
  }
  const oldest = all[0]
  if (mode === 'to-revision') {
    // 0 is always the state before the oldest recorded revision, also once older ones were pruned
    const known = all.includes(revision) || (revision === oldest - 1 && revision >= 0) || revision === 0
    if (!known)
      throw new HistoryError(
        'NotFound',
        `unable to find specified revision ${revision} in history`,
        `recorded: ${all.join(', ')}, and 0 (the state before revision ${oldest}); see kubectl storage-init history`,
      )
    const d = isDamaged(revision)
    if (d)
      throw new HistoryError(
        'Damaged',
        `${damagedMessage(d)}; its state cannot be restored`,
        'see kubectl storage-init history; pick another revision',
      )
    const later = damaged.filter(x => x.revision > revision)
    if (later.length) {
      // a revision after every damaged entry can be restored (a damaged one's own state cannot)
      const last = later[later.length - 1]
      const usable = records.find(r => r.revision > last.revision)
      throw new HistoryError(
        'Damaged',
        `${damagedMessage(later[0])}; rolling back past it is not safe, since what it changed is unknown`,
        usable
          ? `roll back to revision ${usable.revision} or later, or repair or delete the damaged ${later.length > 1 ? `entries (${later.map(d => d.revision).join(', ')})` : 'entry'}`
          : `repair or delete the damaged ${later.length > 1 ? `entries (${later.map(d => d.revision).join(', ')})` : 'entry'}: no later revision can be restored`,
      )
    }
  } else {
    const undone = byNumber(revision)
    if (!undone) {
      const d = isDamaged(revision)
      throw new HistoryError(
        d ? 'Damaged' : 'NotFound',
        d ? `${damagedMessage(d)}; it cannot be undone` : `unable to find revision ${revision} in history`,
      )
    }
    const later = damaged.find(x => x.revision > revision)
    if (later)
      throw new HistoryError(
        'Damaged',
        `${damagedMessage(later)}; undoing revision ${revision} past it is not safe`,
        'repair or delete the entry',
      )
  }
  const newestGood = records.length ? records[records.length - 1].revision : 0
  const base = stateAt(records, newestGood)
  // the goal, target by target
  const goal = new Map<string, unknown>()
  if (mode === 'undo') for (const t of byNumber(revision)!.targets) goal.set(t.target, t.before)
  else {
    for (const [t, v] of stateAt(records, revision)) goal.set(t, v)
    // a damaged entry at or before the revision may have changed a target after the record the goal comes from
    for (const [t] of goal) {
      const from = records.filter(r => r.revision <= revision && r.targets.some(x => x.target === t)).pop()?.revision ?? -1
      const d = damaged.find(x => x.revision > from && x.revision <= revision)
      if (d)
        throw new HistoryError(
          'Damaged',
          `${damagedMessage(d)}; the state of ${t} at revision ${revision} is not known`,
          'repair or delete the entry, or pick another revision',
        )
    }
  }
  let names = [...goal.keys()]
  if (req.targets?.length) {
    for (const t of req.targets)
      if (!goal.has(t))
        throw new HistoryError(
          'Usage',
          mode === 'undo'
            ? `--target ${t}: revision ${revision} did not change it (it changed ${describeTargets(names)})`
            : `--target ${t}: no recorded revision changed it (recorded: ${describeTargets(names)})`,
        )
    names = names.filter(t => req.targets!.includes(t))
  }
  const targets: RestoreTarget[] = names.map(target => {
    const kind = kindOf(target)
    const b = base.get(target) ?? null
    const g = goal.get(target) ?? null
    const gaps: GapEdit[] = []
    if (mode === 'to-revision') {
      const touching = records.filter(r => r.targets.some(x => x.target === target))
      for (let i = 1; i < touching.length; i++) {
        const [a, c] = [touching[i - 1], touching[i]]
        if (c.revision <= revision) continue
        const after = a.targets.find(x => x.target === target)!.after
        const before = c.targets.find(x => x.target === target)!.before
        for (const d of fieldDiff(kind, after, before)) {
          // the edit replaced a value that was not a document (a repair): each of its fields is the edit
          const doc = d.path === '' ? documentOf(kind, d.b) : undefined
          if (doc) for (const [path, value] of leaves(doc, '')) gaps.push({target, path, from: a.revision, to: c.revision, value})
          else gaps.push({target, path: d.path, from: a.revision, to: c.revision, value: d.b})
        }
      }
    }
    if (!live.has(target)) return {target, base: b, goal: g, live: undefined, vanished: true, gaps}
    const l = live.get(target) ?? null
    const merge = merge3(kind, b, g, l)
    // a gap edit is reverted when what is written no longer holds it
    const reverted = gaps.filter(
      x =>
        merge.state !== 'unchanged' &&
        !sameValue(fieldValue(kind, merge.value, x.path), x.value) &&
        sameValue(fieldValue(kind, l, x.path), x.value),
    )
    return {target, base: b, goal: g, live: l, vanished: false, merge, gaps: reverted}
  })
  // undo: is the state before the undone revision the one recorded at the revision before it (no edits in between)?
  const prev = stateAt(records, revision - 1)
  const samePrevious = mode === 'undo' && [...goal].every(([t, v]) => sameValue(prev.get(t), v))
  return {mode, revision, newest: newestGood, resumes, targets, samePrevious}
}

/** Targets whose live value is not what the newest record touching them left, with the fields that differ. */
export function drift(records: RevisionRecord[], live: Map<string, unknown>): {target: string; fields: FieldDiff[]}[] {
  if (records.length === 0) return []
  const out: {target: string; fields: FieldDiff[]}[] = []
  for (const [target, recorded] of stateAt(records, records[records.length - 1].revision)) {
    if (!live.has(target)) continue
    const value = live.get(target) ?? null
    if (sameValue(recorded, value)) continue
    out.push({target, fields: fieldDiff(kindOf(target), recorded, value)})
  }
  return out
}

/** One line of what a record changed: `image=…:v0.20.1 (configmap, storage-container/default)`. */
export function describeChange(r: RevisionRecord): string {
  const groups = new Map<string, string[]>()
  for (const t of r.targets) {
    const name = t.target
    const kind = kindOf(t.target)
    // a model's storageContainerName is one field; a container made or removed is said so, with what it holds
    if (name.startsWith('inferenceservice/')) {
      add(groups, t.after === null ? 'storageContainerName removed' : `storageContainerName=${String(t.after)}`, name)
      continue
    }
    if (t.before === null && documentOf(kind, t.after)) {
      const fields = leaves(documentOf(kind, t.after)!, '')
      add(groups, `created with ${fields.map(([path, v]) => `${path}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}`, name)
      continue
    }
    if (t.after === null && t.before !== null) {
      add(groups, 'removed', name)
      continue
    }
    const diffs = fieldDiff(kind, t.before, t.after)
    if (diffs.length === 0) add(groups, 'formatting', name)
    for (const d of diffs)
      add(
        groups,
        d.path === ''
          ? 'whole value replaced'
          : d.b === undefined
            ? `${d.path} removed`
            : `${d.path}=${typeof d.b === 'string' ? d.b : JSON.stringify(d.b)}`,
        name,
      )
  }
  const what = [...groups].map(([change, ts]) => `${change} (${ts.join(', ')})`).join('; ')
  const prefix = r.undo !== undefined ? `Undo of revision ${r.undo}` : r.rollbackTo !== undefined ? `Rollback to ${r.rollbackTo}` : ''
  return [prefix, what].filter(Boolean).join(': ')
}

function add(m: Map<string, string[]>, k: string, v: string): void {
  m.set(k, [...(m.get(k) ?? []), v])
}
