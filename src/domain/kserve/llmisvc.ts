/**
 * Go: the LLMInferenceService controller's storage step, pkg/controller/v1alpha2/llmisvc/workload_storage.go
 * (attachModelArtifacts, attachStorageInitializer, attachHfModelArtifact, attachS3ModelArtifact) @v0.20.0, with the
 * releases' differences as feature rows (features.ts). The controller writes the storage-initializer into its
 * workloads (Deployment <name>-kserve, <name>-kserve-prefill; LeaderWorkerSet for multi-node); the pod webhook is
 * not involved and ClusterStorageContainers are never consulted.
 */
import {createHash} from 'node:crypto'

import {mergeContainer, type Container} from '../container-merge.js'
import type {Release} from '../release.js'
import {resolveOciModelMode} from './configmap.js'
import type {KServeState} from './controller.js'
import {predictionOf} from './controller.js'
import {featuresOf} from './features.js'
import {applyConfidentialContainerConfig, LOCAL_MODEL_LABEL, LOCAL_MODEL_PVC_NAME, LOCAL_MODEL_SOURCE_URI} from './injector.js'
import {refused, type Outcome, type Prediction, type Step} from './outcome.js'
import {
  addDefaultHuggingFaceEnvVars,
  addModelMount,
  configureModelcarToContainer,
  configureOciNativeToContainer,
  createInitContainerWithConfig,
  DEFAULT_MODEL_LOCAL_MOUNT_PATH,
  parseOciScheme,
  parsePvcURI,
  PVC_SOURCE_MOUNT_NAME,
  STORAGE_INITIALIZER_CONTAINER_NAME,
  STORAGE_INITIALIZER_VOLUME_NAME,
  type PodSpec,
} from './storage.js'

const MAIN = 'main'

/** Go: extractAndStripStorageInitializer @v0.20.0: removes every init container named storage-initializer, returns the last. */
export function extractAndStripStorageInitializer(spec: PodSpec | undefined | null): Container | undefined {
  if (!spec) return undefined
  const found = (spec.initContainers ?? []).filter(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME)
  spec.initContainers = (spec.initContainers ?? []).filter(c => c.name !== STORAGE_INITIALIZER_CONTAINER_NAME)
  return found.length ? structuredClone(found[found.length - 1]) : undefined
}

/** The workloads the controller makes: the main Deployment, a prefill Deployment, and for multi-node a LeaderWorkerSet. */
export function llmWorkloads(llm: any): {component: string; workload: string; template: any}[] {
  const name = llm?.metadata?.name ?? ''
  const spec = llm?.spec ?? {}
  const out: {component: string; workload: string; template: any}[] = []
  if (spec.worker)
    out.push(
      {component: 'leader', workload: `${name}-kserve-mn`, template: spec.template ?? {}},
      {component: 'worker', workload: `${name}-kserve-mn`, template: spec.worker ?? {}},
    )
  else out.push({component: 'workload', workload: `${name}-kserve`, template: spec.template ?? {}})
  if (spec.prefill?.worker)
    out.push(
      {component: 'prefill-leader', workload: `${name}-kserve-mn-prefill`, template: spec.prefill.template ?? {}},
      {component: 'prefill-worker', workload: `${name}-kserve-mn-prefill`, template: spec.prefill.worker ?? {}},
    )
  else if (spec.prefill) out.push({component: 'prefill', workload: `${name}-kserve-prefill`, template: spec.prefill?.template ?? {}})
  return out
}

