/** Undo and return to a recorded revision (three-way, per target), and the history as `history` shows it. */
import {CliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {
  damagedMessage,
  describeChange,
  HISTORY_CONFIGMAP,
  drift,
  HistoryError,
  planRestore,
  sameValue,
  type FieldConflict,
  type RestorePlan,
  type RevisionRecord,
} from '../domain/history.js'
import {holdsCredential, redactCommand} from '../domain/redact.js'
import {unsafeWrites, writtenFields} from '../domain/restore-guard.js'
import {liveValues, readLive, type Live, type PlanResult, type Planned} from './change.js'

export interface RollbackRequest {
  /** undefined: undo the newest change */
  toRevision?: number
  /** --target: only these (configmap, storage-container/NAME) */
  targets?: string[]
  force: boolean
  /** fields beyond the plugin's own that the operator lets the rollback write (`all`: any) */
  allowFields?: string[]
  /** the history's resourceVersion a preview was made from: refuse when it has changed since */
  historyVersion?: string
}

export interface RollbackPlan extends PlanResult {
  plan: RestorePlan
  /** the report's verb: "to revision 3", "to the state before revision 4" */
  verb: string
  /** the line when nothing needs to change */
  nothing: string
  /** what the rollback writes, value by value: `configmap image: "…:v0.20.1" -> "…:v0.20.0"` */
  details: string[]
  /** the history's resourceVersion the plan was made from */
  historyVersion?: string
}

export interface Say {
  warn(text: string): void
  /** a diff, on stderr */
  diff(target: string, recorded: unknown, live: unknown): void
}

/** A value in one line, cut to a length a terminal line holds (the diff shows it whole). */
function brief(v: unknown): string {
  const text = v === undefined || v === null ? '(absent)' : JSON.stringify(v)
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters; --diff shows it whole)` : text
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
  if (req.historyVersion !== undefined && req.historyVersion !== (live.historyVersion ?? ''))
    throw new CliError(
      'Conflict',
      `configmap ${live.namespace}/${HISTORY_CONFIGMAP} changed since the preview (resourceVersion ${req.historyVersion}, now ${live.historyVersion ?? 'none'}); nothing was changed`,
      {hint: 'preview the rollback again (--dry-run --diff) and check what it writes'},
    )
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
  // a record is data anyone who may write the history can forge: write only what the plugin's own changes write
  const writes = planned
    .filter(p => !sameValue(p.target.value, p.after))
    .map(p => ({
      target: p.target.id,
      fields: writtenFields(p.target.id, p.target.value, p.after, plan.targets.find(t => t.target === p.target.id)?.base),
      liveObject: p.target.object,
      deletes: p.after === null && p.target.kind === 'ClusterStorageContainer',
    }))
  const unsafe = unsafeWrites(writes, live.history.records, req.allowFields)
  if (unsafe.length) {
    const names = [...new Set(unsafe.filter(u => u.field).map(u => u.field.split('.')[0]))]
    throw new CliError(
      'Invalid',
      `${label} would write what no change of kubectl storage-init writes: ${unsafe.map(u => `${u.target}${u.field ? ` ${u.field} = ${brief(u.to)}` : ''} (${u.why})`).join('; ')}; a history record is data that anyone who may write configmap ${live.namespace}/${HISTORY_CONFIGMAP} can forge, so nothing was changed`,
      {
        hint: names.length
          ? `check every value above against what you expect; to write them anyway: --allow-field ${names.join(',')}`
          : 'delete it with kubectl if that is what you want',
      },
    )
  }
  const details = writes.flatMap(w =>
    w.deletes
      ? [`${w.target}: deleted`]
      : w.fields.map(f => `${w.target} ${f.field || '(whole value)'}: ${brief(f.from)} -> ${brief(f.to)}`),
  )
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
    details,
    historyVersion: live.historyVersion,
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
  /** the recorded command held a credential (an older version recorded it): masked in `command` */
  credentialMasked?: boolean
}

/** Every history entry, oldest first, with Helm-like STATUS and DESCRIPTION. */
export function historyItems(live: Live): HistoryItem[] {
  const {records, damaged} = live.history
  const newest = records[records.length - 1]
  const drifted = drift(records, liveValues(live)).length > 0
  const items: HistoryItem[] = records.map(r => ({
    ...r,
    // a credential recorded by an older version is never shown again (validate's SI080 names the record)
    command: redactCommand(r.command),
    ...(holdsCredential(r.command) ? {credentialMasked: true} : {}),
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
