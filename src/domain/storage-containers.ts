/**
 * What KServe gives a model pod for a storage URI, as pure logic after its Go code (KServe's own tests, ported as data
 * under test/conformance/kserve, are the oracle):
 * - pkg/webhook/admission/pod/storage_initializer_injector.go: InjectStorageInitializer, GetStorageContainerSpec(ByName),
 *   CommonStorageInitialization (v0.16+), GetContainerSpecForStorageUri (before);
 * - pkg/apis/serving/v1alpha1/storage_container_types.go: IsStorageUriSupported (prefix, else Go RE2 regex, unanchored);
 * - pkg/utils/container_merge.go (v0.20) and mergeContainerSpecs (before): the CSC container merged over the ConfigMap's;
 * - pkg/controller/v1beta1/inferenceservice/utils/utils.go ValidateStorageURI: schemes the controller accepts.
 * The webhook lists ClusterStorageContainers from the manager's informer cache, whose order is a Go map's: when several
 * match, any one may serve a pod, pod by pod. So every candidate is reported, never "the first by name".
 */
import {mergeContainer, type Container} from './container-merge.js'
import {compareQuantities} from './quantity.js'
import {MAX_URI, re2Match, tooLongToMatch} from './re2.js'
import {atLeast, type Release} from './release.js'
import {resourceField} from './storage-initializer.js'
import {configFromDecoded} from './kserve/configmap.js'
import type {KServeState} from './kserve/controller.js'
import {emulateUri, projectInjection} from './kserve/index.js'

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
  /** as stored: undefined when the CRD does not default it (KServe's minimal CRD) */
  workloadType?: string
  disabled: boolean
  supportsMultiModelDownload: boolean
  containerName?: string
  /** spec.container as stored */
  container: Container
}

export function fromResource(o: any): StorageContainer {
  return {
    name: o.metadata?.name,
    image: o.spec?.container?.image,
    resources: o.spec?.container?.resources ?? {},
    uriFormats: o.spec?.supportedUriFormats ?? [],
    workloadType: o.spec?.workloadType,
    disabled: o.disabled === true,
    supportsMultiModelDownload: o.spec?.supportsMultiModelDownload === true,
    containerName: o.spec?.container?.name,
    container: o.spec?.container ?? {},
  }
}

export function formatUriFormat(f: UriFormat): string {
  return f.prefix ? f.prefix : `regex:${f.regex}`
}

/**
 * IsStorageUriSupported: formats in order; a non-empty prefix by prefix, else a non-empty regex by Go's
 * regexp.MatchString (a regex Go cannot compile, or one too long to match here, is an error: Re2Error); formats with
 * neither are skipped. A URI longer than MAX_URI matches no regex (matching it would take too long): `unmatched` says so.
 */
export function matchFormats(formats: UriFormat[], uri: string): {match: boolean; format?: UriFormat; unmatched?: string} {
  let unmatched: string | undefined
  for (const f of formats) {
    if (f.prefix) {
      if (uri.startsWith(f.prefix)) return {match: true, format: f}
    } else if (f.regex) {
      if (uri.length > MAX_URI) unmatched ??= uriTooLong(uri)
      else if (re2Match(f.regex, uri)) return {match: true, format: f}
    }
  }
  return {match: false, unmatched}
}

/** Why a URI was matched against no regex format. */
const uriTooLong = (uri: string) =>
  `${tooLongToMatch('the URI is', uri, MAX_URI)}: ClusterStorageContainer regexes were not tried, as if none matched`

/** Does the container serve the URI; a regex Go cannot compile counts as no match here (see matchFormats). */
export function matches(sc: StorageContainer, uri: string): boolean {
  try {
    return matchFormats(sc.uriFormats, uri).match
  } catch {
    return false
  }
}

/** The ConfigMap's values as KServe reads them (the Go view of the document: see go-json.ts). */
export interface ConfigMapContainer {
  image?: string
  resources: Resources
}

