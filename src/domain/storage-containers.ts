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
import {MAX_URI, Re2Error, re2Match, tooLongToMatch} from './re2.js'
import {atLeast, type Release} from './release.js'
import {resourceField} from './storage-initializer.js'

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

/** Schemes the controller accepts without a matching ClusterStorageContainer (ValidateStorageURI, per release). */
export function supportedPrefixes(r: Release | undefined): string[] {
  const p = ['gs://', 's3://', 'pvc://', 'file://', 'https://', 'http://', 'hdfs://', 'webhdfs://']
  if (!r || atLeast(r, '0.12')) p.push('oci://')
  if (!r || atLeast(r, '0.15')) p.push('hf://')
  if (!r || atLeast(r, '0.20')) p.push('oci+native://')
  if (!r || atLeast(r, '0.21')) p.push('oci+fetch://')
  return p
}

const AZURE_BLOB = 'https://(.+?).blob.core.windows.net/(.+)'

function found(sc: StorageContainer, base: Container, why: string, r: Release | undefined): Injection {
  const container = mergeContainer(base, sc.container, {reconcileEnv: !r || atLeast(r, '0.20')})
  return {
    source: 'clusterstoragecontainer',
    sourceName: `clusterstoragecontainer/${sc.name}`,
    reason: why,
    image: container.image,
    resources: container.resources ?? {},
    container,
  }
}

function rejected(reason: string, sourceName = 'error'): Injection {
  return {source: 'error', sourceName, reason}
}

