/**
 * Reading a Helm release from its release Secret (pure), apart from helm-values.ts so that only validate, which
 * compares the live configuration with the release, loads node:zlib.
 *
 * Anyone who may write Secrets in the release's namespace can write one that looks like a release, so every layer is
 * bounded: 500 KB of gzip can hold gigabytes. A real KServe release is a few MB once decompressed.
 */
import {gunzipSync} from 'node:zlib'

/** The API server stores at most 1 MiB of data in a Secret, which base64 (in JSON) makes about 1.4 Mi characters. */
const MAX_SECRET_DATA = 4 * 1024 * 1024
/** The release JSON, decompressed. */
export const MAX_RELEASE = 64 * 1024 * 1024
/** The documents of the manifest that validate parses as YAML (a real KServe release has a few dozen KB of them). */
export const MAX_MANIFEST_PART = 1024 * 1024

const mib = (n: number) => `${n / 1024 / 1024} MiB`

/** Why a release Secret cannot be read, in one line. */
export class ReleaseError extends Error {}

/**
 * A Helm release as its release Secret (type helm.sh/release.v1) holds it: `data.release` is base64 (the Secret's) of
 * base64 (Helm's) of gzip of the release JSON, whose `manifest` is every object the chart rendered.
 */
export function decodeRelease(secretData: string): {version?: number; manifest: string} {
  // base64 only ever shrinks: bounding the text bounds both layers
  if (secretData.length > MAX_SECRET_DATA) throw new ReleaseError(`the release Secret holds more than ${mib(MAX_SECRET_DATA)}`)
  const raw = Buffer.from(Buffer.from(secretData, 'base64').toString('utf8'), 'base64')
  let json: Buffer = raw
  if (raw[0] === 0x1f && raw[1] === 0x8b)
    try {
      json = gunzipSync(raw, {maxOutputLength: MAX_RELEASE})
    } catch (e) {
      throw new ReleaseError(
        (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
          ? `the release Secret decompresses to more than ${mib(MAX_RELEASE)}`
          : `the release Secret is not valid gzip (${(e as Error).message})`,
      )
    }
  let release
  try {
    release = JSON.parse(json.toString('utf8'))
  } catch (e) {
    throw new ReleaseError(`the release Secret does not hold a release: ${(e as Error).message.split('\n')[0]}`)
  }
  return {
    version: release?.version === undefined || release?.version === null ? undefined : Number(release.version),
    manifest: String(release?.manifest ?? ''),
  }
}

/**
 * The documents of a rendered manifest whose text mentions one of `words` (a kind, an object's name), as one YAML
 * stream: parsing YAML costs about a second per 2 MB, and the manifest can be 64 MiB. Throws a ReleaseError when those
 * documents are more than MAX_MANIFEST_PART.
 */
export function manifestPart(manifest: string, words: string[]): string {
  // a document starts at `---` at the start of a line: inside a document no line can start so
  const starts = [0]
  for (const m of manifest.matchAll(/^---(?=[ \t\r\n]|$)/gm)) if (m.index) starts.push(m.index)
  const kept: string[] = []
  let size = 0
  for (let i = 0; i < starts.length; i++) {
    const doc = manifest.slice(starts[i], starts[i + 1] ?? manifest.length)
    if (!words.some(w => doc.includes(w))) continue
    size += doc.length
    if (size > MAX_MANIFEST_PART)
      throw new ReleaseError(`the release's manifest holds more than ${mib(MAX_MANIFEST_PART)} of ${words.join(' and ')} documents`)
    kept.push(doc)
  }
  return kept.map(d => (d.endsWith('\n') ? d : `${d}\n`)).join('')
}
