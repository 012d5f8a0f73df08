/** The image a target gets from `set-image IMAGE | --tag TAG | --registry HOST[:PORT][/PATH]`. */
import {formatImage, parseImage, type ImageReference} from './image.js'
import {ArgumentError} from './resources-arg.js'

export type ImageChange = {image: string} | {tag: string} | {registry: string}

const GRAMMAR = 'expected [registry[:port]/]path[:tag][@sha256:digest], with lower-case path components'
const TAG = /^[\w][\w.-]{0,127}$/
const DIGEST = /^@?(sha256:[0-9a-f]{64})$/
const REGISTRY =
  /^((?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::\d+)?)((?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)$/

export function checkImageChange(c: ImageChange): void {
  if ('image' in c && !parseImage(c.image)) throw new ArgumentError(`invalid image reference "${c.image}": ${GRAMMAR}`)
  if ('tag' in c && !TAG.test(c.tag) && !DIGEST.test(c.tag))
    throw new ArgumentError(
      `--tag "${c.tag}" is neither a tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-') nor a digest (sha256:<64 hex>)`,
    )
  if ('registry' in c && !REGISTRY.test(c.registry))
    throw new ArgumentError(`--registry "${c.registry}" is not HOST[:PORT][/PATH], e.g. registry.example.com:5000/mirror`)
}

/**
 * A --registry whose first part has no dot or port and is not localhost is no registry to a container runtime: it reads
 * `mirror/kserve/storage-initializer` as docker.io/mirror/… (the distribution reference's domain rule). A warning, not
 * an error: that may be meant.
 */
export function registryWarning(c: ImageChange): string | undefined {
  if (!('registry' in c)) return undefined
  const host = c.registry.split('/')[0]
  if (host.includes('.') || host.includes(':') || host === 'localhost') return undefined
  return `--registry ${c.registry}: "${host}" has no dot or port and is not localhost, so every container runtime reads it as a path on Docker Hub (docker.io/${c.registry}/…), not as a registry; give the registry's host name (e.g. ${host}.example.com or ${host}:5000)`
}

/** The new reference for a target whose current image is `current`. */
export function applyImageChange(current: string | undefined, c: ImageChange): string {
  if ('image' in c) return c.image
  const ref = current ? parseImage(current) : undefined
  if (!ref)
    throw new ArgumentError(
      `cannot apply ${'tag' in c ? '--tag' : '--registry'} to the current image "${current ?? ''}": it is not a valid reference; give the whole image instead`,
    )
  let next: ImageReference
  if ('tag' in c) {
    const d = DIGEST.exec(c.tag)
    next = d ? {...ref, tag: undefined, digest: d[1]} : {...ref, tag: c.tag, digest: undefined}
  } else {
    const m = REGISTRY.exec(c.registry)!
    next = {...ref, registry: m[1], repository: `${m[2].replace(/^\//, '')}${m[2] ? '/' : ''}${ref.repository}`}
  }
  const out = formatImage(next)
  // the result must itself be a reference KServe's pods can pull (a long registry path can push it past the limits)
  if (!parseImage(out)) throw new ArgumentError(`the result "${out}" is not a valid image reference: ${GRAMMAR}`)
  return out
}

/** latest, or no tag and no digest. */
export function isUnpinned(image: string): boolean {
  const r = parseImage(image)
  return !!r && !r.digest && (!r.tag || r.tag === 'latest')
}
