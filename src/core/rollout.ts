/**
 * `rollout`: bring a storage-initializer change to the models whose pods still run the previous one, the way each
 * deployment mode needs (domain/model-pods.ts rolloutFor), and follow it to the end; `rollout status` follows without
 * acting. A pod is current when it runs what the emulation gives its model now, field by field (get --isvc's view).
 * What each mode touches, and why KServe keeps it (read in kserve/kserve at v0.11.1, v0.15.0, v0.20.0:
 * pkg/controller/v1beta1/inferenceservice/reconcilers/{deployment,knative}, controller.go, llmisvc workload_storage.go):
 * - restart (Standard/RawDeployment): an annotation on the InferenceService, storage-init.kserve.io/restartedAt. KServe
 *   copies the InferenceService's annotations into the pod template, so the change is its own and its Deployment rolls
 *   by its own strategy. Not `kubectl rollout restart`: from v0.15.1 (kserve#4445) the Deployment reconciler patches the
 *   template back to what it wants (CreateTwoWayMergePatch sets restartedAt to null), a second rollout.
 * - replace-pods (Knative): the same annotation: KServe copies it into the Knative Service's template, a new revision
 *   that Knative rolls traffic to (KServe owns it; its ksvc reconciler would take back an edit of the Service itself).
 *   A model whose owner would take the annotation back can have its pods replaced instead (--include-owned): never
 *   more unavailable at once than the maxUnavailable of the Deployment that runs them (domain/strategy.ts; the
 *   ReplicaSet recreates them through the webhook). KServe makes no PodDisruptionBudget and the webhook adds no
 *   finalizer, so nothing else stands in the way. A Deployment that allows none (it surges instead: 25% of 1-3
 *   replicas) is left alone unless --ignore-max-unavailable, which replaces one pod at a time.
 * - reconcile (storageUris): the controller writes the init container into the workload when it reconciles the
 *   InferenceService, and watches neither the ConfigMap nor ClusterStorageContainers: an annotation on it.
 * - recreate (LLMInferenceService, v0.17+): the LLM controller keeps its Deployment's image (kserve#5085) and writes the
 *   configuration's only into a Deployment it creates: the Deployment is deleted (downtime) and made anew.
 * A model Argo CD, Flux or Helm keeps is not annotated (its owner would take the annotation back, another rollout):
 * with --include-owned its pods are replaced instead, within the Deployment's strategy, which edits no object.
 */
import type {KubeClient} from '../kube/client.js'
import {annotateInferenceService, deleteDeployment, deletePod, getDeployment, listModelNames} from '../kube/rollout.js'
import {helmOwnership} from '../domain/helm.js'
import {llmDeploymentName, llmPodSelector} from '../domain/llmisvc.js'
import type {Rollout} from '../domain/model-pods.js'
import {deletable, deploymentOfPod, podReady, selectsPod, strategyOf, unsettled, type Strategy} from '../domain/strategy.js'
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
  /** this command made new pods for it */
  rolled?: boolean
  /** a Knative model (its annotation makes a new revision) */
  knative?: boolean
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

