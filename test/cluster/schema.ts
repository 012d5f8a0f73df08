/**
 * Custom resources as kube-apiserver treats them under a structural schema (apiextensions-apiserver: pruning, defaulting,
 * validation): unknown fields are dropped unless `x-kubernetes-preserve-unknown-fields`, `default`s are filled in on
 * write and on read, and values of the wrong type, missing required fields and values outside an enum are refused with
 * 422. Quantities inside custom resources are kept as written (no canonical form). Recorded:
 * test/fixtures/apiserver/csc-create-defaulted.json (a ClusterStorageContainer without workloadType comes back with
 * `workloadType: initContainer` and `supportsMultiModelDownload: false`, `1024Mi` unchanged).
 */

export interface Cause {
  field: string
  message: string
  reason: string
}

type Schema = Record<string, any>

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Drop the fields the schema does not declare. At the root, apiVersion, kind and metadata always stay. */
export function prune(value: unknown, schema: Schema | undefined, root = true): unknown {
  if (!schema) return value
  if (Array.isArray(value)) return schema.items ? value.map(v => prune(v, schema.items, false)) : value
  if (!isObject(value)) return value
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true
  const props: Record<string, Schema> | undefined = schema.properties
  const additional = isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) {
    if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) out[k] = v
    else if (props && k in props) out[k] = prune(v, props[k], false)
    else if (additional) out[k] = prune(v, additional, false)
    else if (preserve || (!props && !additional)) out[k] = v
  }
  return out
}

/** Fill `default`s of absent fields, then descend. */
export function applyDefaults(value: unknown, schema: Schema | undefined): unknown {
  if (!schema) return value
  if (Array.isArray(value)) return schema.items ? value.map(v => applyDefaults(v, schema.items)) : value
  if (!isObject(value)) return value
  const out: Record<string, unknown> = {...value}
  for (const [k, s] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (out[k] === undefined && s.default !== undefined) out[k] = structuredClone(s.default)
    if (out[k] !== undefined) out[k] = applyDefaults(out[k], s)
  }
  if (isObject(schema.additionalProperties))
    for (const k of Object.keys(out)) if (!(k in (schema.properties ?? {}))) out[k] = applyDefaults(out[k], schema.additionalProperties)
  return out
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'array'
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number'
  return typeof v
}

/** Type, required and enum checks, with the API server's wording. */
export function validateSchema(value: unknown, schema: Schema | undefined, path = ''): Cause[] {
  if (!schema) return []
  const causes: Cause[] = []
  const at = (k: string | number) => (typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k)
  if (value === null) {
    if (schema.nullable) return []
    // an explicit null for a field with a type is refused (nullable: false)
    if (schema.type)
      causes.push({
        field: path,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`,
      })
    return causes
  }
  const actual = typeOf(value)
  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string')
      causes.push({
        field: path,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "${actual}": ${path} in body must be of type integer,string: "${actual}"`,
      })
    return causes
  }
  const want = schema.type
  if (want && !(want === actual || (want === 'number' && actual === 'integer'))) {
    causes.push({
      field: path,
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: "${actual}": ${path} in body must be of type ${want}: "${actual}"`,
    })
    return causes
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(value)))
    causes.push({
      field: path,
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e: unknown) => JSON.stringify(e)).join(', ')}`,
    })
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => causes.push(...validateSchema(v, schema.items, at(i))))
  if (isObject(value)) {
    for (const r of (schema.required ?? []) as string[])
      if (value[r] === undefined) causes.push({field: at(r), reason: 'FieldValueRequired', message: 'Required value'})
    for (const [k, v] of Object.entries(value)) {
      const s = schema.properties?.[k] ?? (isObject(schema.additionalProperties) ? schema.additionalProperties : undefined)
      if (path === '' && k === 'metadata') continue
      causes.push(...validateSchema(v, s, at(k)))
    }
  }
  return causes
}
