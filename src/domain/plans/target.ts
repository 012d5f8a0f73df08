/**
 * What a change can write: one union member per kind of object, each with the type of the value it holds, so that a
 * planner knows what it edits without casts.
 */
import type {Container} from '../container-merge.js'

interface Base {
  /** configmap | storage-container/NAME | inferenceservice/NS/NAME | llminferenceservice/NS/NAME */
  id: string
  /** kubectl's name for it: configmap/inferenceservice-config */
  display: string
  path: string
  /** the object as read; undefined: a ClusterStorageContainer that does not exist yet (a per-model change creates it) */
  object: any
  /** storage container: enabled, and an init container (false for the other kinds) */
  serving: boolean
}

export type ConfigMapTarget = Base & {kind: 'ConfigMap'; /** the storageInitializer text (null: the key is missing) */ value: string | null}
export type StorageContainerTarget = Base & {kind: 'ClusterStorageContainer'; /** spec.container (null: absent) */ value: Container | null}
export type InferenceServiceTarget = Base & {kind: 'InferenceService'; /** spec.predictor.storageContainerName (null: unset) */ value: string | null}
export type LlmTarget = Base & {kind: 'LLMInferenceService'; /** the storage-initializer of spec.template.initContainers (null: none) */ value: Container | null}

export type Target = ConfigMapTarget | StorageContainerTarget | InferenceServiceTarget | LlmTarget
