/** What a change prints: diffs, kubectl-style report lines, warnings and hints. */
import type {Outcome, Planned} from '../core/change.js'
import {unifiedDiff} from '../domain/diff.js'
import {stringify} from 'yaml'

export function suffix(dryRun: string): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''
}

function show(p: Planned, v: unknown): string {
  if (p.target.kind === 'ConfigMap') return String(v) + '\n'
  return stringify(v, {lineWidth: 0})
}

export function diffs(o: Outcome): string {
  return o.planned
    .map(p => unifiedDiff(show(p, p.target.value), show(p, p.after), `${p.target.display} (live) ${p.target.kind === 'ConfigMap' ? 'data.storageInitializer' : 'spec.container'}`, `${p.target.display} (after)`))
    .filter(Boolean)
    .join('')
}

export function reportLines(o: Outcome, dryRun: string, verb = 'updated'): string[] {
  const changed = new Set(o.changed.map(p => p.target.id))
  return o.planned.map(p => (changed.has(p.target.id) ? `${p.target.display} ${p.what} ${verb}${suffix(dryRun)}` : `${p.target.display} ${p.what === 'rolled back' ? 'already matches' : p.what + ' unchanged'}`))
}

export function staleNote(stale: Record<string, number> | undefined): string | undefined {
  if (!stale) return undefined
  const entries = Object.entries(stale)
  if (entries.length === 0) return 'The change applies to pods created from now on; no running InferenceService pod runs the previous storage-initializer.'
  const total = entries.reduce((n, [, c]) => n + c, 0)
  return [
    `The change applies to pods created from now on: ${total} running InferenceService pod(s) still run the previous storage-initializer (${entries.map(([ns, c]) => `${ns}: ${c}`).join(', ')}). Roll them with:`,
    ...entries.map(([ns]) => `  kubectl rollout restart deployment -n ${ns} -l serving.kserve.io/inferenceservice`),
  ].join('\n')
}
