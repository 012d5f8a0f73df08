/**
 * What kube-apiserver refuses in the pod spec KServe makes (pkg/apis/core/validation/validation.go ValidatePodSpec): the
 * few checks the storage-initializer can break. The answer is the API server's own field path and words.
 */
import {compareQuantities} from '../quantity.js'
import type {PodSpec} from './storage.js'

/** The first reason the API server refuses the pod spec, or undefined. `at` prefixes field paths (a Deployment's template). */
export function validatePodSpec(spec: PodSpec, at = 'spec'): string | undefined {
  const names = new Set<string>()
  const volumes = new Set(spec.volumes.map(v => v.name))
  for (const list of ['initContainers', 'containers'] as const) {
    for (const [i, c] of spec[list].entries()) {
      const path = `${at}.${list}[${i}]`
      if (names.has(c.name)) return `${path}.name: Duplicate value: "${c.name}"`
      names.add(c.name)
      const paths = new Set<string>()
      for (const [j, m] of (c.volumeMounts ?? []).entries()) {
        if (!volumes.has(m.name)) return `${path}.volumeMounts[${j}].name: Not found: "${m.name}"`
        if (paths.has(m.mountPath)) return `${path}.volumeMounts[${j}].mountPath: Invalid value: "${m.mountPath}": must be unique`
        paths.add(m.mountPath)
      }
      const {limits = {}, requests = {}} = c.resources ?? {}
      for (const [k, v] of Object.entries(requests as Record<string, string>)) {
        const limit = (limits as Record<string, string>)[k]
        if (limit !== undefined && (compareQuantities(String(v), String(limit)) ?? 0) > 0)
          return `${path}.resources.requests: Invalid value: "${v}": must be less than or equal to ${k} limit`
      }
    }
  }
  return undefined
}
