/**
 * Reading a Helm release from its release Secret (pure), apart from helm-values.ts so that only validate, which
 * compares the live configuration with the release, loads node:zlib.
 */
import {gunzipSync} from 'node:zlib'

/**
 * A Helm release as its release Secret (type helm.sh/release.v1) holds it: `data.release` is base64 (the Secret's) of
 * base64 (Helm's) of gzip of the release JSON, whose `manifest` is every object the chart rendered.
 */
export function decodeRelease(secretData: string): {version?: number; manifest: string} {
  const raw = Buffer.from(Buffer.from(secretData, 'base64').toString('utf8'), 'base64')
  const release = JSON.parse((raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8'))
  return {
    version: release.version === undefined || release.version === null ? undefined : Number(release.version),
    manifest: String(release.manifest ?? ''),
  }
}
