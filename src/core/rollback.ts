/** Returning the configuration to a recorded revision. */
import {CliError} from '../errors.js'
import {sameValue, stateAt, type RevisionRecord} from '../domain/history.js'
import type {Live, Planned} from './change.js'

/** The revision `rollback` targets: --to-revision N, else the one before the newest (undo). */
export function targetRevision(records: RevisionRecord[], to: number | undefined): number {
  if (records.length === 0) throw new CliError('NotFound', 'no revision history: nothing has been changed with kubectl storage-init in this cluster (or the history was deleted)')
  const newest = records[records.length - 1].revision
  const n = to ?? newest - 1
  const known = records.some(r => r.revision === n) || (n === records[0].revision - 1 && n >= 0)
  if (!known) throw new CliError('NotFound', `unable to find specified revision ${n} in history`, {hint: `recorded: ${records.map(r => r.revision).join(', ')} (and ${records[0].revision - 1}, the state before ${records[0].revision}); see kubectl storage-init rollback --list`})
  return n
}

export interface Drift {
  target: string
  recorded: unknown
  live: unknown
}

/** Targets whose live value is not what the newest revision left: a hand edit, a helm upgrade, a lost record. */
export function drift(records: RevisionRecord[], live: Live): Drift[] {
  const newest = records[records.length - 1].revision
  const out: Drift[] = []
  for (const [target, recorded] of stateAt(records, newest)) {
    const t = live.targets.find(x => x.id === target)
    const value = t?.value
    if (!sameValue(recorded, value)) out.push({target, recorded, live: value})
  }
  return out
}

export function planRollback(records: RevisionRecord[], n: number, live: Live, force: boolean, onDrift: (d: Drift[]) => void): Planned[] {
  const d = drift(records, live)
  if (d.length && !force) {
    onDrift(d)
    throw new CliError('Conflict', `the live configuration differs from what revision ${records[records.length - 1].revision} recorded (${d.map(x => x.target).join(', ')}): changed by hand, by helm upgrade, or by a change whose record was lost; rolling back would overwrite that`, {
      hint: 'check the difference above, then pass --force to roll back anyway',
    })
  }
  const planned: Planned[] = []
  for (const [target, value] of stateAt(records, n)) {
    const t = live.targets.find(x => x.id === target)
    if (!t) throw new CliError('NotFound', `revision ${n} includes ${target}, which no longer exists`, {hint: 'recreate it first, or roll back the other targets with --target'})
    planned.push({target: t, after: value, what: 'rolled back'})
  }
  return planned
}

export function describeRecord(r: RevisionRecord): string {
  return r.targets.map(t => t.target).join(',')
}
