/**
 * Reads of objects by resource name, for the use cases in core/: one object, a small list in one request, or a list of
 * any size in chunks (kube/list.ts), so that core names what it reads and never builds a request.
 */
import type {KubeClient} from './client.js'
import {eachPage, listAll} from './list.js'
import {apiPath, type Resource} from './paths.js'

/** Which objects of a resource: in a namespace (none: every namespace, or a cluster-scoped resource), by label or field. */
export interface Selector {
  namespace?: string
  labelSelector?: string
  fieldSelector?: string
}

const query = (s: Selector) => ({labelSelector: s.labelSelector, fieldSelector: s.fieldSelector})

/** One object (the API server's error when it cannot be read). */
export function getObject<T = any>(client: KubeClient, resource: Resource, name: string, namespace?: string): Promise<T> {
  return client.get<T>(apiPath(resource, {namespace, name}))
}

/** A list expected to be small (the ConfigMaps of one namespace), in one request. */
export async function listObjects<T = any>(client: KubeClient, resource: Resource, s: Selector = {}): Promise<T[]> {
  const list = await client.get<{items?: T[]}>(apiPath(resource, {namespace: s.namespace}), query(s))
  return list.items ?? []
}

/** A list of any size, chunk by chunk (`metadata`: names and labels only). */
export function eachObjectPage(
  client: KubeClient,
  resource: Resource,
  s: Selector & {metadata?: boolean},
  onPage: (items: any[]) => void,
): Promise<{resourceVersion: string}> {
  return eachPage(client, apiPath(resource, {namespace: s.namespace}), {query: query(s), metadata: s.metadata}, onPage)
}

/** A list of any size, each item reduced by `keep` as its chunk arrives. */
export function listAllObjects<T>(
  client: KubeClient,
  resource: Resource,
  s: Selector,
  keep: (item: any) => T | undefined,
): Promise<{items: T[]}> {
  return listAll(client, apiPath(resource, {namespace: s.namespace}), {query: query(s)}, keep)
}
