/** Undo and return to a recorded revision (three-way, per target), and the history as `history` shows it. */
import {CliError} from '../errors.js'
import {CONFIGMAP} from '../kube/kserve.js'
import type {KubeClient} from '../kube/client.js'
import {
  damagedMessage,
  describeChange,
  documentOf,
  fieldDiff,
  fieldValue,
  HISTORY_CONFIGMAP,
  drift,
  HistoryError,
  kindOf,
  newestTouching,
  planRestore,
  sameValue,
  type FieldConflict,
  type RestorePlan,
  type RevisionRecord,
} from '../domain/history.js'
import {holdsCredential, redactCommand} from '../domain/redact.js'
import {unsafeWrites, writtenFields} from '../domain/restore-guard.js'
import {dedicatedBaseline, dedicatedName, dedicatedObject} from '../domain/plans/model.js'
import type {InferenceServiceTarget} from '../domain/plans/target.js'
import type {Container} from '../domain/container-merge.js'
import {configMapTarget, liveValues, readLive, type Live, type PlanResult, type Planned} from './change.js'

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
  /** what the rollback writes into each target, value by value: `image: "…:v0.20.1" -> "…:v0.20.0"` */
  details: Record<string, string[]>
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

function jsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null && !Array.isArray(v)
  } catch {
    return false
  }
}

/** Why a target is merged as a whole value: which side is not a document (the live value, before the recorded ones). */
function wholeValueWhy(target: string, c: FieldConflict): string {
  const kind = kindOf(target)
  const what = kind === 'json-text' ? 'a JSON object' : 'an object'
  if (!documentOf(kind, c.live)) {
    if (kind !== 'json-text') return 'the live value is not an object'
    if (typeof c.live !== 'string') return 'the key is missing'
    if (!validJson(c.live)) return 'the live value is not valid JSON'
    return jsonObject(c.live) ? 'the live value is nested too deep to merge field by field' : 'the live value is not a JSON object'
  }
  if (!documentOf(kind, c.goal)) return c.goal === null ? 'the value to restore is absent' : `the value to restore is not ${what}`
  return `the value the newest record left is not ${what}`
}

