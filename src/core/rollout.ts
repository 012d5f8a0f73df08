/**
 * `rollout`: bring a storage-initializer change to the models whose pods still run the previous one, the way each
 * deployment mode needs (domain/model-pods.ts rolloutFor), and follow it to the end; `rollout status` follows without
 * acting. A pod is current when it runs what the emulation gives its model now, field by field (get --isvc's view).
 * What each mode touches, and why KServe keeps it (pkg/controller/v1beta1/inferenceservice/reconcilers at v0.11.1,
 * v0.15.0, v0.20.0; /tmp notes in the change's commit message):
 * - restart (Standard/RawDeployment): the Deployment's spec.template.metadata.annotations
 *   kubectl.kubernetes.io/restartedAt, as `kubectl rollout restart` writes it: KServe's Deployment reconciler compares
 *   with equality.Semantic.DeepDerivative (fields it does not set are not differences), so it is kept; new pods pass
 *   the webhook; the Deployment's own strategy paces them.
 * - replace-pods (Knative): the revision never changes; its pods are deleted one at a time, each after the one before
 *   was replaced by a ready pod (Knative's Deployment recreates them).
 * - reconcile (storageUris): the controller writes the init container into the workload when it reconciles the
 *   InferenceService, which it does not do for a ConfigMap change: an annotation on the InferenceService.
 * - recreate (LLMInferenceService): the LLM controller keeps its Deployment's image; the Deployment is deleted and the
 *   controller makes it anew.
 */
import {isApiStatus} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {apiPath} from '../kube/paths.js'
import {helmOwnership} from '../domain/helm.js'
import {llmDeploymentName, llmPodSelector} from '../domain/llmisvc.js'
import type {Rollout} from '../domain/model-pods.js'
import {findModel, inspect, inspectIsvc, memoReads, type Loaded} from './inspect.js'

export interface ModelRef {
  kind: 'InferenceService' | 'LLMInferenceService'
  namespace: string
  name: string
}

/** Where one model stands. */
export interface ModelProgress {
  model: ModelRef
  rollout: Rollout
  /** pods that exist (not terminating) */
  pods: number
  /** pods that run the storage-initializer the configuration gives now */
  current: number
  /** current pods whose storage-initializer finished and whose containers run */
  ready: number
  /** the downloads of current pods that finished, in seconds (from the init container's start and finish) */
  downloads: number[]
  state: 'pending' | 'rolling' | 'done' | 'failed' | 'skipped'
  /** why it failed or was skipped, in one line; for a failure the diagnose finding and its fix */
  reason?: string
  fix?: string
}

/** One event of a rollout (`-o json`: one per line). */
export interface RolloutEvent {
  type: 'planned' | 'started' | 'progress' | 'done' | 'failed' | 'skipped' | 'timeout' | 'finished'
  time: string
  model?: ModelRef
  progress?: Omit<ModelProgress, 'model'>
  message: string
}

const key = (m: ModelRef) => `${m.kind}/${m.namespace}/${m.name}`
export const display = (m: ModelRef) => `${m.kind.toLowerCase()}/${m.name} -n ${m.namespace}`

const selectorOf = (m: ModelRef) =>
  m.kind === 'InferenceService' ? `serving.kserve.io/inferenceservice=${m.name}` : llmPodSelector(m.name)

/** A failed download: an init container that exited non-zero, or waits to be restarted after it did. */
function failedInit(p: any): string | undefined {
  for (const s of p.status?.initContainerStatuses ?? []) {
    if (s.name !== 'storage-initializer') continue
    const t = s.state?.terminated
    if (t && t.exitCode !== 0) return `pod ${p.metadata.name}: storage-initializer exited ${t.exitCode} (${t.reason ?? 'Error'})`
    const w = s.state?.waiting
    if (w?.reason === 'CrashLoopBackOff' || (w && s.lastState?.terminated?.exitCode))
      return `pod ${p.metadata.name}: storage-initializer ${w.reason}, after it exited ${s.lastState?.terminated?.exitCode ?? 1}`
    if (w?.reason && /ImagePullBackOff|ErrImagePull|InvalidImageName/.test(w.reason))
      return `pod ${p.metadata.name}: storage-initializer ${w.reason}`
  }
  return undefined
}

const podReady = (p: any) =>
  p.status?.phase === 'Running' && (p.status?.containerStatuses ?? []).every((c: any) => c.ready) && !p.metadata?.deletionTimestamp

