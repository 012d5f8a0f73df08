/**
 * The emulation of KServe's storage handling, the one answer every command reads: for a model, the pod templates KServe
 * makes and what the webhook, the controller (or the LLM controller) puts into them — init containers and volumes as
 * they would be stored — or who refuses them and with which words. `projectInjection` turns a prediction into the
 * per-URI view (`Injection`) that tables and older callers show: rendered from the prediction, never computed beside it.
 */
import type {Injection} from '../storage-containers.js'
import type {Release} from '../release.js'
import {emulateInferenceService, type KServeState} from './controller.js'
import type {Outcome, Prediction} from './outcome.js'

export {emulateInferenceService, type KServeState} from './controller.js'
export {emulateLlmInferenceService} from './llmisvc.js'
export {configFromDecoded, getStorageInitializerConfigs, type ConfigResult} from './configmap.js'
export type {Prediction, Outcome, Refusal} from './outcome.js'

/**
 * A model with only this storage URI (the predictor of a synthetic InferenceService in a namespace the webhook
 * serves), for the "who serves what" table and per-URI questions. `multiModel`: as the single entry of storageUris.
 */
export function emulateUri(
  uri: string,
  state: KServeState,
  opts: {storageContainerName?: string; multiModel?: boolean; namespace?: string} = {},
): Prediction {
  const predictor: any = opts.multiModel ? {storageUris: [{uri}]} : {model: {storageUri: uri}}
  if (opts.storageContainerName) predictor.storageContainerName = opts.storageContainerName
  const isvc = {metadata: {name: 'model', namespace: opts.namespace ?? 'default'}, spec: {predictor}}
  return emulateInferenceService(isvc, {...state, namespaceLabels: undefined})[0]
}

/** The storage-initializer a prediction's pod gets (the init container downloading to the model path), if any. */
export function storageInitializerOf(o: Pick<Outcome, 'initContainers'>): any | undefined {
  return (
    o.initContainers.find(c => c.name === 'storage-initializer') ??
    o.initContainers.find(c => Array.isArray(c.args) && c.args.length >= 2 && !String(c.name).startsWith('modelcar-init'))
  )
}

function reasonOf(o: Outcome): string {
  if (o.refusal) {
    // the table's words: KServe's error without the API server's wrapping (the prediction keeps it whole)
    const message = o.refusal.message.replace(/^admission webhook "[^"]*" denied the request: /, '')
    const who =
      o.refusal.component === 'controller'
        ? 'the InferenceService fails to reconcile'
        : o.refusal.component === 'webhook'
          ? 'KServe refuses the pod'
          : 'the API server refuses the pod'
    return `${message}${o.refusal.explanation ? ` (${o.refusal.explanation})` : ''}: ${who}`
  }
  const s = o.source
  switch (s.kind) {
    case 'clusterstoragecontainer':
      return s.why ?? 'a ClusterStorageContainer serves it'
    case 'configmap':
      return s.why ?? 'no enabled ClusterStorageContainer matches; the ConfigMap applies'
    case 'pvc-mount':
      return s.why ?? 'pvc:// is mounted directly at /mnt/models; no init container'
    case 'modelcar':
      return s.why ?? 'oci:// runs as a modelcar; no storage-initializer'
    default:
      return s.why ?? 'nothing is injected'
  }
}

function one(o: Outcome): Injection {
  const init = storageInitializerOf(o)
  // refused: still the container KServe made, when it made one (the API server refuses what it holds)
  if (!o.admitted)
    return {
      source: 'error',
      sourceName: o.source.name ?? 'error',
      reason: reasonOf(o),
      ...(init && o.refusal?.component === 'apiserver' ? {image: init.image, resources: init.resources ?? {}, container: init} : {}),
    }
  const s = o.source
  const sourceName =
    s.kind === 'clusterstoragecontainer'
      ? `clusterstoragecontainer/${s.name}`
      : s.kind === 'llm-controller'
        ? `configmap${s.name ? `+${s.name}` : ''}`
        : s.kind
  const source = (s.kind === 'llm-controller' ? 'configmap' : s.kind) as Injection['source']
  return {
    source,
    sourceName,
    reason: reasonOf(o),
    ...(init && (s.kind === 'clusterstoragecontainer' || s.kind === 'configmap' || s.kind === 'llm-controller')
      ? {image: init.image, resources: init.resources ?? {}, container: init}
      : {}),
  }
}

/** The per-URI view of a prediction: its source, reason, image and resources; `ambiguous` when the cache order decides. */
export function projectInjection(p: Prediction): Injection {
  const alts = p.alternatives ?? []
  if (alts.length > 1) {
    const candidates = alts.map(one)
    const names = alts.map(a => a.candidate.replace(/^clusterstoragecontainer\//, ''))
    return {
      source: 'ambiguous',
      sourceName: 'ambiguous',
      reason: `${names.join(', ')} all match: the webhook lists ClusterStorageContainers from its informer cache, in no fixed order, so any of them may serve a pod, pod by pod`,
      candidates,
    }
  }
  return one(p)
}

export type {Release}

/**
 * The per-URI view for one URI of a prediction that holds several (storageUris): a pvc:// entry is mounted, an OCI one
 * runs as a modelcar, one the init container downloads gets what the prediction's init container is, and one nothing
 * takes (an era that skips it) says so.
 */
export function projectUriInjection(p: Prediction, uri: string): Injection {
  if (p.uris.length <= 1 || !p.admitted || (p.alternatives?.length ?? 0) > 1) return projectInjection(p)
  const isOci = uri.startsWith('oci://') || uri.startsWith('oci+')
  const image = isOci ? uri.replace(/^oci(\+[^:]*)?:\/\//, '') : undefined
  if (uri.startsWith('pvc://') && p.volumes.some(v => v.persistentVolumeClaim?.claimName === uri.slice(6).split('/')[0]))
    return {source: 'pvc-mount', sourceName: 'pvc-mount', reason: 'storageUris: the claim is mounted at its mountPath; no download'}
  if (image && p.volumes.some(v => v.image?.reference === image))
    return {source: 'modelcar', sourceName: 'modelcar', reason: 'storageUris: an image volume (native OCI mode); no download'}
  if (image && p.initContainers.some(c => String(c.name).startsWith('modelcar-init') && c.image === image))
    return {source: 'modelcar', sourceName: 'modelcar', reason: 'storageUris: a modelcar sidecar; no download'}
  const init = storageInitializerOf(p)
  if (init && (init.args ?? []).some((a: string, i: number) => i % 2 === 0 && a === uri)) {
    const one = projectInjection(p)
    const first = p.uris[0] === uri
    return {
      ...one,
      reason: first
        ? `${one.reason}; one init container downloads every storageUris entry`
        : `one init container downloads every storageUris entry; its container is chosen by the first URI (${p.uris[0]}): ${one.reason}`,
    }
  }
  return {
    source: 'none',
    sourceName: 'none',
    reason: 'storageUris: this release neither downloads nor mounts this entry (see trace in -o json)',
  }
}