function downloadSeconds(p: any): number | undefined {
  const s = (p.status?.initContainerStatuses ?? []).find((x: any) => x.name === 'storage-initializer')?.state?.terminated
  if (!s || s.exitCode !== 0 || !s.startedAt || !s.finishedAt) return undefined
  return Math.max(0, (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000)
}

/** Where a model stands now: its pods, judged against the emulation of what it gets today. */
export async function progressOf(client: KubeClient, loaded: Loaded, m: ModelRef): Promise<Omit<ModelProgress, 'rollout' | 'state'>> {
  const reads = memoReads(client)
  const model = await findModel(client, m.namespace, m.name, m.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined)
  const view = await inspectIsvc(
    client,
    undefined,
    m.namespace,
    m.name,
    model.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined,
    {
      // an LLMInferenceService is judged against the Deployment its controller would make now: the one it runs keeps
      // its image (kserve#5085), which is what a rollout replaces
      loaded: model.kind === 'LLMInferenceService' ? {...loaded, llmTemplates: new Map()} : loaded,
      model,
      reads,
    },
  )
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

/** The annotation a rollout writes on an InferenceService (KServe copies it into the pod template). */
export const RESTARTED_AT = 'storage-init.kserve.io/restartedAt'

/** Make new pods, the way the model's mode needs (replace-pods is stepped by replacePods). Returns what was done. */
export async function act(client: KubeClient, m: ModelRef, rollout: Rollout, fieldManager: string, knative = false): Promise<string> {
  const ns = m.namespace
  // milliseconds: a second rollout within the same second must still change the annotation (an equal value is no
  // change at all: no new resourceVersion, nothing for KServe to reconcile, and the rollout would wait in vain)
  const now = new Date().toISOString()
  if (rollout.action === 'restart' || rollout.action === 'reconcile') {
    const key = rollout.action === 'restart' ? RESTARTED_AT : 'storage-init.kserve.io/reconciledAt'
    await annotateInferenceService(client, ns, m.name, {[key]: now}, fieldManager)
    return rollout.action === 'restart'
      ? `annotated ${display(m)} ${key}=${now}: ${knative ? 'KServe writes a new revision, and Knative moves its traffic there' : "KServe rolls its Deployment by the Deployment's strategy"}`
      : `annotated ${display(m)} ${key}=${now}: the controller writes its workload again`
  }
  if (rollout.action === 'recreate') {
    const name = llmDeploymentName(m.name)
    await deleteDeployment(client, ns, name)
    return `deleted deployment/${name}; the LLM controller makes it anew with the configuration's image`
  }
  return 'nothing to do'
}

/** The Deployments that run a model's pods, each with its pods, and the pods no Deployment runs. */
async function podsByDeployment(client: KubeClient, loaded: Loaded, m: ModelRef) {
  const reads = memoReads(client)
  const model = await findModel(client, m.namespace, m.name)
  const view = await inspectIsvc(client, undefined, m.namespace, m.name, undefined, {loaded, model, reads})
  const raw: any[] = await reads.pods(m.namespace, selectorOf(m))
  const stale = new Set(view.pods.filter(p => !p.current).map(p => p.name))
  const byDeployment = new Map<string, any[]>()
  const orphans: any[] = []
  for (const p of raw) {
    const d = deploymentOfPod(p)
    if (d === undefined) orphans.push(p)
    else byDeployment.set(d, [...(byDeployment.get(d) ?? []), p])
  }
  return {stale, byDeployment, orphans: orphans.filter(p => stale.has(p.metadata?.name) && !p.metadata?.deletionTimestamp)}
}

/**
 * The Deployment behind each group of a model's pods, read and checked: its selector selects them (a ReplicaSet is
 * named after its Deployment, but an adopted one keeps an older name), its strategy resolves, it is not paused, and
 * (unless --ignore-max-unavailable) it allows a pod to be unavailable. Why not, in one line, when one fails.
 */
async function checkedDeployment(
  client: KubeClient,
  namespace: string,
  name: string,
  pods: any[],
  ignoreMaxUnavailable: boolean,
): Promise<{deployment: any; strategy: Strategy} | {refusal: string}> {
  let d: any
  try {
    d = await getDeployment(client, namespace, name)
  } catch (e) {
    return {refusal: `the rollout strategy of deployment/${name} cannot be read (${(e as Error).message}), so no pod is replaced`}
  }
  const stray = pods.find(p => !selectsPod(d, p))
  if (stray)
    return {
      refusal: `pod/${stray.metadata.name}'s ReplicaSet is named after deployment/${name}, whose selector does not select it: which strategy applies is unclear, so no pod is replaced`,
    }
  const s = strategyOf(d)
  if (s.invalid) return {refusal: `deployment/${name}: ${s.invalid}; its controller cannot resolve it either`}
  const u = unsettled(d)
  if (u?.paused) return {refusal: u.why}
  if (s.replicas === 0) return {refusal: `deployment/${name} is scaled to 0 replicas: its pods go by themselves`}
  if (s.maxUnavailable === 0 && !ignoreMaxUnavailable)
    return {
      refusal: `deployment/${name} allows no unavailable pod (${s.how}); deleting a pod would take it below that: roll it from its owner, or pass --ignore-max-unavailable to replace one pod at a time anyway`,
    }
  return {deployment: d, strategy: s}
}

/** How the pods of a Deployment are replaced, in a few words. */
const replacing = (s: Strategy) =>
  s.maxUnavailable === 0
    ? `deployment/${s.name}: one at a time, beyond what it allows (${s.how}; --ignore-max-unavailable)`
    : s.type === 'Recreate'
      ? `deployment/${s.name}: ${s.how}`
      : `deployment/${s.name}: at most ${s.maxUnavailable} unavailable at once (${s.how})`

/**
 * Whether a model's pods can be replaced within the rollout strategy of the Deployments that run them (--include-owned):
 * how, or why not. A Deployment that allows no unavailable pod (it surges instead: 25% of 1-3 replicas rounds down to
 * 0, the default of KServe's and Knative's Deployments) is refused unless --ignore-max-unavailable; a pod no Deployment
 * runs is never deleted (its controller's own rules are not read here).
 */
export async function replacementPlan(
  client: KubeClient,
  loaded: Loaded,
  m: ModelRef,
  ignoreMaxUnavailable: boolean,
): Promise<{how: string} | {refusal: string}> {
  const {stale, byDeployment, orphans} = await podsByDeployment(client, loaded, m)
  if (orphans.length) {
    const owner = (orphans[0].metadata?.ownerReferences ?? []).find((r: any) => r?.controller)
    return {
      refusal: `pod/${orphans[0].metadata.name} is not run by a Deployment (${owner ? `its controller is ${owner.kind}/${owner.name}` : 'it has no controller, and nothing would make it again'}): its pods are not replaced`,
    }
  }
  const hows: string[] = []
  for (const [name, pods] of [...byDeployment].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!pods.some(p => stale.has(p.metadata?.name))) continue
    const c = await checkedDeployment(client, m.namespace, name, pods, ignoreMaxUnavailable)
    if ('refusal' in c) return c
    hows.push(replacing(c.strategy))
  }
  return {how: hows.join('; ') || 'no pod runs the previous storage-initializer now'}
}

/**
 * --include-owned, one step: for each Deployment, once its own rollout is complete, delete the stale pods its strategy
 * lets go now (the ReplicaSet makes them again, through the webhook). What was deleted; or why the model cannot go on
 * (a Deployment that changed since the plan, or a failed read or delete), which ends it as failed.
 */
export async function replacePods(
  client: KubeClient,
  loaded: Loaded,
  m: ModelRef,
  ignoreMaxUnavailable: boolean,
): Promise<{did?: string; failed?: string}> {
  const gone: string[] = []
  try {
    const {stale, byDeployment, orphans} = await podsByDeployment(client, loaded, m)
    if (orphans.length) return {failed: `pod/${orphans[0].metadata.name} is not run by a Deployment: its pods are not replaced`}
    for (const [name, pods] of byDeployment) {
      if (!pods.some(p => stale.has(p.metadata?.name) && !p.metadata?.deletionTimestamp)) continue
      const c = await checkedDeployment(client, m.namespace, name, pods, ignoreMaxUnavailable)
      if ('refusal' in c) return {failed: c.refusal, ...(gone.length ? {did: `deleted ${gone.join(', ')}`} : {})}
      if (unsettled(c.deployment)) continue
      for (const pod of deletable(c.strategy, pods, stale, Date.now(), c.strategy.maxUnavailable === 0)) {
        await deletePod(client, m.namespace, pod)
        gone.push(`pod/${pod}`)
      }
    }
  } catch (e) {
    return {failed: `replacing its pods: ${(e as Error).message}`, ...(gone.length ? {did: `deleted ${gone.join(', ')}`} : {})}
  }
  return gone.length ? {did: `deleted ${gone.join(', ')}`} : {}
}

/** Note the rollout in the history beside the change it brought to the models (undefined: recorded; else why not). */
export async function recordRollout(
  client: KubeClient,
  namespace: string,
  r: {time: string; command: string; models: ModelProgress[]},
): Promise<string | undefined> {
  const [{recordRollout: record}, {whoAmI}] = await Promise.all([import('../kube/history-store.js'), import('../kube/access.js')])
  const rolled = r.models.filter(m => m.rolled)
  const models = rolled
    .slice(0, 50)
    .map(m => ({model: display(m.model), state: m.state, ...(m.reason ? {reason: m.reason.slice(0, 300)} : {})}))
  return record(client, namespace, {
    time: r.time,
    user: await whoAmI(client),
    command: r.command,
    models,
    ...(rolled.length > models.length ? {more: rolled.length - models.length} : {}),
  })
}

export {inspect, key}

export interface RolloutOptions {
  kserveNamespace?: string
  /** the models named, or every model of a namespace (undefined: every namespace) */
  select: {name: string; kind?: 'LLMInferenceService'; namespace: string} | {all: true; namespace?: string} | {models: ModelRef[]}
  /** only say what would be done */
  dryRun: boolean
  /** follow without acting (rollout status) */
  statusOnly: boolean
  /** wait (false: one look, rollout status --watch=false) */
  watch: boolean
  maxParallel: number
  timeoutMs: number
  pollMs: number
  includeOwned: boolean
  /** --ignore-max-unavailable: replace an owned model's pods one at a time where its Deployment allows none */
  ignoreMaxUnavailable: boolean
  fieldManager: string
  /** an interrupt was asked for: stop starting and following, then record */
  interrupted: () => boolean
  emit: (e: RolloutEvent) => void
}

export interface RolloutResult {
  /** KServe's namespace, where the history is */
  namespace: string
  models: ModelProgress[]
  /** timed out, or interrupted, before every model was done */
  ended?: 'timeout' | 'interrupted'
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms))