function conflictText(target: string, c: FieldConflict): string {
  if (c.path === '') return `${target}: the whole value (${wholeValueWhy(target, c)})`
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
  // a deleted ConfigMap is a target that vanished, which a rollback recreates (below)
  const cmTarget = configMapTarget(live)
  const values = liveValues(live)
  if (!cmTarget.object) values.delete('configmap')
  try {
    plan = planRestore(live.history, values, {toRevision: req.toRevision, targets: req.targets})
  } catch (e) {
    if (!(e instanceof HistoryError)) throw e
    throw new CliError(e.kind === 'Damaged' ? 'Invalid' : e.kind, e.message, {hint: e.hint})
  }
  const label = plan.mode === 'undo' ? `undoing revision ${plan.revision}` : `rolling back to revision ${plan.revision}`
  // each target's recorded value comes from the newest revision that touched it, not always the newest revision
  const recordedAt = (targets: string[]) => {
    const at = targets.map(t => ({t, n: newestTouching(live.history.records, t)?.revision}))
    return at.every(x => x.n === plan.newest)
      ? `revision ${plan.newest} recorded (${targets.join(', ')})`
      : `kubectl storage-init last recorded (${at.map(x => `${x.t} at revision ${x.n}`).join(', ')})`
  }
  const display = (id: string) => live.targets.find(t => t.id === id)?.display ?? id
  // targets that are gone: a ClusterStorageContainer deleted since it was recorded
  const recreate = plan.targets.filter(t => t.vanished && t.target === 'configmap' && t.goal !== null)
  if (recreate.length)
    say.warn(
      `configmap ${live.namespace}/${CONFIGMAP} does not exist: ${label} recreates it (only if it still does not exist when written) with the storageInitializer the history holds; KServe's other keys in it are not in the history: restore them from your KServe release`,
    )
  // a per-model container the plugin made, deleted by an undo, comes back with the field naming it (undo of an undo):
  // made again as the per-model change makes it, for the model the same record names
  const remake = plan.targets.flatMap(t => {
    if (!t.vanished || t.goal === null || !t.target.startsWith('storage-container/')) return []
    const name = t.target.slice('storage-container/'.length)
    const model = live.targets.find(
      (m): m is InferenceServiceTarget =>
        m.kind === 'InferenceService' &&
        dedicatedName({kind: 'InferenceService', namespace: m.namespace!, name: m.name}) === name &&
        plan.targets.some(x => x.target === m.id),
    )
    return model ? [{t, name, model}] : []
  })
  const gone = plan.targets.filter(
    t => t.vanished && t.target !== 'configmap' && !remake.some(x => x.t === t) && !sameValue(t.goal, t.base),
  )
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
        `the live configuration differs from what ${recordedAt(conflicted.map(t => t.target))}, in what ${label} changes: ${details}; rolling back would overwrite that, so nothing was changed`,
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
  const planned: Planned[] = [
    ...recreate.map(t => ({
      target: cmTarget,
      after: t.goal,
      what: 'recreated and rolled back',
      create: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: CONFIGMAP, namespace: live.namespace}, data: {}},
    })),
    ...remake.map(({t, name, model}) => ({
      target: {
        id: t.target,
        display: `clusterstoragecontainer.serving.kserve.io/${name}`,
        kind: 'ClusterStorageContainer' as const,
        name,
        object: undefined,
        value: null,
        serving: true,
      },
      after: t.goal,
      what: 'recreated and rolled back',
      create: dedicatedObject(
        {kind: 'InferenceService', namespace: model.namespace!, name: model.name},
        model.object,
        t.goal as Container,
        live.release,
      ),
    })),
    ...present.map(t => ({
      target: live.targets.find(x => x.id === t.target)!,
      after: t.merge!.value,
      what: 'rolled back',
    })),
  ]
  // a record is data anyone who may write the history can forge: write only what the plugin's own changes write
  // a container made again is compared with what a per-model change would copy into it today: only what differs counts
  const baseline = (id: string) => {
    const m = remake.find(x => x.t.target === id)
    return m ? (dedicatedBaseline(live, m.model) ?? null) : plan.targets.find(t => t.target === id)?.base
  }
  const writes = planned
    .filter(p => !sameValue(p.target.value, p.after))
    .map(p => ({
      target: p.target.id,
      fields: writtenFields(p.target.id, p.target.value, p.after, baseline(p.target.id)),
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
  const details: Record<string, string[]> = Object.fromEntries(
    writes.map(w => [
      w.target,
      w.deletes
        ? ['deleted (kubectl storage-init made it)']
        : w.fields.map(f => `${f.field || '(whole value)'}: ${brief(f.from)} -> ${brief(f.to)}`),
    ]),
  )
  // a target that already has what the rollback restores because someone put it there by hand: said, not hidden
  for (const t of present) {
    if (t.merge!.state !== 'unchanged') continue
    // the fields the rollback would change already hold its values: someone else put them there
    const kind = kindOf(t.target)
    const changes = fieldDiff(kind, t.base, t.goal)
    if (changes.length && changes.every(d => sameValue(fieldValue(kind, t.live, d.path), fieldValue(kind, t.goal, d.path))))
      details[t.target] = [`changed outside kubectl storage-init since revision ${plan.newest}, to what ${label} restores`]
  }
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
  /** a damaged entry: why, and what it holds (the start of it) */
  damaged?: string
  stored?: string
  /** the recorded command held a credential (an older version recorded it): masked in `command` */
  credentialMasked?: boolean
}

/** The newest rollout of a change, in a few words: `; rolled out to 3 model(s) (1 failed)`. */
function rolloutNote(r: RevisionRecord): string {
  const last = r.rollouts?.[r.rollouts.length - 1]
  if (!last) return ''
  const n = last.models.length + (last.more ?? 0)
  const failed = last.models.filter(m => m.state === 'failed').length
  const open = last.models.filter(m => m.state !== 'done' && m.state !== 'failed').length
  return `; rolled out to ${n} model(s)${failed ? ` (${failed} failed)` : ''}${open ? ` (${open} not done)` : ''}`
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
    description: describeChange(r) + rolloutNote(r),
  }))
  for (const d of damaged)
    items.push({revision: d.revision, status: 'damaged', description: damagedMessage(d), damaged: d.reason, stored: d.text})
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
  return item
}
