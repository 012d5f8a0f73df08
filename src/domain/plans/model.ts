/**
 * Per-model storage-initializer settings (set-image/set-resources --isvc or --llmisvc), the two ways KServe offers:
 * - an InferenceService on v0.20+: a dedicated ClusterStorageContainer (labelled as ours, named after the model, its
 *   formats an anchored RE2 regex of exactly the model's URIs, so it never becomes a candidate for other models) holding
 *   the model's current effective container with the change, named by spec.predictor.storageContainerName
 *   (pkg/apis/serving/v1beta1/predictor.go@v0.20.0; GetStorageContainerSpecByName: it must exist, be enabled, be an
 *   initContainer and serve the URI);
 * - an LLMInferenceService: spec.template.initContainers[name=storage-initializer], merged by the LLM controller over
 *   what it builds (workload_storage.go@v0.20.0, kserve#5614).
 */
import {apiVersionOf} from '../api-resources.js'
import type {Container} from '../container-merge.js'
import {llmOverride, resolveLlm} from '../llmisvc.js'
import {storageUris} from '../model-pods.js'
import {atLeast, type Release} from '../release.js'
import {fromResource, mergedViolations, selectInjection, type Injection} from '../storage-containers.js'
import {PlanError, StaleReadError} from './plan-error.js'
import {
  cscTargets,
  DEDICATED_LABELS,
  isDedicated,
  MODEL_ANNOTATION,
  modelTargetId,
  type ModelRef,
  type PlanInput,
  type PlanResult,
  type Planned,
  type InferenceServiceTarget,
  type KubeObject,
  type LlmTarget,
  type Target,
} from './target.js'

export interface ContainerChange {
  /** for the report line: image, resource requirements */
  what: string
  apply(c: Container): Container
}

/** The dedicated ClusterStorageContainer's name: the model's, with its namespace (cluster-scoped names are shared). */
export function dedicatedName(ref: ModelRef): string {
  return `storage-init-${ref.namespace}-${ref.name}`
    .slice(0, 253)
    .replace(/[^a-z0-9.-]/g, '-')
    .replace(/[-.]+$/, '')
}

/** An RE2 regular expression matching exactly this text. */
export function exactRe2(text: string): string {
  return `^${text.replace(/[\\^$.|?*+()[\]{}]/g, c => `\\${c}`)}$`
}

/** The fields of a container KServe takes from a ClusterStorageContainer without harm: not args, command or mounts. */
function portable(c: Container): Container {
  const out: Container = {...c}
  for (const k of ['args', 'command', 'volumeMounts', 'terminationMessagePolicy']) delete out[k]
  return out
}

function modelTarget(live: PlanInput, ref: ModelRef): InferenceServiceTarget | LlmTarget {
  const t = live.targets.find(
    (x): x is InferenceServiceTarget | LlmTarget =>
      x.id === modelTargetId(ref) && x.kind !== 'ConfigMap' && x.kind !== 'ClusterStorageContainer',
  )
  if (!t)
    throw new PlanError(
      'NotFound',
      `${ref.kind.toLowerCase()} "${ref.name}" not found in namespace "${ref.namespace}"`,
      `list them with: kubectl get ${ref.kind.toLowerCase()}s -n ${ref.namespace}`,
    )
  return t
}

