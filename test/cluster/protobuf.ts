/**
 * Just enough of the Kubernetes protobuf encoding to read the bodies that kubectl's typed clients send
 * (`kubectl create namespace|configmap|secret|serviceaccount|role|clusterrole|rolebinding|clusterrolebinding`, `auth can-i`,
 * `auth whoami`): the `k8s\0` envelope
 * (runtime.Unknown) and the fields of those few types, decoded into the same JSON the API server would store.
 */

type Field = {n: number; wire: number; value: Buffer | number | bigint}

function varint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n
  let shift = 0n
  for (;;) {
    const b = buf[pos++]
    result |= BigInt(b & 0x7f) << shift
    if ((b & 0x80) === 0) return [result, pos]
    shift += 7n
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = []
  let pos = 0
  while (pos < buf.length) {
    const [tag, p1] = varint(buf, pos)
    pos = p1
    const n = Number(tag >> 3n)
    const wire = Number(tag & 7n)
    if (wire === 0) {
      const [v, p] = varint(buf, pos)
      out.push({n, wire, value: v})
      pos = p
    } else if (wire === 2) {
      const [len, p] = varint(buf, pos)
      out.push({n, wire, value: buf.subarray(p, p + Number(len))})
      pos = p + Number(len)
    } else if (wire === 1) {
      out.push({n, wire, value: buf.readBigUInt64LE(pos)})
      pos += 8
    } else if (wire === 5) {
      out.push({n, wire, value: buf.readUInt32LE(pos)})
      pos += 4
    } else throw new Error(`unsupported protobuf wire type ${wire}`)
  }
  return out
}

type Schema = Record<number, [string, Kind]>
type Kind = 'string' | 'bytes' | 'int' | 'bool' | 'map' | 'bytesmap' | 'strings' | 'time' | Schema | ['repeated', Schema]

const TYPE_META: Schema = {1: ['apiVersion', 'string'], 2: ['kind', 'string']}
const OBJECT_META: Schema = {
  1: ['name', 'string'],
  2: ['generateName', 'string'],
  3: ['namespace', 'string'],
  5: ['uid', 'string'],
  6: ['resourceVersion', 'string'],
  7: ['generation', 'int'],
  11: ['labels', 'map'],
  12: ['annotations', 'map'],
  14: ['finalizers', 'strings'],
}
const REF: Schema = {1: ['name', 'string']}
const RESOURCE_ATTRIBUTES: Schema = {
  1: ['namespace', 'string'],
  2: ['verb', 'string'],
  3: ['group', 'string'],
  4: ['version', 'string'],
  5: ['resource', 'string'],
  6: ['subresource', 'string'],
  7: ['name', 'string'],
}
// k8s.io/api/rbac/v1 generated.proto (kubectl create role|clusterrole|rolebinding|clusterrolebinding)
const POLICY_RULE: Schema = {
  1: ['verbs', 'strings'],
  2: ['apiGroups', 'strings'],
  3: ['resources', 'strings'],
  4: ['resourceNames', 'strings'],
  5: ['nonResourceURLs', 'strings'],
}
const SUBJECT: Schema = {1: ['kind', 'string'], 2: ['apiGroup', 'string'], 3: ['name', 'string'], 4: ['namespace', 'string']}
const ROLE_REF: Schema = {1: ['apiGroup', 'string'], 2: ['kind', 'string'], 3: ['name', 'string']}
const LABEL_SELECTOR: Schema = {
  1: ['matchLabels', 'map'],
  2: ['matchExpressions', ['repeated', {1: ['key', 'string'], 2: ['operator', 'string'], 3: ['values', 'strings']}]],
}
const BINDING: Schema = {1: ['metadata', OBJECT_META], 2: ['subjects', ['repeated', SUBJECT]], 3: ['roleRef', ROLE_REF]}
const SCHEMAS: Record<string, Schema> = {
  Role: {1: ['metadata', OBJECT_META], 2: ['rules', ['repeated', POLICY_RULE]]},
  ClusterRole: {
    1: ['metadata', OBJECT_META],
    2: ['rules', ['repeated', POLICY_RULE]],
    3: ['aggregationRule', {1: ['clusterRoleSelectors', ['repeated', LABEL_SELECTOR]]}],
  },
  RoleBinding: BINDING,
  ClusterRoleBinding: BINDING,
  Namespace: {1: ['metadata', OBJECT_META], 2: ['spec', {1: ['finalizers', 'strings']}]},
  ConfigMap: {1: ['metadata', OBJECT_META], 2: ['data', 'map'], 3: ['binaryData', 'bytesmap'], 4: ['immutable', 'bool']},
  Secret: {
    1: ['metadata', OBJECT_META],
    2: ['data', 'bytesmap'],
    3: ['type', 'string'],
    4: ['stringData', 'map'],
    5: ['immutable', 'bool'],
  },
  ServiceAccount: {
    1: ['metadata', OBJECT_META],
    2: ['secrets', ['repeated', REF]],
    3: ['imagePullSecrets', ['repeated', REF]],
    4: ['automountServiceAccountToken', 'bool'],
  },
  SelfSubjectAccessReview: {
    1: ['metadata', OBJECT_META],
    2: [
      'spec',
      {1: ['resourceAttributes', RESOURCE_ATTRIBUTES], 2: ['nonResourceAttributes', {1: ['path', 'string'], 2: ['verb', 'string']}]},
    ],
  },
  SelfSubjectReview: {1: ['metadata', OBJECT_META]},
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, any> = {}
  for (const f of fields(buf)) {
    const def = schema[f.n]
    if (!def) continue
    const [name, kind] = def
    const b = f.value as Buffer
    // Go's encoder writes zero values too; the JSON form omits them
    if (kind === 'string') {
      if (b.length > 0) out[name] = b.toString('utf8')
    } else if (kind === 'bytes') out[name] = b.toString('base64')
    else if (kind === 'int') {
      if (f.value !== 0n) out[name] = Number(f.value)
    } else if (kind === 'bool') {
      if (f.value === 1n) out[name] = true
    } else if (kind === 'strings') (out[name] ??= []).push(b.toString('utf8'))
    else if (kind === 'map' || kind === 'bytesmap') {
      const entry = decode(b, {1: ['k', 'string'], 2: ['v', kind === 'map' ? 'string' : 'bytes']})
      ;(out[name] ??= {})[String(entry.k)] = entry.v ?? ''
    } else if (Array.isArray(kind)) (out[name] ??= []).push(decode(b, kind[1]))
    else if (typeof kind === 'object') out[name] = decode(b, kind)
  }
  return out
}

/** The JSON object inside a `k8s\0`-prefixed protobuf body. */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.subarray(0, 4).toString('latin1') !== 'k8s\0') throw new Error('missing the k8s protobuf envelope')
  const unknown = decode(body.subarray(4), {1: ['typeMeta', TYPE_META], 2: ['raw', 'bytes'], 4: ['contentType', 'string']}) as any
  const kind = unknown.typeMeta?.kind as string
  const schema = SCHEMAS[kind]
  if (!schema) throw new Error(`protobuf bodies of kind ${kind} are not supported by the simulated cluster; send JSON`)
  const obj = decode(Buffer.from(unknown.raw ?? '', 'base64'), schema)
  return {apiVersion: unknown.typeMeta.apiVersion, kind, ...obj}
}
