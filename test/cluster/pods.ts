/**
 * Pods as kube-apiserver stores them: defaults filled in (pkg/apis/core/v1/defaults.go: requests from limits,
 * imagePullPolicy, termination message, restart and DNS policy, scheduler; the ServiceAccount admission's account),
 * quantities in canonical form, requests above limits refused, and the spec immutable after creation but for the fields
 * the API server lets an update change (pkg/apis/core/validation ValidatePodUpdate). Recorded:
 * test/fixtures/apiserver/pod-create-quantities.json.
 */
import {canonicalQuantity, compareQuantities, QuantityError} from './quantity.js'
import type {Cause} from './schema.js'

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const

function pullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent'
  if (image.includes('@')) return 'IfNotPresent'
  const last = image.slice(image.lastIndexOf('/') + 1)
  const tag = last.includes(':') ? last.slice(last.indexOf(':') + 1) : ''
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent'
}

/**
 * Canonical quantities. A string the API server cannot decode fails the whole request with 400, as its JSON decoder does.
 */
function canonicalResources(pod: any): void {
  for (const list of CONTAINER_LISTS) {
    for (const c of pod.spec?.[list] ?? []) {
      for (const kind of ['limits', 'requests']) {
        const r = c.resources?.[kind]
        if (!r || typeof r !== 'object') continue
        for (const [k, v] of Object.entries(r)) {
          try {
            r[k] = canonicalQuantity(String(v), {milli: true})
          } catch (e) {
            if (e instanceof QuantityError) throw new DecodeError(`Pod in version "v1" cannot be handled as a Pod: ${e.message}`)
            throw e
          }
        }
      }
    }
  }
  if (pod.spec?.overhead)
    for (const [k, v] of Object.entries(pod.spec.overhead)) pod.spec.overhead[k] = canonicalQuantity(String(v), {milli: true})
}

export class DecodeError extends Error {}

/** What a created pod looks like once stored. */
export function defaultPod(pod: any): void {
  pod.spec ??= {}
  canonicalResources(pod)
  const spec = pod.spec
  for (const list of CONTAINER_LISTS) {
    for (const c of spec[list] ?? []) {
      c.terminationMessagePath ??= '/dev/termination-log'
      c.terminationMessagePolicy ??= 'File'
      c.imagePullPolicy ??= pullPolicy(c.image)
      if (list === 'ephemeralContainers') continue
      // requests default to limits where only a limit is given
      if (c.resources?.limits) {
        c.resources.requests ??= {}
        for (const [k, v] of Object.entries(c.resources.limits)) c.resources.requests[k] ??= v
      }
    }
  }
  spec.restartPolicy ??= 'Always'
  spec.terminationGracePeriodSeconds ??= 30
  spec.dnsPolicy ??= 'ClusterFirst'
  spec.securityContext ??= {}
  spec.schedulerName ??= 'default-scheduler'
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default'
  spec.serviceAccount ??= spec.serviceAccountName
  spec.enableServiceLinks ??= true
  spec.preemptionPolicy ??= 'PreemptLowerPriority'
  spec.priority ??= 0
}

/** Field validation that concerns the plugin: containers present and named, requests not above limits. */
export function validatePod(pod: any): Cause[] {
  const causes: Cause[] = []
  if (!Array.isArray(pod.spec?.containers) || pod.spec.containers.length === 0)
    return [{field: 'spec.containers', reason: 'FieldValueRequired', message: 'Required value'}]
  for (const list of CONTAINER_LISTS) {
    ;(pod.spec[list] ?? []).forEach((c: any, i: number) => {
      const at = `spec.${list}[${i}]`
      if (!c.name) causes.push({field: `${at}.name`, reason: 'FieldValueRequired', message: 'Required value'})
      if (!c.image) causes.push({field: `${at}.image`, reason: 'FieldValueRequired', message: 'Required value'})
      const {limits = {}, requests = {}} = c.resources ?? {}
      for (const [k, v] of Object.entries(requests)) {
        const limit = limits[k]
        if (limit !== undefined && compareQuantities(String(v), String(limit)) > 0)
          causes.push({
            field: `${at}.resources.requests`,
            reason: 'FieldValueInvalid',
            message: `Invalid value: "${v}": must be less than or equal to ${k} limit`,
          })
      }
    })
  }
  return causes
}

/** The parts of a pod's spec an update may change (ValidatePodUpdate): images, activeDeadlineSeconds, tolerations. */
export function podSpecUpdateCauses(old: any, next: any): Cause[] {
  const strip = (spec: any) => {
    const s = structuredClone(spec ?? {})
    for (const list of ['containers', 'initContainers'] as const) for (const c of s[list] ?? []) delete c.image
    delete s.activeDeadlineSeconds
    delete s.tolerations
    delete s.terminationGracePeriodSeconds
    delete s.ephemeralContainers
    return JSON.stringify(s)
  }
  if (strip(old.spec) === strip(next.spec)) return []
  return [
    {
      field: 'spec',
      reason: 'FieldValueForbidden',
      message:
        'Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
    },
  ]
}
