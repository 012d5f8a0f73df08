/**
 * Go: pkg/webhook/admission/pod/storage_initializer_injector.go @v0.16.0..v0.20.0 — CommonStorageInitialization (used by
 * the webhook for `storageUri`, IsLegacyURI, and by the controller for `storageUris`), InjectStorageInitializer and
 * InjectModelcar. Release differences inside are feature rows (features.ts); v0.11–v0.15 is injector.v0_11.ts.
 */
import {mergeContainer} from '../container-merge.js'
import type {StorageContainer} from '../storage-containers.js'
import type {Release} from '../release.js'
import {resolveOciModelMode, type StorageInitializerConfig} from './configmap.js'
import {featuresOf} from './features.js'
import {
  addDefaultHuggingFaceEnvVars,
  addEnvVars,
  addOrReplaceEnv,
  maxOCISourcesPerPod,
  volumeMount,
  addModelMount,
  configureModelcarToContainer,
  configureOciNativeToContainer,
  createInitContainerWithConfig,
  CUSTOM_SPEC_STORAGE_URI_ENV,
  DEFAULT_MODEL_LOCAL_MOUNT_PATH,
  findCommonParentPath,
  getContainerWithName,
  getParentDirectory,
  getVolumeNameFromPath,
  INFERENCE_SERVICE_CONTAINER_NAME,
  parseOciScheme,
  parsePvcURI,
  PVC_SOURCE_MOUNT_NAME,
  STORAGE_INITIALIZER_CONTAINER_NAME,
  STORAGE_INITIALIZER_VOLUME_NAME,
  TRANSFORMER_CONTAINER_NAME,
  WORKER_CONTAINER_NAME,
  type PodSpec,
} from './storage.js'

export const SOURCE_URI_ANNOTATION = 'internal.serving.kserve.io/storage-initializer-sourceuri'
export const STORAGE_CONTAINER_NAME_ANNOTATION = 'internal.serving.kserve.io/storage-container-name'
export const AGENT_ANNOTATION = 'internal.serving.kserve.io/agent'
export const READONLY_ANNOTATION = 'storage.kserve.io/readonly'
export const LOCAL_MODEL_LABEL = 'internal.serving.kserve.io/localmodel'
export const LOCAL_MODEL_SOURCE_URI = 'internal.serving.kserve.io/localmodel-sourceuri'
export const LOCAL_MODEL_PVC_NAME = 'internal.serving.kserve.io/localmodel-pvc-name'
export const CONFIDENTIAL_ENABLED_ANNOTATION = 'internal.serving.kserve.io/confidential-enabled'
export const CONFIDENTIAL_RESOURCE_ID_ANNOTATION = 'internal.serving.kserve.io/confidential-resource-id'
export const CA_BUNDLE_VOLUME_NAME = 'cabundle-cert'
export const DEFAULT_CA_BUNDLE_VOLUME_MOUNT_PATH = '/etc/ssl/custom-certs'

/** Go: needCaBundleMount: a CA bundle ConfigMap is configured (or the credentials set AWS_CA_BUNDLE_CONFIGMAP: not emulated). */
export const needCaBundleMount = (cfg: StorageInitializerConfig, init: any): boolean =>
  cfg.caBundleConfigMapName !== '' || (init.env ?? []).some((e: any) => e.name === 'AWS_CA_BUNDLE_CONFIGMAP')

/** Go: ApplyConfidentialContainerConfig (pkg/utils/confidential.go@v0.20.0) */
export function applyConfidentialContainerConfig(c: any, resourceId: string): void {
  addOrReplaceEnv(c, 'CONFIDENTIAL_ENABLED', 'true')
  if (resourceId !== '') addOrReplaceEnv(c, 'CONFIDENTIAL_RESOURCE_ID', resourceId)
}

export interface StorageUri {
  uri: string
  mountPath: string
}

export interface StorageInitializerParams {
  namespace: string
  storageURIs: StorageUri[]
  isReadOnly: boolean
  podSpec: PodSpec
  config: StorageInitializerConfig
  annotations: Record<string, string>
  storageContainerSpec?: StorageContainer
  isLegacyURI: boolean
  release: Release | undefined
  /** the namespace KServe runs in (constants.KServeNamespace): outside it the CA bundle is global-ca-bundle */
  kserveNamespace: string
}

/** Go: GetStorageInitializerReadOnlyFlag: read-only unless the annotation says "false" (v0.14+; always read-only before). */
export const getStorageInitializerReadOnlyFlag = (a: Record<string, string>, r?: Release): boolean =>
  !featuresOf(r).readonlyAnnotation || a[READONLY_ANNOTATION] !== 'false'