/** Which containers the webhook's lookup may settle on: each one that matches, or whose regex Go cannot compile. */
function deciders(
  uri: string,
  containers: StorageContainer[],
  r: Release | undefined,
  notes?: Set<string>,
): {sc: StorageContainer; format?: UriFormat; error?: string}[] {
  const out: {sc: StorageContainer; format?: UriFormat; error?: string}[] = []
  for (const sc of [...containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (sc.disabled) continue
    // workloadType is checked from v0.14 (a CSC without it, under a CRD that does not default it, is skipped)
    if ((!r || atLeast(r, '0.14')) && sc.workloadType !== 'initContainer') continue
    try {
      const m = matchFormats(sc.uriFormats, uri)
      if (m.match) out.push({sc, format: m.format})
      else if (m.unmatched) notes?.add(m.unmatched)
    } catch (e) {
      // a regex too long to match here is not Go's error: what KServe does then is not known
      if (e instanceof Re2Error)
        out.push({sc, error: `error checking storage container ${sc.name}: ${e.message}${e.tooLong ? ' (KServe would try it)' : ''}`})
      else throw e
    }
  }
  return out
}

/** GetStorageContainerSpec(ByName): the ClusterStorageContainer, none (undefined), or the reason the pod is refused. */
function lookup(
  uri: string,
  base: Container,
  containers: StorageContainer[],
  opts: SelectOptions,
  notes: Set<string>,
): {kind: 'none'} | {kind: 'found'; injection: Injection; sc: StorageContainer} | {kind: 'result'; injection: Injection} {
  const r = opts.release
  if (opts.crdInstalled === false)
    return {
      kind: 'result',
      injection: rejected(
        "the ClusterStorageContainer CRD is not installed: the webhook's lookup fails and KServe refuses the pod (install the CRD, even with no ClusterStorageContainers)",
      ),
    }
  const name = opts.storageContainerName
  if (name) {
    const sc = containers.find(c => c.name === name)
    const at = `clusterstoragecontainer/${name}`
    if (!sc)
      return {
        kind: 'result',
        injection: rejected(`ClusterStorageContainer "${name}" not found (storageContainerName): KServe refuses the pod`, at),
      }
    if (sc.disabled)
      return {
        kind: 'result',
        injection: rejected(`ClusterStorageContainer "${name}" is disabled (storageContainerName): KServe refuses the pod`, at),
      }
    if (sc.workloadType !== 'initContainer')
      return {
        kind: 'result',
        injection: rejected(
          `ClusterStorageContainer "${name}" has workloadType "${sc.workloadType ?? ''}"; explicit selection requires "initContainer": KServe refuses the pod`,
          at,
        ),
      }
    let m
    try {
      m = matchFormats(sc.uriFormats, uri)
    } catch (e) {
      return {
        kind: 'result',
        injection: rejected(`ClusterStorageContainer "${name}" URI check failed for "${uri}": ${(e as Error).message}`, at),
      }
    }
    if (!m.match) {
      if (m.unmatched) notes.add(m.unmatched)
      return {
        kind: 'result',
        injection: rejected(`ClusterStorageContainer "${name}" does not support storageUri "${uri}": KServe refuses the pod`, at),
      }
    }
    return {kind: 'found', sc, injection: found(sc, base, 'named by the InferenceService (spec.predictor.storageContainerName)', r)}
  }
  const d = deciders(uri, containers, r, notes)
  const one = (x: (typeof d)[number]): Injection =>
    x.error
      ? rejected(`${x.error}: KServe refuses the pod`, `clusterstoragecontainer/${x.sc.name}`)
      : found(x.sc, base, `its formats match: ${formatUriFormat(x.format!)}`, r)
  if (d.length === 0) return {kind: 'none'}
  if (d.length === 1) return d[0].error ? {kind: 'result', injection: one(d[0])} : {kind: 'found', sc: d[0].sc, injection: one(d[0])}
  const candidates = d.map(one)
  return {
    kind: 'result',
    injection: {
      source: 'ambiguous',
      sourceName: 'ambiguous',
      reason: `${d.map(x => x.sc.name).join(', ')} all match: the webhook lists ClusterStorageContainers from its informer cache, in no fixed order, so any of them may serve a pod, pod by pod`,
      candidates,
    },
  }
}

function pvcPath(uri: string): string {
  const rest = uri.slice('pvc://'.length)
  const i = rest.indexOf('/')
  return i < 0 ? '' : rest.slice(i + 1)
}

/** KServe's OCI mode for a URI: oci+MODE:// (v0.20+) wins over ociModelMode > enableModelcar / enableOciModelSupport. */
export function ociUriMode(uri: string, config: Record<string, unknown>, r: Release | undefined): {mode: string; why: string} {
  const m = /^oci\+([^:/]*):\/\//.exec(uri)
  if (m && (!r || atLeast(r, '0.20'))) return {mode: m[1], why: `the URI's scheme says ${m[1]}`}
  if ((!r || atLeast(r, '0.20')) && typeof config.ociModelMode === 'string' && config.ociModelMode)
    return {mode: config.ociModelMode, why: `ociModelMode is ${config.ociModelMode}`}
  if (config.enableModelcar === true) return {mode: 'modelcar', why: 'enableModelcar is true'}
  if ((!r || atLeast(r, '0.20')) && config.enableOciModelSupport === true) return {mode: 'modelcar', why: 'enableOciModelSupport is true'}
  return {mode: '', why: 'no OCI mode is configured'}
}

/**
 * Decide, like the controller and the webhook of the release, what a pod with this storage URI gets. `config` is the
 * ConfigMap's document as Go reads it. An unknown release is judged by the newest rules. What could not be judged (a
 * URI too long to match against regexes) is said at the end of the reason.
 */
export function selectInjection(
  uri: string,
  config: Record<string, unknown>,
  containers: StorageContainer[],
  opts: SelectOptions = {},
): Injection {
  const notes = new Set<string>()
  const i = decide(uri, config, containers, opts, notes)
  return notes.size ? {...i, reason: `${i.reason} (${[...notes].join('; ')})`} : i
}

function decide(
  uri: string,
  config: Record<string, unknown>,
  containers: StorageContainer[],
  opts: SelectOptions,
  notes: Set<string>,
): Injection {
  const r = opts.release
  const v16 = !r || atLeast(r, '0.16')
  const cscs = !r || atLeast(r, '0.11.1')
  // the controller refuses schemes it does not know, unless a ClusterStorageContainer serves them
  // (ValidateStorageURI: a ClusterStorageContainer that serves it, else a local path, else Azure's form, else a known prefix)
  if (opts.controller !== false && /\w+?:\/\//.test(uri) && !(cscs && deciders(uri, containers, r, notes).some(d => !d.error))) {
    if (uri.includes('blob.core.windows.net')) {
      if (!re2Match(AZURE_BLOB, uri))
        return rejected(`${uri} is not a valid Azure blob URI (${AZURE_BLOB}): the InferenceService fails (ValidateStorageURI)`)
    } else if (!supportedPrefixes(r).some(p => uri.startsWith(p)))
      return rejected(`unsupported URI scheme and no ClusterStorageContainer serves it: the InferenceService fails (ValidateStorageURI)`)
  }
  const base = defaultContainer(config, uri)
  const fromConfigMap = (why: string): Injection => ({
    source: 'configmap',
    sourceName: 'configmap',
    reason: why,
    image: base.image,
    resources: base.resources,
    container: base,
  })
  const multi = (i: Injection, sc: StorageContainer): Injection =>
    opts.multiModel && !sc.supportsMultiModelDownload
      ? rejected(
          `clusterstoragecontainer/${sc.name} does not support multi-model download (storageUris): KServe refuses the InferenceService`,
          `clusterstoragecontainer/${sc.name}`,
        )
      : i
  if (v16) {
    // v0.16+: the ClusterStorageContainer lookup comes first, for every URI (pvc:// and oci:// included): its errors
    // refuse those pods too, though their init container does not use what it finds
    const l = cscs ? lookup(uri, base, containers, opts, notes) : ({kind: 'none'} as const)
    if (l.kind === 'result' && l.injection.source === 'error') return l.injection
    let other: Injection | undefined
    if (uri.startsWith('pvc://'))
      other = {source: 'pvc-mount', sourceName: 'pvc-mount', reason: 'pvc:// is mounted directly at /mnt/models; no init container'}
    else if (uri.startsWith('oci')) {
      const m = ociUriMode(uri, config, r)
      // with no mode configured the webhook registers no modelcar injector: an oci+MODE:// storageUri gets nothing
      // (storage_initializer_injector.go:318@v0.20.0, mutator.go:141); storageUris go through the controller, which
      // honours the scheme
      const configured = ociUriMode('oci://', config, r).mode
      if (uri.startsWith('oci+') && !configured && !opts.multiModel)
        other = {
          source: 'none',
          sourceName: 'none',
          reason: `${uri.split('://')[0]}:// with no OCI mode configured: the webhook injects nothing`,
        }
      else if (m.mode === 'fetch' && (!r || atLeast(r, '0.21')))
        other = fromConfigMap(
          `oci fetch mode (${m.why}): a storage-initializer from the ConfigMap only (no ClusterStorageContainer is merged)`,
        )
      else if (m.mode === 'native')
        other = {
          source: 'modelcar',
          sourceName: 'modelcar',
          reason: `oci:// as an image volume (native mode: ${m.why}); no storage-initializer`,
        }
      else if (m.mode)
        other = {source: 'modelcar', sourceName: 'modelcar', reason: `oci:// runs as a modelcar sidecar (${m.why}); no storage-initializer`}
      else if (uri.startsWith('oci+'))
        other = {source: 'none', sourceName: 'none', reason: `${uri.split('://')[0]}:// with no OCI mode configured: nothing is injected`}
    }
    if (other) {
      // several candidates: only those whose regex fails matter (they refuse the pod when the lookup reaches them)
      const failing = l.kind === 'result' ? (l.injection.candidates ?? []).filter(c => c.source === 'error') : []
      return failing.length && l.kind === 'result' ? {...l.injection, candidates: [...failing, other]} : other
    }
    if (l.kind === 'result') return l.injection
    if (l.kind === 'found') return multi(l.injection, l.sc)
    return fromConfigMap('no enabled ClusterStorageContainer matches; the ConfigMap applies')
  }
  // before v0.16: pvc:// mounted directly when enableDirectPvcVolumeMount (Go's zero value: false), else copied, the
  // lookup then seeing /mnt/pvc/<path>; oci:// a modelcar when enableModelcar
  let matchUri = uri
  if (uri.startsWith('pvc://')) {
    if (atLeast(r!, '0.11') && config.enableDirectPvcVolumeMount === true)
      return {
        source: 'pvc-mount',
        sourceName: 'pvc-mount',
        reason: 'pvc:// is mounted directly (enableDirectPvcVolumeMount is true); no init container',
      }
    matchUri = `/mnt/pvc/${pvcPath(uri)}`
  }
  if (uri.startsWith('oci://') && atLeast(r!, '0.12') && config.enableModelcar === true)
    return {
      source: 'modelcar',
      sourceName: 'modelcar',
      reason: 'oci:// runs as a modelcar sidecar (enableModelcar is true); no storage-initializer',
    }
  const copied = matchUri !== uri ? ` (copy mode: matched as ${matchUri})` : ''
  // in copy mode the init container copies from the mounted claim: its argument is the mount path
  const copyBase = defaultContainer(config, matchUri)
  const l = cscs ? lookup(matchUri, copyBase, containers, opts, notes) : ({kind: 'none'} as const)
  if (l.kind === 'result') return l.injection
  if (l.kind === 'found') return multi({...l.injection, reason: l.injection.reason + copied}, l.sc)
  return {
    source: 'configmap',
    sourceName: 'configmap',
    reason: `no enabled ClusterStorageContainer matches; the ConfigMap applies${copied}`,
    image: copyBase.image,
    resources: copyBase.resources,
    container: copyBase,
  }
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
