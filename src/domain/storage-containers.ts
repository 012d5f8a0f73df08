/** Which container the KServe webhook injects for a storage URI (storage_initializer_injector.go), as pure logic. */
import {atLeast, type Release} from './release.js'
import {ociMode} from './storage-initializer.js'

export interface UriFormat {
  prefix?: string
  regex?: string
}

export interface Resources {
  requests?: Record<string, string>
  limits?: Record<string, string>
}

export interface StorageContainer {
  name: string
  image?: string
  resources: Resources
  uriFormats: UriFormat[]
  workloadType: string
  disabled: boolean
  supportsMultiModelDownload: boolean
  containerName?: string
}

export function fromResource(o: any): StorageContainer {
  return {
    name: o.metadata?.name,
    image: o.spec?.container?.image,
    resources: o.spec?.container?.resources ?? {},
    uriFormats: o.spec?.supportedUriFormats ?? [],
    workloadType: o.spec?.workloadType ?? 'initContainer',
    disabled: o.disabled === true,
    supportsMultiModelDownload: o.spec?.supportsMultiModelDownload === true,
    containerName: o.spec?.container?.name,
  }
}

export function formatUriFormat(f: UriFormat): string {
  return f.prefix !== undefined ? f.prefix : `regex:${f.regex}`
}

export function matches(sc: StorageContainer, uri: string): boolean {
  return sc.uriFormats.some(f => {
    if (f.prefix !== undefined) return uri.startsWith(f.prefix)
    if (f.regex !== undefined) {
      try {
        return new RegExp(f.regex).test(uri)
      } catch {
        return false
      }
    }
    return false
  })
}

export interface ConfigMapContainer {
  image?: string
  resources: Resources
}

export function configMapContainer(doc: Record<string, unknown>): ConfigMapContainer {
  const str = (k: string) => (typeof doc[k] === 'string' && doc[k] !== '' ? (doc[k] as string) : undefined)
  const pick = (cpu?: string, memory?: string) => {
    const r: Record<string, string> = {}
    if (cpu) r.cpu = cpu
    if (memory) r.memory = memory
    return r
  }
  return {image: str('image'), resources: {requests: pick(str('cpuRequest'), str('memoryRequest')), limits: pick(str('cpuLimit'), str('memoryLimit'))}}
}

export type SourceKind = 'clusterstoragecontainer' | 'configmap' | 'modelcar' | 'pvc-mount' | 'error'

export interface Injection {
  source: SourceKind
  /** clusterstoragecontainer/NAME, configmap, modelcar, pvc-mount */
  sourceName: string
  reason: string
  image?: string
  resources?: Resources
}

/** The CSC's container merged over the ConfigMap's, as KServe's strategic merge does for image and resources. */
function mergeContainer(base: ConfigMapContainer, sc: StorageContainer): {image?: string; resources: Resources} {
  return {
    image: sc.image || base.image,
    resources: {requests: {...base.resources.requests, ...sc.resources.requests}, limits: {...base.resources.limits, ...sc.resources.limits}},
  }
}

export interface SelectOptions {
  storageContainerName?: string
  release?: Release
  multiModel?: boolean
}

/** Decide, like the webhook, what a pod with this storage URI gets. Storage containers are taken in API order (by name). */
export function selectInjection(uri: string, doc: Record<string, unknown>, containers: StorageContainer[], opts: SelectOptions = {}): Injection {
  const cm = configMapContainer(doc)
  const r = opts.release
  if (uri.startsWith('pvc://')) {
    const direct = !r || atLeast(r, '0.16') ? true : atLeast(r, '0.12') ? doc.enableDirectPvcVolumeMount !== false : doc.enableDirectPvcVolumeMount === true
    if (direct) return {source: 'pvc-mount', sourceName: 'pvc-mount', reason: 'pvc:// is mounted directly at /mnt/models; no init container'}
  }
  if (/^oci(\+native)?:\/\//.test(uri)) {
    const mode = ociMode(doc, r)
    if (mode.mode === 'modelcar' || mode.mode === 'native' || (mode.mode === 'fetch' && !uri.startsWith('oci+fetch')))
      return {source: 'modelcar', sourceName: 'modelcar', reason: `oci:// runs as a modelcar sidecar (${mode.why}); no storage-initializer`}
  }
  const sorted = [...containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  if (opts.storageContainerName) {
    const sc = sorted.find(c => c.name === opts.storageContainerName)
    if (!sc) return {source: 'error', sourceName: `clusterstoragecontainer/${opts.storageContainerName}`, reason: `storageContainerName "${opts.storageContainerName}" names no ClusterStorageContainer; KServe refuses the pod`}
    if (sc.disabled) return {source: 'error', sourceName: `clusterstoragecontainer/${sc.name}`, reason: `storageContainerName "${sc.name}" is disabled; KServe refuses the pod`}
    if (!matches(sc, uri)) return {source: 'error', sourceName: `clusterstoragecontainer/${sc.name}`, reason: `clusterstoragecontainer/${sc.name} does not support ${uri}; KServe refuses the pod`}
    return {source: 'clusterstoragecontainer', sourceName: `clusterstoragecontainer/${sc.name}`, reason: 'named by the InferenceService (storageContainerName)', ...mergeContainer(cm, sc)}
  }
  for (const sc of sorted) {
    if (sc.disabled || sc.workloadType !== 'initContainer') continue
    if (!matches(sc, uri)) continue
    if (opts.multiModel && !sc.supportsMultiModelDownload)
      return {source: 'error', sourceName: `clusterstoragecontainer/${sc.name}`, reason: `clusterstoragecontainer/${sc.name} matches but does not support multi-model download; KServe refuses the pod`}
    const f = sc.uriFormats.find(x => matches({...sc, uriFormats: [x]}, uri))!
    const skipped = sorted.filter(c => c.name < sc.name && matches(c, uri)).map(c => c.name)
    return {
      source: 'clusterstoragecontainer',
      sourceName: `clusterstoragecontainer/${sc.name}`,
      reason: `first enabled ClusterStorageContainer (by name) whose formats match: ${formatUriFormat(f)}${skipped.length ? ` (skipped disabled or non-initContainer: ${skipped.join(', ')})` : ''}`,
      ...mergeContainer(cm, sc),
    }
  }
  return {source: 'configmap', sourceName: 'configmap', reason: 'no enabled ClusterStorageContainer matches; the ConfigMap applies', image: cm.image, resources: cm.resources}
}

/** One example URI per storage scheme KServe knows, for the "who serves what" table. */
export const EXAMPLE_URIS: {format: string; uri: string}[] = [
  {format: 's3://', uri: 's3://bucket/model'},
  {format: 'gs://', uri: 'gs://bucket/model'},
  {format: 'hf://', uri: 'hf://org/model'},
  {format: 'https:// (Azure blob)', uri: 'https://account.blob.core.windows.net/container/model'},
  {format: 'https://', uri: 'https://example.com/model.tar.gz'},
  {format: 'http://', uri: 'http://example.com/model.tar.gz'},
  {format: 'hdfs://', uri: 'hdfs://namenode/model'},
  {format: 'webhdfs://', uri: 'webhdfs://namenode/model'},
  {format: 'pvc://', uri: 'pvc://claim/model'},
  {format: 'oci://', uri: 'oci://registry.example.com/model:v1'},
  {format: 'other schemes', uri: 'custom://model'},
]