/** Go: the oci:// dispatch at the top of CommonStorageInitialization, per era. Returns an error, 'done' or undefined. */
function ociDispatch(p: StorageInitializerParams): string | 'done' | undefined {
  const f = featuresOf(p.release)
  const uris = p.storageURIs
  if (uris.length === 0) return undefined
  if (f.ociFirstUriSkipsAll)
    // v0.16.0..v0.18.x: the first URI being oci:// with modelcars on skips the whole storage-initializer
    return p.config.enableModelcar && uris[0].uri.startsWith('oci://') ? 'done' : undefined
  const modeOf = (uri: string) => {
    if (f.ociModelMode) {
      const o = parseOciScheme(uri)
      return o.isOci ? o.mode || resolveOciModelMode(p.config, p.release) : ''
    }
    return uri.startsWith('oci://') && p.config.enableModelcar ? 'modelcar' : ''
  }
  if (!uris.some(u => modeOf(u.uri) !== '')) return undefined
  if (p.isLegacyURI) return 'done' // InjectModelcar handles the single storageUri
  const user = getContainerWithName(p.podSpec, INFERENCE_SERVICE_CONTAINER_NAME)
  const worker = getContainerWithName(p.podSpec, WORKER_CONTAINER_NAME)
  if (!user && !worker) return 'Invalid configuration: cannot find container'
  if (f.ociModelMode) {
    const paths = uris.filter(u => u.uri.startsWith('oci://')).map(u => u.mountPath)
    if (paths.length > maxOCISourcesPerPod) return `too many OCI sources (${paths.length}); maximum is ${maxOCISourcesPerPod} per pod`
    const err = validateOCIMountPaths(paths, resolveOciModelMode(p.config, p.release))
    if (err) return err
  }
  let ociIndex = 0
  for (const u of uris) {
    const mode = modeOf(u.uri)
    if (!mode) continue
    const target = user ? INFERENCE_SERVICE_CONTAINER_NAME : WORKER_CONTAINER_NAME
    const uri = parseOciScheme(u.uri).normalized
    const targets = [target, ...(getContainerWithName(p.podSpec, TRANSFORMER_CONTAINER_NAME) ? [TRANSFORMER_CONTAINER_NAME] : [])]
    for (const t of targets) {
      const err =
        mode === 'native'
          ? configureOciNativeToContainer(uri, p.podSpec, t, u.mountPath)
          : configureModelcarToContainer(uri, p.podSpec, t, u.mountPath, p.config, f.ociModelMode ? ociIndex : 0, true, {
              keepSecurityContext: f.modelcarUidRunAsUserOnly,
            })
      if (err) return err
    }
    ociIndex++
  }
  // v0.19 returns once the OCI entries are configured: the other entries get nothing; v0.20 goes on with them
  return f.ociModelMode ? undefined : 'done'
}

/** Go: ValidateOCIMountPaths @v0.20.0 */
export function validateOCIMountPaths(paths: string[], mode: string): string | undefined {
  if (paths.length <= 1) return undefined
  if (mode === 'native') {
    const seen = new Set<string>()
    for (const mp of paths) {
      if (seen.has(mp)) return `OCI mount path "${mp}" is specified more than once; each native ImageVolume must have a unique mount path`
      seen.add(mp)
    }
    return undefined
  }
  const parents = new Map<string, string>()
  for (const mp of paths) {
    const parent = getParentDirectory(mp)
    const prev = parents.get(parent)
    if (prev !== undefined)
      return `OCI mount paths "${prev}" and "${mp}" share parent directory "${parent}", which would cause volume mount shadowing; use mount paths with distinct parent directories`
    parents.set(parent, mp)
  }
  return undefined
}

/**
 * Go: CommonStorageInitialization. Mutates p.podSpec; returns Go's error text, if any. Credentials
 * (CreateSecretVolumeAndEnv, CreateStorageSpecSecretEnvs) and the CA bundle are not emulated: they need the
 * namespace's secrets (see notEmulated in index.ts).
 */
