/**
 * Every change is one pipeline: read (with resourceVersions) -> plan (pure) -> check (validate's rules) -> apply (each
 * write conditional on the resourceVersion read; on 409 re-read and re-plan, bounded) -> record the revision; the caller
 * shows the outcome (render/outcome.ts).
 * Order: the configuration is written first and the revision recorded after it. A crash in between leaves a change
 * with no record; the next change or rollback sees the live configuration differ from the last record and says so (drift).
 * Every change is checked with validate's rules: it may not add an error, and the errors it leaves are named.
 */
import {CliError, isApiStatus} from '../errors.js'
import {PlanError, StaleReadError} from '../domain/plans/plan-error.js'
import type {KubeClient} from '../kube/client.js'
import {Attempts, isTransient, POLICIES} from '../kube/retry.js'
import {preflight, whoAmI, type AccessCheck} from '../kube/access.js'
import {appendRevision, findHistoryNamespace, readHistory, recordRevision} from '../kube/history-store.js'
import {readKServe} from './kserve-state.js'
import {writeTarget, type WriteVerb} from '../kube/writes.js'
import {explain} from '../kube/explain.js'
import {
  CONFIGMAP,
  findInferenceService,
  findLlmInferenceService,
  KEY,
  listLlmDeployments,
  listLlmInferenceServices,
} from '../kube/kserve.js'
import {helmOwnership, type HelmOwnership} from '../domain/helm.js'
import {changedPaths, strictRefuses, type OwnerVerdict} from '../domain/gitops.js'
import {OwnerReader} from '../kube/gitops.js'
import {
  damagedMessage,
  drift,
  HISTORY_CONFIGMAP,
  newestTouching,
  sameValue,
  type FieldDiff,
  type History,
  type RevisionRecord,
  type TargetChange,
} from '../domain/history.js'
import {imageName} from '../domain/image.js'
import {atLeast} from '../domain/release.js'
import {validate, type Finding} from '../domain/rules.js'
import {fromResource, selectInjection} from '../domain/storage-containers.js'
import {llmDeploymentName, llmOverride, llmPodSelector, resolveLlm} from '../domain/llmisvc.js'
import {eachObjectPage, listAllObjects} from '../kube/objects.js'
import {eachPodPage} from '../kube/pods.js'
import {deploymentMode, initContainerOf, modelUris, podDifferences, rolloutFor, type Rollout} from '../domain/model-pods.js'
import {decodeStorageInitializer} from '../domain/go-json.js'
import {parseStorageInitializer} from '../domain/storage-initializer.js'
import {
  configMapTarget,
  cscTargets,
  isDedicated,
  modelTargetId,
  resourceOf,
  withValue,
  type ConfigMapTarget,
  type ModelRef,
  type Planned,
  type PlanInput,
  type PlanResult,
  type StorageContainerTarget,
  type ModelUris,
  type Target,
} from '../domain/plans/target.js'

export {configMapTarget, cscTargets, type Planned, type PlanResult}

export type DryRun = 'none' | 'client' | 'server'

/** The live configuration a change reads (the planner's input), with the history and Helm ownership. */
export interface Live extends PlanInput {
  namespace: string
  /** why the storageInitializer is not a usable document (invalid JSON, missing key): set-* refuse, rollback can repair */
  docError?: CliError
  helm?: HelmOwnership
  /** the revision history, as read with the configuration */
  history: History
  /** the history ConfigMap's resourceVersion when it was read (undefined: there is none) */
  historyVersion?: string
}

export type Planner = (live: Live) => Planned[] | PlanResult

export interface ChangeOptions {
  kserveNamespace?: string
  dryRun: DryRun
  fieldManager: string
  historyLimit: number
  command: string
  /** extra fields of the record (rollbackTo, undo) */
  record?: Partial<Pick<RevisionRecord, 'rollbackTo' | 'undo'>>
  /** a restore (rollback): what it is, for messages ("rolling back to revision 3"); every target it writes must be free of errors */
  restore?: string
  /** write even what validate calls an error, which KServe rejects (rollback --allow-rejected-config) */
  allowRejected?: boolean
  /** refuse when the configuration has errors that the change does not fix */
  strict?: boolean
  /** the change needs the storageInitializer document (set-*); rollback does not, it can repair it */
  requireDoc?: boolean
  /** one warning line (deduplicated by the caller) */
  warn?: (text: string) => void
  /** models whose objects a per-model change reads and writes (history records name the others) */
  models?: ModelRef[]
  /** the change is printed as a file for its owner (--emit), not written: an owner's revert is not refused */
  emit?: boolean
  /** interrupts are held from the first write until the record is written (src/interrupts.ts) */
  interrupts?: {hold(): void; release(): void; readonly requested: string | undefined; readonly exitCode: number}
}

