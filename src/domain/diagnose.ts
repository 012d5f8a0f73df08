/**
 * `diagnose`: why a model's download fails or never starts, from evidence alone (pure). What should happen is the
 * emulation's prediction (domain/kserve); what happened is the pods' init-container states, the events, and the tail of
 * the storage-initializer's log; known causes are matched against a catalogue built from KServe's storage code and
 * Kubernetes' reasons (diagnose-catalogue.ts). Each finding: the cause in one line, the evidence, the fix.
 */
import {CATALOGUE, type KnownCause} from './diagnose-catalogue.js'
import {localPathUris, type Prediction} from './kserve/outcome.js'
import {initState, logContainers, type InitState} from './pod-status.js'
import {goDurationMs} from './duration.js'
import {featuresOf} from './kserve/features.js'
import {ENFORCE_LABEL, levelOf, securityFix, violations} from './pod-security.js'
import {parseQuantity} from './quantity.js'
import type {Release} from './release.js'

export type DiagnosisSeverity = 'error' | 'warning'

export interface DiagnosisFinding {
  id: string
  name: string
  severity: DiagnosisSeverity
  /** the cause, in one line */
  cause: string
  /** what shows it: a log line, an event, a field, a refusal */
  evidence: string[]
  /** what fixes it, a command where there is one */
  fix?: string
  /** the pod it concerns, when one */
  pod?: string
  /** where the known cause comes from (a KServe file@tag, Kubernetes) */
  source?: string
}

export interface DiagnosisInput {
  kind: 'InferenceService' | 'LLMInferenceService'
  namespace: string
  name: string
  predictions: Prediction[]
  /** the model's pods; undefined when they could not be read (then nothing is said of them) */
  pods: any[] | undefined
  /** per pod: how its init container differs from what its template gives now (get --isvc's comparison) */
  staleness?: Map<string, {differences: string[]; expected: string}>
  /** pod/container -> the tail of its log (and pod/container/previous for the run before a restart) */
  logs: Map<string, string[]>
  events: any[]
  namespaceLabels?: Record<string, string>
  /** the model's own conditions (status.conditions) */
  conditions?: any[]
  /** Standard or Knative (get --isvc's deploymentMode); the progress deadline depends on it */
  deploymentMode?: string
  /** the pod-level securityContext KServe gives the model's pods (the predictor's securityContext) */
  podSecurityContext?: Record<string, any>
  /** KServe's release (which per-model fixes exist) */
  release?: Release
  /** the model's annotations (serving.knative.dev/progress-deadline) */
  annotations?: Record<string, string>
  now: number
}

/** Knative's default revision progress deadline (config-deployment progress-deadline) and a Deployment's default. */
export const DEFAULT_DEADLINE_SECONDS = 600

/** A Knative duration (time.ParseDuration: 90s, 20m, 1h30m) in seconds; undefined when it is not one. */
export function durationSeconds(text: string | undefined): number | undefined {
  const ms = goDurationMs(text)
  return ms === undefined ? undefined : ms / 1000
}

/** A running download whose log has not moved for this long is stalled (kserve#5611). */
export const STALL_SECONDS = 10 * 60

const fill = (s: string, i: DiagnosisInput): string => {
  const values: Record<string, string> = {name: i.name, namespace: i.namespace, uri: i.predictions[0]?.uris[0] ?? ''}
  return s.replace(/\{(\w+)\}/g, (m, k: string) => values[k] ?? m)
}

const flag = (kind: DiagnosisInput['kind']) => (kind === 'LLMInferenceService' ? '--llmisvc' : '--isvc')

/**
 * Where a change for this model goes: the model's own container (an LLMInferenceService; an InferenceService from
 * v0.20, storageContainerName), else the ClusterStorageContainer it gets, else the ConfigMap (every model: set-* --isvc
 * is refused before v0.20, plans/model.ts).
 */
function changeTarget(i: DiagnosisInput): string {
  if (i.kind === 'LLMInferenceService') return `--llmisvc ${i.name} -n ${i.namespace}`
  if (featuresOf(i.release).storageContainerName) return `--isvc ${i.name} -n ${i.namespace}`
  const src = i.predictions.find(p => p.source.kind === 'clusterstoragecontainer')?.source
  return src?.name ? `--target storage-container/${src.name} (every model it serves)` : '--target configmap (every model)'
}

