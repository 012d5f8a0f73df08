/**
 * `diagnose NAME`: gathers what the diagnosis reads (domain/diagnose.ts) for one model: the emulation's prediction
 * (core/inspect.ts), the pods, the events of the namespace that concern the model, the namespace's labels, and the tail
 * of each storage-initializer's log (the run before a restart too). What could not be read (403) is listed, never
 * guessed.
 */
import {CliError, isApiStatus, isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {streamLog} from '../kube/logs.js'
import {getObject, listAllObjects} from '../kube/objects.js'
import {POD_WEBHOOK_CONFIG, webhookVerdict} from '../domain/diagnose-webhook.js'
import {
  CREDENTIAL_CAUSES,
  credentialAdvice,
  credentialsConfig,
  secretKeys,
  specSecretName,
  type SecretKeys,
} from '../domain/diagnose-credentials.js'
import {API_VERSION} from '../domain/api-version.js'
import {diagnose, downloaded, SERVER, serverFailing, type DiagnosisFinding} from '../domain/diagnose.js'
import {initState, logContainers} from '../domain/pod-status.js'
import {LLM_PART_OF, llmPodSelector} from '../domain/llmisvc.js'
import {explain} from '../kube/explain.js'
import {findModel, inspect, inspectIsvc, memoReads, type ModelBase, type ModelReads, type Shared} from './inspect.js'

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

/** A model that names no storage URI: nothing to diagnose (one line for one model; skipped by --all). */
class NoStorageUri extends CliError {
  constructor(message: string) {
    super('Invalid', message)
  }
}

const TAIL = 50
/** The storage-initializer logs of at most this many pods per model are read. */
const LOG_PODS = 3

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

/**
 * A credential finding (access denied, no credentials, a bad token) gets where KServe looks for the credentials: the
 * pod's service account and its Secrets, or the Secret the model names, or the storage: block's Secret; their key names
 * only (domain/diagnose-credentials.ts), read once per model, never their values. What may not be read is said.
 */
async function credentialEvidence(
  client: KubeClient,
  loaded: ModelBase,
  model: NonNullable<Shared['model']>,
  namespace: string,
  pods: any[],
  findings: DiagnosisFinding[],
  notChecked: Diagnosis['notChecked'],
): Promise<void> {
  const creds = findings.filter(f => CREDENTIAL_CAUSES[f.name])
  if (!creds.length) return
  const provider = CREDENTIAL_CAUSES[creds[0].name]
  const pod = pods.find(p => p.metadata?.name === creds[0].pod) ?? pods[0]
  const annotations: Record<string, string> = pod?.metadata?.annotations ?? {}
  const config = credentialsConfig(loaded.configMapObject?.data?.credentials)
  let specType: string | undefined
  try {
    const t = JSON.parse(annotations['internal.serving.kserve.io/storage-spec-param'] ?? '{}')?.type
    specType = typeof t === 'string' && t ? t : undefined
  } catch {
    specType = undefined
  }
  const storageSpec =
    annotations['internal.serving.kserve.io/storage-spec'] === 'true'
      ? {key: annotations['internal.serving.kserve.io/storage-spec-key'] || undefined, type: specType}
      : undefined
  const serviceAccount = pod?.spec?.serviceAccountName || 'default'
  // the webhook passes the pod's annotations to the credential builder; the LLM controller the model's own
  // (workload_storage.go@v0.20.0)
  const modelAnnotations: Record<string, string> =
    model.kind === 'LLMInferenceService'
      ? (model.object.metadata?.annotations ?? {})
      : {...(model.object.metadata?.annotations ?? {}), ...annotations}
  const refused = (what: string) => (e: unknown) => {
    if (isApiStatus(e, 404)) return null
    if (isApiStatus(e, 403)) {
      notChecked.push({what, reason: 'forbidden: no permission to read it'})
      return undefined
    }
    notChecked.push({what, reason: (e as Error).message ?? String(e)})
    return undefined
  }
  const secrets = new Map<string, SecretKeys | null>()
  // a Secret is reduced to its key names and annotations as soon as it arrives
  const readSecret = async (n: string) => {
    const s = await getObject(client, 'secrets', n, namespace).then(secretKeys, refused(`secret ${namespace}/${n} (its key names)`))
    if (s !== undefined) secrets.set(n, s)
  }
  const named = config.storageSecretNameAnnotation ? modelAnnotations[config.storageSecretNameAnnotation] : undefined
  let saSecrets: string[] | null | undefined
  let saAnnotations: Record<string, string> | undefined
  if (storageSpec) await readSecret(specSecretName({config, model: {kind: model.kind, name: '', annotations: modelAnnotations}}))
  else if (named) await readSecret(named)
  else {
    const sa = await getObject(client, 'serviceaccounts', serviceAccount, namespace).catch(
      refused(`service account ${namespace}/${serviceAccount} (its secrets)`),
    )
    saSecrets = sa === null ? null : sa ? (sa.secrets ?? []).map((r: any) => String(r?.name ?? '')).filter(Boolean) : undefined
    saAnnotations = sa?.metadata?.annotations
    await Promise.all((saSecrets ?? []).slice(0, 16).map(readSecret))
  }
  const advice = credentialAdvice({
    provider,
    namespace,
    model: {kind: model.kind, name: String(model.object.metadata?.name ?? ''), annotations: modelAnnotations},
    serviceAccount,
    saSecrets,
    secrets,
    storageSpec,
    saAnnotations,
    config,
    release: loaded.release,
  })
  for (const f of creds)
    if (CREDENTIAL_CAUSES[f.name] === provider) {
      f.evidence.push(...advice.evidence)
      if (advice.fix) f.fix = advice.fix
    }
}

/**
 * A pod without the storage-initializer KServe would give it: whether the pod webhook exists, selects the namespace and
 * the pod, and has a live service (domain/diagnose-webhook.ts). Read only then; what may not be read is said.
 */
async function webhookEvidence(
  client: KubeClient,
  namespace: string,
  ns: any,
  pods: any[],
  findings: DiagnosisFinding[],
  notChecked: Diagnosis['notChecked'],
): Promise<void> {
  const missing = findings.filter(f => f.name === 'not-injected')
  if (!missing.length) return
  const refused = (what: string) => (e: unknown) => {
    if (isApiStatus(e, 404)) return null
    notChecked.push({what, reason: isApiStatus(e, 403) ? 'forbidden: no permission to read it' : ((e as Error).message ?? String(e))})
    return undefined
  }
  const config = await getObject(client, 'mutatingwebhookconfigurations', POD_WEBHOOK_CONFIG).catch(
    refused(`mutatingwebhookconfiguration ${POD_WEBHOOK_CONFIG}`),
  )
  const first = webhookVerdict({config, namespace, namespaceLabels: ns ? (ns.metadata?.labels ?? {}) : undefined, pod: undefined})
  let slices: any[] | undefined
  if (first.service) {
    const {namespace: sns, name} = first.service
    const list = await listAllObjects(
      client,
      'endpointslices',
      {namespace: sns, labelSelector: `kubernetes.io/service-name=${name}`},
      (o: any) => o,
    ).catch(refused(`the endpointslices of service ${sns}/${name}`))
    slices = list ? list.items : undefined
  }
  for (const f of missing) {
    const pod = pods.find(p => p.metadata?.name === f.pod)
    const v = webhookVerdict({
      config,
      namespace,
      namespaceLabels: ns ? (ns.metadata?.labels ?? {}) : undefined,
      pod,
      endpointSlices: slices,
    })
    f.evidence.push(...v.evidence.filter(e => !f.evidence.includes(e)))
    if (v.fix && (!f.fix || v.evidence.length)) f.fix = v.fix
  }
}

/** What a diagnosis reads beside the view: shared by every model of a namespace under --all. */
export interface DiagnoseReads extends ModelReads {
  events(namespace: string): Promise<{items: any[]}>
}

/** An event as the diagnosis reads it (a listing keeps only these fields). */
const slimEvent = (e: any) => ({
  involvedObject: {kind: e.involvedObject?.kind, name: e.involvedObject?.name},
  reason: e.reason,
  message: typeof e.message === 'string' ? e.message.slice(0, 2048) : e.message,
  type: e.type,
  count: e.count,
  lastTimestamp: e.lastTimestamp ?? e.eventTime,
})

export function diagnoseReads(client: KubeClient, pods?: ModelReads['pods']): DiagnoseReads {
  const base = memoReads(client, pods)
  const events = new Map<string, Promise<{items: any[]}>>()
  return {
    ...base,
    events: namespace => {
      let p = events.get(namespace)
      if (!p) {
        // every reason the diagnosis reads is a Warning (FailedCreate, FailedScheduling, FailedMount, Evicted, BackOff…)
        p = listAllObjects(client, 'events', {namespace, fieldSelector: 'type=Warning'}, slimEvent)
        p.catch(() => undefined)
        events.set(namespace, p)
      }
      return p
    },
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The objects a model's events are about: its pods (by name), its own object, and each workload KServe makes: the
 * Deployment and its ReplicaSets (WORKLOAD-HASH), a Knative Service's Revisions (WORKLOAD-00001), their Deployments
 * (WORKLOAD-00001-deployment) and ReplicaSets.
 */
export function concernsModel(name: string, workloads: string[], podNames: Set<string>): (e: any) => boolean {
  const owned = workloads.map(w => new RegExp(`^${escape(w)}(-\\d{5})?(-deployment)?(-[a-z0-9]{1,10})?$`))
  return (e: any) => {
    const o = e.involvedObject ?? {}
    const n = String(o.name ?? '')
    if (o.kind === 'Pod') return podNames.has(n)
    return n === name || owned.some(r => r.test(n))
  }
}

export async function diagnoseModel(
  client: KubeClient,
  kserveNamespace: string | undefined,
  namespace: string,
  name: string,
  kind?: 'LLMInferenceService',
  shared: Shared & {reads?: DiagnoseReads} = {},
): Promise<Diagnosis> {
  const notChecked: Diagnosis['notChecked'] = []
  const reads = shared.reads ?? diagnoseReads(client)
  const [model, loaded] = await Promise.all([
    shared.model ?? findModel(client, namespace, name, kind),
    shared.loaded ?? inspect(client, kserveNamespace),
  ])
  const view = await inspectIsvc(client, kserveNamespace, namespace, name, kind, {loaded, model, reads})
  const modelKind = view.inferenceService.kind
  if (!view.storage.length && !view.predictions.some(p => p.uris.length))
    throw new NoStorageUri(`${modelKind.toLowerCase()} "${name}" names no storage URI: it has no storage-initializer to diagnose`)
  for (const n of view.notChecked ?? []) notChecked.push(n)
  const selector = modelKind === 'InferenceService' ? `serving.kserve.io/inferenceservice=${name}` : llmPodSelector(name)
  const forbidden = (what: string) => (e: unknown) => {
    if (isApiStatus(e, 403) || (isCliError(e) && e.kind === 'Forbidden')) {
      if (!notChecked.some(n => n.what === what)) notChecked.push({what, reason: 'forbidden: no permission to read it'})
      return undefined
    }
    throw e
  }
  const workloads = view.predictions.map(p => p.workload).filter((w): w is string => !!w)
  const [pods, events, ns] = await Promise.all([
    // the view read them already (the same promise): a refusal is in its notChecked
    reads.pods(namespace, selector).catch(() => undefined),
    reads.events(namespace).catch(forbidden(`the events of namespace ${namespace}`)),
    reads.namespace(namespace).catch(forbidden(`namespace ${namespace} (its labels)`)),
  ])
  const podList: any[] = pods ?? []
  const concerns = concernsModel(name, workloads, new Set(podList.map(p => p.metadata?.name)))
  const logs = new Map<string, string[]>()
  const unread = (what: string) => (e: unknown) => {
    // a log that cannot be read (a node gone, no permission) is said, and the diagnosis goes on
    if (!isApiStatus(e, 400) && !isApiStatus(e, 404)) notChecked.push({what, reason: (e as Error).message ?? String(e)})
  }
  const reads_: (() => Promise<void>)[] = []
  let failing = 0
  for (const p of podList) {
    const wanted = logContainers(p).filter(c => {
      const s = initState(p, c)
      return !(s.kind === 'not-created' || (s.kind === 'waiting' && s.restarts === 0) || (s.kind === 'terminated' && s.exitCode === 0))
    })
    if (!wanted.length) continue
    // the same failure on every pod of a model: the logs of a few pods say it; the others are listed as unread
    if (++failing > LOG_PODS) continue
    const pod = p.metadata.name
    for (const c of wanted) {
      const s = initState(p, c) as {restarts?: number}
      reads_.push(() =>
        tail(client, namespace, pod, c, false)
          .then(l => void logs.set(`${pod}/${c}`, l))
          .catch(unread(`the log of pod/${pod}/${c}`)),
      )
      if ((s.restarts ?? 0) > 0)
        reads_.push(() =>
          tail(client, namespace, pod, c, true)
            .then(l => void logs.set(`${pod}/${c}/previous`, l))
            .catch(unread(`the previous log of pod/${pod}/${c}`)),
        )
    }
  }
  // a download that succeeded, and a model server that fails: its log says what it found in /mnt/models
  let servers = 0
  for (const p of podList) {
    const inits = logContainers(p)
    const f = inits.length && inits.every(c => downloaded(p, c)) ? serverFailing(p) : undefined
    if (!f || ++servers > LOG_PODS) continue
    const pod = p.metadata.name
    reads_.push(() =>
      tail(client, namespace, pod, SERVER, f.previous)
        .then(l => void logs.set(`${pod}/${SERVER}${f.previous ? '/previous' : ''}`, l))
        .catch(unread(`the ${f.previous ? 'previous ' : ''}log of pod/${pod}/${SERVER}`)),
    )
  }
  if (failing > LOG_PODS)
    notChecked.push({
      what: `the logs of ${failing - LOG_PODS} more pod(s) of ${name}`,
      reason: `the storage-initializer logs of the first ${LOG_PODS} pods with a failing or running download were read`,
    })
  await pooled(reads_, CONCURRENT_LOGS)
  const findings = diagnose({
    kind: modelKind,
    namespace,
    name,
    predictions: view.predictions,
    pods,
    staleness: new Map(view.pods.map(p => [p.name, {differences: p.differences, expected: p.expected.source}])),
    logs,
    events: (events?.items ?? []).filter(concerns),
    namespaceLabels: ns ? (ns.metadata?.labels ?? {}) : undefined,
    conditions: model.object.status?.conditions,
    deploymentMode: view.inferenceService.deploymentMode,
    podSecurityContext:
      model.kind === 'InferenceService' ? model.object.spec?.predictor?.securityContext : model.object.spec?.template?.securityContext,
    release: loaded.release,
    annotations: model.object.metadata?.annotations ?? {},
    now: Date.now(),
  })
  // the pod webhook injects InferenceServices only; an LLMInferenceService's comes from its controller's template
  if (modelKind === 'InferenceService') await webhookEvidence(client, namespace, ns, podList, findings, notChecked)
  await credentialEvidence(client, loaded, model, namespace, podList, findings, notChecked)
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

export interface DiagnosisList {
  apiVersion: typeof API_VERSION
  kind: 'DiagnosisList'
  context: string
  /** the namespace searched, or null for every namespace */
  namespace: string | null
  /** the models that name a storage URI, all diagnosed */
  checked: number
  /** the models with a finding (the others are healthy) */
  items: Diagnosis[]
  /** models that could not be diagnosed (their reason under notChecked) */
  failed: number
  notChecked: {what: string; reason: string}[]
}

/** An object without what no diagnosis reads: managedFields, the last-applied copy of itself. */
function slimObject(o: any): any {
  const metadata = {...o.metadata}
  delete metadata.managedFields
  if (metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    metadata.annotations = {...metadata.annotations}
    delete metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']
  }
  return {...o, metadata}
}

/** Models diagnosed at once within a namespace (each reads its logs, at most CONCURRENT_LOGS at once). */
const CONCURRENT_MODELS = 4

/** The pods of one model, from one listing per namespace of every model's pods (`--all`, `-A`). */
function podsByNamespace(client: KubeClient): ModelReads['pods'] {
  const lists = new Map<string, Promise<any[]>>()
  return (namespace, selector) => {
    const broad = selector.startsWith('serving.kserve.io/inferenceservice=') ? 'serving.kserve.io/inferenceservice' : LLM_PART_OF
    let p = lists.get(`${namespace}/${broad}`)
    if (!p) {
      // page by page, each pod slimmed as its page arrives: a namespace may hold thousands
      p = listAllObjects(client, 'pods', {namespace, labelSelector: broad}, slimObject).then(
        r => r.items,
        e => {
          throw isApiStatus(e) ? explain(e, client, {verb: 'list', resource: 'pods', namespace}) : e
        },
      )
      lists.set(`${namespace}/${broad}`, p)
    }
    const wanted = selector.split(',').map(kv => kv.split('=') as [string, string])
    return p.then(items => items.filter(i => wanted.every(([k, v]) => i.metadata?.labels?.[k] === v)))
  }
}

/** `diagnose --all -n NS` and `-A`: every model that names a storage URI; the ones with a finding are listed. */
export async function diagnoseAll(client: KubeClient, kserveNamespace: string | undefined, namespace?: string): Promise<DiagnosisList> {
  const notChecked: DiagnosisList['notChecked'] = []
  const [loaded, isvcs] = await Promise.all([
    inspect(client, kserveNamespace),
    listAllObjects(client, 'inferenceservices', {namespace}, slimObject).catch((e: unknown) => {
      if (isApiStatus(e, 404)) return {items: []}
      throw isApiStatus(e) ? explain(e, client, {verb: 'list', resource: 'inferenceservices.serving.kserve.io', namespace}) : e
    }),
  ])
  const models: {namespace: string; name: string; model: NonNullable<Shared['model']>}[] = [
    ...isvcs.items.map(o => ({kind: 'InferenceService' as const, object: o})),
    ...loaded.llms
      .filter(o => !namespace || o.metadata?.namespace === namespace)
      .map(o => ({kind: 'LLMInferenceService' as const, object: o})),
  ].map(model => ({namespace: model.object.metadata?.namespace ?? '', name: model.object.metadata?.name ?? '', model}))
  const byNamespace = new Map<string, typeof models>()
  for (const m of models) byNamespace.set(m.namespace, [...(byNamespace.get(m.namespace) ?? []), m])
  const items: Diagnosis[] = []
  let checked = 0
  let failed = 0
  const seen = new Set<string>()
  for (const [ns, group] of [...byNamespace].sort(([a], [b]) => a.localeCompare(b))) {
    // one listing of the pods, the events and the namespace for every model of the namespace, dropped after it
    const reads = diagnoseReads(client, podsByNamespace(client))
    const done: (Diagnosis | undefined)[] = new Array(group.length)
    await pooled(
      group.map((m, i) => async () => {
        try {
          done[i] = await diagnoseModel(client, kserveNamespace, ns, m.name, undefined, {loaded, model: m.model, reads})
        } catch (e) {
          // a model without a storage URI has no storage-initializer: not a problem, not counted
          if (e instanceof NoStorageUri) return
          failed++
          notChecked.push({what: `${m.model.kind.toLowerCase()} ${ns}/${m.name}`, reason: (e as Error).message ?? String(e)})
        }
      }),
      CONCURRENT_MODELS,
    )
    for (const d of done) {
      if (!d) continue
      checked++
      for (const n of d.notChecked)
        if (!seen.has(n.what)) {
          seen.add(n.what)
          notChecked.push(n)
        }
      if (!d.healthy) items.push({...d, notChecked: []})
    }
  }
  return {
    apiVersion: API_VERSION,
    kind: 'DiagnosisList',
    context: client.context.name,
    namespace: namespace ?? null,
    checked,
    items,
    failed,
    notChecked,
  }
}
