/**
 * Where each resource the plugin reads or writes lives in the Kubernetes API, and in which group version: one place.
 * KServe serves InferenceServices as v1beta1, ClusterStorageContainers as v1alpha1, and LLMInferenceServices as
 * v1alpha1 (v0.16+) and v1alpha2 (v0.17+; config/crd/full/llmisvc at those tags); v1alpha1 reaches every release that
 * has them.
 */
const GROUP_VERSION = {
  configmaps: '/api/v1',
  pods: '/api/v1',
  serviceaccounts: '/api/v1',
  secrets: '/api/v1',
  namespaces: '/api/v1',
  deployments: '/apis/apps/v1',
  inferenceservices: '/apis/serving.kserve.io/v1beta1',
  llminferenceservices: '/apis/serving.kserve.io/v1alpha1',
  clusterstoragecontainers: '/apis/serving.kserve.io/v1alpha1',
  selfsubjectaccessreviews: '/apis/authorization.k8s.io/v1',
  selfsubjectreviews: '/apis/authentication.k8s.io/v1',
} as const

export type Resource = keyof typeof GROUP_VERSION

/** The apiVersion of a resource's objects, as a request body names it: v1, apps/v1, serving.kserve.io/v1alpha1. */
export const apiVersionOf = (resource: Resource): string => GROUP_VERSION[resource].replace(/^\/apis?\//, '')

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
