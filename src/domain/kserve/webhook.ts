/**
 * Go: pkg/webhook/admission/pod/mutator.go (Handle, mutate) and the storage injectors it runs, per era:
 * InjectStorageInitializer then, when an OCI mode is configured, InjectModelcar (mutator.go:131-143@v0.20.0).
 * The pod webhook skips namespaces labelled control-plane (config/webhook/manifests.yaml namespaceSelector).
 */
import {createHash} from 'node:crypto'

import {mergeContainer} from '../container-merge.js'
import type {StorageContainer} from '../storage-containers.js'
import type {Release} from '../release.js'
import {resolveOciModelMode, type ConfigResult, type StorageInitializerConfig} from './configmap.js'
import {featuresOf} from './features.js'
import {
  AGENT_ANNOTATION,
  commonStorageInitialization,
  getStorageInitializerReadOnlyFlag,
  LOCAL_MODEL_LABEL,
  LOCAL_MODEL_PVC_NAME,
  LOCAL_MODEL_SOURCE_URI,
  SOURCE_URI_ANNOTATION,
  STORAGE_CONTAINER_NAME_ANNOTATION,
} from './injector.js'
import {validatePodSpec} from './apiserver.js'
import {refused, type Outcome, type Source, type Step} from './outcome.js'
import {getStorageContainerSpec, type Lookup} from './storage-container.js'
import {
  addModelMount,
  getParentDirectory,
  getVolumeNameFromPath,
  configureModelcarToContainer,
  configureOciNativeToContainer,
  createInitContainerWithConfig,
  CUSTOM_SPEC_STORAGE_URI_ENV,
  DEFAULT_MODEL_LOCAL_MOUNT_PATH,
  getContainerWithName,
  INFERENCE_SERVICE_CONTAINER_NAME,
  parseOciScheme,
  parsePvcURI,
  PVC_SOURCE_MOUNT_NAME,
  PVC_SOURCE_MOUNT_PATH,
  STORAGE_INITIALIZER_CONTAINER_NAME,
  STORAGE_INITIALIZER_VOLUME_NAME,
  TRANSFORMER_CONTAINER_NAME,
  volumeMount,
  WORKER_CONTAINER_NAME,
  type PodSpec,
} from './storage.js'

export const POD_MUTATOR = 'inferenceservice.kserve-webhook-server.pod-mutator'

export interface Pod {
  namespace: string
  annotations: Record<string, string>
  labels: Record<string, string>
  spec: PodSpec
}

export interface WebhookInput {
  pod: Pod
  config: ConfigResult
  containers: StorageContainer[]
  crdInstalled: boolean
  release: Release | undefined
  /** the namespace KServe runs in (POD_NAMESPACE of the controller): the CA bundle's name depends on it */
  kserveNamespace: string
  /** labels of the pod's namespace (undefined: unknown) */
  namespaceLabels?: Record<string, string>
}

const clone = <T>(x: T): T => structuredClone(x)
const denied = (message: string) => `admission webhook "${POD_MUTATOR}" denied the request: ${message}`

