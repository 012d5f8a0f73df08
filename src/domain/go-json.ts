/**
 * The `storageInitializer` document as KServe's Go code reads it: `json.Unmarshal` into StorageInitializerConfig
 * (pkg/types/config.go@v0.20.0, storage_initializer_injector.go@v0.15.2). Go matches keys case-insensitively, by
 * Unicode simple case folding (`cpuRequeſt` is cpuRequest: goFieldOf in json-edit.ts), and the last matching key wins
 * (`"Image"` after `"image"` is the image), a value of the wrong JSON type is an error that KServe turns into a panic
 * (configmap.go GetStorageInitializerConfigs@v0.20.0), and an int64 field refuses `1010.0`.
 */
import {goFieldOf, members} from './json-edit.js'
import {FIELDS, fieldKnownIn} from './storage-initializer.js'
import type {Release} from './release.js'

const GO_TYPE: Record<string, string> = {string: 'string', quantity: 'string', bool: 'bool', int: 'int64'}

export interface GoDecoded {
  /** field name (as KServe's json tag spells it) -> the value Go ends up with */
  config: Record<string, unknown>
  /** field -> the document key Go took it from (the last one that matches, whatever its case) */
  keyOf: Record<string, string>
  /** Go's decode error, as it words it; KServe panics on it */
  errors: {field: string; key: string; message: string}[]
  /** fields set by more than one key (case variants or exact duplicates): every key, in order */
  duplicates: {field: string; keys: string[]}[]
  /** keys read under another case than the field's (`CPURequest` -> cpuRequest) */
  folded: {key: string; field: string}[]
}

function jsonType(raw: string): string {
  const c = raw[0]
  return c === '"' ? 'string' : c === '{' ? 'object' : c === '[' ? 'array' : c === 't' || c === 'f' ? 'bool' : c === 'n' ? 'null' : 'number'
}

/** Decode as Go does, for the fields the release's struct has (no release: every field of any release). */
export function decodeStorageInitializer(text: string, release?: Release): GoDecoded {
  const fields = FIELDS.filter(f => fieldKnownIn(f, release))
  const names = fields.map(f => f.name)
  const out: GoDecoded = {config: {}, keyOf: {}, errors: [], duplicates: [], folded: []}
  const seen = new Map<string, string[]>()
  for (const {key, raw} of members(text)) {
    const name = goFieldOf(key, names)
    if (name === undefined) continue
    const f = fields.find(x => x.name === name)!
    seen.set(f.name, [...(seen.get(f.name) ?? []), key])
    if (key !== f.name) out.folded.push({key, field: f.name})
    const t = jsonType(raw)
    // null leaves the field as it was, as Go does
    if (t === 'null') continue
    const want = GO_TYPE[f.type]
    const ok = want === 'string' ? t === 'string' : want === 'bool' ? t === 'bool' : t === 'number' && /^-?\d+$/.test(raw)
    if (!ok) {
      const what = t === 'number' ? `number${want === 'int64' ? ` ${raw}` : ''}` : t
      out.errors.push({
        field: f.name,
        key,
        message: `json: cannot unmarshal ${what} into Go struct field StorageInitializerConfig.${f.name} of type ${want}`,
      })
      continue
    }
    out.config[f.name] = JSON.parse(raw)
    out.keyOf[f.name] = key
  }
  for (const [field, keys] of seen) if (keys.length > 1) out.duplicates.push({field, keys})
  return out
}
