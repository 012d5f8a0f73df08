/**
 * The size limits of kube-apiserver and etcd, as the simulated cluster holds them (test/cluster/README.md): a ConfigMap's
 * or Secret's data over 1 MiB (422, on create, update, every patch type and dry runs), annotations over 256 KiB (422), a
 * body over 3 MiB (413), a JSON patch of more than 10000 operations (413), and an object over etcd's 1.5 MiB request
 * limit (500, "etcdserver: request is too large").
 */
import {writeFileSync} from 'node:fs'
import {request} from 'node:https'
import {join} from 'node:path'

import {kubectl, startCluster, type Started} from '../helpers.js'

let s: Started
beforeAll(async () => {
  s = await startCluster()
  s.cluster.seed({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'ml'}})
})
afterAll(() => s.cluster.stop())

const MiB = 1024 * 1024
const CM = '/api/v1/namespaces/ml/configmaps'

function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{code: number; text: string; body: any}> {
  const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, s.cluster.url),
      {
        method,
        ca: s.cluster.certs!.caPem,
        headers: {
          Authorization: `Bearer ${s.cluster.users['sim-admin'].token}`,
          ...(text !== undefined ? {'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(text))} : {}),
        },
      },
      res => {
        const chunks: Buffer[] = []
        res.on('data', d => chunks.push(d))
        res.on('end', () => {
          const t = Buffer.concat(chunks).toString('utf8')
          let parsed
          try {
            parsed = JSON.parse(t)
          } catch {
            parsed = undefined
          }
          resolve({code: res.statusCode ?? 0, text: t, body: parsed})
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(text)
  })
}

const configMap = (name: string, data: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name, namespace: 'ml'},
  data,
  ...extra,
})

/** The Status of a ConfigMap over 1 MiB, as kube-apiserver v1.21 writes it (ValidateConfigMap: field.TooLong on ""). */
const tooLong = (name: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message: `ConfigMap "${name}" is invalid: []: Too long: must have at most 1048576 bytes`,
  reason: 'Invalid',
  details: {
    name,
    kind: 'ConfigMap',
    causes: [{reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: '[]'}],
  },
  code: 422,
})

