/**
 * `diagnose NAME`: gathers what the diagnosis reads (domain/diagnose.ts) for one model: the emulation's prediction
 * (core/inspect.ts), the pods, the events of the namespace that concern the model, the namespace's labels, and the tail
 * of each storage-initializer's log (the run before a restart too). What could not be read (403) is listed, never
 * guessed.
 */
import {CliError, isApiStatus} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {streamLog} from '../kube/logs.js'
import {listObjects} from '../kube/objects.js'
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
    options: {follow: false, previous, tailLines: TAIL},
    onLine: l => lines.push(l.time ? `${l.time} ${l.message}` : l.message),
    signal: ac.signal,
  })
  return lines
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
  const selector =
    modelKind === 'InferenceService'
      ? `serving.kserve.io/inferenceservice=${name}`
      : `app.kubernetes.io/part-of=llminferenceservice,app.kubernetes.io/name=${name}`
  const forbidden = (what: string) => (e: unknown) => {
    if (isApiStatus(e, 403)) {
      notChecked.push({what, reason: 'forbidden: no permission to read it'})
      return undefined
    }
    throw e
  }
  const [pods, events, ns] = await Promise.all([
    listObjects(client, 'pods', {namespace, labelSelector: selector}).catch(forbidden(`the pods of ${name}`)),
    listObjects(client, 'events', {namespace}).catch(forbidden(`the events of namespace ${namespace}`)),
    client.get<any>(`/api/v1/namespaces/${encodeURIComponent(namespace)}`).catch(forbidden(`namespace ${namespace} (its labels)`)),
  ])
  const podList: any[] = pods ?? []
  const podNames = new Set(podList.map(p => p.metadata?.name))
  // the model's events: its pods, its own object, and its workloads (named after it: NAME-predictor…, NAME-kserve…)
  const concerns = (e: any) => {
    const o = e.involvedObject ?? {}
    return podNames.has(o.name) || o.name === name || String(o.name ?? '').startsWith(`${name}-`)
  }
  const logs = new Map<string, string[]>()
  await Promise.all(
    podList.flatMap(p =>
      logContainers(p).flatMap(c => {
        const s = initState(p, c)
        if (s.kind === 'not-created' || (s.kind === 'waiting' && s.restarts === 0)) return []
        const reads = [
          tail(client, namespace, p.metadata.name, c, false)
            .then(l => void logs.set(`${p.metadata.name}/${c}`, l))
            .catch(e => {
              if (isApiStatus(e, 403))
                notChecked.push({what: `the log of pod/${p.metadata.name}/${c}`, reason: 'forbidden: no permission to read pods/log'})
              else if (!isApiStatus(e, 400) && !isApiStatus(e, 404)) throw e
            }),
        ]
        if (s.restarts > 0)
          reads.push(
            tail(client, namespace, p.metadata.name, c, true)
              .then(l => void logs.set(`${p.metadata.name}/${c}/previous`, l))
              .catch(e => {
                if (!isApiStatus(e, 400) && !isApiStatus(e, 403) && !isApiStatus(e, 404)) throw e
              }),
          )
        return reads
      }),
    ),
  )
  const findings = diagnose({
    kind: modelKind,
    namespace,
    name,
    predictions: view.predictions,
    expected: view.storage.find(s => s.component === 'predictor' || s.component === 'model')?.injection,
    pods: podList,
    logs,
    events: (events ?? []).filter(concerns),
    namespaceLabels: ns ? (ns.metadata?.labels ?? {}) : undefined,
    now: Date.now(),
  })
  if (!view.storage.length && !view.predictions.some(p => p.uris.length))
    throw new CliError('Invalid', `${modelKind.toLowerCase()} "${name}" names no storage URI: it has no storage-initializer to diagnose`)
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
