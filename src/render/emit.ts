/**
 * A change as a file for whoever owns the configuration (--emit), instead of a write: the whole objects (as
 * --dry-run=client -o yaml, without what the API server sets), JSON merge patches (kubectl patch --type=merge
 * --patch-file), a Kustomize Component with the same patches, or Helm values (the kserve-resources chart, or a Flux
 * HelmRelease's spec.values). Each patch is the one the live change sends (plans/target.ts mergePatchFor), so applying
 * it to the live object gives what the live change would have written (test/e2e/gitops.test.ts, through kubectl).
 * The YAML is written for Go's readers (kubectl, kustomize, Argo CD, Flux): YAML 1.1 quoting (`yes`, `on`, `1_000`
 * stay strings), and a multi-line string that starts with a space or ends with a newline double-quoted, since
 * kustomize trims an inline patch and a block scalar's edges are where readers disagree.
 */
import type {Outcome, Planned} from '../core/change.js'
import {CliError} from '../errors.js'
import {mergePatchFor, withValue} from '../domain/plans/target.js'
import {Document, parse, visit} from 'yaml'

import {hasUnsafe} from './terminal.js'

export const EMIT_FORMATS = ['object', 'merge-patch', 'kustomize', 'helm-values'] as const
export type EmitFormat = (typeof EMIT_FORMATS)[number]

/** The object without what the API server sets (a manifest for Git must not carry a resourceVersion). */
export function manifestOf(obj: any): any {
  const o = structuredClone(obj ?? {})
  const m = o.metadata ?? {}
  // what the API server and controllers set: finalizers and owners are KServe's, not Git's
  for (const k of [
    'resourceVersion',
    'uid',
    'creationTimestamp',
    'generation',
    'managedFields',
    'selfLink',
    'deletionTimestamp',
    'finalizers',
    'ownerReferences',
  ])
    delete m[k]
  if (m.annotations) {
    delete m.annotations['kubectl.kubernetes.io/last-applied-configuration']
    if (Object.keys(m.annotations).length === 0) delete m.annotations
  }
  delete o.status
  return o
}

const apiVersionOf = (p: Planned) => String(p.target.object?.apiVersion ?? p.create?.apiVersion ?? '')
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '')

/** The merge patch a change of an existing object sends, named (apiVersion, kind, name, namespace) so a tool can place it. */
function namedPatch(p: Planned): any {
  const {metadata, ...body} = mergePatchFor(p.target, p.after) as any
  void metadata // the resourceVersion precondition: a file applies to whatever Git holds
  const ns = p.target.object?.metadata?.namespace
  // no apiVersion: a merge patch would set it, and Git may hold the object at another served version (v1alpha2)
  return {
    kind: p.target.kind,
    metadata: {name: p.target.object?.metadata?.name ?? p.target.name, ...(ns ? {namespace: ns} : {})},
    ...body,
  }
}

const verb = (p: Planned) =>
  !p.target.object ? 'create' : p.after === null && p.target.kind === 'ClusterStorageContainer' ? 'delete' : 'patch'

/** YAML for Go's readers (see the header). */
function yaml(value: unknown): string {
  const doc = new Document(value, {version: '1.1'})
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string') return
      const v = node.value
      if (hasUnsafe(v) || (v.includes('\n') && (/^\s/.test(v) || v.endsWith('\n')))) node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({lineWidth: 0})
}

/** A comment line: one line, whatever the cluster wrote. */
const comment = (text: string) => text.replace(/[\r\n]+/g, ' ')

