/** What a pod's storage-initializer is doing, in kubectl's words, from the pod status alone. */

export const INIT_CONTAINERS = ['storage-initializer', 'modelcar-init']

export type InitState =
  | {kind: 'not-created'; reason: string}
  | {kind: 'waiting'; reason: string; message?: string; restarts: number; last?: Terminated}
  | {kind: 'running'; startedAt?: string; restarts: number}
  | ({kind: 'terminated'; restarts: number} & Terminated)

export interface Terminated {
  exitCode: number
  reason?: string
  startedAt?: string
  finishedAt?: string
  message?: string
}

/** The containers `logs` follows in a pod: the storage initializer (and modelcar-init), or the one named. */
export function logContainers(pod: any, override?: string): string[] {
  const init: string[] = (pod.spec?.initContainers ?? []).map((c: any) => c.name)
  const all = [...init, ...(pod.spec?.containers ?? []).map((c: any) => c.name)]
  if (override) return all.includes(override) ? [override] : []
  // KServe's own names, modelcar-init-1…N for additional OCI sources, and a storage-initializer a ClusterStorageContainer
  // renamed (its container.name replaces storage-initializer): the one that mounts kserve-provision-location
  const downloads = (c: any) =>
    (c.volumeMounts ?? []).some((m: any) => m.name === 'kserve-provision-location') || c.args?.[1] === '/mnt/models'
  return (pod.spec?.initContainers ?? [])
    .filter((c: any) => INIT_CONTAINERS.includes(c.name) || /^modelcar-init-\d+$/.test(c.name) || downloads(c))
    .map((c: any) => c.name as string)
}

export function initState(pod: any, container: string): InitState {
  const st = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find((s: any) => s.name === container)
  if (!st) return {kind: 'not-created', reason: pod.status?.phase === 'Pending' ? 'Pending' : (pod.status?.phase ?? 'Pending')}
  const restarts = st.restartCount ?? 0
  if (st.state?.terminated) return {kind: 'terminated', restarts, ...st.state.terminated}
  if (st.state?.running) return {kind: 'running', startedAt: st.state.running.startedAt, restarts}
  const w = st.state?.waiting ?? {}
  return {kind: 'waiting', reason: w.reason ?? 'Waiting', message: w.message, restarts, last: st.lastState?.terminated}
}

export function seconds(from?: string, to?: string): number | undefined {
  if (!from || !to) return undefined
  const d = (Date.parse(to) - Date.parse(from)) / 1000
  return Number.isFinite(d) && d >= 0 ? d : undefined
}

/** A hint for a state that has one. */
export function hintFor(s: InitState, image?: string): string | undefined {
  if (s.kind === 'waiting') {
    if (s.reason === 'ErrImagePull' || s.reason === 'ImagePullBackOff')
      return `check the image ${image ?? ''} exists and that the pod's service account has imagePullSecrets for its registry (kubectl storage-init validate)`.replace(
        '  ',
        ' ',
      )
    if (s.reason === 'CreateContainerConfigError') return 'a secret or configmap the container needs is missing (kubectl describe pod)'
    if (s.reason === 'CrashLoopBackOff')
      return s.last?.reason === 'OOMKilled'
        ? 'raise its memory: kubectl storage-init set-resources --limits memory=…'
        : 'see the failed run with --previous'
  }
  if (s.kind === 'terminated' && s.reason === 'OOMKilled') return 'raise its memory: kubectl storage-init set-resources --limits memory=…'
  if (s.kind === 'terminated' && s.exitCode !== 0) return 'the log above says why; --previous shows an earlier run'
  return undefined
}

/** One line on where the container is, for pods with no log to show (yet). */
export function describeState(s: InitState): string {
  switch (s.kind) {
    case 'not-created':
      return `not started: pod is ${s.reason}`
    case 'waiting':
      return `${s.reason}${s.message ? `: ${s.message}` : ''}${s.restarts ? ` (restarts: ${s.restarts}${s.last ? `, last: ${s.last.reason ?? `exit ${s.last.exitCode}`}` : ''})` : ''}`
    case 'running':
      return 'running'
    case 'terminated': {
      const d = seconds(s.startedAt, s.finishedAt)
      return `${s.exitCode === 0 ? 'finished' : 'failed'}: exit ${s.exitCode}${s.reason ? ` (${s.reason})` : ''}${d !== undefined ? ` after ${d.toFixed(1)}s` : ''}`
    }
  }
}

const SOURCE_URI = 'internal.serving.kserve.io/storage-initializer-sourceuri'

/**
 * The few fields of a pod the plugin reads (which model, its init containers, their states): what is kept of each pod
 * of a large list, so that memory stays flat as clusters grow.
 */
export function slimPod(p: any): any {
  const ann = p.metadata?.annotations ?? {}
  const slimContainer = (c: any) => ({
    name: c.name,
    image: c.image,
    args: c.args,
    resources: c.resources,
    volumeMounts: c.volumeMounts?.map((m: any) => ({
      name: m.name,
      mountPath: m.mountPath,
      ...(m.readOnly ? {readOnly: true} : {}),
      ...(m.subPath ? {subPath: m.subPath} : {}),
    })),
  })
  return {
    metadata: {
      name: p.metadata?.name,
      namespace: p.metadata?.namespace,
      uid: p.metadata?.uid,
      resourceVersion: p.metadata?.resourceVersion,
      creationTimestamp: p.metadata?.creationTimestamp,
      labels: p.metadata?.labels,
      annotations: ann[SOURCE_URI] !== undefined ? {[SOURCE_URI]: ann[SOURCE_URI]} : undefined,
    },
    spec: {
      initContainers: (p.spec?.initContainers ?? []).map(slimContainer),
      containers: (p.spec?.containers ?? []).map((c: any) => ({name: c.name})),
    },
    status: {
      phase: p.status?.phase,
      reason: p.status?.reason,
      initContainerStatuses: p.status?.initContainerStatuses,
      containerStatuses: p.status?.containerStatuses?.map((s: any) => ({
        name: s.name,
        state: s.state,
        lastState: s.lastState,
        restartCount: s.restartCount,
      })),
    },
  }
}
