/**
 * Injection prerequisites for `diagnose`: why KServe's pod webhook did not add a storage-initializer, from the live
 * MutatingWebhookConfiguration, the namespace's and the pod's labels, and the webhook Service's EndpointSlices (pure).
 *
 * KServe's pod webhook (config/webhook/manifests.yaml and charts/kserve-resources/templates/webhookconfiguration.yaml,
 * v0.11.1 to v0.20.0): MutatingWebhookConfiguration `inferenceservice.serving.kserve.io`, entry
 * `inferenceservice.kserve-webhook-server.pod-mutator`, Service `kserve-webhook-server-service` (port 443 to the
 * controller's 9443, path /mutate-pods), failurePolicy Fail; objectSelector `serving.kserve.io/inferenceservice Exists`;
 * namespaceSelector `control-plane DoesNotExist` (kustomize, every tag; the Helm chart from v0.18.0 only). The mutator
 * itself acts only on pods with that label (mutator.go needMutate) and injects only with the annotation
 * internal.serving.kserve.io/storage-initializer-sourceuri (storage_initializer_injector.go).
 */

export const POD_WEBHOOK_CONFIG = 'inferenceservice.serving.kserve.io'
export const POD_WEBHOOK = 'inferenceservice.kserve-webhook-server.pod-mutator'

/** metav1.LabelSelector against labels (k8s.io/apimachinery labels.SelectorFromSet / LabelSelectorAsSelector). */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return true
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key)
    const values: string[] = e.values ?? []
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[e.key])) return false
        break
      case 'NotIn':
        if (has && values.includes(labels[e.key])) return false
        break
      case 'Exists':
        if (!has) return false
        break
      case 'DoesNotExist':
        if (has) return false
        break
      default:
        return false
    }
  }
  return true
}

const describe = (selector: any): string =>
  [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(selector?.matchExpressions ?? []).map((e: any) => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(', ')})` : ''}`),
  ].join(', ') || '(everything)'

/** Does a webhook's rules cover creating pods? */
const coversPodCreate = (w: any): boolean =>
  (w.rules ?? []).some(
    (r: any) =>
      (r.operations ?? []).some((o: string) => o === 'CREATE' || o === '*') &&
      (r.resources ?? []).some((x: string) => x === 'pods' || x === '*') &&
      (r.apiGroups ?? []).some((g: string) => g === '' || g === '*'),
  )

export interface WebhookFacts {
  /** the MutatingWebhookConfiguration; null when it does not exist, undefined when it could not be read */
  config: any | null | undefined
  namespace: string
  namespaceLabels?: Record<string, string>
  pod: any
  /** the EndpointSlices of the webhook's Service; undefined when they could not be read */
  endpointSlices?: any[]
}

export interface WebhookVerdict {
  evidence: string[]
  fix?: string
  /** the Service to look up the endpoints of (namespace/name), when the configuration names one */
  service?: {namespace: string; name: string}
}

/** Ready endpoints in a set of EndpointSlices (a nil ready counts as ready, as kube-proxy reads it). */
export function readyEndpoints(slices: any[]): number {
  let n = 0
  for (const s of slices) for (const e of s.endpoints ?? []) if (e.conditions?.ready !== false) n++
  return n
}

/** The webhook entry that would have injected the pod, and why it did not reach this pod. */
export function webhookVerdict(f: WebhookFacts): WebhookVerdict {
  if (f.config === undefined) return {evidence: []}
  if (f.config === null)
    return {
      evidence: [`MutatingWebhookConfiguration ${POD_WEBHOOK_CONFIG} does not exist: KServe's pod webhook is not installed`],
      fix: `install KServe (its webhook configuration comes with the controller), then recreate the pods: kubectl delete pod -n ${f.namespace} -l serving.kserve.io/inferenceservice=${f.pod?.metadata?.labels?.['serving.kserve.io/inferenceservice'] ?? 'NAME'}`,
    }
  const hooks: any[] = f.config.webhooks ?? []
  const hook = hooks.find(w => w.name === POD_WEBHOOK) ?? hooks.find(coversPodCreate)
  if (!hook)
    return {
      evidence: [
        `MutatingWebhookConfiguration ${POD_WEBHOOK_CONFIG} has no webhook for pods (${hooks.map(w => w.name).join(', ') || 'no webhooks'})`,
      ],
      fix: 'reinstall KServe: the pod mutator entry is missing from its webhook configuration',
    }
  const evidence: string[] = []
  const nsLabels = {...(f.namespaceLabels ?? {}), 'kubernetes.io/metadata.name': f.namespace}
  if (!coversPodCreate(hook)) evidence.push(`webhook ${hook.name} does not handle the creation of pods (its rules)`)
  if (f.namespaceLabels && !selects(hook.namespaceSelector, nsLabels))
    evidence.push(`webhook ${hook.name}'s namespaceSelector (${describe(hook.namespaceSelector)}) does not select namespace ${f.namespace}`)
  const podLabels: Record<string, string> = f.pod?.metadata?.labels ?? {}
  if (!selects(hook.objectSelector, podLabels))
    evidence.push(`webhook ${hook.name}'s objectSelector (${describe(hook.objectSelector)}) does not select the pod`)
  const svc = hook.clientConfig?.service
  const service = svc ? {namespace: String(svc.namespace ?? ''), name: String(svc.name ?? '')} : undefined
  if (service && f.endpointSlices && readyEndpoints(f.endpointSlices) === 0) {
    evidence.push(
      `service ${service.namespace}/${service.name} (the webhook's) has no ready endpoints: the KServe controller is not serving${hook.failurePolicy === 'Ignore' ? ', and failurePolicy Ignore lets pods through without a storage-initializer' : ''}`,
    )
  }
  if (!evidence.length)
    return {
      evidence: [
        `webhook ${hook.name} selects this namespace and pod${service && f.endpointSlices ? ` and its service has ${readyEndpoints(f.endpointSlices)} ready endpoint(s)` : ''}: the pod was made before the webhook configuration existed${hook.failurePolicy === 'Ignore' ? ', or while the webhook was down (failurePolicy Ignore lets pods through)' : ''}, or before the storage-initializer-sourceuri annotation was set`,
      ],
      fix: `recreate the pod: kubectl delete pod -n ${f.namespace} ${f.pod?.metadata?.name ?? 'POD'}`,
      ...(service ? {service} : {}),
    }
  const fix = evidence.some(e => e.includes('namespaceSelector'))
    ? `the webhook skips the namespace: remove the label it excludes (kubectl label namespace ${f.namespace} control-plane-), then recreate the pods`
    : evidence.some(e => e.includes('no ready endpoints'))
      ? `start the KServe controller (kubectl get deploy -n ${service?.namespace ?? 'kserve'} kserve-controller-manager), then recreate the pods`
      : 'the pod must carry the label serving.kserve.io/inferenceservice: KServe sets it on the pods it makes; recreate them'
  return {evidence, fix, ...(service ? {service} : {})}
}