/** The documents of one stream, each after its comment lines. */
async function stream(docs: {comment: string[]; value: unknown}[]): Promise<string> {
  const out: string[] = []
  for (const d of docs) out.push(`${d.comment.map(c => `# ${comment(c)}\n`).join('')}${yaml(d.value)}`)
  return out.join('---\n')
}

/** The change in `format`; `helmValues` gives the chart values of a configuration change (set-image, set-resources). */
export async function emitChange(o: Outcome, format: EmitFormat, command: string, helmValues?: () => string): Promise<string> {
  const changed = o.changed
  const head = `${command}: the change as ${format === 'object' ? 'the whole objects' : format}, not written to the cluster`
  if (format === 'object') {
    const items = changed.filter(p => verb(p) !== 'delete').map(p => manifestOf(withValue(p.target, p.after, p.create)))
    const deleted = changed
      .filter(p => verb(p) === 'delete')
      .map(p => `delete ${p.target.display} (kubectl delete ${p.target.display.replace(/ -n (\S+)$/, ' -n $1')})`)
    const value = items.length === 1 ? items[0] : {apiVersion: 'v1', kind: 'List', items}
    return stream([{comment: [head, ...deleted], value}])
  }
  if (format === 'merge-patch') {
    const docs = changed.map(p =>
      verb(p) === 'create'
        ? {
            comment: [`new object: kubectl apply -f, or add it to your manifests`],
            value: manifestOf(withValue(p.target, p.after, p.create)),
          }
        : verb(p) === 'delete'
          ? {
              comment: [`delete: kubectl delete ${p.target.display}`],
              value: {apiVersion: apiVersionOf(p), kind: p.target.kind, metadata: {name: p.target.name}},
            }
          : {
              comment: [
                `kubectl patch ${p.target.kind.toLowerCase()} ${p.target.name}${p.target.object?.metadata?.namespace ? ` -n ${p.target.object.metadata.namespace}` : ''} --type=merge --patch-file FILE`,
              ],
              value: namedPatch(p),
            },
    )
    if (docs.length) docs[0].comment.unshift(head)
    return stream(docs)
  }
  if (format === 'kustomize') {
    const created = changed.filter(p => verb(p) === 'create')
    const patches = changed
      .filter(p => verb(p) !== 'create')
      .map(p => {
        const apiVersion = apiVersionOf(p)
        const ns = p.target.object?.metadata?.namespace
        const model = p.target.kind === 'InferenceService' || p.target.kind === 'LLMInferenceService'
        return {
          // any served version: Git may hold the object at another one than this plugin reads (v1alpha2)
          target: {
            group: groupOf(apiVersion),
            kind: p.target.kind,
            name: p.target.object?.metadata?.name ?? p.target.name,
            // a model's name is only unique in its namespace; the ConfigMap's namespace is often set by the overlay
            ...(model && ns ? {namespace: ns} : {}),
          },
          patch:
            verb(p) === 'delete' ? {$patch: 'delete', apiVersion, kind: p.target.kind, metadata: {name: p.target.name}} : namedPatch(p),
        }
      })
    const component = {
      apiVersion: 'kustomize.config.k8s.io/v1alpha1',
      kind: 'Component',
      ...(created.length ? {resources: ['storage-init-objects.yaml']} : {}),
      patches: patches.map(x => ({target: x.target, patch: yaml(x.patch)})),
    }
    const docs: {comment: string[]; value: unknown}[] = [
      {
        comment: [
          head,
          'save this document as kustomization.yaml in a directory of its own, and name that directory under components:',
          'in the kustomization that builds these objects (kubectl kustomize shows the result)',
        ],
        value: component,
      },
      ...created.map((p, i) => ({
        comment: i === 0 ? ['the documents below are new objects: save them as storage-init-objects.yaml beside it'] : [],
        value: manifestOf(withValue(p.target, p.after, p.create)),
      })),
    ]
    return stream(docs)
  }
  // helm-values: the chart renders only the ConfigMap's storageInitializer
  const other = changed.filter(p => p.target.kind !== 'ConfigMap')
  if (!changed.some(p => p.target.kind === 'ConfigMap') || !helmValues)
    throw new CliError(
      'Usage',
      `--emit helm-values: this change is not to the ConfigMap's storageInitializer, which is all the kserve-resources chart renders`,
      {
        hint: '--emit kustomize, merge-patch or object give the change for the other objects',
      },
    )
  const values = helmValues()
  // the values' own comments (a chart that hard-codes the resources, a placeholder tag) go with them, as comments
  const notes = values
    .split('\n')
    .filter(l => /^\s*#/.test(l) || /\s#\s/.test(l))
    .map(l => l.replace(/^[^#]*#\s?/, ''))
  const parsed = parse(values)
  if (!parsed || typeof parsed !== 'object')
    throw new CliError(
      'Invalid',
      `--emit helm-values: no value of the kserve-resources chart keeps this change (${notes.join('; ') || 'the chart does not render it'})`,
      {
        hint: '--emit kustomize, merge-patch or object give the change as the objects themselves',
      },
    )
  const notInChart = other.length
    ? [`not in the chart's values (use --emit kustomize or merge-patch for them): ${other.map(p => p.target.display).join(', ')}`]
    : []
  const release = o.owners?.find(x => x.target.kind === 'ConfigMap' && x.verdict.owner.startsWith('Flux HelmRelease '))
  if (release) {
    const [namespace, name] = release.verdict.owner.slice('Flux HelmRelease '.length).split('/')
    return stream([
      {
        comment: [head, `a patch of ${release.verdict.owner}'s spec.values (merge it into the HelmRelease in Git)`, ...notInChart],
        value: {
          apiVersion: 'helm.toolkit.fluxcd.io/v2',
          kind: 'HelmRelease',
          metadata: {name, namespace},
          spec: {values: parse(values) ?? {}},
        },
      },
    ])
  }
  // a release name Helm could not have written (helm.ts flags it) is not printed
  const releaseName = o.live.helm && !o.live.helm.ignored ? o.live.helm.release || 'RELEASE' : 'RELEASE'
  return `${[head, `values for helm upgrade ${releaseName} (kserve-resources chart)`, ...notInChart].map(c => `# ${comment(c)}\n`).join('')}${values}`
}