/** The pod after the webhook, once per way the ClusterStorageContainer lookup can end. */
export function mutatePod(input: WebhookInput): Outcome[] {
  const trace: Step[] = []
  const {pod, release} = input
  const f = featuresOf(release)
  if (input.namespaceLabels && 'control-plane' in input.namespaceLabels)
    return [
      outcome(pod.spec, {kind: 'none', why: `namespace ${pod.namespace} is labelled control-plane: the pod webhook skips it`}, [
        {go: 'config/webhook/manifests.yaml namespaceSelector control-plane DoesNotExist', did: 'not called'},
      ]),
    ]
  // needMutate: only pods labelled with their InferenceService; the ConfigMap is decoded before any injector runs
  if (!('serving.kserve.io/inferenceservice' in pod.labels)) return [outcome(pod.spec, {kind: 'none', why: 'not a model pod'}, trace)]
  if (!input.config.ok) {
    const c = input.config
    // a panic: recovered into the refusal from v0.15 (controller-runtime), the connection dropped before
    const message = !c.panic
      ? denied(c.message)
      : f.webhookPanicRecovered
        ? denied(`panic: ${c.message} [recovered]`)
        : `Internal error occurred: failed calling webhook "${POD_MUTATOR}": failed to call webhook: Post "https://kserve-webhook-server-service.${input.kserveNamespace}.svc:443/mutate-pods?timeout=10s": EOF`
    return [
      {
        admitted: false,
        refusal: refused('webhook', message, c.explanation),
        source: {kind: 'none'},
        initContainers: [],
        volumes: [],
        trace: [
          {go: `${f.configInApis ? 'configmap.go' : 'storage_initializer_injector.go'} GetStorageInitializerConfigs`, did: 'refused'},
        ],
      },
    ]
  }
  if (!(SOURCE_URI_ANNOTATION in pod.annotations)) return [outcome(pod.spec, {kind: 'none', why: 'no storage URI annotation'}, trace)]
  const cfg = input.config.config
  const run = f.commonStorageInitialization ? injectStorageInitializer : injectStorageInitializerV011
  return run(input, cfg).map(o => {
    if (!o.admitted) return o
    const spec = o.spec
    // InjectModelcar runs after, when an OCI mode is configured (mutator.go)
    const mode = resolveOciModelMode(cfg, release)
    const uri = pod.annotations[SOURCE_URI_ANNOTATION]
    if (mode && (f.ociModelMode ? parseOciScheme(uri).isOci : uri.startsWith('oci://'))) {
      const err = injectModelcar(spec, uri, cfg, release)
      if (err) return {...o, admitted: false, refusal: refused('webhook', denied(err))}
      const m = (f.ociModelMode ? parseOciScheme(uri).mode : '') || mode
      o.source =
        m === 'fetch' && f.ociFetch
          ? {
              kind: 'configmap',
              why: 'oci fetch mode: a storage-initializer from the ConfigMap downloads the image (no ClusterStorageContainer is merged)',
            }
          : {
              kind: 'modelcar',
              why: `oci:// as ${m === 'native' ? 'an image volume (native)' : 'a modelcar sidecar'} (${parseOciScheme(uri).mode ? "the URI's scheme says " + m : cfg.ociModelMode ? `ociModelMode is ${cfg.ociModelMode}` : 'enableModelcar is true'})`,
            }
      o.trace.push({go: 'storage_initializer_injector.go InjectModelcar', did: o.source.why!})
    }
    const invalid = validatePodSpec(spec)
    if (invalid)
      return {
        ...o,
        initContainers: spec.initContainers,
        volumes: spec.volumes,
        admitted: false,
        refusal: refused('apiserver', `Pod is invalid: ${invalid}`),
      }
    return {...o, initContainers: spec.initContainers, volumes: spec.volumes}
  })
}

function outcome(spec: PodSpec, source: Source, trace: Step[]): Outcome & {spec: PodSpec} {
  return {admitted: true, source, initContainers: spec.initContainers, volumes: spec.volumes, trace, spec}
}

function fromLookup(l: Lookup): Source {
  if (l.spec)
    return {
      kind: 'clusterstoragecontainer',
      name: l.spec.name,
      why: l.byName ? 'named by the InferenceService (spec.predictor.storageContainerName)' : `its formats match: ${l.format}`,
    }
  return {kind: 'configmap', why: `no enabled ClusterStorageContainer matches; the ConfigMap applies${l.note ? ` (${l.note})` : ''}`}
}

/** Go: InjectModelcar (mode by the URI's scheme or the config), per era. */
export function injectModelcar(
  spec: PodSpec,
  uri: string,
  cfg: StorageInitializerConfig,
  release: Release | undefined,
): string | undefined {
  const f = featuresOf(release)
  if (!(f.ociModelMode ? parseOciScheme(uri).isOci : uri.startsWith('oci://'))) return undefined
  const {mode, normalized} = f.ociModelMode ? parseOciScheme(uri) : {mode: '', normalized: uri}
  const effective = mode || resolveOciModelMode(cfg, release)
  const user = getContainerWithName(spec, INFERENCE_SERVICE_CONTAINER_NAME)
  const worker = getContainerWithName(spec, WORKER_CONTAINER_NAME)
  if (!user && !(worker && f.modelcarWorkerFallback))
    return f.modelcarWorkerFallback
      ? `Invalid configuration: cannot find container: ${INFERENCE_SERVICE_CONTAINER_NAME}`
      : `no container found with name ${INFERENCE_SERVICE_CONTAINER_NAME}`
  const opts = {keepSecurityContext: f.modelcarUidRunAsUserOnly}
  const configure = (name: string) =>
    effective === 'native'
      ? configureOciNativeToContainer(normalized, spec, name, DEFAULT_MODEL_LOCAL_MOUNT_PATH)
      : effective === 'fetch' && f.ociFetch
        ? configureOciFetchToContainer(normalized, spec, name, DEFAULT_MODEL_LOCAL_MOUNT_PATH, cfg)
        : configureModelcarToContainer(normalized, spec, name, DEFAULT_MODEL_LOCAL_MOUNT_PATH, cfg, 0, f.modelcarInitContainer, opts)
  const err = configure(user ? INFERENCE_SERVICE_CONTAINER_NAME : WORKER_CONTAINER_NAME)
  if (err) return err
  const transformer = getContainerWithName(spec, TRANSFORMER_CONTAINER_NAME)
  if (!transformer) return undefined
  if (f.commonStorageInitialization) return configure(TRANSFORMER_CONTAINER_NAME)
  // v0.12-v0.15: the transformer gets the model mount only
  transformer.volumeMounts ??= []
  if (!transformer.volumeMounts.some((m: any) => m.name === STORAGE_INITIALIZER_VOLUME_NAME))
    transformer.volumeMounts.push(volumeMount(STORAGE_INITIALIZER_VOLUME_NAME, getParentDirectory(DEFAULT_MODEL_LOCAL_MOUNT_PATH)))
  return undefined
}

