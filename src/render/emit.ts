/**
 * A change as a file for whoever owns the configuration (--emit), instead of a write: the whole objects (as
 * --dry-run=client -o yaml, without what the API server sets), JSON merge patches (kubectl patch --type=merge
 * --patch-file), a Kustomize Component with the same patches, or Helm values (the kserve-resources chart, or a Flux
 * HelmRelease's spec.values). Each patch is the one the live change sends (plans/target.ts mergePatchFor), so applying
 * it to the live object gives what the live change would have written (test/e2e/emit.test.ts, through kubectl).
 */
import type {Outcome, Planned} from '../core/change.js'
import {CliError} from '../errors.js'
import {mergePatchFor, withValue} from '../domain/plans/target.js'
import {parse} from 'yaml'

import {formatStructured} from './output.js'

export const EMIT_FORMATS = ['object', 'merge-patch', 'kustomize', 'helm-values'] as const
export type EmitFormat = (typeof EMIT_FORMATS)[number]

/** The object without what the API server sets (a manifest for Git must not carry a resourceVersion). */
export function manifestOf(obj: any): any {
  const o = structuredClone(obj ?? {})
  const m = o.metadata ?? {}
  for (const k of ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink', 'deletionTimestamp'])
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

const yaml = (v: unknown) => formatStructured(v, 'yaml')

/** The documents of one stream, each after its comment lines. */
async function stream(docs: {comment: string[]; value: unknown}[]): Promise<string> {
  const out: string[] = []
  for (const d of docs) out.push(`${d.comment.map(c => `# ${c}\n`).join('')}${await yaml(d.value)}`)
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
      patches: await Promise.all(patches.map(async x => ({target: x.target, patch: (await yaml(x.patch)).trimEnd()}))),
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
  return `${[head, `values for helm upgrade ${o.live.helm?.release ?? 'RELEASE'} (kserve-resources chart)`, ...notInChart].map(c => `# ${c}\n`).join('')}${values}`
}
