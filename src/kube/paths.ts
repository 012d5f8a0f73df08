/** Where each resource the plugin reads or writes lives in the Kubernetes API (domain/api-resources.ts: the versions). */
import {GROUP_VERSION, type Resource} from '../domain/api-resources.js'

export {apiVersionOf, type Resource} from '../domain/api-resources.js'

/**
 * The path of a resource: every object of it (no namespace: across namespaces, or a cluster-scoped resource), those
 * of one namespace, one object, or one of its subresources (`log`).
 */
export function apiPath(resource: Resource, at: {namespace?: string; name?: string; sub?: string} = {}): string {
  const base = GROUP_VERSION[resource]
  const e = encodeURIComponent
  if (resource === 'namespaces') return `${base}/namespaces${at.name ? `/${e(at.name)}` : ''}`
  const ns = at.namespace ? `/namespaces/${e(at.namespace)}` : ''
  return `${base}${ns}/${resource}${at.name ? `/${e(at.name)}` : ''}${at.sub ? `/${at.sub}` : ''}`
}