/** The models a change or the history names, read (those that exist) as targets. */
async function modelTargets(client: KubeClient, refs: ModelRef[]): Promise<Target[]> {
  const seen = new Set<string>()
  const out: Target[] = []
  for (const m of refs) {
    const id = modelTargetId(m)
    if (seen.has(id)) continue
    seen.add(id)
    const o = await (m.kind === 'InferenceService' ? findInferenceService : findLlmInferenceService)(client, m.namespace, m.name)
    if (!o) continue
    const base = {
      id,
      display: `${m.kind.toLowerCase()}.serving.kserve.io/${m.name} -n ${m.namespace}`,
      name: m.name,
      namespace: m.namespace,
      object: o,
      serving: true,
    }
    out.push(
      m.kind === 'InferenceService'
        ? {
            ...base,
            kind: m.kind,
            value: typeof o?.spec?.predictor?.storageContainerName === 'string' ? o.spec.predictor.storageContainerName : null,
          }
        : {...base, kind: m.kind, value: llmOverride(o) ?? null},
    )
  }
  return out
}

/** Model targets named in the history's records. */
function historyModels(h: History): ModelRef[] {
  const out: ModelRef[] = []
  for (const r of h.records)
    for (const t of r.targets) {
      const m = /^(inferenceservice|llminferenceservice)\/([^/]+)\/([^/]+)$/.exec(t.target)
      if (m) out.push({kind: m[1] === 'inferenceservice' ? 'InferenceService' : 'LLMInferenceService', namespace: m[2], name: m[3]})
    }
  return out
}

export interface Outcome {
  live: Live
  planned: Planned[]
  changed: Planned[]
  /** the resulting objects (server answers, or local results for a client dry run) */
  objects: any[]
  revision?: number
  /** revisions dropped before --history-limit to keep the history under the API server's 1 MiB limit */
  pruned?: number[]
  /** models whose running pods differ from what they would get now (undefined: not known) */
  stalePods?: StaleModel[]
  /** the LLMInferenceServices, and how a ConfigMap change reaches them */
  llms?: LlmNote[]
  /** the targets a GitOps tool owns, and what it does with the change (domain/gitops.ts) */
  owners?: {target: Target; verdict: OwnerVerdict}[]
}

/** Who owns each changed object that exists, and what they do with this change; --strict refuses what they take back. */
async function gitopsOwners(
  client: KubeClient,
  changed: Planned[],
  opts: ChangeOptions,
): Promise<{target: Target; verdict: OwnerVerdict}[]> {
  const reader = new OwnerReader(client)
  const out: {target: Target; verdict: OwnerVerdict}[] = []
  for (const p of changed) {
    if (!p.target.object) continue
    const after = verbOf(p) === 'delete' ? {} : withValue(p.target, p.after, p.create)
    const paths = changedPaths(p.target.object, after).filter(x => x[0] !== 'metadata')
    const verdict = await reader.judge(p.target.object, paths.length ? paths : [[]], opts.fieldManager)
    if (verdict) out.push({target: p.target, verdict})
  }
  const refused = out.filter(o => strictRefuses(o.verdict))
  if (opts.strict && !opts.emit && refused.length)
    throw new CliError(
      'Invalid',
      `--strict: ${refused.map(o => `${o.target.display} is managed by ${o.verdict.owner}, and ${o.verdict.what}`).join('; ')}; nothing was changed`,
      {hint: refused[0].verdict.instead},
    )
  return out
}