/**
 * Go: ConfigureOciFetchToContainer (pkg/webhook/admission/pod/oci_fetch.go@master): a storage-initializer from the
 * ConfigMap downloads the image's model (no ClusterStorageContainer, no credentials builder, no Hugging Face env).
 * The first imagePullSecret (as a docker config) and the CA bundle are not emulated.
 */
function configureOciFetchToContainer(
  uri: string,
  spec: PodSpec,
  target: string,
  modelPath: string,
  cfg: StorageInitializerConfig,
): string | undefined {
  if (!getContainerWithName(spec, target)) return `no container found with name ${target}`
  let init = spec.initContainers.find(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME)
  if (!init) {
    init = createInitContainerWithConfig(cfg, [uri, modelPath])
    if (cfg.ociInsecureRegistry) init.env = [{name: 'KSERVE_OCI_INSECURE_REGISTRY', value: 'true'}]
    spec.initContainers.push(init)
  } else if (!(init.args ?? []).some((a: string, i: number) => i % 2 === 0 && a === uri && init!.args[i + 1] === modelPath))
    init.args = [...(init.args ?? []), uri, modelPath]
  const volumeName = getVolumeNameFromPath(modelPath) || 'oci-fetch-model'
  const params = {mountPath: modelPath, subPath: '', volumeName, pvcName: '', readOnly: false}
  addModelMount(params, STORAGE_INITIALIZER_CONTAINER_NAME, spec)
  addModelMount(params, target, spec)
  return undefined
}

/** The local model cache rewrite of the source URI (InjectStorageInitializer, both eras). */
function localModelUri(pod: Pod, srcURI: string, release: Release | undefined): {uri?: string; error?: string} {
  const model = pod.labels[LOCAL_MODEL_LABEL]
  if (model === undefined) return {uri: srcURI}
  const sourceUri = pod.annotations[LOCAL_MODEL_SOURCE_URI] ?? ''
  let sub = srcURI.startsWith(sourceUri) ? srcURI.slice(sourceUri.length) : srcURI
  if (!sub.startsWith('/')) sub = '/' + sub
  const pvc = pod.annotations[LOCAL_MODEL_PVC_NAME]
  if (pvc === undefined) return {error: `Annotation ${LOCAL_MODEL_PVC_NAME} not found`}
  const key = featuresOf(release).localModelStorageKey ? createHash('sha256').update(sourceUri).digest('hex').slice(0, 16) : model
  return {uri: `pvc://${pvc}/models/${key}${sub}`}
}

