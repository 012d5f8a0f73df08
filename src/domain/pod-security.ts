/**
 * Pod Security Standards for the storage-initializer: what the `baseline` and `restricted` levels of the Pod Security
 * admission (k8s.io/pod-security-admission policy/check_*.go, latest) ask of one init container, given the pod's own
 * securityContext; and the securityContext that meets `restricted` while keeping what the container already sets.
 *
 * Container checks, by level (a pod-level value counts where the policy lets it: runAsNonRoot, seccompProfile):
 * - baseline: privileged (check_privileged.go), capabilities.add beyond the default set (check_capabilities_baseline.go),
 *   procMount (check_procMount.go), seLinuxOptions.type and user/role (check_seLinuxOptions.go), seccompProfile and
 *   appArmorProfile Unconfined, at the container or the pod (check_seccompProfile_baseline.go, check_appArmorProfile.go),
 *   windowsOptions.hostProcess (check_windowsHostProcess.go), hostPort (check_hostPorts.go);
 * - restricted, beyond baseline: allowPrivilegeEscalation false (check_allowPrivilegeEscalation.go), runAsNonRoot true
 *   (check_runAsNonRoot.go), runAsUser not 0 (check_runAsUser.go), seccompProfile RuntimeDefault or Localhost
 *   (check_seccompProfile_restricted.go), capabilities drop ALL and add only NET_BIND_SERVICE
 *   (check_capabilities_restricted.go).
 */
import type {Container} from './container-merge.js'
import {featuresOf} from './kserve/features.js'
import type {Source} from './kserve/outcome.js'
import type {Release} from './release.js'

export type Level = 'privileged' | 'baseline' | 'restricted'

/** The namespace label the Pod Security admission enforces. */
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce'

export const levelOf = (labels: Record<string, string> | undefined): Level | undefined => {
  const v = labels?.[ENFORCE_LABEL]
  return v === 'restricted' || v === 'baseline' || v === 'privileged' ? v : undefined
}

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
])
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'])

/** What one container lacks (or has too much of) for the level, in the words of its fields; empty when it passes. */
export function violations(level: Level | undefined, c: Container, pod: Record<string, any> = {}): string[] {
  if (!level || level === 'privileged') return []
  const sc: Record<string, any> = c.securityContext ?? {}
  const out: string[] = []
  if (sc.privileged === true) out.push('privileged: true is not allowed')
  const add: string[] = sc.capabilities?.add ?? []
  const extra = add.filter(x => !BASELINE_CAPS.has(x))
  if (extra.length) out.push(`capabilities.add ${extra.join(', ')} is not allowed`)
  if (sc.procMount && sc.procMount !== 'Default') out.push('procMount must be Default')
  const se = sc.seLinuxOptions ?? {}
  if (!SELINUX_TYPES.has(se.type ?? '') || se.user || se.role) out.push('seLinuxOptions type/user/role are not allowed')
  const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type
  // a pod-level Unconfined is refused whatever the container sets (check_seccompProfile_baseline.go)
  if (seccomp === 'Unconfined' || pod.seccompProfile?.type === 'Unconfined') out.push('seccompProfile.type: Unconfined is not allowed')
  if (sc.appArmorProfile?.type === 'Unconfined' || pod.appArmorProfile?.type === 'Unconfined')
    out.push('appArmorProfile.type: Unconfined is not allowed')
  if (sc.windowsOptions?.hostProcess === true) out.push('windowsOptions.hostProcess is not allowed')
  if ((c.ports ?? []).some((p: any) => p?.hostPort)) out.push('ports[].hostPort is not allowed')
  if (level !== 'restricted') return out
  if (sc.allowPrivilegeEscalation !== false) out.push('allowPrivilegeEscalation: false')
  const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot
  if (nonRoot !== true) out.push('runAsNonRoot: true')
  // runAsUser 0 is refused at either level (check_runAsUser.go)
  if (sc.runAsUser === 0 || pod.runAsUser === 0) out.push('runAsUser not 0')
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') out.push('seccompProfile.type: RuntimeDefault')
  if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push('capabilities.drop: [ALL]')
  const notBind = add.filter(x => x !== 'NET_BIND_SERVICE' && BASELINE_CAPS.has(x))
  if (notBind.length) out.push(`capabilities.add only NET_BIND_SERVICE (not ${notBind.join(', ')})`)
  return out
}

/**
 * A securityContext that meets `restricted`, keeping what the current one sets that the level allows (a runAsUser, a
 * Localhost seccomp profile, NET_BIND_SERVICE, readOnlyRootFilesystem…). KServe's storage-initializer image runs as
 * user 1000 (python/storage-initializer.Dockerfile USER 1000@v0.20.0), so runAsNonRoot holds for it.
 */
export function restrictedSecurityContext(current: Record<string, any> | undefined): Record<string, any> {
  const sc: Record<string, any> = {...(current ?? {})}
  delete sc.privileged
  delete sc.procMount
  if (sc.windowsOptions) {
    const w = {...sc.windowsOptions}
    delete w.hostProcess
    if (Object.keys(w).length) sc.windowsOptions = w
    else delete sc.windowsOptions
  }
  if (sc.seLinuxOptions && (!SELINUX_TYPES.has(sc.seLinuxOptions.type ?? '') || sc.seLinuxOptions.user || sc.seLinuxOptions.role))
    delete sc.seLinuxOptions
  sc.allowPrivilegeEscalation = false
  sc.runAsNonRoot = true
  if (sc.runAsUser === 0) delete sc.runAsUser
  if (sc.seccompProfile?.type !== 'Localhost') sc.seccompProfile = {type: 'RuntimeDefault'}
  if (sc.appArmorProfile?.type === 'Unconfined') delete sc.appArmorProfile
  const add = (sc.capabilities?.add ?? []).filter((x: string) => x === 'NET_BIND_SERVICE')
  sc.capabilities = {...(add.length ? {add} : {}), drop: ['ALL']}
  return sc
}

/**
 * The command that gives a model's storage-initializer what the level asks: its own container (an LLMInferenceService;
 * an InferenceService from v0.20, storageContainerName), else the ClusterStorageContainer it gets; undefined when KServe
 * offers no place for a securityContext (the ConfigMap's container before v0.20).
 */
export function securityFix(
  level: Level,
  model: {kind: 'InferenceService' | 'LLMInferenceService'; name: string; namespace: string},
  release: Release | undefined,
  source: Source,
): string {
  if (level !== 'restricted') return `remove what the ${level} level forbids from the ClusterStorageContainer that gives it`
  const target =
    model.kind === 'LLMInferenceService'
      ? `--llmisvc ${model.name} -n ${model.namespace}`
      : featuresOf(release).storageContainerName
        ? `--isvc ${model.name} -n ${model.namespace}`
        : source.kind === 'clusterstoragecontainer' && source.name
          ? `--target storage-container/${source.name}`
          : undefined
  return target
    ? `kubectl storage-init set-security-context --pod-security restricted ${target}`
    : `KServe ${release?.text ?? ''} takes a securityContext only from a ClusterStorageContainer: create one for the model's URI format, then kubectl storage-init set-security-context --pod-security restricted --target storage-container/NAME`
}