export async function readLive(client: KubeClient, kserveNamespace?: string, models: ModelRef[] = []): Promise<Live> {
  // KServe's ConfigMap deleted: the history (in the namespace named, or the one history in the cluster) is still read,
  // so that history works and a rollback can recreate the ConfigMap
  const read = await readKServe(client, kserveNamespace, {allowMissing: true, namespaceWhenMissing: () => findHistoryNamespace(client)})
  const ns = read.namespace
  // the ConfigMap is missing and no history says where KServe was: the ConfigMap's own NotFound
  if (!ns) throw read.missing
  const hist = await readHistory(client, ns)
  if (!read.configMap && !hist.object) throw read.missing
  const scs = read.storageContainers
  const cm = read.configMap?.object
  const where = `configmap ${ns}/${CONFIGMAP}`
  const raw: string | undefined = read.text ?? undefined
  const {version, release} = read
  let doc: Record<string, unknown> = {}
  let docError: CliError | undefined
  // the repair: the value the newest record left in the ConfigMap, restored over whatever is there now
  const recorded = newestTouching(hist.history.records, 'configmap')
  const repair = recorded
    ? `kubectl storage-init rollback --to-revision ${recorded.revision} --target configmap --force brings back the value revision ${recorded.revision} recorded`
    : `no revision records it, so restore it from your KServe release manifests (kubectl edit configmap ${CONFIGMAP} -n ${ns})`
  if (!cm)
    docError = new CliError('NotFound', `${where} does not exist (deleted?); its history is still there`, {
      hint: recorded
        ? `kubectl storage-init rollback --to-revision ${recorded.revision} --target configmap recreates it with the storageInitializer revision ${recorded.revision} recorded (KServe's other keys must come from your KServe release)`
        : 'reinstall it from your KServe release',
    })
  else if (raw === undefined)
    docError = new CliError('NotFound', `${where} has no key "${KEY}"`, {
      hint: `KServe falls back to nothing: restore the key (${repair}; see kubectl storage-init validate)`,
    })
  else if (read.syntaxError) {
    const e = read.syntaxError
    docError = e.beyondPlugin
      ? new CliError('Invalid', `the "${KEY}" key of ${where} is ${e.message}: the plugin cannot change it safely`, {
          hint: 'KServe can still read it; flatten the unknown nested field by hand (kubectl edit configmap)',
        })
      : new CliError('Invalid', `the "${KEY}" key of ${where} is not valid JSON: ${e.message}`, {
          hint: `KServe rejects every InferenceService pod until it is fixed; ${repair}; kubectl storage-init validate shows where it breaks`,
        })
  } else doc = read.decoded!.config
  const targets: Target[] = [
    {
      id: 'configmap',
      display: `configmap/${CONFIGMAP}`,
      kind: 'ConfigMap',
      name: CONFIGMAP,
      namespace: ns,
      object: cm,
      value: raw ?? null,
      serving: true,
    },
    ...scs.items.map(o => {
      const sc = fromResource(o)
      return {
        id: `storage-container/${sc.name}`,
        display: `clusterstoragecontainer.serving.kserve.io/${sc.name}`,
        kind: 'ClusterStorageContainer' as const,
        name: sc.name,
        object: o,
        value: o.spec?.container ?? {},
        // KServe reads workloadType from v0.14; before, every enabled ClusterStorageContainer serves
        serving: !sc.disabled && (sc.workloadType === 'initContainer' || (release !== undefined && !atLeast(release, '0.14'))),
      }
    }),
  ]
  targets.push(...(await modelTargets(client, [...models, ...historyModels(hist.history)])))
  // a per-model change: every model's URIs, so that its container is never one the webhook could give to another
  const isvcRefs = models.filter(m => m.kind === 'InferenceService')
  const allModels = isvcRefs.length
    ? (
        await listAllObjects(client, 'inferenceservices', {}, (i): ModelUris => modelUris(i, release)).catch(e => {
          // a user who may change one model but not list the others: the check is said to be skipped
          if (isApiStatus(e, 403)) return undefined
          throw e
        })
      )?.items
    : undefined
  return {
    ...(allModels ? {models: allModels} : {}),
    namespace: ns,
    doc,
    docError,
    release,
    version,
    helm: helmOwnership(cm?.metadata),
    targets,
    history: hist.history,
    historyVersion: hist.object?.metadata?.resourceVersion,
    crdInstalled: scs.installed,
  }
}

