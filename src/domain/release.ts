import {parseImage} from './image.js'

/** KServe release numbers, as read from an image tag such as v0.15.2. */
export interface Release {
  major: number
  minor: number
  patch: number
  text: string
}

export function parseRelease(tag: string | undefined): Release | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag ?? '')
  if (!m) return undefined
  return {major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0), text: tag!}
}

/** Compare a release with "major.minor[.patch]". */
export function atLeast(r: Release, version: string): boolean {
  const [maj, min, pat = 0] = version.split('.').map(Number)
  if (r.major !== maj) return r.major > maj
  if (r.minor !== min) return r.minor > min
  return r.patch >= pat
}

/** KServe's version, from the image tag of the `manager` container of Deployment kserve-controller-manager. */
export function controllerVersion(dep: any): {version: string | null; image: string | null} {
  const containers = dep?.spec?.template?.spec?.containers ?? []
  const c = containers.find((x: any) => x.name === 'manager') ?? containers[0]
  if (!c?.image) return {version: null, image: null}
  const tag = parseImage(c.image)?.tag
  return {version: parseRelease(tag) ? tag! : null, image: c.image}
}
