/** Text views of `get`. */
import type {GitOpsView, Inspection, IsvcInspection} from '../core/inspect.js'
import type {Injection, Resources} from '../domain/storage-containers.js'
import {formatUriFormat} from '../domain/storage-containers.js'
import {safe, table} from './table.js'

export function formatResources(r: Resources | null | undefined, kind: 'requests' | 'limits'): string {
  const v = r?.[kind] ?? {}
  return Object.entries(v)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, q]) => `${k}=${q}`)
    .join(',')
}

function value(v: unknown): string {
  return safe(typeof v === 'string' ? (v === '' ? '""' : v) : JSON.stringify(v))
}

function releaseLabel(i: Inspection['kserve']): string {
  if (i.version) return `${i.version} (from ${i.controllerImage})`
  const judged = i.assumed ? `; judged by ${i.assumed}` : ''
  if (i.controllerImage) return `unknown (controller image ${i.controllerImage} has no release tag${judged})`
  return `unknown (deployment kserve-controller-manager not readable${judged})`
}

/** Who serves a URI, in one cell: a ClusterStorageContainer, the ConfigMap, any of several, or a refusal. */
export function servedBy(i: Injection): string {
  if (i.source === 'ambiguous')
    return `any of: ${(i.candidates ?? []).map(c => (c.source === 'error' ? `${c.sourceName} (refuses the pod)` : c.sourceName)).join(', ')}`
  if (i.source === 'error') return i.sourceName === 'error' ? 'refused' : `refused (${i.sourceName})`
  if (i.source === 'none') return 'nothing injected'
  return i.sourceName
}

/** The image(s) a URI gets. */
export function imagesOf(i: Injection): string {
  const list = i.source === 'ambiguous' ? (i.candidates ?? []).map(c => c.image).filter(Boolean) : [i.image].filter(Boolean)
  return safe([...new Set(list)].join(' | '))
}

function resourcesOf(i: Injection, kind: 'requests' | 'limits'): string {
  const list =
    i.source === 'ambiguous' ? (i.candidates ?? []).map(c => formatResources(c.resources, kind)) : [formatResources(i.resources, kind)]
  return [...new Set(list)].join(' | ')
}

/** One object's GitOps owner in a line: who, and what it does with a change made here. */
function gitopsLine(g: GitOpsView | undefined): string {
  return g ? safe(`managed by ${g.owner} (${g.evidence}): ${g.what}`) : 'no Argo CD or Flux tracking label or annotation found'
}

export function renderInspection(i: Inspection, wide: boolean): string {
  const out: string[] = []
  const helm = i.configMap.helm
  out.push(
    table(
      ['', ''],
      [
        ['Context:', i.context],
        ['KServe namespace:', `${i.kserve.namespace} (${i.kserve.namespaceSource === 'flag' ? '--kserve-namespace' : 'discovered'})`],
        ['KServe version:', releaseLabel(i.kserve)],
        ['ConfigMap:', `${i.configMap.namespace}/${i.configMap.name} (resourceVersion ${i.configMap.resourceVersion})`],
        [
          'Helm:',
          helm
            ? `managed by release "${helm.release}" in ${helm.releaseNamespace || '?'}: the next helm upgrade undoes changes made here`
            : 'not Helm-managed',
        ],
        ['GitOps:', gitopsLine(i.gitops?.find(g => g.object.startsWith('configmap/')))],
      ],
    )
      .split('\n')
      .slice(1)
      .join('\n'),
  )
  out.push('', `STORAGE INITIALIZER (configmap key storageInitializer)`)
  out.push(
    table(
      wide ? ['field', 'value', 'note', 'meaning'] : ['field', 'value', 'note'],
      i.storageInitializer.fields.map(f => {
        const note =
          f.status === 'unknown'
            ? 'unknown field: KServe ignores it'
            : f.status === 'not-in-release'
              ? `not read by ${i.kserve.version} (read by ${f.releases})`
              : f.readAs
                ? `read as ${f.readAs} (Go matches keys case-insensitively)`
                : ''
        return wide ? [f.name, value(f.value), note, f.description] : [f.name, value(f.value), note]
      }),
    ),
  )
  const refusal = i.storageInitializer.refusal
  if (refusal)
    out.push(
      '',
      `KServe cannot use this document: ${refusal.message.trim()}${refusal.explanation ? ` (${refusal.explanation})` : ''}. Check it with: kubectl storage-init validate`,
    )
  out.push('', 'CLUSTER STORAGE CONTAINERS')
  const sc = i.storageContainers
  if (!sc.crdInstalled) out.push('(the ClusterStorageContainer CRD is not installed: every model gets the ConfigMap container)')
  else if (sc.error) out.push(`(cannot list them: ${sc.error})`)
  else if (sc.items.length === 0) out.push('(none: every model gets the ConfigMap container)')
  else
    out.push(
      table(
        ['name', 'image', 'requests', 'limits', 'uri formats', 'workload', 'disabled'],
        sc.items.map(c => {
          const formats = c.uriFormats.map(formatUriFormat)
          const shown = wide || formats.length <= 3 ? formats.join(' ') : `${formats.slice(0, 3).join(' ')} (+${formats.length - 3})`
          return [
            c.name,
            safe(c.image ?? ''),
            formatResources(c.resources, 'requests'),
            formatResources(c.resources, 'limits'),
            safe(shown),
            c.workloadType ?? '(unset: skipped)',
            String(c.disabled),
          ]
        }),
      ),
    )
  for (const g of (i.gitops ?? []).filter(x => x.object.startsWith('clusterstoragecontainer/')))
    out.push(`${safe(g.object)}: ${gitopsLine(g)}`)
  if (i.perModel.length) {
    out.push('', 'PER-MODEL SETTINGS (set-image/set-resources --isvc, --llmisvc)')
    out.push(
      table(
        ['namespace', 'model', 'through', 'image', 'requests', 'limits'],
        i.perModel.map(m => [
          m.namespace,
          `${m.kind.toLowerCase()}/${m.name}`,
          m.via,
          safe(m.image ?? '(as the ConfigMap)'),
          formatResources(m.resources, 'requests'),
          formatResources(m.resources, 'limits'),
        ]),
      ),
    )
  }
  const llm = i.llmInferenceServices
  if (llm.crdInstalled) {
    out.push('', 'LLM INFERENCE SERVICES (storage-initializer from the LLM controller: the ConfigMap, never a ClusterStorageContainer)')
    if (llm.error) out.push(`(cannot list them: ${llm.error})`)
    else if (llm.items.length === 0) out.push('(none)')
    else
      out.push(
        table(
          wide ? ['namespace', 'name', 'uri', 'gets', 'image', 'requests', 'limits', 'why'] : ['namespace', 'name', 'uri', 'gets', 'image'],
          llm.items.map(x =>
            wide
              ? [
                  x.namespace,
                  x.name,
                  safe(x.uri ?? ''),
                  servedBy(x.injection),
                  imagesOf(x.injection),
                  resourcesOf(x.injection, 'requests'),
                  resourcesOf(x.injection, 'limits'),
                  x.injection.reason,
                ]
              : [x.namespace, x.name, safe(x.uri ?? ''), servedBy(x.injection), imagesOf(x.injection)],
          ),
        ),
      )
  }
  out.push('', 'WHO SERVES WHICH URI')
  out.push(
    table(
      wide ? ['uri format', 'example', 'served by', 'image', 'requests', 'limits', 'why'] : ['uri format', 'served by', 'image'],
      i.uriFormats.map(u =>
        wide
          ? [u.format, u.example, servedBy(u), imagesOf(u), resourcesOf(u, 'requests'), resourcesOf(u, 'limits'), u.reason]
          : [u.format, servedBy(u), imagesOf(u)],
      ),
    ),
  )
  return out.join('\n') + '\n'
}