/** Go: attachModelArtifacts, for one workload: its pod template's init containers and volumes, or the error. */
function attachModelArtifacts(
  llm: any,
  template: any,
  running: PodSpec | undefined,
  state: KServeState,
  trace: Step[],
): {spec?: PodSpec; error?: string; source: Outcome['source']} {
  const r: Release | undefined = state.release
  const f = featuresOf(r)
  let uri = String(llm?.spec?.model?.uri ?? '')
  const sep = uri.indexOf('://')
  const spec: PodSpec = {
    containers: structuredClone(template?.containers?.length ? template.containers : [{name: MAIN}]),
    initContainers: structuredClone(template?.initContainers ?? []),
    volumes: structuredClone(template?.volumes ?? []),
  }
  if (!spec.containers.some((c: any) => c.name === MAIN)) spec.containers.push({name: MAIN})
  if (sep < 0) return {error: `invalid model URI: ${uri}`, source: {kind: 'none'}}
  if (f.llmStorageInitializerEnabled && llm?.spec?.storageInitializer?.enabled === false) {
    trace.push({go: 'workload_storage.go attachModelArtifacts', did: 'spec.storageInitializer.enabled is false'})
    return {spec, source: {kind: 'none', why: 'spec.storageInitializer.enabled is false: no storage-initializer'}}
  }
  let schema = uri.slice(0, sep)
  if (f.llmStripsUserStorageInitializer && LOCAL_MODEL_LABEL in (llm?.metadata?.labels ?? {})) {
    const a = llm?.metadata?.annotations ?? {}
    const ns = `${llm?.metadata?.namespace}/${llm?.metadata?.name}`
    if (!(LOCAL_MODEL_SOURCE_URI in a))
      return {error: `LLMInferenceService ${ns}: annotation ${LOCAL_MODEL_SOURCE_URI} not found`, source: {kind: 'none'}}
    if (!(LOCAL_MODEL_PVC_NAME in a))
      return {error: `LLMInferenceService ${ns}: annotation ${LOCAL_MODEL_PVC_NAME} not found`, source: {kind: 'none'}}
    let sub = uri.startsWith(a[LOCAL_MODEL_SOURCE_URI]) ? uri.slice(a[LOCAL_MODEL_SOURCE_URI].length) : uri
    if (!sub.startsWith('/')) sub = '/' + sub
    uri = `pvc://${a[LOCAL_MODEL_PVC_NAME]}/models/${createHash('sha256').update(a[LOCAL_MODEL_SOURCE_URI]).digest('hex').slice(0, 16)}${sub}`
    schema = 'pvc'
    trace.push({go: 'attachModelArtifacts (LocalModelLabel)', did: `served from a LocalModelCache: ${uri}`})
  }
  // v0.20: pvc:// and oci:// (without LoRA adapters) strip a user storage-initializer and discard it (extractAndStripStorageInitializer)
  const strip = () => {
    if (f.llmMergesUserStorageInitializer)
      spec.initContainers = spec.initContainers.filter(c => c.name !== STORAGE_INITIALIZER_CONTAINER_NAME)
  }
  switch (`${schema}://`) {
    case 'pvc://': {
      const {pvcName, pvcPath} = parsePvcURI(uri)
      addModelMount(
        {mountPath: DEFAULT_MODEL_LOCAL_MOUNT_PATH, subPath: pvcPath, volumeName: PVC_SOURCE_MOUNT_NAME, pvcName, readOnly: true},
        MAIN,
        spec,
      )
      strip()
      return {spec, source: {kind: 'pvc-mount', why: 'pvc:// is mounted into the pods; no init container'}}
    }
    case 'oci+native://':
      if (!f.ociModelMode) break
      {
        const err = configureOciNativeToContainer(parseOciScheme(uri).normalized, spec, MAIN, DEFAULT_MODEL_LOCAL_MOUNT_PATH)
        if (err) return {error: err, source: {kind: 'modelcar'}}
        return {spec, source: {kind: 'modelcar', why: 'oci+native:// is an image volume; no storage-initializer'}}
      }
    case 'oci://': {
      const cfg = (state.config as any).config
      const mode = resolveOciModelMode(cfg, r)
      if (!mode) return {error: 'OCI modelcars is not enabled', source: {kind: 'none'}}
      const err =
        mode === 'native'
          ? configureOciNativeToContainer(uri, spec, MAIN, DEFAULT_MODEL_LOCAL_MOUNT_PATH)
          : configureModelcarToContainer(uri, spec, MAIN, DEFAULT_MODEL_LOCAL_MOUNT_PATH, cfg, 0, true, {
              keepSecurityContext: f.modelcarUidRunAsUserOnly,
            })
      if (err) return {error: err, source: {kind: 'modelcar'}}
      strip()
      return {
        spec,
        source: {
          kind: 'modelcar',
          why: `oci:// runs as ${mode === 'native' ? 'an image volume' : 'a modelcar'} (${cfg.ociModelMode ? `ociModelMode is ${cfg.ociModelMode}` : 'enableModelcar'}); no storage-initializer`,
        },
      }
    }
    case 'hf://':
    case 's3://':
      return attachStorageInitializer(llm, uri, schema, running, spec, state, trace)
  }
  return {error: `unsupported schema in model URI: ${uri}`, source: {kind: 'none'}}
}

