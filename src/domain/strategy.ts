/**
 * How many of a Deployment's pods may be unavailable at once, as its own rollout would allow: what `rollout
 * --include-owned` holds itself to when it replaces pods instead of editing anything (#31: "never more than the
 * workload's own rollout strategy allows"). Read in kubernetes/kubernetes (v1.34):
 * - pkg/apis/apps/v1/defaults.go SetDefaults_Deployment: strategy RollingUpdate, maxUnavailable and maxSurge 25% each
 *   when unset, replicas 1.
 * - pkg/controller/deployment/util/deployment_util.go MaxUnavailable: 0 replicas: 0; RollingUpdate: ResolveFenceposts
 *   (maxSurge rounded up, maxUnavailable rounded down, both of the desired replicas; both 0 ⇒ maxUnavailable 1), at
 *   most the replicas. Recreate (MaxUnavailable says 0; its own rollout takes every pod down at once): one pod at a
 *   time here, less than the strategy allows, never an outage the user did not see coming.
 * - staging/src/k8s.io/apimachinery/pkg/util/intstr GetScaledValueFromIntOrPercent: an int is itself, a string must end
 *   in "%" (else "invalid value for IntOrString: invalid type: string is not a percentage").
 * - pkg/api/v1/pod/util.go IsPodAvailable: the Ready condition True, for minReadySeconds when set (available at exactly
 *   minReadySeconds, kubernetes#132122); controller.FilterActivePods: terminating pods do not count.
 * - sync.go / rolling.go: the controller keeps at least replicas − maxUnavailable pods available; an old pod that is
 *   not available may go at any time (cleanupUnhealthyReplicas). It scales its ReplicaSets from their status, which
 *   lags: pods are replaced only while the Deployment's own rollout is complete (deploymentutil.DeploymentComplete),
 *   never while it is paused.
 * KServe's Deployments: 25%/25% unless the InferenceService or the ConfigMap's deploy.defaultRollout says otherwise,
 * multi-node 0%/100% (reconcilers/deployment/deployment_reconciler.go, v0.20.0); Knative's revision Deployments set no
 * strategy (knative/serving pkg/reconciler/revision/resources/deploy.go), so the defaults. With 1-3 replicas, 25%
 * rounds down to 0: such a Deployment surges instead, and deleting a pod would take it below what it allows.
 */
import {selects} from './diagnose-webhook.js'

export interface Strategy {
  /** the Deployment's name */
  name: string
  type: 'RollingUpdate' | 'Recreate'
  replicas: number
  /** pods that may be unavailable at once (Recreate: every pod) */
  maxUnavailable: number
  minReadySeconds: number
  /** how maxUnavailable came about, for a reason or a plan: "maxUnavailable 25% of 2 replicas = 0" */
  how: string
  /** a value the Deployment controller could not resolve either */
  invalid?: string
}