/** A log line or message as evidence: at most this long (a progress bar rewritten with \r is one long line). */
const EVIDENCE_CHARS = 512
const clip = (s: string) => (s.length > EVIDENCE_CHARS ? `${s.slice(0, EVIDENCE_CHARS)}…` : s)

function fromCause(c: KnownCause, i: DiagnosisInput, evidence: string[], pod?: string): DiagnosisFinding {
  return {
    id: c.id,
    name: c.name,
    severity: 'error',
    cause: c.title,
    evidence,
    fix: fill(c.fix, i).replace(`--isvc ${i.name} -n ${i.namespace}`, changeTarget(i)),
    ...(pod ? {pod} : {}),
    source: c.source,
  }
}

/** The model server's container, whose log says what it found in /mnt/models. */
export const SERVER = 'kserve-container'

/** The init container ended successfully. */
export const downloaded = (pod: any, container: string): boolean => {
  const s = initState(pod, container)
  return s.kind === 'terminated' && s.exitCode === 0
}

/** The model server fails (its log then says why): it ended with an error, or it waits to restart after one. */
export function serverFailing(pod: any): {previous: boolean} | undefined {
  const s = initState(pod, SERVER)
  if (s.kind === 'terminated' && s.exitCode !== 0) return {previous: false}
  if (s.kind === 'waiting' && s.restarts > 0) return {previous: true}
  if (s.kind === 'running' && s.restarts > 0) return {previous: true}
  return undefined
}

/** A log line without the timestamp the API server was asked for (the line's own, if it has one, stays). */
const untimed = (line: string) => line.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /, '')

const matchCause = (where: KnownCause['where'], text: string) => CATALOGUE.find(c => c.where === where && c.match.test(text))