export function configMapContainer(config: Record<string, unknown>): ConfigMapContainer {
  const str = (k: string) => (typeof config[k] === 'string' && config[k] !== '' ? (config[k] as string) : undefined)
  const pick = (cpu?: string, memory?: string) => {
    const r: Record<string, string> = {}
    if (cpu) r.cpu = cpu
    if (memory) r.memory = memory
    return r
  }
  return {
    image: str('image'),
    resources: {
      requests: pick(str(resourceField('requests', 'cpu')), str(resourceField('requests', 'memory'))),
      limits: pick(str(resourceField('limits', 'cpu')), str(resourceField('limits', 'memory'))),
    },
  }
}

export const DEFAULT_IMAGE = 'kserve/storage-initializer:latest'

/** The init container KServe builds from the ConfigMap (pkg/utils/storage.go@v0.20.0; storage_initializer_injector.go before). */
export function defaultContainer(config: Record<string, unknown>, uri: string): Container {
  const cm = configMapContainer(config)
  const c: Container = {name: 'storage-initializer', image: cm.image ?? DEFAULT_IMAGE, args: [uri, '/mnt/models'], resources: {}}
  if (Object.keys(cm.resources.limits ?? {}).length) c.resources.limits = cm.resources.limits
  if (Object.keys(cm.resources.requests ?? {}).length) c.resources.requests = cm.resources.requests
  c.terminationMessagePolicy = 'FallbackToLogsOnError'
  c.volumeMounts = [{name: 'kserve-provision-location', mountPath: '/mnt/models'}]
  return c
}

export type SourceKind = 'clusterstoragecontainer' | 'configmap' | 'modelcar' | 'pvc-mount' | 'none' | 'error' | 'ambiguous'

export interface Injection {
  source: SourceKind
  /** clusterstoragecontainer/NAME, configmap, modelcar, pvc-mount, none, ambiguous */
  sourceName: string
  reason: string
  image?: string
  resources?: Resources
  /** the whole init container the pod gets (the merged one, with a ClusterStorageContainer) */
  container?: Container
  /** source "ambiguous": what each candidate would give (the webhook picks any of them, pod by pod) */
  candidates?: Injection[]
}

export interface SelectOptions {
  /** spec.predictor.storageContainerName (v0.20+) */
  storageContainerName?: string
  release?: Release
  /** storageUris: one init container downloads them all */
  multiModel?: boolean
  /** is the ClusterStorageContainer CRD installed (the webhook's cached List fails without it) */
  crdInstalled?: boolean
  /** judge as the controller does too (ValidateStorageURI), as for an InferenceService; false: the webhook alone */
  controller?: boolean
}

/**
 * What a pod with this storage URI gets, as the emulation of the release's controller and webhook says
 * (kserve/index.ts: a synthetic model with only this URI), in the per-URI view. `config` is the ConfigMap's document
 * as Go reads it. An unknown release is judged by the newest rules.
 */
export function selectInjection(
  uri: string,
  config: Record<string, unknown>,
  containers: StorageContainer[],
  opts: SelectOptions = {},
): Injection {
  const state: KServeState = {
    release: opts.release,
    kserveNamespace: 'kserve',
    config: configFromDecoded(config, opts.release),
    containers,
    crdInstalled: opts.crdInstalled !== false,
    ...(opts.controller === false ? {webhookOnly: true} : {}),
  }
  return projectInjection(emulateUri(uri, state, {storageContainerName: opts.storageContainerName, multiModel: opts.multiModel}))
}

/**
 * The containers pods would get from each serving ClusterStorageContainer (merged over the ConfigMap's), checked for
 * requests above limits: what the API server would refuse in every pod they serve.
 */
export function mergedViolations(
  config: Record<string, unknown>,
  containers: {name: string; container: Container}[],
  r?: Release,
): {name: string; problems: string[]; resources: Resources}[] {
  const out: {name: string; problems: string[]; resources: Resources}[] = []
  for (const c of containers) {
    const m = mergeContainer(defaultContainer(config, 'URI'), c.container, {reconcileEnv: !r || atLeast(r, '0.20')})
    const req: Record<string, string> = m.resources?.requests ?? {}
    const lim: Record<string, string> = m.resources?.limits ?? {}
    const problems = Object.keys(req)
      .filter(k => lim[k] !== undefined && (compareQuantities(req[k], lim[k]) ?? 0) > 0)
      .map(k => `${k} request ${req[k]} above limit ${lim[k]}`)
    if (problems.length) out.push({name: c.name, problems, resources: m.resources})
  }
  return out
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