/** Go: InjectStorageInitializer @v0.16.0..v0.20.0 */
function injectStorageInitializer(input: WebhookInput, cfg: StorageInitializerConfig): (Outcome & {spec: PodSpec})[] {
  const {pod, release} = input
  const f = featuresOf(release)
  const trace: Step[] = [{go: 'storage_initializer_injector.go InjectStorageInitializer', did: 'the pod has a storage URI annotation'}]
  const local = localModelUri(pod, pod.annotations[SOURCE_URI_ANNOTATION], release)
  if (local.error) return [{...outcome(pod.spec, {kind: 'none'}, trace), admitted: false, refusal: refused('webhook', denied(local.error))}]
  const srcURI = local.uri!
  if (pod.labels[LOCAL_MODEL_LABEL] !== undefined)
    trace.push({go: 'InjectStorageInitializer (LocalModelLabel)', did: `served from a LocalModelCache: ${srcURI}`})
  const name = f.storageContainerName ? pod.annotations[STORAGE_CONTAINER_NAME_ANNOTATION] : undefined
  const lookups = getStorageContainerSpec(srcURI, name, input.containers, {release, crdInstalled: input.crdInstalled})
  return lookups.map(l => {
    const spec = clone(pod.spec)
    const t: Step[] = [
      ...trace,
      {
        go: 'GetStorageContainerSpec',
        did: l.error ? `error: ${l.error}` : l.spec ? `${l.candidate} (${l.format ?? 'by name'})` : 'no ClusterStorageContainer matches',
      },
    ]
    if (l.error)
      return {
        ...outcome(spec, {kind: 'none', name: l.candidate}, t),
        admitted: false,
        refusal: refused('webhook', denied(l.error), l.note),
        candidate: l.candidate,
      } as any
    const before = spec.initContainers.length
    const err = commonStorageInitialization({
      namespace: pod.namespace,
      storageURIs: [{uri: srcURI, mountPath: DEFAULT_MODEL_LOCAL_MOUNT_PATH}],
      isReadOnly: getStorageInitializerReadOnlyFlag(pod.annotations, release),
      podSpec: spec,
      config: cfg,
      annotations: pod.annotations,
      storageContainerSpec: l.spec,
      isLegacyURI: true,
      release,
      kserveNamespace: input.kserveNamespace,
    })
    t.push({go: 'CommonStorageInitialization', did: err ? `error: ${err}` : 'done'})
    if (err)
      return {...outcome(spec, fromLookup(l), t), admitted: false, refusal: refused('webhook', denied(err)), candidate: l.candidate} as any
    const init = spec.initContainers.length > before
    const cached = pod.labels[LOCAL_MODEL_LABEL] !== undefined ? `served from a LocalModelCache (${srcURI}): ` : ''
    const source: Source = srcURI.startsWith('pvc://')
      ? {kind: 'pvc-mount', why: 'pvc:// is mounted at /mnt/models; no init container'}
      : init
        ? fromLookup(l)
        : {kind: 'none', why: AGENT_ANNOTATION in pod.annotations ? 'the model agent downloads' : 'nothing injected'}
    if (cached) source.why = cached + (source.why ?? '')
    return {...outcome(spec, source, t), candidate: l.candidate} as any
  })
}

/** v0.12-v0.15: the CA bundle env and volume (needCaBundleMount), appended before the ClusterStorageContainer merge. */
function caBundle(init: any, spec: PodSpec, cfg: StorageInitializerConfig, namespace: string, kserveNamespace: string): void {
  if (!cfg.caBundleConfigMapName) return
  const name = namespace !== kserveNamespace ? 'global-ca-bundle' : cfg.caBundleConfigMapName
  const path = cfg.caBundleVolumeMountPath || '/etc/ssl/custom-certs'
  init.env ??= []
  for (const [k, v] of [
    ['CA_BUNDLE_CONFIGMAP_NAME', name],
    ['CA_BUNDLE_VOLUME_MOUNT_POINT', path],
  ])
    init.env.push({name: k, value: v})
  spec.volumes.push({name: 'cabundle-cert', configMap: {name}})
  init.volumeMounts ??= []
  init.volumeMounts.push(volumeMount('cabundle-cert', path, true))
}

