/** The writes and reads a rollout makes (core/rollout.ts names them; only kube builds requests). */
import {isApiStatus} from '../errors.js'
import type {KubeClient} from './client.js'
import {explain} from './explain.js'
import {apiPath} from './paths.js'

/** An annotation on an InferenceService (a JSON merge patch of metadata.annotations). */
export function annotateInferenceService(
  client: KubeClient,
  namespace: string,
  name: string,
  annotations: Record<string, string>,
  fieldManager: string,
): Promise<unknown> {
  return client.request('PATCH', apiPath('inferenceservices', {namespace, name}), {
    body: {metadata: {annotations}},
    contentType: 'application/merge-patch+json',
    query: {fieldManager},
  })
}

/** Delete a Deployment, its ReplicaSets and pods after it (background propagation, as kubectl delete). */
export function deleteDeployment(client: KubeClient, namespace: string, name: string): Promise<unknown> {
  return client.request('DELETE', apiPath('deployments', {namespace, name}), {
    body: {apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background'},
  })
}

/** A Deployment (its strategy, for --include-owned); an error says in one line why it could not be read. */
export async function getDeployment(client: KubeClient, namespace: string, name: string): Promise<any> {
  try {
    return await client.get(apiPath('deployments', {namespace, name}))
  } catch (e) {
    throw explain(e, client, {verb: 'get', resource: 'deployments', namespace, name})
  }
}

/** Delete a pod; one already gone is not an error. */
export async function deletePod(client: KubeClient, namespace: string, name: string): Promise<void> {
  try {
    await client.request('DELETE', apiPath('pods', {namespace, name}), {})
  } catch (e) {
    if (!isApiStatus(e, 404)) throw e
  }
}

/** The names of a model resource's objects (in a namespace, or all); undefined when the resource is not served. */
export async function listModelNames(
  client: KubeClient,
  resource: 'inferenceservices' | 'llminferenceservices',
  namespace?: string,
): Promise<{namespace: string; name: string}[] | undefined> {
  try {
    const list = await client.get<{items?: any[]}>(apiPath(resource, {namespace}))
    return (list.items ?? []).map(o => ({namespace: o.metadata.namespace, name: o.metadata.name}))
  } catch (e) {
    if (isApiStatus(e, 404)) return undefined
    throw e
  }
}
