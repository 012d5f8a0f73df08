/**
 * A ClusterStorageContainer's container strategically merged over the one KServe builds from the ConfigMap, as the
 * webhook does (pkg/utils/container_merge.go MergeContainerWithPatch@v0.20.0; mergeContainerSpecs in
 * storage_initializer_injector.go before): both are marshalled from corev1.Container (omitempty drops empty strings,
 * false, 0 and empty lists), then merged with corev1.Container's patch strategies: env by name, volumeMounts by
 * mountPath, ports by containerPort, volumeDevices by devicePath; maps and structs (resources, securityContext) key by
 * key; other lists (args, command, envFrom) replaced whole; scalars replaced when the overlay sets them. A non-empty
 * overlay name replaces `storage-initializer`; an empty one keeps the base name. From v0.20, an env entry left with both
 * value and valueFrom keeps the overlay's.
 */

export type Container = Record<string, any>

const MERGE_KEYS: Record<string, string> = {env: 'name', volumeMounts: 'mountPath', ports: 'containerPort', volumeDevices: 'devicePath'}

/**
 * What Go's json.Marshal of a corev1.Container writes: zero values of omitempty fields left out. Pointer fields keep
 * false and 0 (omitempty drops only a nil pointer): every field of corev1.SecurityContext is one (privileged,
 * runAsUser, runAsNonRoot, readOnlyRootFilesystem, allowPrivilegeEscalation… are *bool and *int64), so under
 * securityContext only empty strings and lists are left out.
 */
function omitEmpty(v: unknown, top = true, pointers = false): unknown {
  if (Array.isArray(v)) return v.map(x => omitEmpty(x, false, pointers))
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, x] of Object.entries(v)) {
      // corev1.Container.name has no omitempty: an empty name is sent
      if (top && k === 'name') {
        out[k] = x ?? ''
        continue
      }
      if (x === '' || x === null || x === undefined || (Array.isArray(x) && x.length === 0)) continue
      if ((x === false || x === 0) && !pointers) continue
      out[k] = omitEmpty(x, false, pointers || (top && k === 'securityContext'))
    }
    return out
  }
  return v
}

function mergeValue(base: unknown, patch: unknown, key?: string): unknown {
  if (Array.isArray(patch)) {
    const mk = key ? MERGE_KEYS[key] : undefined
    if (!mk || !Array.isArray(base)) return structuredClone(patch)
    // strategicpatch mergeSlice: entries merged by key, then normalizeElementOrder. The patch's entries keep the patch's
    // order, the base-only ones the base's; an entry new in the patch goes before the base-only entries still to
    // place, and an entry both have is placed by its position in the base (mergeSortedSlice)
    const at = (x: any) => base.findIndex(b => b?.[mk] === x?.[mk])
    const patched = patch.map(item => {
      const i = at(item)
      return i >= 0 ? mergeValue(base[i], item) : structuredClone(item)
    })
    const baseOnly = base.filter(b => !patch.some(p => p?.[mk] === b?.[mk])).map(x => structuredClone(x))
    const out: unknown[] = []
    let i = 0
    let j = 0
    while (i < baseOnly.length || j < patched.length) {
      if (j >= patched.length) out.push(baseOnly[i++])
      else if (i >= baseOnly.length) out.push(patched[j++])
      else {
        const r = at(patched[j])
        if (r >= 0 && at(baseOnly[i]) < r) out.push(baseOnly[i++])
        else out.push(patched[j++])
      }
    }
    return out
  }
  if (patch && typeof patch === 'object') {
    const out: Record<string, unknown> =
      base && typeof base === 'object' && !Array.isArray(base) ? structuredClone(base as Record<string, unknown>) : {}
    for (const [k, v] of Object.entries(patch)) out[k] = mergeValue(out[k], v, k)
    return out
  }
  return patch
}

export function mergeContainer(base: Container, overlay: Container, opts: {reconcileEnv?: boolean} = {}): Container {
  const patch = omitEmpty(overlay) as Container
  const merged = mergeValue(omitEmpty(base), patch) as Container
  if (opts.reconcileEnv && Array.isArray(merged.env)) {
    for (const e of merged.env) {
      if (e.value === undefined || e.valueFrom === undefined) continue
      const mine = (patch.env ?? []).find((x: any) => x.name === e.name)
      if (mine?.valueFrom !== undefined) delete e.value
      else delete e.valueFrom
    }
  }
  if (!merged.name) merged.name = base.name
  return merged
}
