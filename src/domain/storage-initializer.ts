/** The `storageInitializer` document of the inferenceservice-config ConfigMap: parsing, and what each field means. */
import {atLeast, type Release} from './release.js'
import {jsonSyntaxError, jsonTooDeep} from './json-error.js'

export type FieldType = 'string' | 'quantity' | 'bool' | 'int'

export interface FieldSpec {
  name: string
  type: FieldType
  /** first release that reads it (major.minor[.patch]) */
  since: string
  /** first release that no longer reads it */
  until?: string
  description: string
}

/** The resource fields of the document: the Kubernetes resource and the kind (requests, limits) each one sets. */
export const RESOURCE_FIELDS = {
  memoryRequest: {kind: 'requests', resource: 'memory'},
  memoryLimit: {kind: 'limits', resource: 'memory'},
  cpuRequest: {kind: 'requests', resource: 'cpu'},
  cpuLimit: {kind: 'limits', resource: 'cpu'},
} as const

export type ResourceField = keyof typeof RESOURCE_FIELDS

export const isResourceField = (field: string): field is ResourceField => Object.hasOwn(RESOURCE_FIELDS, field)

/** The field that sets a resource's request or limit: (requests, cpu) -> cpuRequest. */
export const resourceField = (kind: 'requests' | 'limits', resource: 'cpu' | 'memory'): ResourceField =>
  `${resource}${kind === 'requests' ? 'Request' : 'Limit'}`

/** Every field KServe's StorageInitializerConfig has had (see reference/kserve-storage-initializer.md section 2). */
export const FIELDS: FieldSpec[] = [
  {name: 'image', type: 'string', since: '0.9', description: 'init container image when no ClusterStorageContainer matches'},
  {name: 'cpuRequest', type: 'quantity', since: '0.9', description: 'init container CPU request'},
  {name: 'cpuLimit', type: 'quantity', since: '0.9', description: 'init container CPU limit'},
  {name: 'memoryRequest', type: 'quantity', since: '0.9', description: 'init container memory request'},
  {name: 'memoryLimit', type: 'quantity', since: '0.9', description: 'init container memory limit'},
  {
    name: 'storageSpecSecretName',
    type: 'string',
    since: '0.9',
    until: '0.11',
    description: 'storage spec secret (moved to the credentials key)',
  },
  {name: 'enableDirectPvcVolumeMount', type: 'bool', since: '0.11', until: '0.16', description: 'mount pvc:// directly instead of copying'},
  {name: 'caBundleConfigMapName', type: 'string', since: '0.12', description: 'ConfigMap with a CA bundle copied to model namespaces'},
  {name: 'caBundleVolumeMountPath', type: 'string', since: '0.12', description: 'mount path of the CA bundle'},
  {name: 'enableModelcar', type: 'bool', since: '0.12', description: 'oci:// models run as a modelcar sidecar'},
  {name: 'cpuModelcar', type: 'quantity', since: '0.12', description: 'modelcar CPU (request = limit)'},
  {name: 'memoryModelcar', type: 'quantity', since: '0.12', description: 'modelcar memory (request = limit)'},
  {name: 'uidModelcar', type: 'int', since: '0.12', description: 'runAsUser of the modelcar and kserve-container'},
  {name: 'enableOciModelSupport', type: 'bool', since: '0.20', description: 'OCI model switch (same as enableModelcar)'},
  {name: 'ociModelMode', type: 'string', since: '0.20', description: 'modelcar, native (ImageVolume) or fetch (init container)'},
  {
    name: 'ociInsecureRegistry',
    type: 'bool',
    since: '0.21',
    description: 'plain-HTTP registry for oci+fetch:// (unreleased: KServe master)',
  },
]

export type FieldStatus = 'known' | 'not-in-release' | 'unknown'

export interface FieldView {
  name: string
  value: unknown
  status: FieldStatus
  /** for not-in-release: which releases read it */
  releases?: string
  /** a key KServe reads as another field's (Go folds case: `Image` is image) */
  readAs?: string
  description?: string
}

export function fieldKnownIn(spec: FieldSpec, release: Release | undefined): boolean {
  if (!release) return true
  return atLeast(release, spec.since) && (spec.until === undefined || !atLeast(release, spec.until))
}

function releasesOf(spec: FieldSpec): string {
  return spec.until ? `v${spec.since} to v${lastBefore(spec.until)}` : `v${spec.since} and later`
}

function lastBefore(v: string): string {
  const [maj, min] = v.split('.').map(Number)
  return `${maj}.${min - 1}`
}

/** Every field of the document in its own order, classified for the given release (unknown release: any). */
export function describeFields(
  doc: Record<string, unknown>,
  release: Release | undefined,
  fold: (key: string) => string | undefined = () => undefined,
): FieldView[] {
  return Object.entries(doc).map(([name, value]) => {
    // Go's encoding/json matches keys case-insensitively (Unicode simple folding): `Image` is read as image
    const folded = FIELDS.some(f => f.name === name) ? undefined : fold(name)
    const spec = FIELDS.find(f => f.name === (folded ?? name))
    if (!spec) return {name, value, status: 'unknown' as const}
    const readAs = folded ? {readAs: folded} : {}
    if (fieldKnownIn(spec, release)) return {name, value, status: 'known' as const, description: spec.description, ...readAs}
    return {name, value, status: 'not-in-release' as const, releases: releasesOf(spec), description: spec.description, ...readAs}
  })
}

export class DocumentSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    /** valid for KServe, only nested deeper than this plugin reads: KServe is not broken by it */
    readonly beyondPlugin = false,
  ) {
    super(message)
    this.name = 'DocumentSyntaxError'
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  return {line, column: offset - before.lastIndexOf('\n')}
}

/**
 * Parse the JSON string; a syntax error says where. The document must be a JSON object, nested at most MAX_DEPTH
 * levels: whichever comes first in the text, a syntax error or a level too deep, is the error, as Go's scanner reports.
 */
export function parseStorageInitializer(text: string): Record<string, unknown> {
  const deep = jsonTooDeep(text)
  const at = (offset: number, what: string, beyondPlugin = false) => {
    const {line, column} = lineColumn(text, offset)
    return new DocumentSyntaxError(`${what} at line ${line}, column ${column}`, line, column, beyondPlugin)
  }
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    const msg = (e as Error).message
    const pos = /at position (\d+)/.exec(msg)
    // without V8's position (Bun words every JSON error otherwise, and never says where): found and worded as V8 does;
    // only up to a level too deep, so that its scanner, which recurses, never goes deeper than MAX_DEPTH
    const found = pos ? undefined : jsonSyntaxError(deep ? text.slice(0, deep.offset) : text)
    const offset = pos ? Number(pos[1]) : (found?.offset ?? text.length)
    if (deep && offset >= deep.offset) throw at(deep.offset, deep.message)
    const what = found?.message ?? msg.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')
    throw at(offset, what)
  }
  // valid JSON within Go's limit, only deeper than the plugin's walks go
  if (deep) throw at(deep.offset, deep.message, deep.beyondPlugin)
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new DocumentSyntaxError('expected a JSON object', 1, 1)
  return v as Record<string, unknown>
}