export function renderIsvc(v: IsvcInspection, wide: boolean): string {
  const out: string[] = []
  const mode = v.inferenceService.deploymentMode ? `, ${v.inferenceService.deploymentMode}` : ''
  out.push(
    `${v.inferenceService.kind} ${v.inferenceService.namespace}/${v.inferenceService.name} (KServe ${v.kserve.version ?? `version unknown, judged by ${v.kserve.assumed}`}, namespace ${v.kserve.namespace}${mode})`,
  )
  if (v.inferenceService.storageContainerName) out.push(`storageContainerName: ${v.inferenceService.storageContainerName}`)
  for (const g of v.gitops ?? []) out.push(`GitOps: ${gitopsLine(g)}`)
  out.push('', 'STORAGE')
  if (v.storage.length === 0) out.push('(no storage URI: no storage-initializer is injected)')
  else
    out.push(
      table(
        wide ? ['component', 'uri', 'gets', 'image', 'requests', 'limits', 'why'] : ['component', 'uri', 'gets', 'image', 'why'],
        v.storage.map(s =>
          wide
            ? [
                s.component,
                safe(s.uri),
                servedBy(s.injection),
                imagesOf(s.injection),
                resourcesOf(s.injection, 'requests'),
                resourcesOf(s.injection, 'limits'),
                s.injection.reason,
              ]
            : [s.component, safe(s.uri), servedBy(s.injection), imagesOf(s.injection), s.injection.reason],
        ),
      ),
    )
  out.push('', 'PODS')
  const unread = (v.notChecked ?? []).find(n => n.what.startsWith('the pods'))
  if (v.file) out.push(`(from ${v.file}, not applied: no pods yet)`)
  else if (unread) out.push(`(cannot read them: ${unread.reason})`)
  else if (v.pods.length === 0)
    out.push(
      `(no pods with label ${v.inferenceService.kind === 'InferenceService' ? `serving.kserve.io/inferenceservice=${v.inferenceService.name}` : `app.kubernetes.io/name=${v.inferenceService.name},app.kubernetes.io/part-of=llminferenceservice`})`,
    )
  else
    out.push(
      table(
        wide
          ? ['pod', 'component', 'created', 'init image', 'requests', 'limits', 'current']
          : ['pod', 'component', 'init image', 'current'],
        v.pods.map(p => {
          const current = p.current ? 'yes' : `no: made before the last change (${p.differences.join('; ')})`
          return wide
            ? [
                p.name,
                p.component,
                p.created,
                safe(p.initContainer?.image ?? '(none)'),
                formatResources(p.initContainer?.resources, 'requests'),
                formatResources(p.initContainer?.resources, 'limits'),
                current,
              ]
            : [p.name, p.component, safe(p.initContainer?.image ?? '(none)'), current]
        }),
      ),
    )
  const stale = v.pods.filter(p => !p.current).length
  if (stale > 0)
    out.push(
      '',
      `${stale} pod(s) run an older storage-initializer. ${v.rollout.how}${v.rollout.command ? `:\n  ${v.rollout.command}` : ''}`,
    )
  return out.join('\n') + '\n'
}

/** --no-headers: the tables' column-header rows left out (the section titles stay). */
export function withoutHeaders(text: string): string {
  const lines = text.split('\n')
  return lines
    .filter(
      (l, i) => !(/^[A-Z][A-Z ]*[A-Z](\s{3,}[A-Z][A-Z ]*)+$/.test(l) && i > 0 && (lines[i - 1] === '' || /^[A-Z]/.test(lines[i - 1]))),
    )
    .join('\n')
}
