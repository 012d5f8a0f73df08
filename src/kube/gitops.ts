/**
 * Reading the GitOps owner of an object (domain/gitops.ts): the Argo CD Application, the Flux Kustomization or
 * HelmRelease, when the user may read it. What cannot be read is said, never guessed: Argo CD often runs in another
 * cluster than the one it manages, and users who may change KServe's ConfigMap may not read Argo CD's namespace.
 */
import {isApiStatus} from '../errors.js'
import {gitopsOwner, judgeOwner, type GitOpsOwner, type OwnedObject, type OwnerRead, type OwnerVerdict} from '../domain/gitops.js'
import {helmOwnership} from '../domain/helm.js'
import type {KubeClient} from './client.js'
import {apiPath} from './paths.js'

const why = (e: unknown, what: string): OwnerRead => {
  if (isApiStatus(e, 403)) return {unreadable: `${what} may not be read: forbidden`}
  if (isApiStatus(e, 404)) return {absent: `${what} is not in this cluster`}
  // one line of the server's words, never more: it ends up inside a warning
  const text = (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200)
  return {unreadable: `${what} could not be read: ${text}`}
}

/** The owner's object. An Argo CD Application named without a namespace is looked for in every namespace. */
async function readOwnerObject(client: KubeClient, owner: GitOpsOwner): Promise<OwnerRead> {
  if (owner.tool === 'argocd') {
    const what = `Application ${owner.applicationNamespace ? `${owner.applicationNamespace}/` : ''}${owner.application}`
    try {
      if (owner.applicationNamespace)
        return {object: await client.get(apiPath('applications', {namespace: owner.applicationNamespace, name: owner.application}))}
      const list = await client.get<{items?: any[]}>(apiPath('applications'), {fieldSelector: `metadata.name=${owner.application}`})
      const items = list.items ?? []
      if (items.length === 0) return {absent: `no Application ${owner.application} in this cluster (Argo CD may run in another cluster)`}
      // the instance name without a namespace is an Application in Argo CD's own namespace: argocd, by convention
      return {object: items.find(i => i?.metadata?.namespace === 'argocd') ?? items[0]}
    } catch (e) {
      // the object not there (its name in the answer), or no Application resource at all
      if (isApiStatus(e, 404))
        return {
          absent: e.details?.name
            ? `${what} is not in this cluster (Argo CD may run in another cluster)`
            : `this cluster has no Argo CD Applications (Argo CD may run in another cluster)`,
        }
      // may not list them everywhere: Argo CD's own namespace, by convention
      if (isApiStatus(e, 403) && !owner.applicationNamespace)
        try {
          return {object: await client.get(apiPath('applications', {namespace: 'argocd', name: owner.application}))}
        } catch (e2) {
          if (!isApiStatus(e2, 404)) return why(e2, what)
        }
      return why(e, what)
    }
  }
  const what = `${owner.tool === 'flux-kustomize' ? 'Kustomization' : 'HelmRelease'} ${owner.namespace}/${owner.name}`
  try {
    if (owner.tool === 'flux-kustomize')
      return {object: await client.get(apiPath('kustomizations', {namespace: owner.namespace, name: owner.name}))}
    // HelmRelease v2 from Flux 2.3; the beta versions before it
    for (const version of ['v2', 'v2beta2', 'v2beta1'])
      try {
        const path = apiPath('helmreleases', {namespace: owner.namespace, name: owner.name}).replace(
          '/helm.toolkit.fluxcd.io/v2/',
          `/helm.toolkit.fluxcd.io/${version}/`,
        )
        return {object: await client.get(path)}
      } catch (e) {
        // the object not there (its name in the answer): no other version has it; the version not served: try older
        if (!isApiStatus(e, 404) || e.details?.name || version === 'v2beta1') throw e
      }
    throw new Error('unreachable')
  } catch (e) {
    return why(e, what)
  }
}

/** Whether an Application's status.resources names the object (true when it lists none: not known). */
function listsObject(app: any, obj: OwnedObject): boolean {
  const resources = app?.status?.resources
  if (!Array.isArray(resources) || resources.length === 0) return true
  const apiVersion = obj.apiVersion ?? ''
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : ''
  return resources.some(
    (r: any) =>
      (r?.group ?? '') === group &&
      r?.kind === obj.kind &&
      r?.name === obj.metadata?.name &&
      (r?.namespace ?? '') === (obj.metadata?.namespace ?? ''),
  )
}

/** Owners read once per command (several targets of one change often share one Application). */
export class OwnerReader {
  private reads = new Map<string, Promise<OwnerRead>>()
  constructor(private readonly client: KubeClient) {}

  private read(owner: GitOpsOwner): Promise<OwnerRead> {
    const key = JSON.stringify(owner)
    let p = this.reads.get(key)
    if (!p) this.reads.set(key, (p = readOwnerObject(this.client, owner)))
    return p
  }

  /** Who owns `obj` and what they do with a change of these paths (segments); undefined: no GitOps owner. */
  async judge(obj: OwnedObject | undefined, changed: string[][], fieldManager?: string): Promise<OwnerVerdict | undefined> {
    const owner = gitopsOwner(obj)
    if (!owner || !obj) return undefined
    const read = await this.read(owner)
    // the instance label alone is Argo CD's only when its Application exists (Helm charts write it too), and, when
    // the Application lists the resources it manages, lists this object
    if (owner.tool === 'argocd' && owner.tracking === 'label') {
      if ('absent' in read) return undefined
      if ('unreadable' in read && helmOwnership(obj.metadata)) return undefined
      if ('object' in read && !listsObject(read.object, obj)) return undefined
    }
    return judgeOwner(owner, read, obj, changed, fieldManager)
  }
}