describe('a ConfigMap holds at most 1 MiB of data (ValidateConfigMap)', () => {
  test('create: exactly 1 MiB over two keys is taken, one byte more is 422 with the exact Status', async () => {
    const ok = await call('POST', CM, configMap('at-limit', {a: 'x'.repeat(MiB - 10), b: 'y'.repeat(10)}))
    expect(ok.code).toBe(201)
    const over = await call('POST', CM, configMap('over-limit', {a: 'x'.repeat(MiB - 10), b: 'y'.repeat(11)}))
    expect(over.code).toBe(422)
    // byte for byte, key order included
    expect(over.text).toBe(JSON.stringify(tooLong('over-limit')))
    expect(s.cluster.store.get('/configmaps', 'ml', 'over-limit')).toBeUndefined()
  })

  test('bytes are counted, not characters; keys are not counted; binaryData counts decoded', async () => {
    // 2 bytes a character: half a MiB of characters is a whole MiB
    expect((await call('POST', CM, configMap('utf8-ok', {['k'.repeat(200)]: 'é'.repeat(MiB / 2)}))).code).toBe(201)
    expect((await call('POST', CM, configMap('utf8-over', {a: 'é'.repeat(MiB / 2), b: 'x'}))).body).toEqual(tooLong('utf8-over'))
    const binary = Buffer.alloc(MiB / 2).toString('base64') // 0.67 MiB of base64, 0.5 MiB of bytes
    expect((await call('POST', CM, configMap('binary-ok', {a: 'x'.repeat(MiB / 2)}, {binaryData: {b: binary}}))).code).toBe(201)
    const over = await call('POST', CM, configMap('binary-over', {a: 'x'.repeat(MiB / 2 + 1)}, {binaryData: {b: binary}}))
    expect(over.body).toEqual(tooLong('binary-over'))
  })

  test('update (PUT): the new object is judged; nothing is stored when refused', async () => {
    const cur = (await call('POST', CM, configMap('put', {a: 'x'.repeat(MiB - 1)}))).body
    expect((await call('PUT', `${CM}/put`, {...cur, data: {a: 'x'.repeat(MiB)}})).code).toBe(200)
    const after = (await call('GET', `${CM}/put`)).body
    const over = await call('PUT', `${CM}/put`, {...after, data: {a: 'x'.repeat(MiB), b: 'y'}})
    expect(over.body).toEqual(tooLong('put'))
    const now = (await call('GET', `${CM}/put`)).body
    expect(now.metadata.resourceVersion).toBe(after.metadata.resourceVersion)
    expect(now.data.b).toBeUndefined()
  })

  test('every patch type judges the object after the patch', async () => {
    await call('POST', CM, configMap('patched', {a: 'x'.repeat(MiB - 2)}))
    const before = (await call('GET', `${CM}/patched`)).body.metadata.resourceVersion
    const merge = (data: Record<string, string>) => call('PATCH', `${CM}/patched`, {data}, 'application/merge-patch+json')
    // a small patch that tips the whole over
    expect((await merge({b: 'yyy'})).body).toEqual(tooLong('patched'))
    expect((await call('PATCH', `${CM}/patched`, {data: {b: 'yyy'}}, 'application/strategic-merge-patch+json')).body).toEqual(
      tooLong('patched'),
    )
    expect(
      (await call('PATCH', `${CM}/patched`, [{op: 'add', path: '/data/b', value: 'yyy'}], 'application/json-patch+json')).body,
    ).toEqual(tooLong('patched'))
    expect(
      (
        await call(
          'PATCH',
          `${CM}/patched?fieldManager=t`,
          {apiVersion: 'v1', kind: 'ConfigMap', data: {b: 'yyy'}},
          'application/apply-patch+yaml',
        )
      ).body,
    ).toEqual(tooLong('patched'))
    // a dry run is validated all the same
    expect((await call('PATCH', `${CM}/patched?dryRun=All`, {data: {b: 'yyy'}}, 'application/merge-patch+json')).code).toBe(422)
    expect((await call('GET', `${CM}/patched`)).body.metadata.resourceVersion).toBe(before)
    // just under: taken; and a patch that removes a key brings an over-limit change back under
    expect((await merge({b: 'yy'})).code).toBe(200)
    expect((await merge({b: null as unknown as string, c: 'zz'})).code).toBe(200)
  })

  test('a dry-run create is refused as a real one', async () => {
    const r = await call('POST', `${CM}?dryRun=All`, configMap('dry', {a: 'x'.repeat(MiB + 1)}))
    expect(r.body).toEqual(tooLong('dry'))
  })
})

test('a Secret: decoded data and stringData together, refused on "data"', async () => {
  const secret = (name: string, data: Record<string, string>, stringData?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {name, namespace: 'ml'},
    data,
    ...(stringData ? {stringData} : {}),
  })
  const b64 = (n: number) => Buffer.alloc(n, 1).toString('base64')
  expect((await call('POST', '/api/v1/namespaces/ml/secrets', secret('s-ok', {a: b64(MiB)}))).code).toBe(201)
  const over = await call('POST', '/api/v1/namespaces/ml/secrets', secret('s-over', {a: b64(MiB - 1)}, {b: 'xy'}))
  expect(over.code).toBe(422)
  expect(over.body.message).toBe('Secret "s-over" is invalid: data: Too long: must have at most 1048576 bytes')
  expect(over.body.details.causes).toEqual([
    {reason: 'FieldValueTooLong', message: 'Too long: must have at most 1048576 bytes', field: 'data'},
  ])
  // a stringData key replaces the data key of the same name
  expect((await call('POST', '/api/v1/namespaces/ml/secrets', secret('s-replaced', {a: b64(MiB)}, {a: 'x'}))).code).toBe(201)
})