/** Go: attachStorageInitializer (+ the HF / S3 specifics) */
function attachStorageInitializer(
  llm: any,
  uri: string,
  schema: string,
  running: PodSpec | undefined,
  spec: PodSpec,
  state: KServeState,
  trace: Step[],
): {spec?: PodSpec; error?: string; source: Outcome['source']} {
  const f = featuresOf(state.release)
  const cfg = {...(state.config as any).config}
  // v0.19 strips every user storage-initializer; v0.20 keeps the last one to merge over the controller's
  const user: Container | undefined = f.llmStripsUserStorageInitializer
    ? extractAndStripStorageInitializer(spec)
    : spec.initContainers.filter(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME).pop()
  const current = running?.initContainers.find(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME)
  const why: string[] = ['built from the ConfigMap; ClusterStorageContainers are not consulted for LLMInferenceServices']
  if (f.llmKeepsRunningImage && current?.image) {
    if (current.image !== (cfg.image || 'kserve/storage-initializer:latest'))
      why.push(`keeps the image its Deployment runs (${current.image}; kserve#5085)`)
    cfg.image = current.image
  }
  let init = createInitContainerWithConfig(cfg, [uri, DEFAULT_MODEL_LOCAL_MOUNT_PATH], f.initContainerPresetMount)
  const confidential = llm?.spec?.model?.confidential
  if (f.confidential && confidential?.enabled === true)
    applyConfidentialContainerConfig(init, typeof confidential.resourceId === 'string' ? confidential.resourceId : '')
  if (user && f.llmMergesUserStorageInitializer) {
    const merged = mergeContainer(init, user, {reconcileEnv: true})
    merged.name = init.name
    merged.args = init.args
    if (init.command) merged.command = init.command
    else delete merged.command
    init = merged
    why.push('spec.template.initContainers[storage-initializer] is merged over it')
  }
  spec.initContainers.push(init)
  // AddModelMount and the credential steps find the FIRST init container of that name (a user's one, before v0.19)
  addModelMount(
    {mountPath: DEFAULT_MODEL_LOCAL_MOUNT_PATH, subPath: '', volumeName: STORAGE_INITIALIZER_VOLUME_NAME, pvcName: '', readOnly: false},
    init.name,
    spec,
  )
  addModelMount(
    {mountPath: DEFAULT_MODEL_LOCAL_MOUNT_PATH, subPath: '', volumeName: STORAGE_INITIALIZER_VOLUME_NAME, pvcName: '', readOnly: true},
    MAIN,
    spec,
  )
  const first = spec.initContainers.find(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME)!
  if (schema === 's3' && cfg.caBundleConfigMapName) {
    const name = String(llm?.metadata?.namespace ?? '') !== state.kserveNamespace ? 'global-ca-bundle' : cfg.caBundleConfigMapName
    const path = cfg.caBundleVolumeMountPath || '/etc/ssl/custom-certs'
    first.env ??= []
    for (const [k, v] of [
      ['CA_BUNDLE_CONFIGMAP_NAME', name],
      ['CA_BUNDLE_VOLUME_MOUNT_POINT', path],
    ])
      if (!first.env.some((e: any) => e.name === k)) first.env.push({name: k, value: v})
    spec.volumes.push({name: 'cabundle-cert', configMap: {name}})
    first.volumeMounts = [...(first.volumeMounts ?? []), {name: 'cabundle-cert', mountPath: path, readOnly: true}]
  }
  // the defaults only for a new workload, or one whose storage-initializer has HF_ variables already (v0.18+)
  if (schema === 'hf' && f.llmHuggingFaceEnv && (!current || (current.env ?? []).some((e: any) => String(e.name).startsWith('HF_'))))
    addDefaultHuggingFaceEnvVars(first)
  if (!f.llmStripsUserStorageInitializer && user) {
    trace.push({
      go: 'workload_storage.go attachStorageInitializer',
      did: "the template keeps its own storage-initializer beside the controller's: two init containers share the name",
    })
  }
  trace.push({go: 'workload_storage.go attachStorageInitializer', did: why.join('; ')})
  return {
    spec,
    source: {kind: 'llm-controller', ...(user && f.llmMergesUserStorageInitializer ? {name: 'override'} : {}), why: why.join('; ')},
  }
}

