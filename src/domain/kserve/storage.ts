/**
 * Go: pkg/utils/storage.go @v0.16.0..v0.20.0 (the init container, model mounts and volumes), with the constants of
 * pkg/constants/constants.go. Functions keep Go's names and order; each mutates the pod spec as Go does.
 */
import type {Container} from '../container-merge.js'
import {canonicalQuantity} from '../quantity.js'
import type {Volume} from './outcome.js'
import type {StorageInitializerConfig} from './configmap.js'

export const DEFAULT_MODEL_LOCAL_MOUNT_PATH = '/mnt/models'
export const PVC_SOURCE_MOUNT_PATH = '/mnt/pvc'
export const PVC_SOURCE_MOUNT_NAME = 'kserve-pvc-source'
export const STORAGE_INITIALIZER_VOLUME_NAME = 'kserve-provision-location'
export const STORAGE_INITIALIZER_CONTAINER_NAME = 'storage-initializer'
export const STORAGE_INITIALIZER_IMAGE = 'kserve/storage-initializer:latest'
export const INFERENCE_SERVICE_CONTAINER_NAME = 'kserve-container'
export const TRANSFORMER_CONTAINER_NAME = 'transformer-container'
export const WORKER_CONTAINER_NAME = 'worker-container'
export const CUSTOM_SPEC_STORAGE_URI_ENV = 'STORAGE_URI'
export const CPU_MODELCAR_DEFAULT = '10m'
export const MEMORY_MODELCAR_DEFAULT = '15Mi'
export const MODELCAR_CONTAINER_NAME = 'modelcar'
export const MODELCAR_INIT_CONTAINER_NAME = 'modelcar-init'
/** Go: MaxOCISourcesPerPod (pkg/utils/storage.go@v0.20.0) */
export const maxOCISourcesPerPod = 10

export interface PodSpec {
  containers: Container[]
  initContainers: Container[]
  volumes: Volume[]
  serviceAccountName?: string
  shareProcessNamespace?: boolean
}

export interface StorageMountParams {
  mountPath: string
  subPath: string
  volumeName: string
  pvcName: string
  readOnly: boolean
}

