/** Undo and return to a recorded revision (three-way, per target), and the history as `history` shows it. */
import {CliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {
  damagedMessage,
  describeChange,
  drift,
  HistoryError,
  planRestore,
  sameValue,
  type FieldConflict,
  type RestorePlan,
  type RevisionRecord,
} from '../domain/history.js'
import {liveValues, readLive, type Live, type PlanResult, type Planned} from './change.js'

export interface RollbackRequest {
  /** undefined: undo the newest change */
  toRevision?: number
  /** --target: only these (configmap, storage-container/NAME) */
  targets?: string[]
  force: boolean
}

export interface RollbackPlan extends PlanResult {
  plan: RestorePlan
  /** the report's verb: "to revision 3", "to the state before revision 4" */
  verb: string
  /** the line when nothing needs to change */
  nothing: string
}

export interface Say {
  warn(text: string): void
  /** a diff, on stderr */
  diff(target: string, recorded: unknown, live: unknown): void
}

const show = (v: unknown) => (v === undefined || v === null ? '(absent)' : typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v))

function validJson(text: string): boolean {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

function conflictText(target: string, c: FieldConflict): string {
  if (c.path === '') {
    const why =
      target === 'configmap'
        ? typeof c.live === 'string'
          ? validJson(c.live)
            ? 'the live value is not a JSON object'
            : 'the live value is not valid JSON'
          : 'the key is missing'
        : 'the live value is not an object'
    return `${target}: the whole value (${why})`
  }
  return `${target} ${c.path} (live ${show(c.live)}, rollback ${show(c.goal)})`
}

/** --target values: configmap or storage-container/NAME, repeatable or comma-separated. */
export function parseTargets(spec: string[] | undefined): string[] | undefined {
  if (!spec?.length) return undefined
  const out = spec
    .flatMap(s => s.split(','))
    .map(s => s.trim())
    .filter(Boolean)
  for (const t of out)
    if (t !== 'configmap' && !/^storage-container\/[^/]+$/.test(t))
      throw new CliError('Usage', `--target ${t}: expected configmap or storage-container/NAME`)
  return [...new Set(out)]
}

/**
 * Plan a rollback against what was read. Refuses (one line, after the diff) when an edit made outside kubectl
 * storage-init since the newest record touches a field the rollback changes, or a target to restore no longer exists,
 * unless `force`; names every outside edit it keeps or, forced, overwrites.
 */
export function planRollback(live: Live, req: RollbackRequest, say: Say): RollbackPlan {
  let plan: RestorePlan
  try {
    plan = planRestore(live.history, liveValues(live), {toRevision: req.toRevision, targets: req.targets})
  } catch (e) {
    if (!(e instanceof HistoryError)) throw e
    throw new CliError(e.kind === 'Damaged' ? 'Invalid' : e.kind, e.message, {hint: e.hint})
  }
  const label = plan.mode === 'undo' ? `undoing revision ${plan.revision}` : `rolling back to revision ${plan.revision}`
  const display = (id: string) => live.targets.find(t => t.id === id)?.display ?? id
  // targets that are gone: a ClusterStorageContainer deleted since it was recorded
  const gone = plan.targets.filter(t => t.vanished && !sameValue(t.goal, t.base))
  if (gone.length) {
    const names = gone.map(t => t.target).join(', ')
    if (!req.force) {
      const others = plan.targets.filter(t => !t.vanished).map(t => t.target)
      throw new CliError(
        'NotFound',
        `${names}, which ${label} would restore, no longer exists (deleted outside kubectl storage-init); nothing was changed`,
        {
          hint: others.length
            ? `roll back the others with --target ${others.join(',')}, or pass --force to skip it`
            : 'recreate it first, or pass --force to skip it',
        },
      )
    }
    say.warn(`--force: skipping ${names}: it no longer exists, so ${label} cannot restore it`)
  }
  const present = plan.targets.filter(t => !t.vanished)
  const conflicted = present.filter(t => t.merge!.state === 'conflict')
  if (conflicted.length) {
    const details = conflicted.flatMap(t => t.merge!.conflicts.map(c => conflictText(t.target, c))).join('; ')
    if (!req.force) {
      for (const t of conflicted) say.diff(t.target, t.base, t.live)
      throw new CliError(
        'Conflict',
        `the live configuration differs from what revision ${plan.newest} recorded (${conflicted.map(t => t.target).join(', ')}), in what ${label} changes: ${details}; rolling back would overwrite that, so nothing was changed`,
        {hint: 'check the difference above; --force overwrites those fields and keeps every other outside edit'},
      )
    }
    say.warn(`--force: overwriting changes made outside kubectl storage-init since revision ${plan.newest}: ${details}`)
  }
  const kept = present.filter(t => t.merge!.kept.length && t.merge!.state !== 'unchanged')
  if (kept.length)
    say.warn(
      `keeping the changes made outside kubectl storage-init since revision ${plan.newest}: ${kept.map(t => `${display(t.target)} (${t.merge!.kept.map(p => p || 'the whole value').join(', ')})`).join(', ')}; ${label} sets only the fields it changes`,
    )
  const gaps = present.flatMap(t => t.gaps)
  if (gaps.length)
    say.warn(
      `${label} also reverts changes made outside kubectl storage-init after it, which later revisions recorded as their "before": ${gaps.map(g => `${g.target} ${g.path || 'the whole value'} (made between revisions ${g.from} and ${g.to})`).join(', ')}`,
    )
  const planned: Planned[] = present.map(t => ({
    target: live.targets.find(x => x.id === t.target)!,
    after: t.merge!.value,
    what: 'rolled back',
  }))
  // undo: "revision R-1" only when that is the same state (no edit outside the plugin between R-1 and R)
  const state =
    plan.mode === 'undo'
      ? plan.samePrevious
        ? `revision ${plan.revision - 1}`
        : `the state before revision ${plan.revision}`
      : `revision ${plan.revision}`
  const verb = `to ${state}`
  // fields edited outside that the rollback does not change are kept: then the configuration is not "revision N"
  const outside = present
    .filter(t => t.merge!.kept.length)
    .map(t => `${t.target} ${t.merge!.kept.map(p => p || 'the whole value').join(', ')}`)
  const nothing = outside.length
    ? `skipped rollback (what ${label} restores is already there; the changes made outside kubectl storage-init since revision ${plan.newest} are kept: ${outside.join('; ')}; change them with set-image or set-resources)`
    : `skipped rollback (current configuration already matches ${state})`
  return {
    planned,
    plan,
    verb,
    nothing,
    record: plan.mode === 'undo' ? {undo: plan.revision} : {rollbackTo: plan.revision},
    restore: plan.resumes !== undefined ? `${label} (finishing revision ${plan.resumes})` : label,
  }
}

export type HistoryStatus = 'current' | 'drifted' | 'superseded' | 'incomplete' | 'damaged'

export interface HistoryItem extends Partial<RevisionRecord> {
  revision: number
  status: HistoryStatus
  description: string
  /** a damaged entry: why */
  damaged?: string
}

/** Every history entry, oldest first, with Helm-like STATUS and DESCRIPTION. */
export function historyItems(live: Live): HistoryItem[] {
  const {records, damaged} = live.history
  const newest = records[records.length - 1]
  const drifted = drift(records, liveValues(live)).length > 0
  const items: HistoryItem[] = records.map(r => ({
    ...r,
    status: r.incomplete?.length ? 'incomplete' : r === newest ? (drifted ? 'drifted' : 'current') : 'superseded',
    description: describeChange(r),
  }))
  for (const d of damaged) items.push({revision: d.revision, status: 'damaged', description: damagedMessage(d), damaged: d.reason})
  return items.sort((a, b) => a.revision - b.revision)
}

/** The history and the live configuration it is compared with (a broken configuration is fine: history is for repairs). */
export async function loadHistory(client: KubeClient, kserveNamespace?: string): Promise<{live: Live; items: HistoryItem[]}> {
  const live = await readLive(client, kserveNamespace)
  return {live, items: historyItems(live)}
}

/** One entry of the history, or a one-line error for an unknown or damaged one. */
export function historyItem(live: Live, items: HistoryItem[], n: number): HistoryItem {
  const item = items.find(i => i.revision === n)
  if (!item)
    throw new CliError('NotFound', `unable to find specified revision ${n} in history`, {
      hint: items.length ? `recorded: ${items.map(i => i.revision).join(', ')}` : 'nothing is recorded',
    })
  if (item.damaged !== undefined)
    throw new CliError('Invalid', item.description, {
      hint: `it is never written back; repair it with kubectl edit configmap storage-initializer-history -n ${live.namespace}, or remove the key ${`revision-${String(n).padStart(6, '0')}`}`,
    })
  return item
}
