/**
 * A change's values as diffable text and its diffs (--diff, KUBECTL_EXTERNAL_DIFF, history --revision): the
 * storageInitializer text as it is, a ClusterStorageContainer's spec.container as YAML. Apart from render/change.ts so
 * that the YAML library loads only when a diff is shown.
 */
import {stringify} from 'yaml'

import type {Outcome, Planned} from '../core/change.js'
import {unifiedDiff} from '../domain/diff.js'

/** A target's recorded or live value as text for a diff: the storageInitializer text, or spec.container as YAML. */
export function valueText(target: string, v: unknown): string {
  if (v === undefined || v === null) return ''
  if (target === 'configmap' || typeof v === 'string') return String(v) + '\n'
  return stringify(v, {lineWidth: 0})
}

function show(p: Planned, v: unknown): string {
  return valueText(p.target.id, v)
}

export function diffs(o: Outcome): string {
  return o.planned
    .map(p =>
      unifiedDiff(
        show(p, p.target.value),
        show(p, p.after),
        `${p.target.display} (live) ${p.target.kind === 'ConfigMap' ? 'data.storageInitializer' : 'spec.container'}`,
        `${p.target.display} (after)`,
      ),
    )
    .filter(Boolean)
    .join('')
}