/** Go: InjectStorageInitializer @v0.11.1..v0.15.2 (the container built inline, the ClusterStorageContainer merged last). */
function injectStorageInitializerV011(input: WebhookInput, cfg: StorageInitializerConfig): (Outcome & {spec: PodSpec})[] {
  const {pod, release} = input
  const f = featuresOf(release)
  const trace: Step[] = [
    {go: 'storage_initializer_injector.go InjectStorageInitializer@v0.15.2', did: 'the pod has a storage URI annotation'},
  ]
  const none = (why: string) => [outcome(clone(pod.spec), {kind: 'none', why}, trace)]
  let srcURI = pod.annotations[SOURCE_URI_ANNOTATION]
  if (AGENT_ANNOTATION in pod.annotations) return none('the model agent downloads')
  if (f.modelcar && cfg.enableModelcar && srcURI.startsWith('oci://')) return none('oci:// with enableModelcar: InjectModelcar handles it')
  if (pod.spec.initContainers.some(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME))
    return none('the pod has a storage-initializer already')
  const readOnly = getStorageInitializerReadOnlyFlag(pod.annotations, release)
  const spec = clone(pod.spec)
  let user = getContainerWithName(spec, INFERENCE_SERVICE_CONTAINER_NAME)
  const transformer = getContainerWithName(spec, TRANSFORMER_CONTAINER_NAME)
  const worker = getContainerWithName(spec, WORKER_CONTAINER_NAME)
  const fail = (message: string) => [
    {...outcome(spec, {kind: 'none'}, trace), admitted: false, refusal: refused('webhook', denied(message))},
  ]
  if (!user) {
    if (!worker || !f.workerContainerFallback)
      return fail(`Invalid configuration: cannot find container: ${INFERENCE_SERVICE_CONTAINER_NAME}`)
    user = worker
  }
  const local = localModelUri(pod, srcURI, release)
  if (local.error) return fail(local.error)
  srcURI = local.uri!
  const podVolumes: any[] = []
  const initMounts: any[] = []
  const setStorageUriEnv = () => {
    for (const e of user.env ?? []) if (e.name === CUSTOM_SPEC_STORAGE_URI_ENV && e.value) e.value = DEFAULT_MODEL_LOCAL_MOUNT_PATH
  }
  if (srcURI.startsWith('pvc://')) {
    const {pvcName, pvcPath} = parsePvcURI(srcURI)
    podVolumes.push({name: PVC_SOURCE_MOUNT_NAME, persistentVolumeClaim: {claimName: pvcName}})
    if (f.directPvcVolumeMountOption && cfg.enableDirectPvcVolumeMount) {
      const m = volumeMount(PVC_SOURCE_MOUNT_NAME, DEFAULT_MODEL_LOCAL_MOUNT_PATH, readOnly, pvcPath)
      if ((user.volumeMounts ?? []).some((x: any) => x.name === PVC_SOURCE_MOUNT_NAME)) return [outcome(spec, {kind: 'pvc-mount'}, trace)]
      user.volumeMounts = [...(user.volumeMounts ?? []), m]
      if (transformer) transformer.volumeMounts = [...(transformer.volumeMounts ?? []), m]
      setStorageUriEnv()
      spec.volumes.push(...podVolumes)
      return [
        outcome(
          spec,
          {kind: 'pvc-mount', why: 'pvc:// is mounted directly (enableDirectPvcVolumeMount is true); no init container'},
          trace,
        ),
      ]
    }
    const m = volumeMount(PVC_SOURCE_MOUNT_NAME, PVC_SOURCE_MOUNT_PATH, readOnly)
    initMounts.push(m)
    user.volumeMounts = [...(user.volumeMounts ?? []), m]
    if (transformer) transformer.volumeMounts = [...(transformer.volumeMounts ?? []), m]
    srcURI = `${PVC_SOURCE_MOUNT_PATH}/${pvcPath}`
    trace.push({
      go: 'InjectStorageInitializer (pvc:// copy mode)',
      did: `the claim is mounted at /mnt/pvc; the init container copies ${srcURI}`,
    })
  }
  podVolumes.push({name: STORAGE_INITIALIZER_VOLUME_NAME, emptyDir: {}})
  initMounts.push(volumeMount(STORAGE_INITIALIZER_VOLUME_NAME, DEFAULT_MODEL_LOCAL_MOUNT_PATH))
  const base = {...createInitContainerWithConfig(cfg, [srcURI, DEFAULT_MODEL_LOCAL_MOUNT_PATH]), volumeMounts: initMounts}
  const read = volumeMount(STORAGE_INITIALIZER_VOLUME_NAME, DEFAULT_MODEL_LOCAL_MOUNT_PATH, readOnly)
  user.volumeMounts = [...(user.volumeMounts ?? []), read]
  if (transformer) transformer.volumeMounts = [...(transformer.volumeMounts ?? []), read]
  setStorageUriEnv()
  spec.volumes.push(...podVolumes)
  if (f.caBundle) caBundle(base, spec, cfg, pod.namespace, input.kserveNamespace)
  const lookups = getStorageContainerSpec(srcURI, undefined, input.containers, {release, crdInstalled: input.crdInstalled})
  return lookups.map(l => {
    const s = clone(spec)
    const t: Step[] = [
      ...trace,
      {
        go: 'GetContainerSpecForStorageUri',
        did: l.error ? `error: ${l.error}` : l.spec ? l.candidate : 'no ClusterStorageContainer matches',
      },
    ]
    if (l.error)
      return {
        ...outcome(s, {kind: 'none', name: l.candidate}, t),
        admitted: false,
        refusal: refused('webhook', denied(l.error), l.note),
        candidate: l.candidate,
      } as any
    const init = l.spec ? mergeContainer(base, l.spec.container) : clone(base)
    s.initContainers.push(init)
    return {...outcome(s, fromLookup(l), t), candidate: l.candidate} as any
  })
}
