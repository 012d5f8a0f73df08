/** Container image references, after the distribution reference grammar (registry[:port]/path[:tag][@digest]). */

export interface ImageReference {
  registry?: string
  repository: string // path without the registry
  tag?: string
  digest?: string
}

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*'
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const DIGEST_LENGTH: Record<string, number> = {sha256: 64, sha384: 96, sha512: 128}
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`)

/** undefined when the text is not a valid reference. */
export function parseImage(text: string): ImageReference | undefined {
  if (text.length > 255 + 128 + 80) return undefined
  const m = REFERENCE.exec(text)
  if (!m) return undefined
  let registry: string | undefined = m[1]
  let repository = m[2]
  // a first component without '.', ':' or 'localhost', and all lower-case, is a path component (docker.io/library/...);
  // one with an upper-case letter can only be a registry host (distribution's normalize splitDockerDomain)
  if (registry && !/[.:]/.test(registry) && registry !== 'localhost' && !registry.startsWith('[') && registry === registry.toLowerCase()) {
    repository = `${registry}/${repository}`
    registry = undefined
  }
  if (repository.length > 255) return undefined
  // as go-digest validates: a known algorithm, and exactly its length of lower-case hex
  if (m[4]) {
    const [alg, hex] = m[4].split(':')
    if (DIGEST_LENGTH[alg] !== hex.length || !/^[a-f0-9]+$/.test(hex)) return undefined
  }
  return {registry: registry || undefined, repository, tag: m[3], digest: m[4]}
}

export function formatImage(r: ImageReference): string {
  return `${r.registry ? r.registry + '/' : ''}${r.repository}${r.tag ? ':' + r.tag : ''}${r.digest ? '@' + r.digest : ''}`
}

/** The repository with its registry, without tag or digest: what identifies "the same image". */
export function imageName(text: string): string {
  const r = parseImage(text)
  if (!r) return text
  const registry = r.registry ?? 'docker.io'
  const repo = registry === 'docker.io' && !r.repository.includes('/') ? `library/${r.repository}` : r.repository
  return `${registry}/${repo}`
}
