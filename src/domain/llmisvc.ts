/**
 * What an LLMInferenceService's pods get, after KServe's LLM controller (pkg/controller/v1alpha2/llmisvc/
 * workload_storage.go@v0.20.0, attachModelArtifacts and attachStorageInitializer). Not the pod webhook:
 * - `spec.storageInitializer.enabled: false`: nothing;
 * - a local model cache label rewrites the URI to pvc://;
 * - pvc:// is mounted; oci+native:// is an image volume; oci:// needs an OCI mode (modelcar or native), else the
 *   controller fails ("OCI modelcars is not enabled"); other schemes than hf:// and s3:// fail ("unsupported schema");
 * - hf:// and s3:// get a storage-initializer built from the ConfigMap only: ClusterStorageContainers are never
 *   consulted. Its image is the one the running Deployment `<name>-kserve` already has (kserve#5085), the ConfigMap's
 *   only for a new Deployment; `spec.template.initContainers[name=storage-initializer]` is strategically merged over it
 *   (kserve#5614), name, args and command kept.
 * Pods carry `app.kubernetes.io/name=<name>` and `app.kubernetes.io/part-of=llminferenceservice`.
 */
import {mergeContainer, type Container} from './container-merge.js'
import {type Release} from './release.js'
import {defaultContainer, ociUriMode, type Injection} from './storage-containers.js'

export const LLM_PART_OF = 'app.kubernetes.io/part-of=llminferenceservice'

/** The label selector of an LLMInferenceService's pods (all of them without a name). */
export function llmPodSelector(name?: string): string {
  return name ? `${LLM_PART_OF},app.kubernetes.io/name=${name}` : LLM_PART_OF
}

/** The Deployment the controller runs the model in (kmeta.ChildName(name, "-kserve"); names over 63 characters are hashed). */
export function llmDeploymentName(name: string): string {
  return `${name}-kserve`
}

export function llmUri(llm: any): string | undefined {
  const u = llm?.spec?.model?.uri
  return typeof u === 'string' && u !== '' ? u : undefined
}

/** The user's override of the init container, if any. */
export function llmOverride(llm: any): Container | undefined {
  return (llm?.spec?.template?.initContainers ?? []).find((c: any) => c?.name === 'storage-initializer')
}

/**
 * What the controller builds for the model. `running` is the storage-initializer of the Deployment the controller
 * runs today (its image is kept), if any.
 */
export function resolveLlm(llm: any, config: Record<string, unknown>, running: Container | undefined, r?: Release): Injection {
  if (llm?.spec?.storageInitializer?.enabled === false)
    return {source: 'none', sourceName: 'none', reason: 'spec.storageInitializer.enabled is false: no storage-initializer'}
  let uri = llmUri(llm)
  if (!uri || !uri.includes('://'))
    return {source: 'error', sourceName: 'error', reason: `invalid model URI: ${uri ?? '(none)'}: the controller fails`}
  const labels = llm.metadata?.labels ?? {}
  const ann = llm.metadata?.annotations ?? {}
  if ('internal.serving.kserve.io/localmodel' in labels && ann['internal.serving.kserve.io/localmodel-pvc-name'])
    uri = `pvc://${ann['internal.serving.kserve.io/localmodel-pvc-name']}/models/…`
  const scheme = uri.slice(0, uri.indexOf('://') + 3)
  if (scheme === 'pvc://')
    return {source: 'pvc-mount', sourceName: 'pvc-mount', reason: 'pvc:// is mounted into the pods; no init container'}
  if (scheme === 'oci+native://')
    return {source: 'modelcar', sourceName: 'modelcar', reason: 'oci+native:// is an image volume; no storage-initializer'}
  if (scheme === 'oci://') {
    const m = ociUriMode('oci://', config, r)
    if (!m.mode)
      return {
        source: 'error',
        sourceName: 'error',
        reason: 'oci:// with no OCI mode configured: the controller fails ("OCI modelcars is not enabled")',
      }
    return {
      source: 'modelcar',
      sourceName: 'modelcar',
      reason: `oci:// runs as a ${m.mode === 'native' ? 'image volume' : 'modelcar'} (${m.why}); no storage-initializer`,
    }
  }
  if (scheme !== 'hf://' && scheme !== 's3://')
    return {
      source: 'error',
      sourceName: 'error',
      reason: `unsupported schema in model URI: ${uri} (the LLM controller downloads hf:// and s3:// only)`,
    }
  let container = defaultContainer(config, uri)
  const notes: string[] = ['built from the ConfigMap; ClusterStorageContainers are not consulted for LLMInferenceServices']
  if (running?.image && running.image !== container.image) {
    container = {...container, image: running.image}
    notes.push(`keeps the image its Deployment runs (${running.image}; kserve#5085)`)
  }
  const override = llmOverride(llm)
  if (override) {
    const merged = mergeContainer(container, override, {reconcileEnv: true})
    container = {...merged, name: container.name, args: container.args, ...(container.command ? {command: container.command} : {})}
    if (!container.command) delete container.command
    notes.push('spec.template.initContainers[storage-initializer] is merged over it')
  }
  return {
    source: 'configmap',
    sourceName: override ? 'configmap+override' : 'configmap',
    reason: notes.join('; '),
    image: container.image,
    resources: container.resources ?? {},
    container,
  }
}
