/**
 * The resources the plugin reads or writes, and the group version of each: one place. KServe serves InferenceServices
 * as v1beta1, ClusterStorageContainers as v1alpha1, and LLMInferenceServices as v1alpha1 (v0.16+) and v1alpha2 (v0.17+;
 * config/crd/full/llmisvc at those tags); v1alpha1 reaches every release that has them. kube/paths.ts makes the URL
 * paths from it.
 */
export const GROUP_VERSION = {
  configmaps: '/api/v1',
  pods: '/api/v1',
  serviceaccounts: '/api/v1',
  secrets: '/api/v1',
  namespaces: '/api/v1',
  events: '/api/v1',
  deployments: '/apis/apps/v1',
  endpointslices: '/apis/discovery.k8s.io/v1',
  mutatingwebhookconfigurations: '/apis/admissionregistration.k8s.io/v1',
  inferenceservices: '/apis/serving.kserve.io/v1beta1',
  llminferenceservices: '/apis/serving.kserve.io/v1alpha1',
  clusterstoragecontainers: '/apis/serving.kserve.io/v1alpha1',
  // the GitOps tools that may own the configuration (domain/gitops.ts): read only
  applications: '/apis/argoproj.io/v1alpha1',
  kustomizations: '/apis/kustomize.toolkit.fluxcd.io/v1',
  helmreleases: '/apis/helm.toolkit.fluxcd.io/v2',
  selfsubjectaccessreviews: '/apis/authorization.k8s.io/v1',
  selfsubjectreviews: '/apis/authentication.k8s.io/v1',
} as const

export type Resource = keyof typeof GROUP_VERSION

/** The apiVersion of a resource's objects, as a request body names it: v1, apps/v1, serving.kserve.io/v1alpha1. */
export const apiVersionOf = (resource: Resource): string => GROUP_VERSION[resource].replace(/^\/apis?\//, '')
