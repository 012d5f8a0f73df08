/** What a change prints: kubectl-style report lines, warnings and hints (render/diff.ts: its diffs; render/history.ts: the revision history). */
import type {LlmNote, Outcome, StaleModel} from '../core/change.js'
import {table} from './table.js'

export function suffix(dryRun: string): string {
  return dryRun === 'client' ? ' (dry run)' : dryRun === 'server' ? ' (server dry run)' : ''
}

/** One line per target; `details` (by target id): what was written into it, indented under its line. */
export function reportLines(o: Outcome, dryRun: string, verb = 'updated', details: Record<string, string[]> = {}): string[] {
  const changed = new Set(o.changed.map(p => p.target.id))
  return o.planned.flatMap(p =>
    changed.has(p.target.id)
      ? [`${p.target.display} ${p.what} ${verb}${suffix(dryRun)}`, ...(details[p.target.id] ?? []).map(d => `  ${d}`)]
      : [
          `${p.target.display} ${p.what === 'rolled back' ? 'already matches' : p.what + ' unchanged'}`,
          ...(details[p.target.id] ?? []).map(d => `  ${d}`),
        ],
  )
}

/** Models still on the previous storage-initializer: a summary (the first rows, or all), and one command per way to roll. */
export function staleNote(stale: StaleModel[] | undefined, showAll = false): string | undefined {
  if (!stale) return undefined
  if (stale.length === 0)
    return 'The change applies to pods created from now on; no running model pod runs the previous storage-initializer.'
  const pods = stale.reduce((n, m) => n + m.stale, 0)
  const namespaces = new Set(stale.map(m => m.namespace))
  const shown = showAll ? stale : stale.slice(0, 10)
  const out = [
    `The change applies to pods created from now on: ${pods} pod(s) of ${stale.length} model(s) in ${namespaces.size} namespace(s) still run the previous storage-initializer.`,
    table(
      ['namespace', 'model', 'stale', 'roll'],
      shown.map(m => [
        m.namespace,
        `${m.kind === 'LLMInferenceService' ? 'llminferenceservice' : 'inferenceservice'}/${m.name}`,
        `${m.stale}/${m.pods}`,
        m.rollout.action,
      ]),
    ),
  ]
  if (shown.length < stale.length) out.push(`… and ${stale.length - shown.length} more model(s) (--show-all lists them all)`)
  out.push(
    `Roll them, and follow them to the end, with: kubectl storage-init rollout ${namespaces.size === 1 ? `--all -n ${[...namespaces][0]}` : '-A'}`,
  )
  out.push('or by hand:')
  const list = (ms: StaleModel[]) => [...new Set(ms.map(m => m.name))].sort().join(',')
  const nss = (ms: StaleModel[]) => [...new Set(ms.map(m => m.namespace))].sort().join(' ')
  const pairs = (ms: StaleModel[]) => ms.map(m => `${m.namespace}/${m.name}`).join(' ')
  const by = (a: StaleModel['rollout']['action']) => stale.filter(m => m.rollout.action === a)
  const restart = by('restart')
  if (restart.length)
    out.push(
      `  for m in ${pairs(restart)}; do kubectl annotate inferenceservice -n "\${m%/*}" "\${m#*/}" --overwrite storage-init.kserve.io/restartedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ); done   # KServe copies it into the pod template (it undoes a kubectl rollout restart)`,
    )
  const replace = by('replace-pods')
  if (replace.length)
    out.push(
      `  for ns in ${nss(replace)}; do kubectl delete pod -n "$ns" -l 'serving.kserve.io/inferenceservice in (${list(replace)})'; done   # Knative: new pods pass the webhook again`,
    )
  const reconcile = by('reconcile')
  if (reconcile.length)
    out.push(
      `  for m in ${pairs(reconcile)}; do kubectl annotate inferenceservice -n "\${m%/*}" "\${m#*/}" --overwrite storage-init.kserve.io/reconciledAt=$(date -u +%Y-%m-%dT%H:%M:%SZ); done   # storageUris: the controller rewrites the workload`,
    )
  const recreate = by('recreate')
  if (recreate.length)
    out.push(
      `  for m in ${pairs(recreate)}; do kubectl delete deployment -n "\${m%/*}" "\${m#*/}-kserve"; done   # LLMInferenceService: the controller keeps the running image until it recreates the Deployment`,
    )
  return out.join('\n')
}

/** How a ConfigMap change reaches the LLMInferenceServices: through their controller, never a ClusterStorageContainer. */
export function llmNote(llms: LlmNote[] | undefined): string | undefined {
  if (!llms?.length) return undefined
  const keep = llms.filter(l => l.keepsImage && !l.override)
  const over = llms.filter(l => l.override)
  const out = [
    `${llms.length} LLMInferenceService(s) get the ConfigMap's storage-initializer from the LLM controller (resources on their next reconcile).`,
  ]
  if (keep.length)
    out.push(
      `  keep the image their Deployment runs until it is recreated (kserve#5085): ${keep.map(l => `${l.namespace}/${l.name} (${l.keepsImage})`).join(', ')}`,
    )
  if (over.length)
    out.push(`  override it in spec.template.initContainers[storage-initializer]: ${over.map(l => `${l.namespace}/${l.name}`).join(', ')}`)
  return out.join('\n')
}