/** How many models are assessed at once before a rollout starts. */
const ASSESS_PARALLEL = 8

/** f over items, at most n at a time, the results in the items' order. */
async function inPool<T, R>(items: T[], n: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await f(items[i])
    }
  }
  await Promise.all(Array.from({length: Math.min(n, items.length)}, worker))
  return out
}

/** The models a rollout is about: the one named, or every InferenceService and LLMInferenceService selected. */
async function selected(client: KubeClient, select: RolloutOptions['select']): Promise<ModelRef[]> {
  if ('models' in select) return select.models
  if ('name' in select) {
    const m = await findModel(client, select.namespace, select.name, select.kind)
    return [{kind: m.kind, namespace: select.namespace, name: select.name}]
  }
  const out: ModelRef[] = []
  for (const [resource, kind] of [
    ['inferenceservices', 'InferenceService'],
    ['llminferenceservices', 'LLMInferenceService'],
  ] as const) {
    for (const o of (await listModelNames(client, resource, select.namespace)) ?? []) out.push({kind, ...o})
  }
  return out.sort((a, b) => key(a).localeCompare(key(b)))
}

/** The first finding diagnose makes for a model whose download failed: its cause and fix. */
async function finding(client: KubeClient, kserveNamespace: string | undefined, m: ModelRef): Promise<{reason?: string; fix?: string}> {
  try {
    const {diagnoseModel} = await import('./diagnose.js')
    const d = await diagnoseModel(
      client,
      kserveNamespace,
      m.namespace,
      m.name,
      m.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined,
    )
    const f = d.findings.find(x => x.severity === 'error') ?? d.findings[0]
    return f ? {reason: `${f.id} ${f.cause}`, fix: f.fix} : {}
  } catch {
    return {}
  }
}

