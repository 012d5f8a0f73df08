/**
 * Go: GetStorageInitializerConfigs — pkg/apis/serving/v1beta1/configmap.go @v0.16.0..v0.20.0 (getStorageInitializerConfigs
 * in pkg/webhook/admission/pod/storage_initializer_injector.go @v0.11.1..v0.15.2). The webhook decodes the ConfigMap on
 * every pod admission and the controller on every reconcile (raw_kube_reconciler.go, ksvc_reconciler.go), so a config
 * it cannot decode refuses every model pod and fails every reconcile that builds one.
 */
import {decodeStorageInitializer} from '../go-json.js'
import {canonicalQuantity} from '../quantity.js'
import type {Release} from '../release.js'
import {featuresOf} from './features.js'

/** Go: types.StorageInitializerConfig (json tags), after decoding: Go's zero values where the document is silent. */
export interface StorageInitializerConfig {
  image: string
  cpuRequest: string
  cpuLimit: string
  memoryRequest: string
  memoryLimit: string
  cpuModelcar: string
  memoryModelcar: string
  caBundleConfigMapName: string
  caBundleVolumeMountPath: string
  enableModelcar: boolean
  uidModelcar?: number
  enableDirectPvcVolumeMount: boolean
  enableOciModelSupport: boolean
  ociModelMode: string
  /** master (after v0.20.0): oci+fetch:// from a plain-HTTP registry */
  ociInsecureRegistry: boolean
}

export type ConfigResult =
  | {ok: true; config: StorageInitializerConfig}
  | {ok: false; message: string; panic: boolean; explanation: string; /** the field KServe fails on */ field?: string}

const QUANTITY_FORMAT = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

/** resource.ParseQuantity's error for text that is not a quantity (undefined when it parses). */
function parseQuantityError(s: string): string | undefined {
  if (canonicalQuantity(s) !== undefined) return undefined
  const m = /^[+-]?[0-9.]+(.*)$/.exec(s)
  if (s !== '' && m && /^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(m[1])) return "unable to parse quantity's suffix"
  return QUANTITY_FORMAT
}

/**
 * Decode the `storageInitializer` text as the release does. `text` undefined: the key is absent (Go decodes nothing
 * and then fails on the empty quantities).
 */
export function getStorageInitializerConfigs(text: string | undefined, release: Release | undefined): ConfigResult {
  const f = featuresOf(release)
  const decoded = text === undefined ? undefined : decodeStorageInitializer(text, release)
  if (decoded?.errors.length) {
    const e = decoded.errors[decoded.errors.length - 1]
    return {
      ok: false,
      panic: true,
      field: e.field,
      message: `Unable to unmarshall storageInitializer json string due to ${e.message} `,
      explanation: 'the webhook panics on it (json.Unmarshal error): every model pod is refused and every reconcile fails',
    }
  }
  const d = (decoded?.config ?? {}) as Record<string, any>
  const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : '')
  const cfg: StorageInitializerConfig = {
    image: str('image'),
    cpuRequest: str('cpuRequest'),
    cpuLimit: str('cpuLimit'),
    memoryRequest: str('memoryRequest'),
    memoryLimit: str('memoryLimit'),
    cpuModelcar: str('cpuModelcar'),
    memoryModelcar: str('memoryModelcar'),
    caBundleConfigMapName: str('caBundleConfigMapName'),
    caBundleVolumeMountPath: str('caBundleVolumeMountPath'),
    enableModelcar: d.enableModelcar === true,
    ...(typeof d.uidModelcar === 'number' ? {uidModelcar: d.uidModelcar} : {}),
    enableDirectPvcVolumeMount: d.enableDirectPvcVolumeMount === true,
    enableOciModelSupport: d.enableOciModelSupport === true,
    ociModelMode: str('ociModelMode'),
    ociInsecureRegistry: d.ociInsecureRegistry === true,
  }
  // Go ranges over a map (v0.16+): which failing key it names first is not fixed; we name them in this order
  const keys: (keyof StorageInitializerConfig)[] = ['memoryRequest', 'memoryLimit', 'cpuRequest', 'cpuLimit']
  if (f.modelcarQuantitiesAlwaysParsed) keys.push('cpuModelcar', 'memoryModelcar')
  else if (f.modelcarQuantitiesParsedWhenSet) {
    if (cfg.cpuModelcar) keys.push('cpuModelcar')
    if (cfg.memoryModelcar) keys.push('memoryModelcar')
  }
  for (const k of keys) {
    const err = parseQuantityError(cfg[k] as string)
    if (!err) continue
    const message = f.configInApis
      ? `failed to parse resource configuration for "storageInitializer"."${k}": ${err}`
      : `Failed to parse resource configuration for "storageInitializer": ${JSON.stringify(err)}`
    return {
      ok: false,
      panic: false,
      field: k,
      message,
      explanation: `${cfg[k] === '' ? `${k} is missing` : `${k} "${cfg[k]}" is not a Kubernetes quantity`}: every model pod is refused and every reconcile fails`,
    }
  }
  if (f.ociModelMode && cfg.ociModelMode !== '' && !['modelcar', 'native', 'fetch'].includes(cfg.ociModelMode))
    return {
      ok: false,
      panic: false,
      field: 'ociModelMode',
      message: `invalid "storageInitializer".ociModelMode "${cfg.ociModelMode}": must be one of "modelcar", "native", "fetch"`,
      explanation: 'an unknown ociModelMode: every model pod is refused and every reconcile fails',
    }
  return {ok: true, config: cfg}
}

/** Go: types.ResolveOciModelMode @v0.20.0 (enableModelcar alone before). */
export function resolveOciModelMode(cfg: StorageInitializerConfig, release: Release | undefined): string {
  const f = featuresOf(release)
  if (f.ociModelMode && cfg.ociModelMode) return cfg.ociModelMode
  if (cfg.enableModelcar || (f.ociModelMode && cfg.enableOciModelSupport)) return 'modelcar'
  return ''
}

/** The same checks on a document already decoded as Go decodes it (go-json.ts decodeStorageInitializer's config). */
export function configFromDecoded(doc: Record<string, unknown>, release: Release | undefined): ConfigResult {
  return getStorageInitializerConfigs(JSON.stringify(doc), release)
}