/** What the change writes for one model. */
export function planModelChange(live: PlanInput, ref: ModelRef, change: ContainerChange, warn: (t: string) => void): PlanResult {
  if (live.docError) throw live.docError
  const target = modelTarget(live, ref)
  if (target.kind === 'LLMInferenceService') return planLlm(live, target, change)
  const r = live.release
  if (r && !atLeast(r, '0.20'))
    throw new PlanError(
      'Invalid',
      `KServe ${live.version} has no per-model storage-initializer: spec.predictor.storageContainerName arrived in v0.20`,
      "upgrade KServe to v0.20 or later; or change every model (set-image/set-resources without --isvc); a ClusterStorageContainer matching only this model's URI would still compete with the default one, which KServe may pick instead, pod by pod",
    )
  if (!r) warn(`KServe's version is unknown: assuming v0.20 or later, where spec.predictor.storageContainerName exists`)
  const isvc = target.object
  const uris = storageUris(isvc, r).filter(u => u.component === 'predictor')
  if (uris.length === 0)
    throw new PlanError('Invalid', `inferenceservice "${ref.name}" has no storage URI in its predictor: it gets no storage-initializer`)
  const multi = uris.some(u => u.multi)
  const name = dedicatedName(ref)
  // the webhook gives a ClusterStorageContainer to every model whose URI it matches, unless the model names its own:
  // a container matching exactly this model's URIs also matches any other model with the same URI
  if (!live.models) warn(`the InferenceServices could not be listed: not checked whether other models share ${ref.name}'s storage URI`)
  const shared = (live.models ?? []).filter(
    m =>
      !(m.namespace === ref.namespace && m.name === ref.name) && !m.storageContainerName && m.uris.some(u => uris.some(x => x.uri === u)),
  )
  if (shared.length) {
    const who = shared.map(m => `${m.namespace}/${m.name}`)
    const uri = uris.find(x => shared[0].uris.includes(x.uri))!.uri
    // what would work: the others named to the container they get today, so that a's own container is not theirs
    const today = selectInjection(
      uri,
      live.doc,
      cscTargets(live)
        .filter(t => t.object)
        .map(t => fromResource(t.object!)),
      {
        release: r,
        crdInstalled: live.crdInstalled,
      },
    )
    const pin = today.sourceName.startsWith('clusterstoragecontainer/')
      ? today.sourceName.slice('clusterstoragecontainer/'.length)
      : undefined
    throw new PlanError(
      'Invalid',
      `${who.join(', ')} ${shared.length > 1 ? 'have' : 'has'} the same storage URI as ${ref.namespace}/${ref.name} (${uri}): a container for ${ref.name} alone cannot exist, since the webhook would give it to ${shared.length > 1 ? 'them' : 'it'} too; nothing was changed`,
      pin
        ? `first name for ${shared.length > 1 ? 'each of them' : shared[0].name} the container it gets today (${shared.map(m => `kubectl patch inferenceservice ${m.name} -n ${m.namespace} --type=merge -p '{"spec":{"predictor":{"storageContainerName":"${pin}"}}}'`).join('; ')}), or change every model at once without --isvc`
        : `no ClusterStorageContainer serves that URI today, so the others cannot be pinned to one: give ${ref.name} a URI of its own, or change every model at once without --isvc`,
    )
  }
  const existing = cscTargets(live).find(t => t.id === `storage-container/${name}`)
  const containers = cscTargets(live)
    .filter(t => t.object)
    .map(t => fromResource(t.object))
  // what the model gets today: through its named container, or as the webhook would choose
  const current: Injection = selectInjection(uris[0].uri, live.doc, containers, {
    release: r,
    crdInstalled: live.crdInstalled,
    multiModel: multi,
    storageContainerName: typeof target.value === 'string' ? target.value : undefined,
  })
  let base: Container
  // the model names its own container, which the list of containers does not hold: written (or removed) by another
  // change between the two reads, since a per-model change creates the container before naming it, and unnames it
  // before deleting it
  if (current.source === 'error' && target.value === name && !existing)
    throw new StaleReadError(`${target.display} names ${name}, which another change is creating or removing right now`)
  if (current.source === 'error') throw new PlanError('Invalid', `${target.display}: ${current.reason}`)
  if (current.source === 'ambiguous') {
    warn(
      `${ref.namespace}/${ref.name} may get any of ${(current.candidates ?? []).map(c => c.sourceName).join(', ')} today; its own container starts from ${current.candidates?.[0]?.sourceName}`,
    )
    base = current.candidates?.[0]?.container ?? {}
  } else if (!current.container)
    throw new PlanError('Invalid', `${target.display} gets no storage-initializer (${current.reason}): there is nothing to set for it`)
  else base = current.container
  const container = portable(change.apply({...portable(base), name: base.name ?? 'storage-initializer'}))
  const broken = mergedViolations(live.doc, [{name, container}], r)
  if (broken.length)
    throw new PlanError(
      'Invalid',
      `pods of ${ref.namespace}/${ref.name} would get ${broken[0].problems.join(', ')} (its container merged over the ConfigMap's): the API server would reject them; nothing was changed`,
      'give both --requests and --limits',
    )
  const object = dedicatedObject(ref, isvc, container, r)
  const csc: Target = existing ?? {
    id: `storage-container/${name}`,
    display: `clusterstoragecontainer.serving.kserve.io/${name}`,
    kind: 'ClusterStorageContainer',
    name,
    object: undefined,
    value: null,
    serving: true,
  }
  if (existing && !isDedicated(existing.object))
    throw new PlanError(
      'Conflict',
      `clusterstoragecontainer/${name} exists and is not one kubectl storage-init made: not overwriting it`,
      'rename or delete it, or change it with --target storage-container/' + name,
    )
  const planned: Planned[] = [
    {target: csc, after: container, what: change.what, ...(existing ? {} : {create: object})},
    {target, after: name, what: 'storageContainerName'},
  ]
  return {planned}
}

