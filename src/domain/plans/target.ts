/**
 * What a change can write: one union member per kind of object, each with the type of the value it holds, so that a
 * planner knows what it edits without casts; and, per kind, where that value lives in the object (the object with a new
 * value, the merge patch that writes it, the resource an access check names).
 */
import type {Container} from '../container-merge.js'
import {mergeDiff} from '../merge-patch.js'

/** The ConfigMap key that holds the storage-initializer's configuration. */
export const KEY = 'storageInitializer'

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

/** The LLMInferenceService's init containers with the storage-initializer override replaced (null: removed). */
function llmInitContainers(o: any, override: unknown): any[] {
  const rest = (o?.spec?.template?.initContainers ?? []).filter((c: any) => c?.name !== 'storage-initializer')
  return override ? [...rest, override] : rest
}

/** The target's object (or `create`, for one that does not exist yet) holding `after`. */
export function withValue(t: Target, after: unknown, create?: any): any {
  const o = structuredClone(t.object ?? create ?? {})
  if (t.kind === 'ConfigMap') o.data = {...o.data, [KEY]: after}
  else if (t.kind === 'ClusterStorageContainer') o.spec = {...o.spec, container: after}
  else if (t.kind === 'InferenceService') {
    o.spec = {...o.spec, predictor: {...o.spec?.predictor, storageContainerName: after ?? undefined}}
    if (after === null) delete o.spec.predictor.storageContainerName
  } else o.spec = {...o.spec, template: {...o.spec?.template, initContainers: llmInitContainers(t.object, after)}}
  return o
}

/** The JSON merge patch that writes `after` into the target, conditional on the resourceVersion it was read at. */
export function mergePatchFor(t: Target, after: unknown): Record<string, unknown> {
  const metadata = {resourceVersion: t.object?.metadata?.resourceVersion}
  if (t.kind === 'ConfigMap') return {metadata, data: {[KEY]: after}}
  if (t.kind === 'ClusterStorageContainer') return {metadata, spec: {container: mergeDiff(t.value, after)}}
  if (t.kind === 'InferenceService') return {metadata, spec: {predictor: {storageContainerName: after}}}
  return {metadata, spec: {template: {initContainers: llmInitContainers(t.object, after)}}}
}

/** The resource of a target, as an access review and an error message name it. */
export function resourceOf(t: Target): {resource: 'configmaps' | 'clusterstoragecontainers' | 'inferenceservices' | 'llminferenceservices'; namespace?: string; group: string} {
  if (t.kind === 'ConfigMap') return {resource: 'configmaps', namespace: t.object.metadata.namespace, group: ''}
  if (t.kind === 'ClusterStorageContainer') return {resource: 'clusterstoragecontainers', group: 'serving.kserve.io'}
  return {resource: t.kind === 'InferenceService' ? 'inferenceservices' : 'llminferenceservices', namespace: t.object.metadata.namespace, group: 'serving.kserve.io'}
}
