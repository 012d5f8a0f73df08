/**
 * Go: GetStorageContainerSpec / GetStorageContainerSpecByName (pkg/webhook/admission/pod/storage_initializer_injector.go
 * @v0.16.0..v0.20.0; GetContainerSpecForStorageUri @v0.11.1..v0.15.2) and StorageContainerSpec.IsStorageUriSupported
 * (pkg/apis/serving/v1alpha1/storage_container_types.go).
 *
 * The webhook and the controller list ClusterStorageContainers from the manager's informer cache, whose order is a Go
 * map's: the first container that matches (or whose regex fails) decides, and any of them may be first. So the lookup
 * returns every way it can end (`Lookup[]`): one entry when the answer does not depend on the order.
 */
import {matchFormats, type StorageContainer} from '../storage-containers.js'
import {Re2Error} from '../re2.js'
import type {Release} from '../release.js'
import {featuresOf} from './features.js'

export interface Lookup {
  /** clusterstoragecontainer/NAME when one decides, else none */
  candidate: string
  spec?: StorageContainer
  /** the supportedUriFormats entry that matched */
  format?: string
  /** chosen by name (storageContainerName), not by matching */
  byName?: boolean
  /** Go's error (the pod is refused) */
  error?: string
  /** our note beside Go's answer (a regex this plugin would not compile, a URI too long to match) */
  note?: string
}

const NONE: Lookup = {candidate: 'none'}

/** Go 1.22 taught regexp `(?<name>…)`; a release built with an older toolchain refuses it as Go then did. */
function goCompileError(regex: string, release: Release | undefined): string | undefined {
  if (featuresOf(release).goAngleNamedGroups) return undefined
  return /\(\?</.test(regex) ? 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`' : undefined
}

/** IsStorageUriSupported, with the release's regexp dialect: match, or Go's error. */
export function isStorageUriSupported(
  sc: StorageContainer,
  uri: string,
  release: Release | undefined,
): {supported: boolean; format?: string; error?: string; tooLong?: boolean; note?: string} {
  for (const f of sc.uriFormats) {
    if (f.prefix) {
      if (uri.startsWith(f.prefix)) return {supported: true, format: f.prefix}
    } else if (f.regex) {
      const old = goCompileError(f.regex, release)
      if (old) return {supported: false, error: old}
      try {
        const m = matchFormats([f], uri)
        if (m.match) return {supported: true, format: `regex:${f.regex}`}
        if (m.unmatched) return {supported: false, note: m.unmatched}
      } catch (e) {
        if (e instanceof Re2Error) return {supported: false, error: e.message, tooLong: e.tooLong}
        throw e
      }
    }
  }
  return {supported: false}
}

/** By name (storageContainerName, v0.20+): no fallback to matching by URI. */
export function getStorageContainerSpecByName(
  name: string,
  uri: string,
  containers: StorageContainer[],
  release: Release | undefined,
): Lookup {
  const candidate = `clusterstoragecontainer/${name}`
  const sc = containers.find(c => c.name === name)
  if (!sc) return {candidate, error: `ClusterStorageContainer "${name}" not found`}
  if (sc.disabled) return {candidate, error: `ClusterStorageContainer "${name}" is disabled`}
  if (sc.workloadType !== 'initContainer')
    return {
      candidate,
      error: `ClusterStorageContainer "${name}" has workloadType "${sc.workloadType ?? ''}"; explicit selection requires "initContainer"`,
    }
  const s = isStorageUriSupported(sc, uri, release)
  if (s.error) return {candidate, error: `ClusterStorageContainer "${name}" URI check failed for "${uri}": ${s.error}`}
  if (!s.supported) return {candidate, error: `ClusterStorageContainer "${name}" does not support storageUri "${uri}"`, note: s.note}
  return {candidate, spec: sc, format: s.format, byName: true}
}

/**
 * Every way the lookup for `uri` can end. `crdInstalled: false`: the cached List fails (the informer has no such kind).
 * `errorText` words an error as the release's caller does.
 */
export function getStorageContainerSpec(
  uri: string,
  storageContainerName: string | undefined,
  containers: StorageContainer[],
  opts: {release: Release | undefined; crdInstalled: boolean},
): Lookup[] {
  const f = featuresOf(opts.release)
  if (!f.clusterStorageContainers) return [NONE]
  if (storageContainerName && f.storageContainerName)
    return [getStorageContainerSpecByName(storageContainerName, uri, containers, opts.release)]
  if (!opts.crdInstalled)
    return [
      {
        candidate: 'none',
        error: 'no matches for kind "ClusterStorageContainer" in version "serving.kserve.io/v1alpha1"',
        note: 'the ClusterStorageContainer CRD is not installed: install it, even with no ClusterStorageContainers',
      },
    ]
  const out: Lookup[] = []
  const notes: string[] = []
  for (const sc of [...containers].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (sc.disabled) continue
    if (f.workloadTypeChecked && sc.workloadType !== 'initContainer') continue
    const s = isStorageUriSupported(sc, uri, opts.release)
    const candidate = `clusterstoragecontainer/${sc.name}`
    if (s.error)
      out.push({
        candidate,
        error: `error checking storage container ${sc.name}: ${s.error}`,
        ...(s.tooLong ? {note: 'this plugin does not compile a regex that long; KServe would try it'} : {}),
      })
    else if (s.supported) out.push({candidate, spec: sc, format: s.format})
    else if (s.note) notes.push(s.note)
  }
  if (out.length === 0) return [notes.length ? {...NONE, note: notes[0]} : NONE]
  return out
}