/**
 * The ClusterStorageContainer of one model (labelled as ours, named after it, serving exactly its predictor's URIs),
 * holding `container`: what a per-model change creates, and what undoing the undo of one creates again.
 */
export function dedicatedObject(ref: ModelRef, isvc: KubeObject, container: Container, release?: Release) {
  const uris = storageUris(isvc, release).filter(u => u.component === 'predictor')
  return {
    apiVersion: apiVersionOf('clusterstoragecontainers'),
    kind: 'ClusterStorageContainer',
    metadata: {name: dedicatedName(ref), labels: {...DEDICATED_LABELS}, annotations: {[MODEL_ANNOTATION]: `${ref.namespace}/${ref.name}`}},
    spec: {
      container,
      supportedUriFormats: uris.map(u => ({regex: exactRe2(u.uri)})),
      workloadType: 'initContainer',
      supportsMultiModelDownload: uris.some(u => u.multi),
    },
  }
}

/**
 * What a per-model change of this model would start its container from today (the container the webhook gives it
 * without one of its own, less what KServe must not take from a ClusterStorageContainer): the fields it copies.
 */
export function dedicatedBaseline(live: PlanInput, model: InferenceServiceTarget): Container | undefined {
  const uris = storageUris(model.object, live.release).filter(u => u.component === 'predictor')
  if (!uris.length) return undefined
  const containers = cscTargets(live)
    .filter(
      t =>
        t.object &&
        t.id !== `storage-container/${dedicatedName({kind: 'InferenceService', namespace: model.namespace!, name: model.name})}`,
    )
    .map(t => fromResource(t.object!))
  const today = selectInjection(uris[0].uri, live.doc, containers, {
    release: live.release,
    crdInstalled: live.crdInstalled,
    multiModel: uris.some(u => u.multi),
  })
  const c = today.container ?? today.candidates?.[0]?.container
  return c ? portable({...portable(c), name: c.name ?? 'storage-initializer'}) : undefined
}

function planLlm(live: PlanInput, target: LlmTarget, change: ContainerChange): PlanResult {
  const r = live.release
  // the LLM controller merges a user's storage-initializer over its own from v0.20.0 (workload_storage.go
  // extractAndStripStorageInitializer@v0.20.0); v0.19.0 strips it (stripPriorControllerStorageInitializer), and
  // v0.16 to v0.18 append their own after the template's, two init containers of one name: an invalid Deployment
  if (r && !atLeast(r, '0.20'))
    throw new PlanError(
      'Invalid',
      `KServe ${live.version}'s LLM controller does not read an override in spec.template.initContainers[storage-initializer]: ${atLeast(r, '0.19') ? 'it drops it' : 'it adds its own beside it, and a Deployment with two init containers of one name is invalid'} (the merge arrived in v0.20.0)`,
      'upgrade KServe to v0.20 or later; or change what every LLMInferenceService gets (set-image/set-resources --target configmap)',
    )
  const llm = target.object
  const current = (llmOverride(llm) as Container | undefined) ?? {name: 'storage-initializer'}
  // --tag and --registry start from the image the model gets; other changes do not pin the image in the override
  const seed = {...structuredClone(current), image: current.image ?? resolveLlm(llm, live.doc, undefined, live.release).image}
  const override = change.apply(seed)
  if (!current.image && change.what !== 'image') delete override.image
  override.name = 'storage-initializer'
  const resolved = resolveLlm(
    {...llm, spec: {...llm.spec, template: {...llm.spec?.template, initContainers: [override]}}},
    live.doc,
    undefined,
    live.release,
  )
  if (resolved.source === 'error' || resolved.source === 'none') throw new PlanError('Invalid', `${target.display}: ${resolved.reason}`)
  const req: Record<string, string> = resolved.resources?.requests ?? {}
  const lim: Record<string, string> = resolved.resources?.limits ?? {}
  const bad = mergedViolations({}, [{name: target.display, container: {resources: {requests: req, limits: lim}}}], live.release)
  if (bad.length)
    throw new PlanError(
      'Invalid',
      `pods of ${target.display} would get ${bad[0].problems.join(', ')}: the API server would reject them; nothing was changed`,
      'give both --requests and --limits',
    )
  return {planned: [{target, after: override, what: change.what}]}
}
