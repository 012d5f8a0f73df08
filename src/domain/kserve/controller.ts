/**
 * Go: the InferenceService controller's storage steps, pkg/controller/v1beta1/inferenceservice — components/predictor.go
 * (addStorageInitializerAnnotations, the ClusterStorageContainer lookup for StorageUris[0], buildCanaryPredictor),
 * transformer.go, explainer.go, utils/utils.go ValidateStorageURI, and reconcilers/raw|knative (storageUris:
 * CommonStorageInitialization written into the workload). Each component becomes the pod template the controller makes,
 * which the webhook (webhook.ts) then mutates at pod creation.
 */
import type {Release} from '../release.js'
import {re2Match} from '../re2.js'
import type {StorageContainer} from '../storage-containers.js'
import type {ConfigResult} from './configmap.js'
import {featuresOf} from './features.js'
import {
  commonStorageInitialization,
  getStorageInitializerReadOnlyFlag,
  SOURCE_URI_ANNOTATION,
  STORAGE_CONTAINER_NAME_ANNOTATION,
  type StorageUri,
} from './injector.js'
import {validatePodSpec} from './apiserver.js'
import {ISVC_VALIDATOR, validateMultipleStorageURIs} from './validation.js'
import {refused, type Outcome, type Prediction, type Step} from './outcome.js'
import {getStorageContainerSpec} from './storage-container.js'
import {DEFAULT_MODEL_LOCAL_MOUNT_PATH, INFERENCE_SERVICE_CONTAINER_NAME, type PodSpec} from './storage.js'
import {mutatePod, type Pod} from './webhook.js'

export const SCHEME_PLACEHOLDER = '<scheme-placeholder>://'
export const STORAGE_SPEC_ANNOTATION = 'internal.serving.kserve.io/storage-spec'
export const STORAGE_SPEC_KEY_ANNOTATION = 'internal.serving.kserve.io/storage-spec-key'
export const STORAGE_SPEC_PARAM_ANNOTATION = 'internal.serving.kserve.io/storage-spec-param'

export interface KServeState {
  release: Release | undefined
  kserveNamespace: string
  config: ConfigResult
  containers: StorageContainer[]
  crdInstalled: boolean
  /** labels of the model's namespace, when read */
  namespaceLabels?: Record<string, string>
  /** the webhook alone (a pod made by other means): the controller's ValidateStorageURI is not applied */
  webhookOnly?: boolean
}

const FRAMEWORKS = [
  'model',
  'sklearn',
  'xgboost',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'huggingface',
  'pmml',
  'lightgbm',
  'paddle',
  'art',
  'alibi',
]

/** Go: SupportedStorageURIPrefixList (utils.go), in Go's order, per release. */
export function supportedStorageURIPrefixList(r: Release | undefined): string[] {
  const f = featuresOf(r)
  return [
    'gs://',
    's3://',
    'pvc://',
    'file://',
    'https://',
    'http://',
    'hdfs://',
    'webhdfs://',
    ...(f.ociSchemeAccepted ? ['oci://'] : []),
    ...(f.ociModelMode ? ['oci+native://'] : []),
    ...(f.ociFetch ? ['oci+fetch://'] : []),
    ...(f.hfSchemeAccepted ? ['hf://'] : []),
  ]
}

const AZURE_BLOB = 'https://(.+?).blob.core.windows.net/(.+)'

/**
 * Go: ValidateStorageURI (utils.go): a ClusterStorageContainer that serves it, a local path, Azure's form, a known
 * prefix. Its lookup lists ClusterStorageContainers from the cache too: one answer per container that may come first.
 */
