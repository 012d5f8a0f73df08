/**
 * What a change can write: one union member per kind of object, each with the type of the value it holds, so that a
 * planner knows what it edits without casts; and, per kind, where that value lives in the object (the object with a new
 * value, the merge patch that writes it, the resource an access check names). Also what planners take and give: the
 * live configuration they read (PlanInput), the writes they plan (Planned), the models a per-model change names.
 */
import type {Container} from '../container-merge.js'
import type {RevisionRecord} from '../history.js'
import type {Release} from '../release.js'
import {mergeDiff} from '../merge-patch.js'

/** The ConfigMap key that holds the storage-initializer's configuration. */
export const KEY = 'storageInitializer'

/** A Kubernetes object as read: its metadata typed, the rest as the API server sent it. */
export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: {
    name: string
    namespace?: string
    resourceVersion?: string
    uid?: string
    labels?: Record<string, string>
    annotations?: Record<string, string>
    [field: string]: unknown
  }
  spec?: any
  data?: Record<string, string>
  [field: string]: unknown
}

interface Base {
  /** configmap | storage-container/NAME | inferenceservice/NS/NAME | llminferenceservice/NS/NAME */
  id: string
  /** kubectl's name for it: configmap/inferenceservice-config */
  display: string
  /** the object's name, and its namespace (none: cluster-scoped) */
  name: string
  namespace?: string
  /** the object as read */
  object: KubeObject
  /** storage container: enabled, and an init container (false for the other kinds) */
  serving: boolean
}

export type ConfigMapTarget = Omit<Base, 'object'> & {
  kind: 'ConfigMap'
  /** the object as read; undefined: it was deleted (a rollback can recreate it from the history) */
  object: KubeObject | undefined
  /** the storageInitializer text (null: the key is missing, or the ConfigMap) */
  value: string | null
}
export type StorageContainerTarget = Omit<Base, 'object'> & {
  kind: 'ClusterStorageContainer'
  /** the object as read; undefined: one that does not exist yet (a per-model change creates it) */
  object: KubeObject | undefined
  /** spec.container (null: absent) */
  value: Container | null
}
export type InferenceServiceTarget = Base & {
  kind: 'InferenceService'
  /** spec.predictor.storageContainerName (null: unset) */ value: string | null
}
export type LlmTarget = Base & {
  kind: 'LLMInferenceService'
  /** the storage-initializer of spec.template.initContainers (null: none) */ value: Container | null
}

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
  } else {
    const rest = llmInitContainers(t.object, after)
    o.spec = {...o.spec, template: {...o.spec?.template, initContainers: rest}}
    // the override was the only init container: the key goes, as it was before the override was added
    if (rest.length === 0) delete o.spec.template.initContainers
  }
  return o
}

/** The JSON merge patch that writes `after` into the target, conditional on the resourceVersion it was read at. */
export function mergePatchFor(t: Target, after: unknown): Record<string, unknown> {
  const metadata = {resourceVersion: t.object?.metadata?.resourceVersion}
  if (t.kind === 'ConfigMap') return {metadata, data: {[KEY]: after}}
  if (t.kind === 'ClusterStorageContainer') return {metadata, spec: {container: mergeDiff(t.value, after)}}
  if (t.kind === 'InferenceService') return {metadata, spec: {predictor: {storageContainerName: after}}}
  const rest = llmInitContainers(t.object, after)
  return {metadata, spec: {template: {initContainers: rest.length ? rest : null}}}
}

/** The resource of a target, as an access review and an error message name it. */
export function resourceOf(t: Target): {
  resource: 'configmaps' | 'clusterstoragecontainers' | 'inferenceservices' | 'llminferenceservices'
  namespace?: string
  group: string
} {
  if (t.kind === 'ConfigMap') return {resource: 'configmaps', namespace: t.namespace, group: ''}
  if (t.kind === 'ClusterStorageContainer') return {resource: 'clusterstoragecontainers', group: 'serving.kserve.io'}
  return {
    resource: t.kind === 'InferenceService' ? 'inferenceservices' : 'llminferenceservices',
    namespace: t.namespace,
    group: 'serving.kserve.io',
  }
}

/** What a planner reads: the live configuration, as the change pipeline read it (core/change.ts Live). */
export interface PlanInput {
  /** the storageInitializer document ({} when it cannot be parsed: see docError) */
  doc: Record<string, unknown>
  /** why the storageInitializer is not a usable document */
  docError?: Error
  release?: Release
  version: string | null
  targets: Target[]
  /** is the ClusterStorageContainer CRD installed */
  crdInstalled: boolean
  /** every InferenceService's predictor URIs and storageContainerName (read for a per-model change only) */
  models?: ModelUris[]
}

/** What a per-model change needs to know of every other model: could its container be given to them too. */
export interface ModelUris {
  namespace: string
  name: string
  uris: string[]
  storageContainerName?: string
}

/** One planned write: the target, its value after the change, and (a new object) what to create. */
export interface Planned {
  target: Target
  /** null: remove (a dedicated ClusterStorageContainer is deleted, a model's field unset) */
  after: unknown
  /** the whole object to create, when the target does not exist yet */
  create?: any
  /** what changes, for the report line: image, resource requirements */
  what: string
}

/** What a planner decides besides the values: how the record and messages name the change (rollback). */
export interface PlanResult {
  planned: Planned[]
  /** extra fields of the record (rollbackTo, undo) */
  record?: Partial<Pick<RevisionRecord, 'rollbackTo' | 'undo'>>
  restore?: string
}

/** A model a per-model change concerns. */
export interface ModelRef {
  kind: 'InferenceService' | 'LLMInferenceService'
  namespace: string
  name: string
}

export const modelTargetId = (m: ModelRef) => `${m.kind.toLowerCase()}/${m.namespace}/${m.name}`

/** Labels of the ClusterStorageContainers that per-model changes make (one model each). */
export const DEDICATED_LABELS = {'app.kubernetes.io/managed-by': 'kubectl-storage-init', 'storage-init.kserve.io/dedicated': 'true'}
export const MODEL_ANNOTATION = 'storage-init.kserve.io/model'

export const isDedicated = (o: any) => o?.metadata?.labels?.['storage-init.kserve.io/dedicated'] === 'true'

/** The ClusterStorageContainer targets (those that exist, and one a per-model change creates). */
export const cscTargets = (live: {targets: Target[]}) =>
  live.targets.filter((t): t is StorageContainerTarget => t.kind === 'ClusterStorageContainer')

/** The ConfigMap's target: always the first one read. */
export function configMapTarget(live: {targets: Target[]}): ConfigMapTarget {
  const t = live.targets[0]
  if (t?.kind !== 'ConfigMap') throw new Error('the ConfigMap target is read first')
  return t
}