/** Every existing target's value, by id. */
export function liveValues(live: Live): Map<string, unknown> {
  return new Map(live.targets.map(t => [t.id, t.value]))
}

/** Which targets a change applies to: default, every place that serves the ConfigMap's image repository today. */
export function selectTargets(live: Live, spec: string[] | undefined): (ConfigMapTarget | StorageContainerTarget)[] {
  const cm = configMapTarget(live)
  if (!spec || spec.length === 0) {
    const repo = typeof live.doc.image === 'string' ? imageName(live.doc.image) : undefined
    // per-model containers (made by --isvc) keep what was chosen for their model: name them to change them
    return [
      cm,
      ...cscTargets(live).filter(
        t => t.serving && !isDedicated(t.object) && typeof t.value?.image === 'string' && imageName(t.value.image) === repo,
      ),
    ]
  }
  const out: (ConfigMapTarget | StorageContainerTarget)[] = []
  for (const s of spec
    .flatMap(x => x.split(','))
    .map(x => x.trim())
    .filter(Boolean)) {
    if (s === 'all') out.push(cm, ...cscTargets(live).filter(t => t.object))
    else if (s === 'configmap') out.push(cm)
    else if (s.startsWith('storage-container/')) {
      const t = cscTargets(live).find(x => x.id === s)
      if (!t) {
        const known = cscTargets(live).map(x => x.id)
        throw new CliError('NotFound', `--target ${s}: no such ClusterStorageContainer`, {
          hint: known.length ? `known: ${known.join(', ')}` : 'the cluster has none',
        })
      }
      out.push(t)
    } else throw new CliError('Usage', `--target ${s}: expected configmap, storage-container/NAME or all`)
  }
  return [...new Set(out)]
}

/** The verb a write of this plan needs: create a new object, delete one a change removes, else patch. */
const verbOf = (p: Planned): WriteVerb =>
  !p.target.object ? 'create' : p.after === null && p.target.kind === 'ClusterStorageContainer' ? 'delete' : 'patch'

/** An LLMInferenceService, as a change to the ConfigMap reaches it (llmisvc.ts). */
export interface LlmNote {
  namespace: string
  name: string
  /** the image its running Deployment has, which the LLM controller keeps */
  keepsImage?: string
  /** spec.template.initContainers[storage-initializer] overrides what the ConfigMap gives */
  override: boolean
}

/** One model whose running pods are not what the configuration gives now, and what it takes to roll them. */
export interface StaleModel {
  namespace: string
  kind: 'InferenceService' | 'LLMInferenceService'
  name: string
  /** its pods, and how many of them run the previous storage-initializer */
  pods: number
  stale: number
  rollout: Rollout
}

/**
 * Which models still run the previous storage-initializer, judged per pod as get --isvc judges it (by value: the API
 * server stores quantities canonicalised). Pods, InferenceServices and LLMInferenceServices are read in chunks and only
 * counts are kept, so memory stays flat however many pods there are.
 */