export function validateStorageURI(uri: string, state: KServeState): {candidate: string; error?: string; explanation?: string}[] {
  const f = featuresOf(state.release)
  const lookups = getStorageContainerSpec(uri, undefined, state.containers, {release: state.release, crdInstalled: state.crdInstalled})
  return lookups.map(l => {
    const candidate = l.candidate
    if (l.error)
      return f.storageContainerName
        ? {candidate, error: `error resolving storage container for "${uri}": ${l.error}`, explanation: l.note}
        : f.commonStorageInitialization
          ? {
              candidate,
              error: 'panic: runtime error: invalid memory address or nil pointer dereference [recovered]',
              explanation: `the lookup fails (${l.error}) and GetContainerSpecForStorageUri dereferences its nil result: the reconcile panics`,
            }
          : {candidate, error: l.error, explanation: l.note}
    if (l.spec || !/\w+?:\/\//.test(uri)) return {candidate}
    if (uri.includes('blob.core.windows.net')) {
      if (re2Match(AZURE_BLOB, uri)) return {candidate}
    } else if (supportedStorageURIPrefixList(state.release).some(p => uri.startsWith(p))) return {candidate}
    return {
      candidate,
      error: `storageUri, must be one of: [${supportedStorageURIPrefixList(state.release).join(', ')}] or match https://{}.blob.core.windows.net/{}/{} or be an absolute or relative local path. StorageUri [${uri}] is not supported${featuresOf(state.release).unsupportedUriErrorWithoutPeriod ? '' : '.'}`,
    }
  })
}

/** mergo.Merge(dst, src, WithOverride): src's non-zero values win, structs and maps deep, slices whole. */
function mergoOverride(dst: any, src: any): any {
  if (src === undefined || src === null || src === '' || src === 0 || src === false) return dst
  if (Array.isArray(src)) return src.length ? structuredClone(src) : dst
  if (typeof src === 'object' && dst && typeof dst === 'object' && !Array.isArray(dst)) {
    const out = {...dst}
    for (const [k, v] of Object.entries(src)) out[k] = mergoOverride(dst[k], v)
    return out
  }
  return structuredClone(src)
}

interface Component {
  name: string
  workload: string
  spec: any
  storageContainerName?: string
}

/** The pod templates the controller makes for an InferenceService: predictor, canaries (v0.20+), transformer, explainer. */
export function components(isvc: any, r: Release | undefined): Component[] {
  const name = isvc?.metadata?.name ?? ''
  const s = isvc?.spec ?? {}
  const f = featuresOf(r)
  const out: Component[] = []
  const scn = (p: any) =>
    f.storageContainerName && typeof p?.storageContainerName === 'string' && p.storageContainerName ? p.storageContainerName : undefined
  if (s.predictor) out.push({name: 'predictor', workload: `${name}-predictor`, spec: s.predictor, storageContainerName: scn(s.predictor)})
  if (f.storageContainerName && Array.isArray(s.canary))
    s.canary.forEach((c: any, i: number) => {
      const merged = mergoOverride(structuredClone(s.predictor ?? {}), c?.predictor ?? {})
      out.push({
        name: `canary[${i}]`,
        workload: `${name}-predictor${c?.predictor?.name ? `-${c.predictor.name}` : ''}`,
        spec: merged,
        storageContainerName: scn(merged),
      })
    })
  for (const c of ['transformer', 'explainer']) if (s[c]) out.push({name: c, workload: `${name}-${c}`, spec: s[c]})
  return out
}

/** Go: GetStorageUri / GetStorageSpec of the component's implementation. */
function implementationStorage(c: Component, r: Release | undefined): {uri?: string; field?: string; storage?: any; storageField?: string} {
  const spec = c.spec
  for (const fw of FRAMEWORKS) {
    const x = spec?.[fw]
    if (x && typeof x === 'object')
      return {
        ...(typeof x.storageUri === 'string' ? {uri: x.storageUri, field: `${fw}.storageUri`} : {}),
        ...(x.storage && typeof x.storage === 'object' ? {storage: x.storage, storageField: `${fw}.storage`} : {}),
      }
  }
  const containers: any[] = Array.isArray(spec?.containers) ? spec.containers : []
  // CustomPredictor.GetStorageUri reads the container named kserve-container from v0.12 (containers[0] before); the
  // transformer's and explainer's read containers[0] (predictor_custom.go, transformer_custom.go)
  const byName = c.name === 'predictor' || c.name.startsWith('canary') ? featuresOf(r).customStorageUriByName : false
  const k = byName ? containers.find(x => x?.name === INFERENCE_SERVICE_CONTAINER_NAME) : containers[0]
  const env = (k?.env ?? []).find((e: any) => e?.name === 'STORAGE_URI')
  // an empty STORAGE_URI is still a storage URI to Go (a pointer to ""): the pod gets an init container downloading ""
  if (k && env) return {uri: typeof env.value === 'string' ? env.value : '', field: `containers[${k.name}].env.STORAGE_URI`}
  return {}
}

export interface ComponentStorage {
  uris: {uri: string; field: string; mountPath?: string}[]
  multi: boolean
}

/** The storage URIs a component names (for display): storageUri / storage.path / STORAGE_URI, or storageUris[]. */
export function componentStorage(c: Component, r: Release | undefined): ComponentStorage {
  if (featuresOf(r).storageUris && Array.isArray(c.spec?.storageUris) && c.spec.storageUris.length)
    return {
      multi: true,
      uris: c.spec.storageUris
        .filter((u: any) => typeof u?.uri === 'string')
        .map((u: any, i: number) => ({
          uri: u.uri,
          field: `storageUris[${i}].uri`,
          mountPath: u.mountPath ?? DEFAULT_MODEL_LOCAL_MOUNT_PATH,
        })),
    }
  const s = implementationStorage(c, r)
  const uris: ComponentStorage['uris'] = []
  if (s.storage && typeof s.storage.path === 'string')
    uris.push({uri: SCHEME_PLACEHOLDER + s.storage.path.replace(/^\//, ''), field: `${s.storageField}.path`})
  if (s.uri !== undefined) uris.push({uri: s.uri, field: s.field!})
  return {multi: false, uris}
}

/** The pod the controller creates for a component (before the webhook): annotations, labels and containers. */
function podFor(isvc: any, c: Component, state: KServeState, trace: Step[]): {pod?: Pod; refusal?: Outcome['refusal']} {
  const ns = isvc?.metadata?.namespace ?? ''
  const annotations: Record<string, string> = {}
  for (const [k, v] of Object.entries(isvc?.metadata?.annotations ?? {})) if (typeof v === 'string') annotations[k] = v
  const labels: Record<string, string> = {'serving.kserve.io/inferenceservice': isvc?.metadata?.name ?? ''}
  for (const [k, v] of Object.entries(isvc?.metadata?.labels ?? {})) if (typeof v === 'string') labels[k] = v
  const s = implementationStorage(c, state.release)
  if (s.storage && typeof s.storage.path === 'string') {
    annotations[SOURCE_URI_ANNOTATION] = SCHEME_PLACEHOLDER + s.storage.path.replace(/^\//, '')
    annotations[STORAGE_SPEC_ANNOTATION] = 'true'
    if (typeof s.storage.key === 'string') annotations[STORAGE_SPEC_KEY_ANNOTATION] = s.storage.key
    if (s.storage.parameters) annotations[STORAGE_SPEC_PARAM_ANNOTATION] = JSON.stringify(s.storage.parameters)
  }
  if (s.uri !== undefined) {
    if (SOURCE_URI_ANNOTATION in annotations) {
      trace.push({go: 'predictor.go addStorageInitializerAnnotations', did: 'storageUri and storage.path are both set'})
      return {refusal: refused('controller', 'must provide only one of storageUri and storage.path')}
    }
    annotations[SOURCE_URI_ANNOTATION] = s.uri
  }
  if (c.storageContainerName) annotations[STORAGE_CONTAINER_NAME_ANNOTATION] = c.storageContainerName
  const user = (Array.isArray(c.spec?.containers) ? c.spec.containers : []).find((x: any) => x?.name === INFERENCE_SERVICE_CONTAINER_NAME)
  const spec: PodSpec = {
    containers: [{name: INFERENCE_SERVICE_CONTAINER_NAME, ...(user?.env ? {env: structuredClone(user.env)} : {})}],
    initContainers: structuredClone(c.spec?.initContainers ?? []),
    volumes: [],
    ...(c.spec?.serviceAccountName ? {serviceAccountName: c.spec.serviceAccountName} : {}),
  }
  return {pod: {namespace: ns, annotations, labels, spec}}
}

/** Go: the reconcilers' storageUris step: CommonStorageInitialization (IsLegacyURI false) written into the workload. */
function controllerStorageUris(pod: Pod, c: Component, state: KServeState, trace: Step[]): Outcome[] {
  const uris: StorageUri[] = c.spec.storageUris.map((u: any) => ({
    uri: String(u?.uri ?? ''),
    mountPath: u?.mountPath ?? DEFAULT_MODEL_LOCAL_MOUNT_PATH,
  }))
  if (!state.config.ok)
    return [
      {
        admitted: false,
        refusal: refused('controller', `failed to get StorageInitializer config: ${state.config.message}`, state.config.explanation),
        source: {kind: 'none'},
        initContainers: [],
        volumes: [],
        trace,
      },
    ]
  const cfg = state.config.config
  const lookups = getStorageContainerSpec(uris[0].uri, c.storageContainerName, state.containers, {
    release: state.release,
    crdInstalled: state.crdInstalled,
  })
  return lookups.map(l => {
    const t: Step[] = [
      ...trace,
      {
        go: 'predictor.go GetStorageContainerSpec(StorageUris[0])',
        did: l.error ? `error: ${l.error}` : l.spec ? l.candidate : 'none matches',
      },
    ]
    const spec = structuredClone(pod.spec)
    if (l.error)
      return {
        admitted: false,
        refusal: refused('controller', `failed to get storage container spec: ${l.error}`, l.note),
        source: {kind: 'none', name: l.candidate},
        initContainers: [],
        volumes: [],
        trace: t,
      }
    const err = commonStorageInitialization({
      namespace: pod.namespace,
      storageURIs: uris,
      isReadOnly: getStorageInitializerReadOnlyFlag(pod.annotations, state.release),
      podSpec: spec,
      config: cfg,
      annotations: pod.annotations,
      storageContainerSpec: l.spec,
      isLegacyURI: false,
      release: state.release,
      kserveNamespace: state.kserveNamespace,
    })
    t.push({go: 'CommonStorageInitialization (storageUris)', did: err ? `error: ${err}` : 'done'})
    if (err)
      return {
        admitted: false,
        refusal: refused('controller', err),
        source: {kind: 'none', name: l.candidate},
        initContainers: [],
        volumes: [],
        trace: t,
      }
    const invalid = validatePodSpec(spec, 'spec.template.spec')
    if (invalid)
      return {
        admitted: false,
        refusal: refused('apiserver', `Deployment.apps "${c.workload}" is invalid: ${invalid}`),
        source: {kind: 'none', name: l.candidate},
        initContainers: spec.initContainers,
        volumes: spec.volumes,
        trace: t,
        candidate: l.candidate,
      } as Outcome
    const init = spec.initContainers.find(x => x.name === (l.spec?.containerName || 'storage-initializer'))
    const source: Outcome['source'] = init
      ? l.spec
        ? {
            kind: 'clusterstoragecontainer',
            name: l.spec.name,
            why: l.byName ? 'named by the InferenceService (spec.predictor.storageContainerName)' : `the first URI matches ${l.format}`,
          }
        : {kind: 'configmap'}
      : uris.every(u => u.uri.startsWith('pvc://'))
        ? {kind: 'pvc-mount'}
        : {kind: uris.some(u => u.uri.startsWith('oci')) ? 'modelcar' : 'none'}
    return {admitted: true, source, initContainers: spec.initContainers, volumes: spec.volumes, trace: t, candidate: l.candidate} as Outcome
  })
}

/** Every pod template of an InferenceService, as KServe would make it. */
export function emulateInferenceService(isvc: any, state: KServeState): Prediction[] {
  const out: Prediction[] = []
  const comps = components(isvc, state.release)
  // the validating webhook refuses the InferenceService itself (v0.16+: storageUris)
  const invalid = featuresOf(state.release).storageUris
    ? validateMultipleStorageURIs(
        comps
          .filter(c => !c.name.startsWith('canary'))
          .map(c => ({
            storageUri: implementationStorage(c, state.release).uri,
            storageUris: Array.isArray(c.spec?.storageUris) ? c.spec.storageUris : undefined,
          })),
      )
    : undefined
  for (const c of comps) {
    if (invalid) {
      out.push({
        component: c.name,
        workload: c.workload,
        uris: componentStorage(c, state.release).uris.map(u => u.uri),
        writtenBy: 'webhook',
        admitted: false,
        refusal: refused(
          'webhook',
          `admission webhook "${ISVC_VALIDATOR}" denied the request: ${invalid}`,
          'the InferenceService is refused: it cannot be created or changed this way',
        ),
        source: {kind: 'none'},
        initContainers: [],
        volumes: [],
        trace: [{go: 'inference_service_validation.go validateMultipleStorageURIs', did: `refused: ${invalid}`}],
      })
      continue
    }
    const st = componentStorage(c, state.release)
    const trace: Step[] = []
    const base = {component: c.name, workload: c.workload, uris: st.uris.map(u => u.uri)}
    const {pod, refusal} = podFor(isvc, c, state, trace)
    if (!pod) {
      out.push({...base, writtenBy: 'webhook', admitted: false, refusal, source: {kind: 'none'}, initContainers: [], volumes: [], trace})
      continue
    }
    let outcomes: Outcome[]
    let writtenBy: Prediction['writtenBy'] = 'webhook'
    if (st.multi && c.name.startsWith('canary')) {
      // reconcileCanaryDeployments builds the canary's Deployment with no storageUris (predictor.go@v0.20.0)
      trace.push({go: 'predictor.go reconcileCanaryDeployments', did: 'NewRawKubeReconciler gets no storageUris'})
      outcomes = [
        {
          admitted: true,
          source: {kind: 'none', why: 'canary Deployments get no storage-initializer for storageUris'},
          initContainers: pod.spec.initContainers,
          volumes: pod.spec.volumes,
          trace,
        },
      ]
    } else if (st.multi) {
      writtenBy = 'controller'
      outcomes = controllerStorageUris(pod, c, state, trace)
    } else {
      const hooks = mutatePod(webhookInput(pod, state)).map(o => ({...o, trace: [...trace, ...o.trace]}))
      const uri = implementationStorage(c, state.release).uri
      const checks = uri === undefined || state.webhookOnly ? [] : validateStorageURI(uri, state)
      // the controller refuses before any pod is made, for each order of the cache in which the lookup fails
      const failing = checks.filter(v => v.error)
      const refusals: Outcome[] = failing.map(
        v =>
          ({
            admitted: false,
            refusal: refused('controller', `StorageURI not supported: ${v.error}`, v.explanation),
            source: {kind: 'none', ...(v.candidate !== 'none' ? {name: v.candidate} : {})},
            initContainers: [],
            volumes: [],
            trace: [...trace, {go: 'utils.go ValidateStorageURI', did: `refused: ${v.error}`}],
            candidate: v.candidate,
          }) as Outcome,
      )
      outcomes =
        failing.length === 0
          ? hooks
          : failing.length === checks.length
            ? refusals
            : [...refusals, ...hooks.filter(h => !failing.some(v => v.candidate === (h as any).candidate))]
    }
    out.push(predictionOf(base, writtenBy, outcomes, notEmulated(pod, st)))
  }
  return out
}

function webhookInput(pod: Pod, state: KServeState) {
  return {
    pod,
    config: state.config,
    containers: state.containers,
    crdInstalled: state.crdInstalled,
    release: state.release,
    kserveNamespace: state.kserveNamespace,
    namespaceLabels: state.namespaceLabels,
  }
}

function notEmulated(pod: Pod, st: ComponentStorage): string[] {
  const n = ['credentials from the service account and its secrets (env and volumes CreateSecretVolumeAndEnv adds)']
  if (st.uris.some(u => u.uri.startsWith(SCHEME_PLACEHOLDER)))
    n.push('storage.path: the init container\'s first argument is built from the "storage-config" secret at pod creation')
  void pod
  return n
}

/** One prediction from the outcomes of each way the lookup can end (the first by name shown, every one listed). */
export function predictionOf(
  base: {component: string; workload?: string; uris: string[]},
  writtenBy: Prediction['writtenBy'],
  outcomes: Outcome[],
  notEmulatedNotes: string[] = [],
): Prediction {
  const first = outcomes[0]
  const strip = (o: Outcome): Outcome => ({
    admitted: o.admitted,
    ...(o.refusal ? {refusal: o.refusal} : {}),
    source: o.source,
    initContainers: o.initContainers,
    volumes: o.volumes,
    trace: o.trace,
  })
  return {
    ...base,
    writtenBy,
    ...strip(first),
    ...(outcomes.length > 1
      ? {alternatives: outcomes.map(o => ({candidate: (o as any).candidate ?? o.source.name ?? 'none', ...strip(o)}))}
      : {}),
    ...(notEmulatedNotes.length ? {notEmulated: notEmulatedNotes} : {}),
  }
}