test('annotations: keys and values together at most 256 KiB (ValidateAnnotations), for every kind', async () => {
  const annotated = (name: string, n: number) => configMap(name, {}, {metadata: {name, namespace: 'ml', annotations: {a: 'x'.repeat(n)}}})
  expect((await call('POST', CM, annotated('ann-ok', 256 * 1024 - 1))).code).toBe(201)
  const over = await call('POST', CM, annotated('ann-over', 256 * 1024))
  expect(over.code).toBe(422)
  expect(over.body.message).toBe('ConfigMap "ann-over" is invalid: metadata.annotations: Too long: must have at most 262144 bytes')
  // both causes, the object's metadata first
  const both = await call('POST', CM, {...annotated('ann-both', 256 * 1024), data: {a: 'x'.repeat(MiB + 1)}})
  expect(both.body.message).toBe(
    'ConfigMap "ann-both" is invalid: [metadata.annotations: Too long: must have at most 262144 bytes, []: Too long: must have at most 1048576 bytes]',
  )
})

test('a body over 3 MiB: 413 before it is decoded, for create, update and patch', async () => {
  const big = JSON.stringify(configMap('huge', {a: 'x'.repeat(3 * MiB)}))
  const expected = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'Request entity too large: limit is 3145728',
    reason: 'RequestEntityTooLarge',
    code: 413,
  }
  const create = await call('POST', CM, big)
  expect(create.code).toBe(413)
  expect(create.text).toBe(JSON.stringify(expected))
  expect((await call('PUT', `${CM}/huge`, big)).body).toEqual(expected)
  expect((await call('PATCH', `${CM}/huge`, big, 'application/merge-patch+json')).body).toEqual(expected)
  // the patch type is checked first (415), as PatchResource does
  expect((await call('PATCH', `${CM}/huge`, big, 'text/plain')).code).toBe(415)
})

test('a JSON patch of more than 10000 operations: 413', async () => {
  await call('POST', CM, configMap('ops', {}))
  const ops = (n: number) => Array.from({length: n}, (_, i) => ({op: 'add', path: `/data/k${i % 10}`, value: 'v'}))
  const r = await call('PATCH', `${CM}/ops`, ops(10001), 'application/json-patch+json')
  expect(r.code).toBe(413)
  expect(r.body.message).toBe('Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001')
  expect((await call('PATCH', `${CM}/ops`, ops(10000), 'application/json-patch+json')).code).toBe(200)
})

test('an object over etcd\'s 1.5 MiB request limit: 500 "etcdserver: request is too large", no reason; a dry run passes', async () => {
  const csc = (name: string, n: number) => ({
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ClusterStorageContainer',
    metadata: {name},
    spec: {container: {name: 'storage-initializer', image: 'x', args: ['x'.repeat(n)]}, supportedUriFormats: [{prefix: 's3://'}]},
  })
  const path = '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers'
  expect((await call('POST', path, csc('fits', 1.4 * MiB))).code).toBe(201)
  const r = await call('POST', path, csc('too-big', 1.5 * MiB))
  expect(r.code).toBe(500)
  expect(r.text).toBe(
    JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'etcdserver: request is too large',
      code: 500,
    }),
  )
  expect(s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'too-big')).toBeUndefined()
  expect((await call('POST', `${path}?dryRun=All`, csc('too-big', 1.5 * MiB))).code).toBe(201)
  // an update that grows an object past it: the same; the stored object is unchanged
  const cur = (await call('GET', `${path}/fits`)).body
  const grown = await call('PUT', `${path}/fits`, {
    ...cur,
    spec: {...cur.spec, container: {...cur.spec.container, args: ['x'.repeat(1.5 * MiB)]}},
  })
  expect(grown.body.message).toBe('etcdserver: request is too large')
  expect((await call('GET', `${path}/fits`)).body.metadata.resourceVersion).toBe(cur.metadata.resourceVersion)
})

test("kubectl create configmap --from-file over 1 MiB: kubectl reports the API server's refusal", async () => {
  const file = join(s.dir, 'big.txt')
  writeFileSync(file, 'x'.repeat(MiB + 1))
  const r = await kubectl(s.kubeconfig, ['create', 'configmap', 'from-file', '-n', 'ml', `--from-file=${file}`])
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr.trim()).toBe(
    'error: failed to create configmap: ConfigMap "from-file" is invalid: []: Too long: must have at most 1048576 bytes',
  )
  writeFileSync(file, 'x'.repeat(MiB))
  const ok = await kubectl(s.kubeconfig, ['create', 'configmap', 'from-file', '-n', 'ml', `--from-file=${file}`])
  expect(ok.stdout.trim()).toBe('configmap/from-file created')
})