async function stalePods(client: KubeClient, live: Live, applied: Planned[], llmNotes?: LlmNote[]): Promise<StaleModel[] | undefined> {
  const value = (t: Target) => applied.find(p => p.target === t)?.after ?? t.value
  let doc: Record<string, unknown>
  try {
    const text = value(configMapTarget(live))
    if (typeof text !== 'string') return undefined
    parseStorageInitializer(text)
    doc = decodeStorageInitializer(text, live.release).config
  } catch {
    return undefined // not a document (a forced rollback): no pod gets a storage-initializer from it
  }
  const containers = cscTargets(live)
    .filter(t => value(t) !== null)
    .map(t => fromResource(withValue(t, value(t), applied.find(p => p.target === t)?.create)))
  const cm = live.targets[0].object
  const models = new Map<string, StaleModel & {multi?: boolean}>()
  const model = (namespace: string, kind: StaleModel['kind'], name: string) => {
    const key = `${namespace}/${kind}/${name}`
    let m = models.get(key)
    if (!m) models.set(key, (m = {namespace, kind, name, pods: 0, stale: 0, rollout: {action: 'none', how: ''}}))
    return m
  }
  try {
    // the deployment mode and storageUris of each InferenceService (metadata and the few spec fields used)
    const isvcs = new Map<string, {mode: string; multi: boolean}>()
    await eachObjectPage(client, 'inferenceservices', {}, page => {
      for (const i of page)
        isvcs.set(`${i.metadata.namespace}/${i.metadata.name}`, {
          mode: deploymentMode(i, cm, live.release),
          multi: Boolean(i.spec?.predictor?.storageUris?.length),
        })
    }).catch(e => {
      if (!isApiStatus(e, 404) && !isApiStatus(e, 403)) throw e
    })
    // one emulation per storage URI, however many pods share it
    const wanted = new Map<string, ReturnType<typeof selectInjection>>()
    await eachPodPage(client, 'serving.kserve.io/inferenceservice', page => {
      for (const p of page) {
        const uri = p.metadata.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri']
        const m = model(p.metadata.namespace, 'InferenceService', p.metadata.labels['serving.kserve.io/inferenceservice'])
        m.pods++
        if (!uri) continue
        let want = wanted.get(uri)
        if (!want) {
          want = selectInjection(uri, doc, containers, {release: live.release, crdInstalled: live.crdInstalled})
          if (wanted.size < 10_000) wanted.set(uri, want)
        }
        if (podDifferences(initContainerOf(p, want), want).length) m.stale++
      }
    })
    // LLMInferenceServices: built by the LLM controller from the ConfigMap, keeping their Deployments' image
    const llms = await listLlmInferenceServices(client)
    if (llms.items.length) {
      const running = new Map<string, any>()
      for (const d of await listLlmDeployments(client))
        running.set(
          `${d.metadata.namespace}/${d.metadata.name}`,
          (d.spec?.template?.spec?.initContainers ?? []).find((c: any) => c.name === 'storage-initializer'),
        )
      const byName = new Map(llms.items.map(l => [`${l.metadata.namespace}/${l.metadata.name}`, l]))
      // what a change to the ConfigMap does to each: an override wins, a running Deployment keeps its image
      for (const l of llms.items) {
        const keeps = running.get(`${l.metadata.namespace}/${llmDeploymentName(l.metadata.name)}`)?.image
        llmNotes?.push({namespace: l.metadata.namespace, name: l.metadata.name, keepsImage: keeps, override: Boolean(llmOverride(l))})
      }
      await eachPodPage(client, llmPodSelector(), page => {
        for (const p of page) {
          const name = p.metadata.labels['app.kubernetes.io/name']
          const l = byName.get(`${p.metadata.namespace}/${name}`)
          if (!l) continue
          const m = model(p.metadata.namespace, 'LLMInferenceService', name)
          m.pods++
          const want = resolveLlm(l, doc, running.get(`${p.metadata.namespace}/${llmDeploymentName(name)}`), live.release)
          if (podDifferences(initContainerOf(p, want), want).length) m.stale++
        }
      })
    }
    for (const m of models.values()) {
      const i = isvcs.get(`${m.namespace}/${m.name}`)
      m.rollout = rolloutFor(m.kind, m.name, m.namespace, i?.mode, i?.multi ?? false)
    }
  } catch {
    return undefined
  }
  return [...models.values()].filter(m => m.stale > 0).sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`))
}

/** The target a validate finding is about, when it is in what a change writes (storageInitializer, spec.container). */
export function findingTarget(f: Finding): string | undefined {
  if (f.path.startsWith(`configmap/${CONFIGMAP}:data.${KEY}`) || f.path === `configmap/${CONFIGMAP}`) return 'configmap'
  const m = /^clusterstoragecontainer\/([^:]+):spec\.container(?:\.|$)/.exec(f.path)
  return m ? `storage-container/${m[1]}` : undefined
}

/** validate's errors for the live configuration with some targets' values replaced. */
export function configErrors(live: Live, values: Map<string, unknown> = new Map(), creates: Map<string, unknown> = new Map()): Finding[] {
  const cm = live.targets[0]
  const text = values.has(cm.id) ? values.get(cm.id) : cm.value
  const storageContainers = cscTargets(live)
    .filter(t => (values.has(t.id) ? values.get(t.id) !== null : t.object))
    .map(t => (values.has(t.id) ? withValue(t, values.get(t.id), creates.get(t.id)) : t.object))
  // containers the change creates (a per-model change's own): not among the live targets yet
  const known = new Set(cscTargets(live).map(t => t.id))
  for (const [id, object] of creates)
    if (!known.has(id) && values.get(id) !== null)
      storageContainers.push({...(object as any), spec: {...(object as any).spec, container: values.get(id)}})
  // the models a change writes: their storageContainerName must name a container KServe can use for them (SI061)
  const inferenceServices = live.targets
    .filter(t => t.kind === 'InferenceService' && values.has(t.id))
    .map(t => modelUris(t.object, live.release, values.get(t.id)))
  return validate({
    configMapPath: `configmap/${CONFIGMAP}`,
    text: typeof text === 'string' ? text : null,
    release: live.release,
    storageContainers,
    ...(inferenceServices.length ? {inferenceServices} : {}),
  }).filter(f => f.severity === 'error')
}

const listFindings = (fs: Finding[]) => fs.map(f => `${f.rule} ${f.path}: ${f.message}`).join('; ')

/**
 * The rules of validate, applied to a change: it may not write a new error (a restore: no error at all in what it
 * writes) unless forced; errors it leaves in place are named, and refused with --strict.
 */
function checkConfig(live: Live, changed: Planned[], opts: ChangeOptions, warn: (t: string) => void): void {
  const key = (f: Finding) => `${f.rule} ${f.path}`
  const had = new Set(configErrors(live).map(key))
  const result = configErrors(
    live,
    new Map(changed.map(p => [p.target.id, p.after])),
    new Map(changed.filter(p => p.create).map(p => [p.target.id, p.create])),
  )
  const written = new Set(changed.map(p => p.target.id))
  // a new error is refused; a restore must also not write back an error that is already there
  const bad = result.filter(f => !had.has(key(f)) || (opts.restore !== undefined && written.has(findingTarget(f) ?? '')))
  if (bad.length) {
    if (!opts.allowRejected)
      throw new CliError(
        'Invalid',
        `${opts.restore ?? 'the change'} would write a configuration KServe rejects: ${listFindings(bad)}; nothing was changed`,
        {
          hint: opts.restore
            ? 'KServe would refuse the pods it concerns until it is fixed; to write it anyway: --allow-rejected-config'
            : 'see kubectl storage-init validate',
        },
      )
    warn(
      `--allow-rejected-config: writing a configuration KServe rejects (it refuses the pods it concerns until it is fixed): ${listFindings(bad)}`,
    )
  }
  const left = result.filter(f => had.has(key(f)) && !bad.includes(f))
  if (left.length === 0) return
  if (opts.strict)
    throw new CliError(
      'Invalid',
      `--strict: the configuration has ${left.length} error(s) that this change does not fix: ${listFindings(left)}; nothing was changed`,
      {
        hint: 'fix them in the same change, or drop --strict',
      },
    )
  warn(
    `the configuration has ${left.length} error(s) that this change does not fix (KServe rejects InferenceService pods until they are fixed): ${listFindings(left)}; see kubectl storage-init validate`,
  )
}

function fieldList(fields: FieldDiff[]): string {
  if (fields.length === 0) return 'formatting only'
  return fields.map(f => (f.path === '' ? 'the whole value' : f.path)).join(', ')
}

/** Say which targets were changed outside kubectl storage-init since the last record (the change starts from live). */
function reportDrift(live: Live, warn: (t: string) => void, applied: Map<string, TargetChange>): string[] {
  const {records, damaged} = live.history
  const newestGood = records.length ? records[records.length - 1].revision : 0
  const later = damaged.filter(d => d.revision > newestGood)
  if (later.length) {
    warn(
      `${damagedMessage(later[later.length - 1])}; changes made outside kubectl storage-init since then cannot be told apart from it (see kubectl storage-init history)`,
    )
    return []
  }
  // what this command wrote already (before a conflict on another target) is not yet recorded, and not drift
  const d = drift(records, liveValues(live)).filter(
    x => !(applied.has(x.target) && sameValue(applied.get(x.target)!.after, live.targets.find(t => t.id === x.target)?.value)),
  )
  if (d.length === 0) return []
  const display = (id: string) => live.targets.find(t => t.id === id)?.display ?? id
  warn(
    `changed outside kubectl storage-init since revision ${newestGood} (the last recorded): ${d.map(x => `${display(x.target)} (${fieldList(x.fields)})`).join(', ')}; this change starts from the live values and records them as its "before"`,
  )
  return d.map(x => x.target)
}

/** The permissions a change needs: each write, and appending its record to the history. */
function accessChecks(changed: Planned[], historyNamespace: string): AccessCheck[] {
  const history = `to record the revision in configmap/${HISTORY_CONFIGMAP}`
  return [
    ...changed.map(p => ({verb: verbOf(p), ...resourceOf(p.target), why: `to change ${p.target.display}`})),
    {verb: 'create', resource: 'configmaps', group: '', namespace: historyNamespace, why: history},
    {verb: 'patch', resource: 'configmaps', group: '', namespace: historyNamespace, why: history},
  ]
}

/** Run a change through the pipeline. Validation errors thrown by the planner leave the cluster untouched. */
export async function runChange(client: KubeClient, plan: Planner, opts: ChangeOptions): Promise<Outcome> {
  const applied = new Map<string, TargetChange>()
  const results = new Map<string, any>()
  const warn = opts.warn ?? (() => {})
  let userP: Promise<string> | undefined
  let checked = false
  let owners: {target: Target; verdict: OwnerVerdict}[] | undefined
  /** targets found drifted, over every attempt */
  const drifted = new Set<string>()
  const extra = (incomplete?: string[]) => ({
    ...opts.record,
    ...(incomplete ? {incomplete} : {}),
    ...([...drifted].some(t => applied.has(t)) ? {drift: [...drifted].filter(t => applied.has(t))} : {}),
  })
  /** where the history is, and what the latest plan still has to write */
  let namespace = ''
  let left: string[] = []
  const user = () => userP ?? whoAmI(client)
  try {
    const tries = new Attempts(POLICIES.replan)
    for (;;) {
      const live = await readLive(client, opts.kserveNamespace, opts.models)
      namespace = live.namespace
      if (live.docError && opts.requireDoc !== false) throw live.docError
      for (const t of reportDrift(live, warn, applied)) drifted.add(t)
      let result: ReturnType<Planner>
      try {
        result = plan(live)
      } catch (e) {
        // what was read changed under us between two reads: read again, as after a conflict
        if (e instanceof StaleReadError && (await tries.again(e))) continue
        throw e
      }
      const planned = Array.isArray(result) ? result : result.planned
      if (!Array.isArray(result))
        opts = {...opts, ...(result.record ? {record: result.record} : {}), ...(result.restore ? {restore: result.restore} : {})}
      const changed = planned.filter(p => !sameValue(p.target.value, p.after))
      if (changed.length === 0 && applied.size === 0) return {live, planned, changed, objects: planned.map(p => p.target.object)}
      if (changed.length) checkConfig(live, changed, opts, warn)
      // judged again after a conflict: the plan (and what it changes) may differ
      owners = await gitopsOwners(client, changed, opts)
      if (opts.dryRun === 'client')
        return {live, planned, changed, objects: planned.map(p => withValue(p.target, p.after, p.create)), owners}
      if (opts.dryRun === 'none' && !checked) {
        userP = whoAmI(client)
        await preflight(client, accessChecks(changed, live.namespace))
        checked = true
      }
      let conflict: unknown
      // a restore writes what the history said when it was planned: if the history changed since, plan again
      if (opts.restore !== undefined && opts.dryRun === 'none') {
        const now = await readHistory(client, live.namespace)
        if (now.object?.metadata?.resourceVersion !== live.historyVersion) {
          if (await tries.again(new Error('the history changed while the rollback was planned'))) continue
          throw new CliError(
            'Conflict',
            `configmap ${live.namespace}/${HISTORY_CONFIGMAP} kept changing while the rollback was planned; nothing was changed`,
            {
              hint: 'try again in a moment',
            },
          )
        }
      }
      // new objects first, removals last: a model never names a ClusterStorageContainer that is not there
      changed.sort(
        (a, b) =>
          (verbOf(a) === 'create' ? -1 : verbOf(a) === 'delete' ? 1 : 0) - (verbOf(b) === 'create' ? -1 : verbOf(b) === 'delete' ? 1 : 0),
      )
      left = changed.map(p => p.target.id)
      if (opts.dryRun === 'none') opts.interrupts?.hold()
      for (const p of changed) {
        // interrupted: finish nothing more; what was written is recorded as incomplete (below, in catch)
        if (opts.interrupts?.requested)
          throw new CliError('Cancelled', `interrupted (${opts.interrupts.requested}) before ${p.target.display} was written`, {
            exitCode: opts.interrupts.exitCode,
          })
        try {
          results.set(
            p.target.id,
            await writeTarget(client, p.target, verbOf(p), p.after, p.create, {
              fieldManager: opts.fieldManager,
              serverDryRun: opts.dryRun === 'server',
            }),
          )
        } catch (e) {
          // a conflict, or a write that may not have happened (throttled, server error, reset): re-read and re-plan;
          // the write is conditional on the resourceVersion, so it can never apply twice or over someone else's change
          if (isApiStatus(e, 409) || isTransient(e)) {
            conflict = e
            break
          }
          throw explain(e, client, {verb: verbOf(p), ...resourceOf(p.target), name: p.target.object?.metadata?.name})
        }
        const prev = applied.get(p.target.id)
        applied.set(p.target.id, {target: p.target.id, before: prev ? prev.before : p.target.value, after: p.after})
        left = left.filter(id => id !== p.target.id)
      }
      if (conflict !== undefined) {
        // a busy writer: back off, with jitter, so that competing writers do not collide in step
        if (await tries.again(conflict)) continue
        throw new CliError(
          'Conflict',
          `the configuration kept changing under us (${POLICIES.replan.attempts} attempts): another writer is busy; nothing of theirs was overwritten`,
          {
            hint: 'try again in a moment',
          },
        )
      }
      const objects = planned.map(p => results.get(p.target.id) ?? p.target.object)
      if (opts.dryRun === 'server') return {live, planned, changed, objects, owners}
      left = []
      const {revision, pruned} = await recordRevision(
        client,
        live.namespace,
        {time: new Date().toISOString(), user: await user(), command: opts.command, targets: [...applied.values()], ...extra()},
        opts.historyLimit,
      )
      // recorded: an interrupt may end the command again (counting stale pods can take seconds at scale)
      opts.interrupts?.release()
      const llms: LlmNote[] = []
      const stale = await stalePods(client, live, planned, llms)
      return {
        live,
        planned,
        changed: planned.filter(p => applied.has(p.target.id)),
        objects,
        revision,
        ...(pruned.length ? {pruned} : {}),
        stalePods: stale,
        llms,
        owners,
      }
    }
  } catch (e) {
    // nothing written yet, a dry run, or the record of a complete change failed (that error says the change was applied)
    if (applied.size === 0 || opts.dryRun !== 'none' || left.length === 0) throw e
    // some writes were applied and others not: what was written is recorded, so that rollback can undo it (or, for a
    // rollback, finish it), and the error says what was and was not changed
    const err = e instanceof Error ? e : new Error(String(e))
    let recorded: string
    try {
      const n = await appendRevision(
        client,
        namespace,
        {
          time: new Date().toISOString(),
          user: await user(),
          command: `${opts.command} (incomplete: ${left[0]} failed)`,
          targets: [...applied.values()],
          ...extra(left),
        },
        opts.historyLimit,
      )
      recorded = `, recorded as revision ${n}`
    } catch {
      recorded = ', not recorded'
    }
    throw new CliError(
      err instanceof CliError || err instanceof PlanError ? err.kind : 'Server',
      `${err.message.replace(/; nothing was changed$/, '')}; changed: ${[...applied.keys()].join(', ')}${recorded}; not changed: ${left.join(', ')}`,
      {
        hint: opts.restore
          ? 'run the same command again to finish'
          : 'run the same command again to finish, or undo what was written with kubectl storage-init rollback',
        // interrupted, and then another error: the exit status still says it was interrupted
        exitCode: opts.interrupts?.requested ? opts.interrupts.exitCode : err instanceof CliError ? err.exitCode : 1,
      },
    )
  } finally {
    opts.interrupts?.release()
  }
}