/** A memory limit twice the one that was exceeded, in Mi or Gi (a user can type it). */
function doubled(limit: string | undefined): string {
  const bytes = limit ? parseQuantity(limit) : undefined
  if (!bytes || bytes <= 0) return '2Gi'
  const mi = Math.ceil((bytes * 2) / 1024 ** 2)
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`
}

export function diagnose(i: DiagnosisInput): DiagnosisFinding[] {
  const out: DiagnosisFinding[] = []
  const seen = new Set<string>()
  const add = (f: DiagnosisFinding) => {
    const key = `${f.id}/${f.pod ?? ''}`
    if (!seen.has(key)) {
      seen.add(key)
      out.push(f)
    }
  }
  // 1. what should happen: KServe refuses the model (the config, the lookup, the URI, the API server)
  for (const p of i.predictions)
    if (!p.admitted && p.refusal)
      add({
        id: 'DG001',
        name: 'kserve-refuses',
        severity: 'error',
        cause: `${p.refusal.component === 'controller' ? 'the controller fails to reconcile' : p.refusal.component === 'apiserver' ? 'the API server refuses' : 'KServe refuses'} the ${p.component}${p.workload ? ` (${p.workload})` : ''}: no pod can download the model`,
        evidence: [p.refusal.message, ...(p.refusal.explanation ? [p.refusal.explanation] : [])],
        fix: /storageInitializer|resource configuration|ociModelMode/.test(p.refusal.message)
          ? 'fix the ConfigMap: kubectl storage-init validate shows what KServe cannot use, and rollback restores a working revision'
          : /ClusterStorageContainer/.test(p.refusal.message)
            ? `point spec.predictor.storageContainerName at a ClusterStorageContainer that serves the URI, or remove it (kubectl storage-init get --isvc ${i.name} -n ${i.namespace})`
            : /StorageURI not supported|storageUri, must be one of/.test(p.refusal.message)
              ? 'use a scheme KServe knows (gs s3 pvc file https http hdfs webhdfs oci hf), or serve this one with a ClusterStorageContainer'
              : undefined,
      })
  // 2. pod security: a namespace that enforces a level refuses an init container that does not meet it (the pod's
  // own securityContext counts where the policy lets it)
  // (running pods were admitted: an exemption or a policy engine gave them what they need; then nothing is said)
  const refusedByPsa = i.events.some(e => /violates PodSecurity/.test(`${e.message ?? ''}`))
  const level = !i.pods?.length || refusedByPsa ? levelOf(i.namespaceLabels) : undefined
  for (const p of i.predictions)
    for (const c of p.initContainers) {
      const missing = violations(level, c, i.podSecurityContext)
      if (!missing.length) continue
      add({
        id: 'DG010',
        name: level === 'restricted' ? 'pod-security-restricted' : 'pod-security-baseline',
        severity: 'error',
        cause: `namespace ${i.namespace} enforces the ${level} Pod Security level, and the ${c.name} init container KServe adds does not meet it: every pod of the model is refused`,
        evidence: [`namespace label ${ENFORCE_LABEL}=${level}`, `${c.name} needs ${missing.join(', ')}`],
        fix: securityFix(level!, {kind: i.kind, name: i.name, namespace: i.namespace}, i.release, p.source),
        source: 'k8s.io/pod-security-admission policy (latest)',
      })
    }
  // 2b. the pod webhook skips the namespace (its namespaceSelector): the model gets no storage-initializer at all
  for (const p of i.predictions)
    if (p.uris.length && p.admitted && p.source.kind === 'none' && /control-plane/.test((p.source as {why?: string}).why ?? ''))
      add({
        id: 'DG031',
        name: 'webhook-skips-namespace',
        severity: 'error',
        cause: `KServe's pod webhook skips namespace ${i.namespace}: the ${p.component} gets no storage-initializer, and ${p.uris[0]} is never downloaded`,
        evidence: [
          `namespace label control-plane=${i.namespaceLabels?.['control-plane'] ?? ''}`,
          "the pod webhook's namespaceSelector: control-plane DoesNotExist (config/webhook/manifests.yaml)",
        ],
        fix: `run models outside KServe's own namespace, or remove the label: kubectl label namespace ${i.namespace} control-plane-, then recreate the pods`,
        source: 'config/webhook/manifests.yaml@v0.20.0',
      })
  // 2c. a storage URI without a scheme: KServe takes it as a local path inside the storage-initializer (kserve#3873)
  for (const p of i.predictions)
    for (const uri of localPathUris(p))
      add({
        id: 'DG032',
        name: 'uri-without-scheme',
        severity: 'warning',
        cause: `storage URI ${uri} has no scheme: KServe takes it as a path inside the storage-initializer's own container, where no model is (kserve#3873)`,
        evidence: [`${p.component}: storage URI ${JSON.stringify(uri)}`],
        fix: `write it with the scheme of where the model is: s3://BUCKET/PATH, gs://…, pvc://CLAIM/PATH, hf://ORG/MODEL (a path in a volume: pvc://CLAIM/${uri.replace(/^\/+/, '')})`,
        source: 'pkg/controller/v1beta1/inferenceservice/utils/utils.go ValidateStorageURI (no scheme: accepted as a local path)@v0.20.0',
      })
  // 3. what happened to the pods: no pods, no init container, the init container's state, its log
  const expectsInit = i.predictions.some(p => p.admitted && p.initContainers.some(c => (c.args ?? []).length >= 2))
  if (i.pods?.length === 0 && !out.length) {
    const creating = i.events.filter(
      e =>
        /FailedCreate|FailedScheduling|ProgressDeadlineExceeded/.test(`${e.reason}`) ||
        matchCause('event', `${e.reason}: ${e.message ?? ''}`),
    )
    for (const e of creating) {
      const text = `${e.reason}: ${e.message ?? ''}`
      const c = matchCause('event', text)
      add(
        c
          ? fromCause(c, i, [`${e.involvedObject?.kind ?? 'object'}/${e.involvedObject?.name ?? ''}: ${text}`])
          : {
              id: 'DG020',
              name: 'pods-not-created',
              severity: 'error',
              cause: 'the model has no pods: their creation fails',
              evidence: [text],
            },
      )
    }
    if (!creating.length)
      add({
        id: 'DG021',
        name: 'no-pods',
        severity: 'warning',
        cause: `no pods with the model's labels in namespace ${i.namespace} (scaled to zero, or not created yet)`,
        evidence: [
          i.kind === 'InferenceService'
            ? `no pods with label serving.kserve.io/inferenceservice=${i.name}`
            : `no pods of llminferenceservice ${i.name}`,
        ],
      })
  }
  for (const pod of i.pods ?? []) {
    const podName = pod.metadata?.name as string
    const containers = logContainers(pod)
    if (containers.length === 0) {
      if (!expectsInit) continue
      // injection prerequisites (the pod webhook)
      const why: string[] = []
      if (i.namespaceLabels && 'control-plane' in i.namespaceLabels)
        why.push(`namespace ${i.namespace} has the label control-plane: the pod webhook's namespaceSelector skips it`)
      if (i.kind === 'InferenceService' && !('serving.kserve.io/inferenceservice' in (pod.metadata?.labels ?? {})))
        why.push('the pod lacks the label serving.kserve.io/inferenceservice the webhook selects')
      if (
        i.kind === 'InferenceService' &&
        !('internal.serving.kserve.io/storage-initializer-sourceuri' in (pod.metadata?.annotations ?? {}))
      )
        why.push('the pod has no storage-initializer-sourceuri annotation (the controller sets it from storageUri)')
      add({
        id: 'DG030',
        name: 'not-injected',
        severity: 'error',
        cause: 'the pod has no storage-initializer, though KServe would give it one',
        evidence: why.length
          ? why
          : [
              i.kind === 'LLMInferenceService'
                ? "no init container downloads the model: the pod's template has none (the LLM controller writes it into its Deployment)"
                : 'no init container downloads the model; the pod webhook did not run on it',
            ],
        fix: why.length
          ? undefined
          : i.kind === 'LLMInferenceService'
            ? `compare the Deployment's template (kubectl get deployment -n ${i.namespace} -l app.kubernetes.io/name=${i.name} -o yaml) with kubectl storage-init get --llmisvc ${i.name} -n ${i.namespace}; pods made from an older template must be recreated`
            : 'check the pod webhook: kubectl get mutatingwebhookconfiguration inferenceservice.serving.kserve.io -o yaml (its service must have endpoints); pods made before KServe was ready must be recreated',
        pod: podName,
      })
      continue
    }
    for (const container of containers) {
      const s: InitState = initState(pod, container)
      const spec = (pod.spec?.initContainers ?? []).find((c: any) => c.name === container)
      const lines = i.logs.get(`${podName}/${container}`) ?? []
      const previous = i.logs.get(`${podName}/${container}/previous`) ?? []
      // the log first: it says why the download failed (a container that succeeded logs warnings it got past)
      const succeeded = s.kind === 'terminated' && s.exitCode === 0
      for (const line of succeeded ? [] : [...previous, ...lines].reverse()) {
        const c = matchCause('log', line)
        if (c) {
          add(fromCause(c, i, [`[pod/${podName}/${container}] ${clip(untimed(line))}`], podName))
          break
        }
      }
      const reason = s.kind === 'waiting' ? s.reason : s.kind === 'terminated' ? (s.reason ?? '') : ''
      const oom = (s.kind === 'terminated' && s.reason === 'OOMKilled') || (s.kind === 'waiting' && s.last?.reason === 'OOMKilled')
      if (oom) {
        const limit = spec?.resources?.limits?.memory as string | undefined
        add({
          id: 'DG060',
          name: 'oom-killed',
          severity: 'error',
          cause: `the ${container} runs out of memory${limit ? ` (its limit is ${limit})` : ''}: the kernel kills it (OOMKilled)`,
          evidence: [
            `pod/${podName} ${container}: ${s.kind === 'waiting' ? `${s.reason}, last run OOMKilled (exit 137), restarts ${s.restarts}` : 'terminated: OOMKilled'}`,
          ],
          fix: `kubectl storage-init set-resources ${changeTarget(i).replace(/ \(.*\)$/, '')} --limits memory=${doubled(limit)}`,
          pod: podName,
          source: 'kubernetes',
        })
        continue
      }
      if (reason) {
        // in a crash loop the run that ended first (StartError, ContainerCannotRun carry the cause), then the state now
        const states = [
          ...(s.kind === 'waiting' && s.last?.reason && s.last.reason !== 'Error'
            ? [`${s.last.reason}${s.last.message ? `: ${s.last.message}` : ''}`]
            : []),
          `${reason}${(s.kind === 'waiting' || s.kind === 'terminated') && s.message ? `: ${s.message}` : ''}`,
        ]
        for (const text of states) {
          const c = matchCause('state', text.includes(': ') ? text : `${text}: `)
          if (c && !out.some(f => f.pod === podName && f.severity === 'error')) {
            add(fromCause(c, i, [`pod/${podName} ${container}: ${text}`], podName))
            break
          }
        }
      }
      if (s.kind === 'terminated' && s.exitCode !== 0 && !out.some(f => f.pod === podName))
        add({
          id: 'DG090',
          name: 'download-failed',
          severity: 'error',
          cause: `the ${container} failed (exit ${s.exitCode}) with no known cause in its log`,
          evidence: [
            `pod/${podName} ${container}: exit ${s.exitCode}${s.reason ? ` (${s.reason})` : ''}`,
            ...lines.slice(-3).map(l => `[pod/${podName}/${container}] ${clip(untimed(l))}`),
          ],
          fix: `read the whole log: kubectl storage-init logs ${i.name} -n ${i.namespace}${s.restarts ? ' --previous' : ''}`,
          pod: podName,
        })
      // a download that does not move (kserve#5611)
      if (s.kind === 'running' && i.logs.has(`${podName}/${container}`)) {
        const last = lines.length ? Date.parse(lines[lines.length - 1].slice(0, 30).split(' ')[0]) : NaN
        const started = s.startedAt ? Date.parse(s.startedAt) : NaN
        const quietSince = Number.isFinite(last) ? last : started
        if (Number.isFinite(quietSince) && (i.now - quietSince) / 1000 > STALL_SECONDS)
          add({
            id: 'DG050',
            name: 'download-stalled',
            severity: 'warning',
            cause: `the ${container} has logged nothing for ${Math.round((i.now - quietSince) / 60000)} minutes: the download may be stalled`,
            evidence: [
              `pod/${podName} ${container}: running since ${s.startedAt ?? '?'}${lines.length ? `; last line: ${clip(untimed(lines[lines.length - 1]))}` : ''}`,
            ],
            fix: `watch it: kubectl storage-init logs ${i.name} -n ${i.namespace} -f; in serverless mode a large model may need a longer serving.knative.dev/progress-deadline on the model`,
            pod: podName,
          })
      }
      // a download that outlives the progress deadline: Knative gives up on the revision and removes its pods (the
      // download never finishes); a Deployment only reports ProgressDeadlineExceeded, the download goes on
      if (s.kind === 'running' && s.startedAt) {
        const knative = i.deploymentMode === 'Knative'
        const set = knative ? durationSeconds(i.annotations?.['serving.knative.dev/progress-deadline']) : undefined
        const deadline = set ?? DEFAULT_DEADLINE_SECONDS
        const running = (i.now - Date.parse(s.startedAt)) / 1000
        if (running > deadline * 0.8)
          add({
            id: 'DG051',
            name: 'download-outlives-deadline',
            severity: knative ? 'error' : 'warning',
            cause: knative
              ? `the download has run ${Math.round(running / 60)} min of the revision's ${Math.round(deadline / 60)} min progress deadline: Knative then fails the revision and removes its pods, and the download starts over`
              : `the download has run ${Math.round(running / 60)} min, past ${Math.round(deadline / 60)} min: the Deployment reports ProgressDeadlineExceeded (the download goes on)`,
            evidence: [
              `pod/${podName} ${container}: running since ${s.startedAt}`,
              knative
                ? `progress deadline ${set ? `serving.knative.dev/progress-deadline=${i.annotations?.['serving.knative.dev/progress-deadline']}` : `${DEFAULT_DEADLINE_SECONDS}s (Knative's config-deployment default)`}`
                : `progressDeadlineSeconds ${DEFAULT_DEADLINE_SECONDS} (KServe sets it on the Deployments it makes)`,
            ],
            fix: knative
              ? `kubectl annotate ${flag(i.kind).slice(2)} ${i.name} -n ${i.namespace} serving.knative.dev/progress-deadline=${Math.max(30, Math.ceil((running * 3) / 60))}m --overwrite (KServe copies it to the revision; a faster source: a PVC or a modelcar)`
              : `nothing to raise: KServe sets 600s; the download continues, watch it: kubectl storage-init logs ${i.name} -n ${i.namespace} -f`,
            pod: podName,
            source: knative
              ? 'knative serving config-deployment progress-deadline; KServe e2e sets the annotation (test/e2e@v0.20.0)'
              : 'pkg/controller/v1beta1/inferenceservice/reconcilers/deployment@v0.20.0',
          })
      }
      // a download that fails and restarts for a long time before the model says so (kserve#4187)
      const restarts =
        s.kind === 'waiting' || s.kind === 'running' || s.kind === 'terminated' ? ((s as {restarts?: number}).restarts ?? 0) : 0
      const ready = (i.conditions ?? []).find(c => c.type === 'Ready')
      if (restarts >= 3 && ready?.status !== 'False')
        add({
          id: 'DG070',
          name: 'failing-silently',
          severity: 'warning',
          cause: `the ${container} has failed and restarted ${restarts} times, yet the ${i.kind} ${ready ? `says Ready=${ready.status}` : 'has no Ready condition yet'}: KServe reports it only when the progress deadline passes (kserve#4187)`,
          evidence: [
            `pod/${podName} ${container}: ${restarts} restarts`,
            ready
              ? `${i.kind} condition Ready=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}`
              : `${i.kind} has no Ready condition`,
          ],
          fix: `the problems above say why it fails; follow the retries: kubectl storage-init logs ${i.name} -n ${i.namespace} -f`,
          pod: podName,
        })
    }
    // 3b. the download succeeded, and the model server finds nothing usable in /mnt/models (kserve#3499)
    if (containers.every(c => downloaded(pod, c))) {
      const server = [...(i.logs.get(`${podName}/${SERVER}/previous`) ?? []), ...(i.logs.get(`${podName}/${SERVER}`) ?? [])]
      for (const line of server.reverse()) {
        const c = matchCause('model-log', line)
        if (c) {
          add(fromCause(c, i, [`[pod/${podName}/${SERVER}] ${clip(untimed(line))}`], podName))
          break
        }
      }
    }
    // 4. a pod that runs an older storage-initializer than the configuration gives now (not when KServe refuses the
    // configuration: new pods would be refused, rolling them would do harm)
    const stale = i.staleness?.get(podName)
    if (stale?.differences.length && stale.expected !== 'error' && !out.some(f => f.id === 'DG001'))
      add({
        id: 'DG040',
        name: 'stale-pod',
        severity: 'warning',
        cause: 'the pod runs a storage-initializer made before the last change',
        evidence: stale.differences,
        fix: `kubectl storage-init get ${flag(i.kind)} ${i.name} -n ${i.namespace} says how to roll it`,
        pod: podName,
      })
  }
  const newest = (i.pods ?? []).reduce((n, p) => Math.max(n, Date.parse(p.metadata?.creationTimestamp ?? '') || 0), 0)
  // 5. events about the pods (scheduling, evictions) that the states above do not explain
  for (const e of i.events) {
    if (i.pods?.length === 0) break // the creation events were read above
    // an event about the workload from before the newest pod: what it said was resolved when that pod was made
    if (e.involvedObject?.kind !== 'Pod' && newest && e.lastTimestamp && Date.parse(e.lastTimestamp) < newest) continue
    const text = `${e.reason}: ${e.message ?? ''}`
    const c = matchCause('event', text)
    if (c)
      add(
        fromCause(
          c,
          i,
          [`${e.involvedObject?.kind ?? 'object'}/${e.involvedObject?.name ?? ''}: ${text}`],
          e.involvedObject?.kind === 'Pod' ? e.involvedObject.name : undefined,
        ),
      )
  }
  // 6. the model's own conditions: a failure KServe (or Knative) reports that nothing above explains
  const failed = (i.conditions ?? []).filter(c => c.status === 'False' && c.type !== 'Ready' && (c.reason || c.message))
  const ready = (i.conditions ?? []).find(c => c.type === 'Ready' && c.status === 'False')
  const said = [...failed, ...(failed.length ? [] : ready ? [ready] : [])]
  for (const c of said) {
    const line = `${i.kind} condition ${c.type}=False${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${String(c.message).slice(0, 512)}` : ''}`
    const errors = out.filter(f => f.severity === 'error')
    if (errors.length) errors[0].evidence.push(line)
    else {
      const known = matchCause('event', `${c.reason ?? ''}: ${c.message ?? ''}`)
      add(
        known
          ? fromCause(known, i, [line])
          : {
              id: 'DG080',
              name: 'model-not-ready',
              severity: 'error',
              cause: `the ${i.kind} reports ${c.type}=False${c.reason ? ` (${c.reason})` : ''}, and nothing in its pods explains it`,
              evidence: [line],
              fix: `kubectl describe ${flag(i.kind).slice(2)} ${i.name} -n ${i.namespace}`,
            },
      )
    }
  }
  const order = {error: 0, warning: 1}
  return out.sort((a, b) => order[a.severity] - order[b.severity])
}