export function commonStorageInitialization(p: StorageInitializerParams): string | undefined {
  const f = featuresOf(p.release)
  if (AGENT_ANNOTATION in p.annotations) return undefined
  const oci = ociDispatch(p)
  if (oci === 'done') return undefined
  if (oci) return oci
  if (p.podSpec.initContainers.some(c => c.name === STORAGE_INITIALIZER_CONTAINER_NAME)) return undefined
  if (p.storageURIs.length === 0) return undefined
  let init: any
  const mountNames: string[] = []
  let user = getContainerWithName(p.podSpec, INFERENCE_SERVICE_CONTAINER_NAME)
  const transformer = getContainerWithName(p.podSpec, TRANSFORMER_CONTAINER_NAME)
  const worker = getContainerWithName(p.podSpec, WORKER_CONTAINER_NAME)
  if (!user) {
    if (!worker) return 'Invalid configuration: cannot find container'
    user = worker
  }
  if (!p.isLegacyURI) {
    const sc = p.storageContainerSpec
    if (sc && !sc.supportsMultiModelDownload)
      return `storage container "${sc.containerName ?? ''}" does not support multi-model download; use the default kserve storage initializer or a compatible storage container`
    const pvcs: StorageUri[] = []
    const others: StorageUri[] = []
    for (const u of p.storageURIs) {
      // v0.20+: OCI entries were dispatched above; v0.19 still hands them to the storage-initializer too
      if (f.ociModelMode && parseOciScheme(u.uri).isOci) continue
      if (u.uri.startsWith('pvc://')) pvcs.push(u)
      else others.push(u)
    }
    mountNames.push(user.name)
    if (transformer) mountNames.push(transformer.name)
    for (const u of pvcs)
      for (const name of mountNames) {
        const {pvcName} = parsePvcURI(u.uri)
        addModelMount(
          {mountPath: u.mountPath, subPath: '', volumeName: getVolumeNameFromPath(u.mountPath), pvcName, readOnly: p.isReadOnly},
          name,
          p.podSpec,
        )
      }
    if (others.length) {
      const path = findCommonParentPath(others.map(u => u.mountPath))
      init = createInitContainerWithConfig(
        p.config,
        others.flatMap(u => [u.uri, u.mountPath]),
        f.initContainerPresetMount,
      )
      p.podSpec.initContainers.push(init)
      mountNames.push(init.name)
      for (const name of mountNames)
        addModelMount(
          {mountPath: path, subPath: '', volumeName: getVolumeNameFromPath(path), pvcName: '', readOnly: p.isReadOnly},
          name,
          p.podSpec,
        )
    }
  } else if (p.storageURIs.length === 1) {
    const u = p.storageURIs[0]
    const params = {
      mountPath: DEFAULT_MODEL_LOCAL_MOUNT_PATH,
      subPath: '',
      volumeName: STORAGE_INITIALIZER_VOLUME_NAME,
      pvcName: '',
      readOnly: p.isReadOnly,
    }
    mountNames.push(user.name)
    if (transformer) mountNames.push(transformer.name)
    if (u.uri.startsWith('pvc://')) {
      const {pvcName, pvcPath} = parsePvcURI(u.uri)
      Object.assign(params, {subPath: pvcPath, pvcName, volumeName: PVC_SOURCE_MOUNT_NAME})
    } else {
      init = createInitContainerWithConfig(p.config, [u.uri, u.mountPath], f.initContainerPresetMount)
      p.podSpec.initContainers.push(init)
      mountNames.push(init.name)
    }
    for (const name of mountNames) addModelMount(params, name, p.podSpec)
    for (const e of user.env ?? []) if (e.name === CUSTOM_SPEC_STORAGE_URI_ENV && e.value) e.value = DEFAULT_MODEL_LOCAL_MOUNT_PATH
  }
  if (init) {
    // credentials (CreateSecretVolumeAndEnv / CreateStorageSpecSecretEnvs) would come here: not emulated
    const ca = needCaBundleMount(p.config, init)
    const i = p.podSpec.initContainers.indexOf(init)
    if (p.storageContainerSpec) {
      p.podSpec.initContainers[i] = mergeContainer(init, p.storageContainerSpec.container, {reconcileEnv: f.mergeContainerWithPatch})
      init = p.podSpec.initContainers[i]
    }
    // the CA bundle after the merge, its env only where the merged container does not set it (issue #4761)
    if (ca) {
      const name = p.namespace !== p.kserveNamespace ? 'global-ca-bundle' : p.config.caBundleConfigMapName
      const path = p.config.caBundleVolumeMountPath || DEFAULT_CA_BUNDLE_VOLUME_MOUNT_PATH
      addEnvVars(init, [
        {name: 'CA_BUNDLE_CONFIGMAP_NAME', value: name},
        {name: 'CA_BUNDLE_VOLUME_MOUNT_POINT', value: path},
      ])
      p.podSpec.volumes.push({name: CA_BUNDLE_VOLUME_NAME, configMap: {name}})
      init.volumeMounts = [...(init.volumeMounts ?? []), volumeMount(CA_BUNDLE_VOLUME_NAME, path, true)]
    }
    if (f.huggingFaceEnv) addDefaultHuggingFaceEnvVars(init)
    // applyConfidentialConfig (v0.20): annotation-driven
    if (f.confidential && p.annotations[CONFIDENTIAL_ENABLED_ANNOTATION] === 'true')
      applyConfidentialContainerConfig(init, p.annotations[CONFIDENTIAL_RESOURCE_ID_ANNOTATION] ?? '')
  }
  return undefined
}
