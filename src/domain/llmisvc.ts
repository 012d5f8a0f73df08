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
import type {Container} from './container-merge.js'
import {type Release} from './release.js'
import type {Injection} from './storage-containers.js'
import {configFromDecoded} from './kserve/configmap.js'
import type {KServeState} from './kserve/controller.js'
import {projectInjection} from './kserve/index.js'
import {emulateLlmInferenceService} from './kserve/llmisvc.js'

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
 * What the controller builds for the model's main workload, in the per-URI view, from the emulation
 * (kserve/llmisvc.ts). `running` is the storage-initializer of the Deployment the controller runs today (its image is
 * kept), if any.
 */
export function resolveLlm(llm: any, config: Record<string, unknown>, running: Container | undefined, r?: Release): Injection {
  const state: KServeState = {
    release: r,
    kserveNamespace: 'kserve',
    config: configFromDecoded(config, r),
    containers: [],
    crdInstalled: true,
  }
  const name = llm?.metadata?.name ?? ''
  const runs = new Map(running ? [[llmDeploymentName(name), {containers: [], initContainers: [running], volumes: []}]] : [])
  const p = emulateLlmInferenceService(llm, state, runs)[0]
  return projectInjection(p)
}
