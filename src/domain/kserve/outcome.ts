/**
 * What the emulation of KServe returns (index.ts emulate): per pod template KServe makes for a model, the init
 * containers and volumes the pod ends up with, or who refuses it and with which words. Containers and volumes are
 * Kubernetes JSON as the API server would store them (omitempty, canonical quantities).
 */
import type {Container} from '../container-merge.js'

export type Volume = Record<string, any>

/** Who refuses: the pod webhook (pod creation fails), the controller (reconcile fails), the API server (invalid pod). */
export interface Refusal {
  component: 'webhook' | 'controller' | 'apiserver'
  /** KServe's (or the API server's) own error text, where it has one */
  message: string
  /** our explanation, apart from KServe's words */
  explanation?: string
}

/** One step of the emulation, with the Go function (and file@tag) it follows. */
export interface Step {
  go: string
  did: string
}

/** Where the storage-initializer's container came from. */
export interface Source {
  kind: 'clusterstoragecontainer' | 'configmap' | 'modelcar' | 'pvc-mount' | 'none' | 'llm-controller'
  name?: string
  /** the supportedUriFormats entry that matched, or why it was chosen */
  why?: string
}

export interface Outcome {
  admitted: boolean
  refusal?: Refusal
  source: Source
  initContainers: Container[]
  volumes: Volume[]
  trace: Step[]
}

export interface Prediction extends Outcome {
  /** predictor, canary[0], transformer, explainer; for LLMInferenceServices: workload, prefill, worker, … */
  component: string
  /** the object KServe writes the pod template into, when the controller writes it (storageUris, LLM workloads) */
  workload?: string
  /** who writes the storage-initializer: the pod webhook at pod creation, or the controller into the workload */
  writtenBy: 'webhook' | 'controller'
  /** the storage URIs the template downloads or mounts */
  uris: string[]
  /** when the informer cache's order decides: one outcome per ClusterStorageContainer that may come first */
  alternatives?: (Outcome & {candidate: string})[]
  /** what was left out of the emulation for this template (credentials it cannot read, …) */
  notEmulated?: string[]
}

export const refused = (component: Refusal['component'], message: string, explanation?: string): Refusal => ({
  component,
  message,
  ...(explanation ? {explanation} : {}),
})

/**
 * The URIs of an admitted template that KServe takes as local paths inside the storage-initializer's container: no
 * scheme (Go's regexp `\w+?://`, unanchored) and no ClusterStorageContainer serving them (ValidateStorageURI accepts
 * those first), pkg/controller/v1beta1/inferenceservice/utils/utils.go@v0.20.0 (kserve#3873).
 */
export const localPathUris = (p: Prediction): string[] =>
  p.admitted && p.source.kind !== 'clusterstoragecontainer' ? p.uris.filter(u => !/\w+?:\/\//.test(u)) : []
