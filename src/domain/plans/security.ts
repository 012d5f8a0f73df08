/**
 * What `set-security-context` writes: a securityContext that meets a Pod Security level on the storage-initializer's
 * container, where KServe takes one from: a ClusterStorageContainer's `spec.container` (merged over the ConfigMap's
 * container, container_merge.go@v0.20.0), or one model's container (set-* --isvc / --llmisvc). The ConfigMap's
 * storageInitializer document has no securityContext (pkg/types StorageInitializerConfig@v0.20.0), so it is refused
 * as a target. Pure: the caller has read the targets and writes what this returns.
 */
import type {Container} from '../container-merge.js'
import {restrictedSecurityContext} from '../pod-security.js'
import {PlanError, type Edit} from './plan-error.js'
import type {ConfigMapTarget, StorageContainerTarget} from './target.js'

export type SecurityLevel = 'restricted'

const NO_FIELD =
  "the ConfigMap's storageInitializer document has no securityContext (KServe's StorageInitializerConfig holds image and resources only)"

/** One container with the level's securityContext. */
export function modelSecurity(c: Container, level: SecurityLevel): Container {
  if (level !== 'restricted') throw new PlanError('Usage', `--pod-security ${String(level)}: only restricted is written`)
  return {...c, securityContext: restrictedSecurityContext(c.securityContext)}
}

/** The edits for the selected targets: ClusterStorageContainers only. */
export function planSecurity(selected: (ConfigMapTarget | StorageContainerTarget)[], level: SecurityLevel): Edit<StorageContainerTarget>[] {
  if (selected.some(t => t.kind === 'ConfigMap'))
    throw new PlanError(
      'Usage',
      `--target configmap: ${NO_FIELD}`,
      'name a ClusterStorageContainer (--target storage-container/NAME), or give one model its own (--isvc NAME, KServe v0.20+)',
    )
  if (!selected.length)
    throw new PlanError(
      'Invalid',
      `no ClusterStorageContainer serves pods, and ${NO_FIELD}`,
      'give one model its own container (--isvc NAME, KServe v0.20+), or create a ClusterStorageContainer for the URI format and name it with --target storage-container/NAME',
    )
  return (selected as StorageContainerTarget[]).map(t => ({
    target: t,
    after: modelSecurity((t.value ?? {}) as Container, level),
    what: 'securityContext',
  }))
}