function downloadSeconds(p: any): number | undefined {
  const s = (p.status?.initContainerStatuses ?? []).find((x: any) => x.name === 'storage-initializer')?.state?.terminated
  if (!s || s.exitCode !== 0 || !s.startedAt || !s.finishedAt) return undefined
  return Math.max(0, (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000)
}

/** Where a model stands now: its pods, judged against the emulation of what it gets today. */
export async function progressOf(client: KubeClient, loaded: Loaded, m: ModelRef): Promise<Omit<ModelProgress, 'rollout' | 'state'>> {
  const reads = memoReads(client)
  const model = await findModel(client, m.namespace, m.name, m.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined)
  const view = await inspectIsvc(client, undefined, m.namespace, m.name, model.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined, {
    loaded,
    model,
    reads,
  })
  const raw: any[] = (await reads.pods(m.namespace, selectorOf(m))).filter(p => !p.metadata?.deletionTimestamp)
  const byName = new Map(raw.map(p => [p.metadata.name, p]))
  const current = view.pods.filter(p => p.current && byName.has(p.name)).map(p => byName.get(p.name))
  const failure = current.map(failedInit).find(Boolean)
  return {
    model: m,
    pods: raw.length,
    current: current.length,
    ready: current.filter(podReady).length,
    downloads: current.map(downloadSeconds).filter((x): x is number => x !== undefined),
    ...(failure ? {reason: failure} : {}),
  }
}

/** Why a model is not touched without --include-owned: Helm or a GitOps tool keeps it. */
export async function ownerOf(client: KubeClient, object: any): Promise<string | undefined> {
  const {OwnerReader} = await import('../kube/gitops.js')
  const v = await new OwnerReader(client).judge(object, [['metadata', 'annotations']])
  if (v) return `managed by ${v.owner} (${v.evidence})`
  const h = helmOwnership(object?.metadata)
  return h ? `managed by Helm release "${h.release}"` : undefined
}

/** Make new pods, the way the model's mode needs. Returns what was done, in one line. */
export async function act(client: KubeClient, m: ModelRef, rollout: Rollout, fieldManager: string): Promise<string> {
  const ns = m.namespace
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
  if (rollout.action === 'restart') {
    const list = await client.get<{items?: any[]}>(apiPath('deployments', {namespace: ns}), {labelSelector: `serving.kserve.io/inferenceservice=${m.name}`})
    const deployments = (list.items ?? []).filter(d => !d.metadata?.deletionTimestamp)
    if (!deployments.length) throw new Error(`no Deployment carries serving.kserve.io/inferenceservice=${m.name} in ${ns}`)
    for (const d of deployments)
      // what kubectl rollout restart writes (a strategic merge patch of the template's annotations)
      await client.request('PATCH', apiPath('deployments', {namespace: ns, name: d.metadata.name}), {
        body: {spec: {template: {metadata: {annotations: {'kubectl.kubernetes.io/restartedAt': now}}}}},
        contentType: 'application/strategic-merge-patch+json',
        query: {fieldManager},
      })
    return `restarted ${deployments.map(d => `deployment/${d.metadata.name}`).join(', ')}`
  }
  if (rollout.action === 'reconcile') {
    await client.request('PATCH', apiPath('inferenceservices', {namespace: ns, name: m.name}), {
      body: {metadata: {annotations: {'storage-init.kserve.io/reconciledAt': now}}},
      contentType: 'application/merge-patch+json',
      query: {fieldManager},
    })
    return 'annotated the InferenceService so that the controller writes its workload again'
  }
  if (rollout.action === 'recreate') {
    const name = llmDeploymentName(m.name)
    await client.request('DELETE', apiPath('deployments', {namespace: ns, name}), {
      body: {apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background'},
    })
    return `deleted deployment/${name}; the LLM controller makes it anew with the configuration's image`
  }
  return 'nothing to do'
}

/** Knative: delete the next stale pod once every pod of the model that is current is ready (one at a time). */
export async function replaceOnePod(client: KubeClient, loaded: Loaded, m: ModelRef): Promise<string | undefined> {
  const reads = memoReads(client)
  const model = await findModel(client, m.namespace, m.name)
  const view = await inspectIsvc(client, undefined, m.namespace, m.name, undefined, {loaded, model, reads})
  const raw: any[] = await reads.pods(m.namespace, selectorOf(m))
  if (raw.some(p => p.metadata?.deletionTimestamp || !podReady(p))) return undefined
  const stale = view.pods.find(p => !p.current)
  if (!stale) return undefined
  try {
    await client.request('DELETE', apiPath('pods', {namespace: m.namespace, name: stale.name}), {})
  } catch (e) {
    if (!isApiStatus(e, 404)) throw e
  }
  return `deleted pod/${stale.name}`
}

export {inspect, key}