/** Duplicate init container names make the workload invalid (the API server refuses the Deployment). */
function duplicateInitNames(spec: PodSpec): string | undefined {
  const seen = new Set<string>()
  for (const [i, c] of spec.initContainers.entries()) {
    if (seen.has(c.name)) return `spec.template.spec.initContainers[${i}].name: Duplicate value: "${c.name}"`
    seen.add(c.name)
  }
  return undefined
}

/**
 * Every workload of an LLMInferenceService, as the LLM controller of the release would write it. `running`: the pod
 * template of the Deployment it runs today, by workload name (its storage-initializer image is kept, kserve#5085).
 */
export function emulateLlmInferenceService(
  llm: any,
  state: KServeState,
  running: Map<string, PodSpec | undefined> = new Map(),
): Prediction[] {
  const uri = String(llm?.spec?.model?.uri ?? '')
  return llmWorkloads(llm).map(w => {
    const trace: Step[] = []
    const base = {component: w.component, workload: w.workload, uris: uri ? [uri] : []}
    const fail = (o: Partial<Outcome>): Prediction =>
      predictionOf(base, 'controller', [{admitted: false, source: {kind: 'none'}, initContainers: [], volumes: [], trace, ...o} as Outcome])
    if (!featuresOf(state.release).llmController)
      return fail({refusal: refused('controller', 'this KServe release has no LLMInferenceService controller (from v0.16.0)')})
    if (!state.config.ok)
      return fail({
        refusal: refused(
          'controller',
          `failed to convert InferenceServiceConfigMap to StorageInitializerConfig: ${state.config.message}`,
          state.config.explanation,
        ),
      })
    const r = attachModelArtifacts(llm, w.template, running.get(w.workload), state, trace)
    if (r.error) return fail({refusal: refused('controller', r.error), source: r.source})
    const spec = r.spec!
    const dup = duplicateInitNames(spec)
    if (dup)
      return predictionOf(base, 'controller', [
        {
          admitted: false,
          refusal: refused(
            'apiserver',
            `Deployment.apps "${w.workload}" is invalid: ${dup}`,
            "the controller writes the user's storage-initializer and its own",
          ),
          source: r.source,
          initContainers: spec.initContainers,
          volumes: spec.volumes,
          trace,
        },
      ])
    return predictionOf(base, 'controller', [
      {admitted: true, source: r.source, initContainers: spec.initContainers, volumes: spec.volumes, trace},
    ])
  })
}
