/** Revision records of applied changes, and the configuration they describe at any revision. */

export interface TargetChange {
  /** configmap | storage-container/NAME */
  target: string
  before: unknown
  after: unknown
}

export interface RevisionRecord {
  revision: number
  time: string
  user: string
  command: string
  targets: TargetChange[]
  rollbackTo?: number
}

export const HISTORY_CONFIGMAP = 'storage-initializer-history'
export const HISTORY_LABELS = {'app.kubernetes.io/managed-by': 'kubectl-storage-init', 'app.kubernetes.io/name': 'storage-initializer-history'}

export function revisionKey(n: number): string {
  return `revision-${String(n).padStart(6, '0')}`
}

/** Records from the history ConfigMap's data, oldest first; entries that do not parse are skipped. */
export function readRecords(data: Record<string, string> | undefined): RevisionRecord[] {
  const out: RevisionRecord[] = []
  for (const [k, v] of Object.entries(data ?? {})) {
    if (!/^revision-\d+$/.test(k)) continue
    try {
      const r = JSON.parse(v)
      if (typeof r.revision === 'number' && Array.isArray(r.targets)) out.push(r)
    } catch {
      // a damaged entry is ignored, not fatal
    }
  }
  return out.sort((a, b) => a.revision - b.revision)
}

/** The data of the history ConfigMap after adding a record and keeping the newest `limit`. */
export function appendRecord(data: Record<string, string> | undefined, record: RevisionRecord, limit: number): Record<string, string | null> {
  const records = [...readRecords(data), record]
  const keep = new Set(records.slice(-Math.max(1, limit)).map(r => revisionKey(r.revision)))
  const patch: Record<string, string | null> = {}
  for (const k of Object.keys(data ?? {})) if (/^revision-\d+$/.test(k) && !keep.has(k)) patch[k] = null
  patch[revisionKey(record.revision)] = JSON.stringify(record)
  return patch
}

export function nextRevision(records: RevisionRecord[]): number {
  return records.length ? records[records.length - 1].revision + 1 : 1
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

/** Stable equality of recorded values (strings byte for byte, objects by content). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b)
}

export function canonical(v: unknown): string {
  const sort = (x: any): any => (Array.isArray(x) ? x.map(sort) : x && typeof x === 'object' ? Object.fromEntries(Object.keys(x).sort().map(k => [k, sort(x[k])])) : x)
  return JSON.stringify(sort(v))
}