/** Go: ParsePvcURI @v0.16.0+ (parsePvcURI in storage_initializer_injector.go before) */
export function parsePvcURI(srcURI: string): {pvcName: string; pvcPath: string} {
  const parts = srcURI.replace(/^pvc:\/\//, '').split('/')
  return parts.length === 1 ? {pvcName: parts[0], pvcPath: ''} : {pvcName: parts[0], pvcPath: parts.slice(1).join('/')}
}

export function getContainerWithName(spec: PodSpec, name: string): Container | undefined {
  return spec.containers.find(c => c.name === name) ?? undefined
}

/** A volume mount as corev1.VolumeMount marshals it (omitempty). */
export function volumeMount(name: string, mountPath: string, readOnly = false, subPath = ''): Record<string, unknown> {
  return {name, mountPath, ...(readOnly ? {readOnly: true} : {}), ...(subPath ? {subPath} : {})}
}

function addVolumeMountToContainer(container: Container, p: StorageMountParams): boolean {
  container.volumeMounts ??= []
  if (container.volumeMounts.some((m: any) => m.name === p.volumeName)) return false
  container.volumeMounts.push(volumeMount(p.volumeName, p.mountPath, p.readOnly, p.subPath))
  return true
}

/** Go: AddModelMount: the mount into the named container (init containers always read-write), and its volume once. */
export function addModelMount(p: StorageMountParams, containerName: string, spec: PodSpec): void {
  const source = p.pvcName ? {persistentVolumeClaim: {claimName: p.pvcName}} : {emptyDir: {}}
  let added = false
  const c = spec.containers.find(x => x.name === containerName)
  if (c) added = addVolumeMountToContainer(c, p)
  if (!added) {
    const i = spec.initContainers.find(x => x.name === containerName)
    if (i) added = addVolumeMountToContainer(i, {...p, readOnly: false})
  }
  if (added && !spec.volumes.some(v => v.name === p.volumeName)) spec.volumes.push({name: p.volumeName, ...source})
}

export function addEmptyDirVolumeIfNotPresent(spec: PodSpec, name: string): void {
  if (!spec.volumes.some(v => v.name === name)) spec.volumes.push({name, emptyDir: {}})
}

/** Go: FindCommonParentPath */
export function findCommonParentPath(paths: string[]): string {
  if (paths.length === 0) return ''
  if (paths.length === 1) return paths[0]
  let minLength = -1
  const parts = paths.map(p => {
    const clean = p.replace(/^\/+|\/+$/g, '')
    if (clean === '') return []
    const s = clean.split('/')
    minLength = minLength === -1 ? s.length : Math.min(minLength, s.length)
    return s
  })
  const common: string[] = []
  for (let i = 0; i < minLength; i++) {
    const level = new Set(parts.map(p => p[i]))
    if (level.size !== 1) break
    common.push(parts[parts.length - 1][i])
  }
  return common.length === 0 ? '/' : '/' + common.join('/')
}

/** Go: GetVolumeNameFromPath */
export const getVolumeNameFromPath = (path: string): string =>
  path
    .replace(/^\/+|\/+$/g, '')
    .split('/')
    .join('-')

export const HUGGING_FACE_ENV = [
  {name: 'HF_HUB_ENABLE_HF_TRANSFER', value: '1'},
  {name: 'HF_XET_HIGH_PERFORMANCE', value: '1'},
  {name: 'HF_XET_NUM_CONCURRENT_RANGE_GETS', value: '8'},
]

/** Go: AddEnvVars: each variable unless the container names it already. */
export function addEnvVars(c: Container, vars: {name: string; value: string}[]): void {
  c.env ??= []
  for (const e of vars) if (!c.env.some((x: any) => x.name === e.name)) c.env.push({...e})
}

/** Go: AddDefaultHuggingFaceEnvVars */
export const addDefaultHuggingFaceEnvVars = (c: Container): void => addEnvVars(c, HUGGING_FACE_ENV)

/**
 * resource.MustParse, then the text the pod stores. A quantity Go cannot parse panics in the webhook; configmap.ts
 * refuses such a config first (ParseQuantity), so here it is a programming error.
 */
export function mustParse(q: string): string {
  const c = canonicalQuantity(q)
  if (c === undefined) throw new Error(`MustParse: ${q}`)
  return c
}

/**
 * Go: CreateInitContainerWithConfig @v0.16.0+ (the same container InjectStorageInitializer built inline before).
 * `presetMount` (v0.16.0 only): the container comes with its own kserve-provision-location mount at /mnt/models.
 */
export function createInitContainerWithConfig(cfg: StorageInitializerConfig, args: string[], presetMount = false): Container {
  return {
    ...(presetMount ? {volumeMounts: [volumeMount(STORAGE_INITIALIZER_VOLUME_NAME, DEFAULT_MODEL_LOCAL_MOUNT_PATH)]} : {}),
    name: STORAGE_INITIALIZER_CONTAINER_NAME,
    image: cfg.image || STORAGE_INITIALIZER_IMAGE,
    args,
    resources: {
      limits: {cpu: mustParse(cfg.cpuLimit), memory: mustParse(cfg.memoryLimit)},
      requests: {cpu: mustParse(cfg.cpuRequest), memory: mustParse(cfg.memoryRequest)},
    },
    terminationMessagePolicy: 'FallbackToLogsOnError',
  }
}

/** Go: ParseOciScheme @v0.20.0: oci+MODE://x is (MODE, oci://x); oci:// is ("", uri); anything else is not OCI. */
export function parseOciScheme(uri: string): {mode: string; normalized: string; isOci: boolean} {
  if (uri.startsWith('oci+')) {
    const rest = uri.slice(4)
    const i = rest.indexOf('://')
    if (i > 0) return {mode: rest.slice(0, i), normalized: 'oci://' + rest.slice(i + 3), isOci: true}
  }
  if (uri.startsWith('oci://')) return {mode: '', normalized: uri, isOci: true}
  return {mode: '', normalized: uri, isOci: false}
}

/** Go: GetParentDirectory (storage_initializer_injector.go getParentDirectory before v0.16) */
export function getParentDirectory(path: string): string {
  // filepath.Dir: everything before the last "/", cleaned ("/mnt/models/" -> "/mnt/models"); "." or "/" -> "/"
  const i = path.lastIndexOf('/')
  if (i < 0) return '/'
  const dir = path
    .slice(0, i)
    .replace(/\/{2,}/g, '/')
    .replace(/\/+$/, '')
  return dir === '' || dir === '.' ? '/' : dir
}

function shellQuote(s: string): string {
  if (s.length === 0) return "''"
  return /^[A-Za-z0-9/._-]*$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`
}

/** Go: AddOrReplaceEnv (pkg/utils/utils.go): the value replaced in place, else appended. */
export function addOrReplaceEnv(c: Container, name: string, value: string): void {
  c.env ??= []
  const e = c.env.find((x: any) => x.name === name)
  if (e) e.value = value
  else c.env.push({name, value})
}

/** Go: ModelcarNames @v0.20.0 */
export function modelcarNames(i: number): {sidecar: string; init: string; volume: string} {
  const sfx = i === 0 ? '' : `-${i}`
  return {sidecar: MODELCAR_CONTAINER_NAME + sfx, init: MODELCAR_INIT_CONTAINER_NAME + sfx, volume: STORAGE_INITIALIZER_VOLUME_NAME + sfx}
}

/**
 * Go: ConfigureModelcarToContainer (+ CreateModelcarContainer, CreateModelcarInitContainer) @v0.19.0..v0.20.0
 * (InjectModelcar inline before): a `modelcar` sidecar and a `modelcar-init` init container running the model image.
 */
export function configureModelcarToContainer(
  modelUri: string,
  spec: PodSpec,
  target: string,
  modelPath: string,
  cfg: StorageInitializerConfig,
  ociIndex: number,
  withInit = true,
  opts: {keepSecurityContext?: boolean} = {keepSecurityContext: true},
): string | undefined {
  const t = getContainerWithName(spec, target)
  if (!t) return `no container found with name ${target}`
  const n = modelcarNames(ociIndex)
  addOrReplaceEnv(t, 'MODEL_INIT_MODE', 'async')
  addEmptyDirVolumeIfNotPresent(spec, n.volume)
  t.volumeMounts ??= []
  if (!t.volumeMounts.some((m: any) => m.name === n.volume)) t.volumeMounts.push(volumeMount(n.volume, getParentDirectory(modelPath)))
  // the target runs as uidModelcar too: its whole securityContext replaced before v0.18, only runAsUser after
  if (cfg.uidModelcar !== undefined)
    t.securityContext = opts.keepSecurityContext ? {...(t.securityContext ?? {}), runAsUser: cfg.uidModelcar} : {runAsUser: cfg.uidModelcar}
  if (!getContainerWithName(spec, n.sidecar)) {
    const image = modelUri.replace(/^oci:\/\//, '')
    const cpu = mustParse(cfg.cpuModelcar || CPU_MODELCAR_DEFAULT)
    const memory = mustParse(cfg.memoryModelcar || MEMORY_MODELCAR_DEFAULT)
    const resources = {limits: {cpu, memory}, requests: {cpu, memory}}
    const cmd =
      modelPath !== DEFAULT_MODEL_LOCAL_MOUNT_PATH
        ? `mkdir -p ${shellQuote(getParentDirectory(modelPath))} && ln -sf /proc/$$$$/root/models ${shellQuote(modelPath)} && sleep infinity`
        : `ln -sf /proc/$$$$/root/models ${shellQuote(modelPath)} && sleep infinity`
    spec.containers.push({
      name: n.sidecar,
      image,
      args: ['sh', '-c', cmd],
      resources,
      terminationMessagePolicy: 'FallbackToLogsOnError',
      volumeMounts: [volumeMount(n.volume, getParentDirectory(modelPath))],
      ...(cfg.uidModelcar !== undefined ? {securityContext: {runAsUser: cfg.uidModelcar}} : {}),
    })
    if (withInit)
      spec.initContainers.push({
        name: n.init,
        image,
        args: [
          'sh',
          '-c',
          `echo 'Pre-fetching modelcar ${image}: ' && [ -d /models ] && [ "$$(ls -A /models)" ] && echo 'OK ... Prefetched and valid (/models exists)' || (echo 'NOK ... Prefetched but modelcar is invalid (/models does not exist or is empty)' && exit 1)`,
        ],
        resources,
        terminationMessagePolicy: 'FallbackToLogsOnError',
      })
  }
  spec.shareProcessNamespace = true
  return undefined
}

/** Go: ConfigureOciNativeToContainer @v0.20.0: an image volume mounted read-only at the model path. */
export function configureOciNativeToContainer(modelUri: string, spec: PodSpec, target: string, modelPath: string): string | undefined {
  const t = getContainerWithName(spec, target)
  if (!t) return `no container found with name ${target}`
  const vol = getVolumeNameFromPath(modelPath) || 'oci-model'
  for (const m of t.volumeMounts ?? [])
    if (m.mountPath === modelPath && m.name !== vol) return `mountPath "${modelPath}" already used by volume "${m.name}"`
  if (!spec.volumes.some(v => v.name === vol))
    spec.volumes.push({name: vol, image: {reference: modelUri.replace(/^oci:\/\//, ''), pullPolicy: 'IfNotPresent'}})
  t.volumeMounts ??= []
  if (!t.volumeMounts.some((m: any) => m.name === vol)) t.volumeMounts.push(volumeMount(vol, modelPath, true, 'models'))
  return undefined
}