/** Run (or follow) a rollout to its end: every selected model on the new storage-initializer, failed, or out of time. */
export async function runRollout(client: KubeClient, o: RolloutOptions): Promise<RolloutResult> {
  const time = () => new Date().toISOString()
  const loaded = await inspect(client, o.kserveNamespace)
  const namespace = loaded.inspection.kserve.namespace
  const refs = await selected(client, o.select)
  const models: ModelProgress[] = []
  // where each model stands first; what has nothing stale is done already (a few models at a time: -A may be thousands)
  const assessed = await inPool(refs, ASSESS_PARALLEL, async (m): Promise<ModelProgress | undefined> => {
    let p: Awaited<ReturnType<typeof progressOf>>
    let rollout: Rollout
    try {
      p = await progressOf(client, loaded, m)
      rollout = (
        await inspectIsvc(client, undefined, m.namespace, m.name, m.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined, {
          loaded,
        })
      ).rollout
    } catch (e) {
      if (!('name' in o.select)) return undefined // a model that names no storage URI, or went away
      throw e
    }
    const stale = p.pods - p.current
    const mp: ModelProgress = {...p, rollout, state: 'pending'}
    if (p.pods === 0) Object.assign(mp, {state: 'skipped', reason: 'no pods (scaled to zero, or not created yet)'})
    else if (stale === 0 && p.ready === p.pods && !p.reason)
      Object.assign(mp, {state: 'done', reason: 'every pod runs the storage-initializer the configuration gives'})
    else if (rollout.action === 'none') Object.assign(mp, {state: 'skipped', reason: rollout.how})
    return mp
  })
  models.push(...assessed.filter((x): x is ModelProgress => x !== undefined))
  // models a GitOps tool or Helm keeps are not annotated: their owner would take it back (another rollout)
  if (!o.statusOnly)
    await inPool(
      models.filter(x => x.state === 'pending'),
      ASSESS_PARALLEL,
      async mp => {
        const kind = mp.model.kind === 'LLMInferenceService' ? 'LLMInferenceService' : undefined
        const owner = await ownerOf(client, (await findModel(client, mp.model.namespace, mp.model.name, kind)).object)
        const webhook = mp.rollout.action === 'restart' || mp.rollout.action === 'replace-pods'
        if (!owner) {
          // Knative: the annotation makes a new revision, KServe's own
          if (mp.rollout.action === 'replace-pods') Object.assign(mp, {knative: true, rollout: {...mp.rollout, action: 'restart'}})
          return
        }
        // replacing pods gives them the webhook's container again; a storageUris model's is in its workload
        if (o.includeOwned && webhook) {
          const plan = await replacementPlan(client, loaded, mp.model, o.ignoreMaxUnavailable)
          if ('refusal' in plan) Object.assign(mp, {state: 'skipped', reason: `${owner}; ${plan.refusal}`})
          else mp.rollout = {...mp.rollout, action: 'replace-pods', how: plan.how}
        } else
          Object.assign(mp, {
            state: 'skipped',
            reason: `${owner}; ${webhook ? "--include-owned replaces its pods instead, within its Deployment's strategy (no object is edited)" : 'its owner would take back what a rollout writes: roll it from Git'}`,
          })
      },
    )
  const strip = ({model, ...rest}: ModelProgress) => (void model, rest)
  for (const mp of models)
    o.emit({
      type: mp.state === 'pending' ? 'planned' : mp.state === 'done' ? 'done' : 'skipped',
      time: time(),
      model: mp.model,
      progress: strip(mp),
      message:
        mp.state === 'pending'
          ? `${mp.pods - mp.current}/${mp.pods} pod(s) run the previous storage-initializer; ${o.statusOnly ? 'waiting for them to be replaced' : o.dryRun ? `would ${rollout(mp.rollout, mp.knative)}` : `will ${rollout(mp.rollout, mp.knative)}`}`
          : (mp.reason ?? ''),
    })
  if (o.dryRun || (!o.watch && o.statusOnly)) return {namespace, models}
  const deadline = Date.now() + o.timeoutMs
  const active = new Set<ModelProgress>()
  const queue = models.filter(x => x.state === 'pending')
  const last = new Map<ModelProgress, string>()
  // a model that cannot go on (a write refused, a read that failed after its retries): failed, said why; the others go on
  const fail = (mp: ModelProgress, reason: string) => {
    Object.assign(mp, {state: 'failed', reason})
    active.delete(mp)
    o.emit({type: 'failed', time: time(), model: mp.model, progress: strip(mp), message: reason})
  }
  for (;;) {
    if (o.interrupted()) return {namespace, models, ended: 'interrupted'}
    // start models, at most maxParallel at a time (rollout status follows them all)
    while (queue.length && (o.statusOnly || active.size < o.maxParallel)) {
      const mp = queue.shift()!
      active.add(mp)
      mp.state = 'rolling'
      if (!o.statusOnly) mp.rolled = true
      if (!o.statusOnly && mp.rollout.action !== 'replace-pods') {
        let did: string
        try {
          did = await act(client, mp.model, mp.rollout, o.fieldManager, mp.knative)
        } catch (e) {
          fail(mp, `${rollout(mp.rollout, mp.knative)}: ${(e as Error).message}`)
          continue
        }
        o.emit({type: 'started', time: time(), model: mp.model, progress: strip(mp), message: did})
      }
    }
    if (active.size === 0) return {namespace, models}
    for (const mp of [...active]) {
      if (!o.statusOnly && mp.rollout.action === 'replace-pods') {
        const r = await replacePods(client, loaded, mp.model, o.ignoreMaxUnavailable)
        if (r.did) o.emit({type: 'started', time: time(), model: mp.model, progress: strip(mp), message: r.did})
        if (r.failed) {
          fail(mp, r.failed)
          continue
        }
      }
      let p: Awaited<ReturnType<typeof progressOf>>
      try {
        p = await progressOf(client, loaded, mp.model)
      } catch (e) {
        fail(mp, `following it: ${(e as Error).message}`)
        continue
      }
      Object.assign(mp, p)
      if (p.reason) {
        const f = await finding(client, o.kserveNamespace, mp.model)
        Object.assign(mp, {state: 'failed', reason: f.reason ? `${p.reason}: ${f.reason}` : p.reason, ...(f.fix ? {fix: f.fix} : {})})
        active.delete(mp)
        o.emit({type: 'failed', time: time(), model: mp.model, progress: strip(mp), message: mp.reason!})
        continue
      }
      const done = p.pods > 0 && p.current === p.pods && p.ready === p.pods
      const line = `${p.current}/${p.pods} pod(s) on the new storage-initializer, ${p.ready} ready${downloads(p.downloads)}`
      if (done) {
        mp.state = 'done'
        active.delete(mp)
        o.emit({type: 'done', time: time(), model: mp.model, progress: strip(mp), message: `rolled out: ${line}`})
      } else if (last.get(mp) !== line) {
        last.set(mp, line)
        o.emit({type: 'progress', time: time(), model: mp.model, progress: strip(mp), message: line})
      }
    }
    if (Date.now() > deadline) {
      for (const mp of [...active, ...queue])
        o.emit({
          type: 'timeout',
          time: time(),
          model: mp.model,
          progress: strip(mp),
          message: `not done in time: ${mp.current}/${mp.pods} pod(s) on the new storage-initializer`,
        })
      return {namespace, models, ended: 'timeout'}
    }
    await sleep(o.pollMs)
  }
}

/** What a rollout does to a model, in a few words. */
function rollout(r: Rollout, knative?: boolean): string {
  return r.action === 'restart'
    ? knative
      ? 'annotate it so that KServe writes a new revision (Knative)'
      : 'annotate it so that KServe rolls its Deployment by its own strategy'
    : r.action === 'replace-pods'
      ? `replace its pods within their Deployment's strategy, which recreates them (${r.how}); no object is edited`
      : r.action === 'reconcile'
        ? 'annotate it so that the controller writes its workload again (storageUris)'
        : r.action === 'recreate'
          ? 'delete its Deployment for the LLM controller to make anew'
          : 'do nothing'
}

function downloads(d: number[]): string {
  if (!d.length) return ''
  const lo = Math.min(...d)
  const hi = Math.max(...d)
  return `, download ${lo === hi ? `${Math.round(lo)}s` : `${Math.round(lo)}-${Math.round(hi)}s`}`
}
