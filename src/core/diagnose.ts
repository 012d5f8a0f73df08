/**
 * `diagnose NAME`: gathers what the diagnosis reads (domain/diagnose.ts) for one model: the emulation's prediction
 * (core/inspect.ts), the pods, the events of the namespace that concern the model, the namespace's labels, and the tail
 * of each storage-initializer's log (the run before a restart too). What could not be read (403) is listed, never
 * guessed.
 */
import {CliError, isApiStatus} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {streamLog} from '../kube/logs.js'
import {listAllObjects, listObjects} from '../kube/objects.js'
import {API_VERSION} from '../domain/api-version.js'
import {diagnose, type DiagnosisFinding} from '../domain/diagnose.js'
import {initState, logContainers} from '../domain/pod-status.js'
import {inspectIsvc} from './inspect.js'

export interface Diagnosis {
  apiVersion: typeof API_VERSION
  kind: 'Diagnosis'
  context: string
  model: {kind: 'InferenceService' | 'LLMInferenceService'; namespace: string; name: string}
  /** true when nothing is wrong */
  healthy: boolean
  findings: DiagnosisFinding[]
  /** what could not be read, and so was not checked */
  notChecked: {what: string; reason: string}[]
}

const TAIL = 50

async function tail(client: KubeClient, namespace: string, pod: string, container: string, previous: boolean): Promise<string[]> {
  const lines: string[] = []
  const ac = new AbortController()
  await streamLog(client, {
    namespace,
    pod,
    container,
    options: {follow: false, previous, tailLines: TAIL, limitBytes: LOG_BYTES},
    onLine: l => lines.push(l.time ? `${l.time} ${l.message}` : l.message),
    signal: ac.signal,
  })
  return lines
}

/** At most this many log reads at once, whatever the number of pods. */
const CONCURRENT_LOGS = 8
/** At most this much of each log (a progress bar rewritten with \r is one long line). */
const LOG_BYTES = 64 * 1024

async function pooled<T>(tasks: (() => Promise<T>)[], n: number): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(n, tasks.length)}, async () => {
      while (next < tasks.length) await tasks[next++]()
    }),
  )
}

export async function diagnoseModel(
  client: KubeClient,
  kserveNamespace: string | undefined,
  namespace: string,
  name: string,
  kind?: 'LLMInferenceService',
): Promise<Diagnosis> {
  const notChecked: Diagnosis['notChecked'] = []
  const view = await inspectIsvc(client, kserveNamespace, namespace, name, kind)
  const modelKind = view.inferenceService.kind
  if (!view.storage.length && !view.predictions.some(p => p.uris.length))
    throw new CliError('Invalid', `${modelKind.toLowerCase()} "${name}" names no storage URI: it has no storage-initializer to diagnose`)
  for (const n of view.notChecked ?? []) notChecked.push(n)
  const selector =
    modelKind === 'InferenceService'
      ? `serving.kserve.io/inferenceservice=${name}`
      : `app.kubernetes.io/part-of=llminferenceservice,app.kubernetes.io/name=${name}`
  const forbidden = (what: string) => (e: unknown) => {
    if (isApiStatus(e, 403)) {
      if (!notChecked.some(n => n.what === what)) notChecked.push({what, reason: 'forbidden: no permission to read it'})
      return undefined
    }
    throw e
  }
  const workloads = view.predictions.map(p => p.workload).filter((w): w is string => !!w)
  const [pods, events, ns] = await Promise.all([
    listObjects(client, 'pods', {namespace, labelSelector: selector}).catch(forbidden(`the pods of ${name}`)),
    // only the events about this model are kept: its pods, its own object, its workloads and their ReplicaSets
    listAllObjects(client, 'events', {namespace}, (e: any) => e).catch(forbidden(`the events of namespace ${namespace}`)),
    client.get<any>(`/api/v1/namespaces/${encodeURIComponent(namespace)}`).catch(forbidden(`namespace ${namespace} (its labels)`)),
  ])
  const podList: any[] = pods ?? []
  const podNames = new Set(podList.map(p => p.metadata?.name))
  const concerns = (e: any) => {
    const o = e.involvedObject ?? {}
    const n = String(o.name ?? '')
    if (o.kind === 'Pod') return podNames.has(n)
    return n === name || workloads.some(w => n === w || new RegExp(`^${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-[a-z0-9]+$`).test(n))
  }
  const logs = new Map<string, string[]>()
  const unread = (what: string) => (e: unknown) => {
    // a log that cannot be read (a node gone, no permission) is said, and the diagnosis goes on
    if (!isApiStatus(e, 400) && !isApiStatus(e, 404)) notChecked.push({what, reason: (e as Error).message ?? String(e)})
  }
  const reads: (() => Promise<void>)[] = []
  for (const p of podList)
    for (const c of logContainers(p)) {
      const s = initState(p, c)
      if (s.kind === 'not-created' || (s.kind === 'waiting' && s.restarts === 0) || (s.kind === 'terminated' && s.exitCode === 0)) continue
      const pod = p.metadata.name
      reads.push(() =>
        tail(client, namespace, pod, c, false)
          .then(l => void logs.set(`${pod}/${c}`, l))
          .catch(unread(`the log of pod/${pod}/${c}`)),
      )
      if (s.restarts > 0)
        reads.push(() =>
          tail(client, namespace, pod, c, true)
            .then(l => void logs.set(`${pod}/${c}/previous`, l))
            .catch(unread(`the previous log of pod/${pod}/${c}`)),
        )
    }
  await pooled(reads, CONCURRENT_LOGS)
  const findings = diagnose({
    kind: modelKind,
    namespace,
    name,
    predictions: view.predictions,
    pods: podList,
    staleness: new Map(view.pods.map(p => [p.name, {differences: p.differences, expected: p.expected.source}])),
    logs,
    events: ((events as {items: any[]} | undefined)?.items ?? []).filter(concerns),
    namespaceLabels: ns ? (ns.metadata?.labels ?? {}) : undefined,
    now: Date.now(),
  })
  return {
    apiVersion: API_VERSION,
    kind: 'Diagnosis',
    context: client.context.name,
    model: {kind: modelKind, namespace, name},
    healthy: findings.length === 0,
    findings,
    notChecked,
  }
}