/** k8s.io/apimachinery intstr.GetScaledValueFromIntOrPercent. */
export function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v
  const s = String(v)
  if (!s.endsWith('%')) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage (${JSON.stringify(s)})`)
  const p = s.slice(0, -1)
  if (!/^[+-]?\d+$/.test(p)) throw new Error(`invalid value for IntOrString: invalid value for percentage (${JSON.stringify(s)})`)
  const n = (Number(p) * total) / 100
  return roundUp ? Math.ceil(n) : Math.floor(n)
}

/** The strategy of an apps/v1 Deployment as its controller resolves it. */
export function strategyOf(d: any): Strategy {
  const name = String(d?.metadata?.name ?? '')
  const spec = d?.spec ?? {}
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
  const minReadySeconds = typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0
  if (spec.strategy?.type === 'Recreate')
    return {
      name,
      type: 'Recreate',
      replicas,
      maxUnavailable: replicas === 0 ? 0 : 1,
      minReadySeconds,
      how: 'strategy Recreate, which takes every pod down at once: here one at a time',
    }
  const ru = spec.strategy?.rollingUpdate ?? {}
  const surgeV = ru.maxSurge ?? '25%'
  const unavailableV = ru.maxUnavailable ?? '25%'
  const of = `${replicas} replica(s)`
  if (replicas === 0) return {name, type: 'RollingUpdate', replicas, maxUnavailable: 0, minReadySeconds, how: '0 replicas'}
  try {
    const surge = scaled(surgeV, replicas, true)
    let unavailable = scaled(unavailableV, replicas, false)
    let how = `maxUnavailable ${unavailableV} of ${of} = ${unavailable}`
    if (surge === 0 && unavailable === 0) {
      unavailable = 1
      how = `maxUnavailable ${unavailableV} and maxSurge ${surgeV} of ${of} both resolve to 0, so 1`
    } else if (unavailable === 0) how += `: it surges instead (maxSurge ${surgeV})`
    if (unavailable > replicas) unavailable = replicas
    return {name, type: 'RollingUpdate', replicas, maxUnavailable: Math.max(0, unavailable), minReadySeconds, how}
  } catch (e) {
    return {
      name,
      type: 'RollingUpdate',
      replicas,
      maxUnavailable: 0,
      minReadySeconds,
      how: (e as Error).message,
      invalid: (e as Error).message,
    }
  }
}

/** A pod that is not terminating and runs with every container ready (the progress a rollout shows). */
export function podReady(p: any): boolean {
  return p?.status?.phase === 'Running' && (p.status?.containerStatuses ?? []).every((c: any) => c.ready) && !p.metadata?.deletionTimestamp
}

/** IsPodAvailable (and FilterActivePods): not terminating, the Ready condition True for minReadySeconds when set. */
export function podAvailable(p: any, minReadySeconds: number, now: number): boolean {
  if (p?.metadata?.deletionTimestamp) return false
  const ready = (p?.status?.conditions ?? []).find((c: any) => c?.type === 'Ready')
  if (ready?.status !== 'True') return false
  if (minReadySeconds <= 0) return true
  const since = Date.parse(ready.lastTransitionTime ?? '')
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now
}

/**
 * Why the Deployment's own state stops pods from being replaced now: paused (for good), or its own rollout still going
 * (for now: deploymentutil.DeploymentComplete, and the controller has seen its newest generation). Undefined: settled.
 */
export function unsettled(d: any): {paused: true; why: string} | {paused: false; why: string} | undefined {
  const name = `deployment/${d?.metadata?.name}`
  if (d?.spec?.paused) return {paused: true, why: `${name} is paused: its pods are not replaced until it is resumed`}
  const replicas = typeof d?.spec?.replicas === 'number' ? d.spec.replicas : 1
  const st = d?.status ?? {}
  if ((st.observedGeneration ?? 0) < (d?.metadata?.generation ?? 0))
    return {paused: false, why: `${name}: its controller has not seen its newest change yet`}
  // its own rollout done: every pod from its newest ReplicaSet, none left of older ones (whether they are available is
  // the budget's business, from the pods themselves: a pod that never gets ready must not hold everything up)
  if ((st.updatedReplicas ?? 0) !== replicas || (st.replicas ?? 0) !== replicas)
    return {paused: false, why: `${name} is rolling out on its own (${st.updatedReplicas ?? 0} of ${replicas} pods updated)`}
  return undefined
}

/** Does the Deployment's selector select the pod (the pod is one of its own, not a namesake's)? */
export function selectsPod(d: any, p: any): boolean {
  return !!d?.spec?.selector && selects(d.spec.selector, p?.metadata?.labels ?? {})
}

/**
 * The Deployment a pod belongs to, by its controlling ReplicaSet's name (the Deployment controller names it
 * `<deployment>-<pod-template-hash>`, and the pod carries that hash as a label); undefined for a pod no Deployment runs.
 */
export function deploymentOfPod(p: any): string | undefined {
  const rs = (p?.metadata?.ownerReferences ?? []).find((r: any) => r?.controller && r.kind === 'ReplicaSet')
  const hash = p?.metadata?.labels?.['pod-template-hash']
  if (!rs || typeof rs.name !== 'string' || typeof hash !== 'string' || !hash) return undefined
  return rs.name.endsWith(`-${hash}`) ? rs.name.slice(0, -hash.length - 1) : undefined
}

/**
 * Which stale pods of one Deployment may be deleted now: every stale pod that is not available (its loss costs
 * nothing), then available ones while at least replicas − maxUnavailable of the Deployment's pods stay available.
 * `pods` are all the Deployment's pods (terminating ones count as unavailable); `stale` names those to replace.
 * `oneAtATime` (--ignore-max-unavailable, for a Deployment that allows none): one pod a step, an unavailable stale one
 * first, else an available one once every pod is available and none terminating.
 */
export function deletable(s: Strategy, pods: any[], stale: Set<string>, now: number, oneAtATime = false): string[] {
  if (s.replicas === 0) return []
  const live = pods.filter(p => !p.metadata?.deletionTimestamp)
  const available = live.filter(p => podAvailable(p, s.minReadySeconds, now))
  if (oneAtATime) {
    // a stale pod that is not available first (its loss costs nothing), else one once every pod is available
    const down = live.find(p => stale.has(p.metadata.name) && !podAvailable(p, s.minReadySeconds, now))
    if (down) return [down.metadata.name]
    if (available.length < Math.max(s.replicas, live.length) || live.length < pods.length) return []
    const next = available.find(p => stale.has(p.metadata.name))
    return next ? [next.metadata.name] : []
  }
  const out = live.filter(p => stale.has(p.metadata.name) && !podAvailable(p, s.minReadySeconds, now)).map(p => p.metadata.name)
  let budget = available.length - (s.replicas - s.maxUnavailable)
  for (const p of available) {
    if (budget <= 0) break
    if (!stale.has(p.metadata.name)) continue
    out.push(p.metadata.name)
    budget--
  }
  return out
}
