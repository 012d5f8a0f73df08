/** The simulated API server answers the requests recorded from a real one (test/fixtures/apiserver, recorded from a real one) the same way. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {request} from 'node:https'

import {FIXTURES, startCluster, type Started} from '../helpers.js'

const FIX = join(FIXTURES, 'apiserver')
const fixture = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8'))
const V020 = join(FIXTURES, 'kserve', 'v0.20.0')

let s: Started
let adminToken: string
let readonlyToken: string

function call(
  method: string,
  path: string,
  opts: {token?: string; body?: unknown; contentType?: string; headers?: Record<string, string>} = {},
): Promise<{code: number; body: any; text: string; type: string}> {
  const u = new URL(path, s.cluster.url)
  return new Promise((resolve, reject) => {
    const headers = {
      Authorization: `Bearer ${opts.token ?? adminToken}`,
      ...(opts.body !== undefined ? {'Content-Type': opts.contentType ?? 'application/json'} : {}),
      ...opts.headers,
    }
    const req = request(u, {method, ca: s.cluster.certs!.caPem, headers}, res => {
      let text = ''
      res.on('data', d => (text += d))
      res.on('end', () => {
        let body: any
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({code: res.statusCode ?? 0, body, text, type: String(res.headers['content-type'] ?? '')})
      })
    })
    req.on('error', reject)
    req.end(opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body))
  })
}

/** Status bodies compared whole, with the user name of the recording replaced by ours. */
function expectStatus(actual: any, recorded: any, user?: string) {
  const want = JSON.parse(JSON.stringify(recorded).replaceAll('system:serviceaccount:kube-system:bars-readonly', user ?? ''))
  expect(actual).toEqual(want)
}

beforeAll(async () => {
  s = await startCluster()
  const yaml = await import('yaml')
  s.cluster.seed({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kserve'}})
  s.cluster.seed(yaml.parse(readFileSync(join(V020, 'inferenceservice-config.yaml'), 'utf8')))
  // the recording's cluster had KServe's full CRD (a structural schema with defaults)
  s.cluster.seed(yaml.parse(readFileSync(join(V020, 'crd-clusterstoragecontainers-full.yaml'), 'utf8')))
  const csc = yaml.parse(readFileSync(join(V020, 'clusterstoragecontainer-default.yaml'), 'utf8'))
  csc.spec.container.image = 'kserve/storage-initializer:v0.20.0'
  s.cluster.seed(csc)
  adminToken = s.cluster.users['sim-admin'].token
  readonlyToken = s.cluster.users['sim-readonly'].token
})
afterAll(() => s.cluster.stop())

const CM = '/api/v1/namespaces/kserve/configmaps/inferenceservice-config'

describe('discovery', () => {
  test('/version has the fields of a real one', async () => {
    const r = await call('GET', '/version')
    expect(r.code).toBe(200)
    expect(Object.keys(r.body).sort()).toEqual(Object.keys(fixture('version.json')).sort())
  })
  test('/api', async () => {
    const r = await call('GET', '/api')
    expect(r.body.kind).toBe(fixture('api.json').kind)
    expect(r.body.versions).toEqual(['v1'])
  })
  test('/apis lists groups shaped like the real list, KServe included', async () => {
    const r = await call('GET', '/apis')
    const real = fixture('apis.json')
    expect(r.body.kind).toBe(real.kind)
    const ours = r.body.groups.find((g: any) => g.name === 'serving.kserve.io')
    const theirs = real.groups.find((g: any) => g.name === 'serving.kserve.io')
    expect(ours).toEqual(theirs)
    expect(r.body.groups.find((g: any) => g.name === 'apps')).toEqual(real.groups.find((g: any) => g.name === 'apps'))
  })
  test('/api/v1 describes configmaps, pods and pods/log as the real server does', async () => {
    const r = await call('GET', '/api/v1')
    const real = fixture('api-v1-resources.json')
    const strip = (x: any) => ({name: x.name, namespaced: x.namespaced, kind: x.kind, verbs: [...x.verbs].sort(), shortNames: x.shortNames})
    for (const name of ['configmaps', 'pods', 'pods/log', 'pods/status', 'namespaces', 'secrets', 'serviceaccounts']) {
      expect(strip(r.body.resources.find((x: any) => x.name === name))).toEqual(strip(real.resources.find((x: any) => x.name === name)))
    }
  })
  test('/apis/serving.kserve.io/v1alpha1', async () => {
    const r = await call('GET', '/apis/serving.kserve.io/v1alpha1')
    const real = fixture('serving-v1alpha1-resources.json')
    const strip = (x: any) => ({
      name: x.name,
      namespaced: x.namespaced,
      kind: x.kind,
      verbs: [...x.verbs].sort(),
      singularName: x.singularName,
    })
    expect(r.body.groupVersion).toBe(real.groupVersion)
    expect(r.body.resources.map(strip)).toEqual(real.resources.map(strip))
  })
})

describe('objects', () => {
  test('GET configmap: same data and metadata keys', async () => {
    const r = await call('GET', CM)
    const real = fixture('configmap-get.json')
    expect(r.code).toBe(200)
    expect(r.body.data).toEqual(real.data)
    expect(r.body.kind).toBe('ConfigMap')
    for (const k of ['name', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp']) expect(r.body.metadata).toHaveProperty(k)
  })
  test('404', async () => {
    const r = await call('GET', '/api/v1/namespaces/kserve/configmaps/nope')
    expect(r.code).toBe(404)
    expectStatus(r.body, fixture('configmap-notfound.json'))
  })
  test('404 for a custom resource names the group', async () => {
    const r = await call('GET', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers/nope')
    expect(r.code).toBe(404)
    expectStatus(r.body, fixture('csc-notfound.json'))
  })
  test('PUT with a stale resourceVersion: 409 Conflict', async () => {
    const cur = (await call('GET', CM)).body
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'yes'}}}, contentType: 'application/merge-patch+json'})
    const r = await call('PUT', CM, {body: cur})
    expect(r.code).toBe(409)
    expectStatus(r.body, fixture('configmap-put-conflict.json'))
  })
  test('merge patch with dryRun=All answers the patched object and stores nothing', async () => {
    const before = (await call('GET', CM)).body
    const r = await call('PATCH', `${CM}?dryRun=All`, {
      body: {metadata: {labels: {dry: 'run'}}},
      contentType: 'application/merge-patch+json',
    })
    expect(r.code).toBe(200)
    expect(r.body.metadata.labels.dry).toBe(fixture('configmap-patch-merge-dryrun.json').metadata.labels.dry)
    const after = (await call('GET', CM)).body
    expect(after).toEqual(before)
  })
  test('a failed JSON patch test: 422', async () => {
    const r = await call('PATCH', CM, {
      body: [{op: 'test', path: '/data/storageInitializer', value: 'nope'}],
      contentType: 'application/json-patch+json',
    })
    expect(r.code).toBe(422)
    expectStatus(r.body, fixture('configmap-patch-json-test-fails.json'))
  })
  test('create with an invalid name: 422 with causes', async () => {
    const r = await call('POST', '/api/v1/namespaces/kserve/configmaps', {
      body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'Bad_Name'}},
    })
    expect(r.code).toBe(422)
    expectStatus(r.body, fixture('configmap-create-invalid.json'))
  })
  test('create an existing object: 409 AlreadyExists', async () => {
    const r = await call('POST', '/api/v1/namespaces/kserve/configmaps', {
      body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'inferenceservice-config'}},
    })
    expect(r.code).toBe(409)
    expectStatus(r.body, fixture('configmap-create-exists.json'))
  })
  test('read-only user: 403 on patch and delete', async () => {
    const p = await call('PATCH', CM, {token: readonlyToken, body: {}, contentType: 'application/merge-patch+json'})
    expect(p.code).toBe(403)
    expectStatus(p.body, fixture('configmap-patch-forbidden.json'), s.cluster.users['sim-readonly'].name)
    const d = await call('DELETE', CM, {token: readonlyToken})
    expect(d.code).toBe(403)
    expectStatus(d.body, fixture('configmap-delete-forbidden.json'), s.cluster.users['sim-readonly'].name)
  })
  test('bad token: 401', async () => {
    const r = await call('GET', '/api/v1/namespaces/kserve/configmaps', {token: 'nope'})
    expect(r.code).toBe(401)
    expectStatus(r.body, fixture('unauthorized-badtoken.json'))
  })
  test('SelfSubjectAccessReview answers from the same table', async () => {
    const body = {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      spec: {resourceAttributes: {namespace: 'kserve', verb: 'patch', resource: 'configmaps'}},
    }
    const r = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {token: readonlyToken, body})
    expect(r.code).toBe(201)
    expect(r.body.status).toEqual(fixture('ssar-create.json').status)
    expect(r.body.spec).toEqual(fixture('ssar-create.json').spec)
    const admin = await call('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {body})
    expect(admin.body.status.allowed).toBe(true)
  })
})

describe('lists', () => {
  test('CSC list: items and list metadata as recorded', async () => {
    const r = await call('GET', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers')
    const real = fixture('csc-list.json')
    expect(r.body.kind).toBe(real.kind)
    expect(Object.keys(r.body.metadata).sort()).toEqual(Object.keys(real.metadata).sort())
    expect(r.body.items.map((i: any) => i.spec)).toEqual(real.items.map((i: any) => i.spec))
  })
  test('empty list of InferenceServices', async () => {
    const r = await call('GET', '/apis/serving.kserve.io/v1beta1/namespaces/kserve/inferenceservices')
    const real = fixture('isvc-list-empty.json')
    expect(r.body.items).toEqual([])
    expect(r.body.kind).toBe(real.kind)
    expect(Object.keys(r.body.metadata).sort()).toEqual(Object.keys(real.metadata).sort())
  })
  test('label selector and field selector', async () => {
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'yes'}}}, contentType: 'application/merge-patch+json'})
    const r = await call('GET', '/api/v1/namespaces/kserve/configmaps?labelSelector=touched%3Dyes')
    expect(r.body.items.map((i: any) => i.metadata.name)).toEqual(
      fixture('configmap-list-labelselector.json').items.map((i: any) => i.metadata.name),
    )
    const none = await call('GET', '/api/v1/namespaces/kserve/configmaps?labelSelector=touched%3Dno')
    expect(none.body.items).toEqual([])
    const f = await call('GET', '/api/v1/configmaps?limit=1&fieldSelector=metadata.name%3Dinferenceservice-config')
    expect(f.body.items.map((i: any) => i.metadata.name)).toEqual(
      fixture('configmap-list-limit1.json').items.map((i: any) => i.metadata.name),
    )
  })
  test('limit and continue page through every item once', async () => {
    for (const n of ['a', 'b', 'c'])
      await call('POST', '/api/v1/namespaces/kserve/configmaps', {
        body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `page-${n}`}},
      })
    const names: string[] = []
    let cont = ''
    let pages = 0
    do {
      const r = await call('GET', `/api/v1/namespaces/kserve/configmaps?limit=2${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`)
      names.push(...r.body.items.map((i: any) => i.metadata.name))
      cont = r.body.metadata.continue ?? ''
      if (cont) expect(r.body.metadata.remainingItemCount).toBeGreaterThan(0)
      pages++
    } while (cont)
    expect(pages).toBe(2)
    expect(names.sort()).toEqual(['inferenceservice-config', 'page-a', 'page-b', 'page-c'])
  })
})

describe('watch', () => {
  test('events from a resourceVersion, in order, as the recorded stream', async () => {
    const start = (await call('GET', CM)).body.metadata.resourceVersion
    const events: any[] = []
    const done = new Promise<void>((resolve, reject) => {
      const req = request(
        new URL(
          `/api/v1/namespaces/kserve/configmaps?watch=1&resourceVersion=${start}&fieldSelector=metadata.name%3Dinferenceservice-config`,
          s.cluster.url,
        ),
        {ca: s.cluster.certs!.caPem, headers: {Authorization: `Bearer ${adminToken}`}},
        res => {
          let buf = ''
          res.on('data', d => {
            buf += d
            let i
            while ((i = buf.indexOf('\n')) >= 0) {
              events.push(JSON.parse(buf.slice(0, i)))
              buf = buf.slice(i + 1)
              if (events.length === 3) {
                req.destroy()
                resolve()
              }
            }
          })
        },
      )
      req.on('error', e => (events.length === 3 ? undefined : reject(e)))
      req.end()
    })
    await new Promise(r => setTimeout(r, 50))
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'again'}}}, contentType: 'application/merge-patch+json'})
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'twice'}}}, contentType: 'application/merge-patch+json'})
    const cm = (await call('GET', CM)).body
    await call('DELETE', CM)
    await done
    const real = readFileSync(join(FIX, 'configmap-watch-stream.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    expect(events.map(e => e.type)).toEqual(real.map(e => e.type))
    expect(events.map(e => e.object.kind)).toEqual(real.map(e => e.object.kind))
    const rvs = events.map(e => Number(e.object.metadata.resourceVersion))
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs)
    s.cluster.seed(cm)
  })
  test('a resourceVersion older than the history: ERROR event with 410 Expired', async () => {
    const r = await call('GET', '/api/v1/namespaces/kserve/configmaps?watch=1&resourceVersion=1&timeoutSeconds=1')
    const ev = JSON.parse(r.text.split('\n')[0])
    expect(ev.type).toBe('ERROR')
    expect(ev.object.code).toBe(410)
    expect(ev.object.reason).toBe('Expired')
  })
})

describe('pods/log', () => {
  beforeAll(() => {
    const pod = fixture('pod-get-init-oomkilled.json')
    s.cluster.seed({
      ...pod,
      metadata: {name: pod.metadata.name, namespace: 'ml', labels: pod.metadata.labels},
      spec: pod.spec,
      status: pod.status,
    })
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'model-b',
        namespace: 'ml',
        annotations: {
          'sim.storage-init.dev/logs': JSON.stringify({
            'storage-initializer': [
              {text: 'Successfully copied s3://bucket/model to /mnt/models', time: '2026-11-25T05:34:54.399Z'},
              {text: 'Model downloaded in 4.0 seconds.', time: '2026-11-25T05:34:55.399Z'},
              {text: 'later', after: 3600 * 24 * 365 * 100},
            ],
          }),
        },
      },
      spec: {initContainers: [{name: 'storage-initializer', image: 'x'}], containers: [{name: 'kserve-container', image: 'y'}]},
      status: {
        phase: 'Running',
        initContainerStatuses: [
          {name: 'storage-initializer', state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: '2026-11-25T05:34:50Z'}}},
        ],
        containerStatuses: [{name: 'kserve-container', state: {running: {}}}],
      },
    })
  })
  test("waiting container: 400 in the kubelet's words", async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-a-predictor-1/log?container=kserve-container')
    expect(r.code).toBe(400)
    expectStatus(r.body, fixture('pod-log-waiting.json'))
  })
  test('no container given: the only regular container is used', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-a-predictor-1/log')
    expectStatus(r.body, fixture('pod-log-no-container.json'))
  })
  test('unknown container and unknown pod', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-a-predictor-1/log?container=nope')
    expectStatus(r.body, fixture('pod-log-unknown-container.json'))
    const p = await call('GET', '/api/v1/namespaces/ml/pods/nope/log?container=storage-initializer')
    expectStatus(p.body, fixture('pod-log-pod-notfound.json'))
  })
  test('timestamps and tailLines, byte for byte', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-b/log?container=storage-initializer&timestamps=true&tailLines=2')
    expect(r.code).toBe(200)
    expect(r.text).toBe(readFileSync(join(FIX, 'pod-log-ok.txt'), 'utf8'))
  })
})

describe('content negotiation', () => {
  beforeAll(() => {
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'model-b-1',
        namespace: 'ml',
        annotations: {
          'sim.storage-init.dev/logs': JSON.stringify({
            'storage-initializer': [{text: 'Downloading s3://b/m', time: '2026-11-25T05:34:54.399Z'}],
          }),
        },
      },
      spec: {initContainers: [{name: 'storage-initializer', image: 'x'}], containers: [{name: 'kserve-container', image: 'y'}]},
      status: {
        phase: 'Running',
        initContainerStatuses: [{name: 'storage-initializer', state: {terminated: {exitCode: 0, reason: 'Completed'}}}],
        containerStatuses: [{name: 'kserve-container', state: {running: {}}}],
      },
    })
  })
  const rows = readFileSync(join(FIX, 'pod-log-accept-matrix.tsv'), 'utf8')
    .trim()
    .split('\n')
    .map(l => l.split('\t'))
  test.each(rows)('pods/log with Accept: %s -> %s', async (accept, answer) => {
    const [status, type] = answer.split(' ')
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-b-1/log?container=storage-initializer', {headers: {Accept: accept}})
    expect(r.code).toBe(Number(status))
    expect(r.type.split(';')[0]).toBe(type)
    if (r.code === 406) expect(r.body).toEqual(fixture('pod-log-accept-text-plain.json'))
    else expect(r.text).toContain('Downloading s3://b/m')
  })
  test('Accept: text/plain on an ordinary resource: 406 as recorded', async () => {
    const r = await call('GET', '/api/v1/namespaces/kserve/configmaps', {headers: {Accept: 'text/plain'}})
    expect(r.code).toBe(406)
    expect(r.body).toEqual(fixture('configmap-list-accept-text-plain.json'))
    for (const path of [CM, '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', '/api/v1', '/apis']) {
      expect((await call('GET', path, {headers: {Accept: 'text/plain'}})).code).toBe(406)
    }
  })
  test('JSON, YAML and wildcards are answered; an unknown conversion is passed over', async () => {
    expect((await call('GET', CM, {headers: {Accept: '*/*'}})).type).toBe('application/json')
    const y = await call('GET', CM, {headers: {Accept: 'application/yaml'}})
    expect(y.type).toBe('application/yaml')
    const yaml = await import('yaml')
    expect(yaml.parse(y.text).metadata.name).toBe('inferenceservice-config')
    const foo = await call('GET', CM, {headers: {Accept: 'application/json;as=Foo;g=meta.k8s.io;v=v1'}})
    expect(foo.code).toBe(406)
    // past the router (application/json), refused by the handler: the other wording
    expect(foo.body.message).toBe(
      'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf',
    )
    expect((await call('GET', CM, {headers: {Accept: 'application/json;as=Foo;g=meta.k8s.io;v=v1, application/json'}})).code).toBe(200)
  })
})

test('the router refuses application/* for built-ins, custom resources take it; conversions that do not fit: 406', async () => {
  const cm = await call('GET', '/api/v1/namespaces/kserve/configmaps', {headers: {Accept: 'application/*'}})
  expect(cm.body).toEqual(fixture('configmap-list-accept-text-plain.json'))
  expect((await call('GET', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', {headers: {Accept: 'application/*'}})).code).toBe(
    200,
  )
  const list = await call('GET', '/api/v1/namespaces/kserve/configmaps', {
    headers: {Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'},
  })
  expect([list.code, list.body.message]).toEqual([
    406,
    'you requested PartialObjectMetadata, but the requested object is a list (*core.ConfigMapList)',
  ])
  const one = await call('GET', CM, {headers: {Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'}})
  expect([one.code, one.body.message]).toEqual([
    406,
    'you requested PartialObjectMetadataList, but the requested object is not a list (*core.ConfigMap)',
  ])
  const meta = await call('GET', CM, {headers: {Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'}})
  expect(meta.body.kind).toBe('PartialObjectMetadata')
  const watch = await call('GET', '/api/v1/namespaces/kserve/configmaps?watch=1&timeoutSeconds=1', {headers: {Accept: 'application/yaml'}})
  expect([watch.code, watch.body.message]).toEqual([
    406,
    'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
  ])
})

describe('request validation', () => {
  test('field selectors each kind supports, in its words', async () => {
    expect((await call('GET', '/api/v1/namespaces/ml/pods?fieldSelector=status.phase%3DRunning')).code).toBe(200)
    const pod = await call('GET', '/api/v1/namespaces/ml/pods?fieldSelector=spec.bogus%3Dx')
    expect([pod.code, pod.body.message]).toEqual([400, 'field label not supported: spec.bogus'])
    const cm = await call('GET', '/api/v1/namespaces/kserve/configmaps?fieldSelector=status.phase%3Dx')
    expect([cm.code, cm.body.message]).toEqual([
      400,
      '"status.phase" is not a known field selector: only "metadata.name", "metadata.namespace"',
    ])
  })
  test('dryRun other than All: 422; continue with a resourceVersion: 400; limit ignored at resourceVersion=0', async () => {
    const d = await call('PATCH', `${CM}?dryRun=true`, {body: {}, contentType: 'application/merge-patch+json'})
    expect([d.code, d.body.message]).toEqual([
      422,
      'PatchOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"true"}: supported values: "All"',
    ])
    expect((await call('GET', `${CM}?dryRun=true`)).code).toBe(200)
    const first = await call('GET', '/api/v1/namespaces/kserve/configmaps?limit=1')
    const both = await call(
      'GET',
      `/api/v1/namespaces/kserve/configmaps?limit=1&resourceVersion=1&continue=${first.body.metadata.continue}`,
    )
    expect([both.code, both.body.message]).toEqual([400, 'specifying resource version is not allowed when using continue'])
    const cached = await call('GET', '/api/v1/namespaces/kserve/configmaps?limit=1&resourceVersion=0')
    expect(cached.body.items.length).toBeGreaterThan(1)
    expect(cached.body.metadata.continue).toBeUndefined()
  })
  test('server-side apply without a field manager: 422', async () => {
    const r = await call('PATCH', CM, {body: '{}', contentType: 'application/apply-patch+yaml'})
    expect([r.code, r.body.message]).toEqual([
      422,
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    ])
  })
})

describe('recorded validation and defaulting', () => {
  test('sinceSeconds=0: 422 as recorded', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods/model-b-1/log?container=storage-initializer&sinceSeconds=0')
    expect(r.code).toBe(422)
    expect(r.body).toEqual(fixture('pod-log-sinceseconds-0.json'))
  })
  test('pod quantities are stored in canonical form, with the defaults the API server fills', async () => {
    const body = fixture('pod-create-quantities.request.json')
    const r = await call('POST', '/api/v1/namespaces/ml/pods', {body})
    expect(r.code).toBe(201)
    const real = fixture('pod-create-quantities.json')
    const pick = (c: any) => ({
      name: c.name,
      image: c.image,
      resources: c.resources,
      imagePullPolicy: c.imagePullPolicy,
      terminationMessagePath: c.terminationMessagePath,
      terminationMessagePolicy: c.terminationMessagePolicy,
    })
    expect(r.body.spec.initContainers.map(pick)).toEqual(real.spec.initContainers.map(pick))
    expect(r.body.spec.containers.map(pick)).toEqual(real.spec.containers.map(pick))
    for (const k of [
      'restartPolicy',
      'terminationGracePeriodSeconds',
      'dnsPolicy',
      'serviceAccountName',
      'schedulerName',
      'enableServiceLinks',
      'preemptionPolicy',
      'priority',
    ])
      expect([k, r.body.spec[k]]).toEqual([k, real.spec[k]])
  })
  test('a pod whose request is above its limit is refused with 422', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'too-much'},
      spec: {containers: [{name: 'c', image: 'i', resources: {requests: {memory: '2Gi'}, limits: {memory: '1024Mi'}}}]},
    }
    const r = await call('POST', '/api/v1/namespaces/ml/pods', {body: pod})
    expect(r.code).toBe(422)
    expect(r.body.details.causes[0].field).toBe('spec.containers[0].resources.requests')
    expect(r.body.message).toContain('must be less than or equal to memory limit')
    const bad = await call('POST', '/api/v1/namespaces/ml/pods', {
      body: {...pod, spec: {containers: [{name: 'c', image: 'i', resources: {limits: {memory: '1Gb'}}}]}},
    })
    expect(bad.code).toBe(400)
  })
  test('a ClusterStorageContainer without workloadType gets the CRD defaults; its quantities stay as written', async () => {
    const r = await call('POST', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', {
      body: fixture('csc-create-defaulted.request.json'),
    })
    expect(r.code).toBe(201)
    expect(r.body.spec).toEqual(fixture('csc-create-defaulted.json').spec)
  })
  test('unknown fields of a custom resource are pruned; a wrong type is refused', async () => {
    const body = fixture('csc-create-defaulted.request.json')
    const r = await call('POST', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', {
      body: {...body, metadata: {name: 'pruned'}, status: {x: 1}, spec: {...body.spec, extra: 'dropped'}},
    })
    expect(r.code).toBe(201)
    expect(r.body.status).toBeUndefined()
    expect(r.body.spec.extra).toBeUndefined()
    const bad = await call('POST', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', {
      body: {...body, metadata: {name: 'bad'}, spec: {...body.spec, workloadType: 3}},
    })
    expect(bad.code).toBe(422)
    expect(bad.body.message).toBe(
      'ClusterStorageContainer.serving.kserve.io "bad" is invalid: spec.workloadType: Invalid value: "integer": spec.workloadType in body must be of type string: "integer"',
    )
  })
  test('impersonation: the request runs as the named user, whose Status names it', async () => {
    const as = s.cluster.users['sim-readonly'].name
    const get = await call('GET', CM, {headers: {'Impersonate-User': as}})
    expect(get.code).toBe(200)
    const p = await call('PATCH', CM, {headers: {'Impersonate-User': as}, body: {}, contentType: 'application/merge-patch+json'})
    expect(p.code).toBe(403)
    expectStatus(p.body, fixture('configmap-patch-impersonated-forbidden.json'), as)
    const denied = await call('GET', CM, {token: readonlyToken, headers: {'Impersonate-User': 'sim-admin'}})
    expect(denied.code).toBe(403)
    expect(denied.body.message).toBe(
      `users "sim-admin" is forbidden: User "${as}" cannot impersonate resource "users" in API group "" at the cluster scope`,
    )
  })
})

describe('chunked lists', () => {
  beforeAll(async () => {
    // the recording's cluster held model-b-1..4 only
    for (const p of ['model-a-predictor-1', 'quantities']) await call('DELETE', `/api/v1/namespaces/ml/pods/${p}`)
    for (const n of [2, 3, 4])
      s.cluster.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: `model-b-${n}`, namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': 'model-b'}},
        spec: {nodeName: 'node-1', containers: [{name: 'c', image: 'i'}]},
      })
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'model-b-1', namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': 'model-b'}},
      spec: {containers: [{name: 'c', image: 'i'}]},
    })
  })
  const decode = (t: string) => JSON.parse(Buffer.from(t, 'base64url').toString())
  test("limit and continue with a selector, as recorded: no remainingItemCount, the first page's resourceVersion", async () => {
    const first = await call('GET', '/api/v1/pods?labelSelector=serving.kserve.io%2Finferenceservice&limit=2')
    const real = fixture('pod-list-limit2.json')
    expect(Object.keys(first.body.metadata).sort()).toEqual(Object.keys(real.metadata).sort())
    expect(first.body.items.map((i: any) => i.metadata.name)).toEqual(real.items.map((i: any) => i.metadata.name))
    const token = decode(first.body.metadata.continue)
    const want = decode(real.metadata.continue)
    expect(Object.keys(token)).toEqual(Object.keys(want))
    expect({...token, rv: 0}).toEqual({...want, rv: 0})
    expect(first.body.metadata.continue).toMatch(/^[A-Za-z0-9_-]+$/)
    // a write between the pages does not change the continued page's resourceVersion
    await call('PATCH', CM, {body: {metadata: {labels: {between: 'pages'}}}, contentType: 'application/merge-patch+json'})
    const next = await call(
      'GET',
      `/api/v1/pods?labelSelector=serving.kserve.io%2Finferenceservice&limit=2&continue=${first.body.metadata.continue}`,
    )
    const realNext = fixture('pod-list-limit2-continue.json')
    expect(Object.keys(next.body.metadata).sort()).toEqual(Object.keys(realNext.metadata).sort())
    expect(next.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion)
    expect(next.body.items.map((i: any) => i.metadata.name)).toEqual(realNext.items.map((i: any) => i.metadata.name))
  })
  test('without a selector, remainingItemCount; a namespaced token is relative to the namespace', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods?limit=1')
    expect(r.body.metadata.remainingItemCount).toBeGreaterThan(0)
    expect(decode(r.body.metadata.continue).start).toBe(`${r.body.items[0].metadata.name}\u0000`)
    expect((await call('GET', '/api/v1/namespaces/ml/pods?limit=1&continue=notatoken')).code).toBe(400)
  })
  test('PartialObjectMetadataList: metadata only, chunked', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods?limit=1', {
      headers: {Accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'},
    })
    const real = fixture('pod-list-partial-metadata.json')
    expect(r.body.kind).toBe(real.kind)
    expect(r.body.apiVersion).toBe(real.apiVersion)
    expect(Object.keys(r.body.metadata).sort()).toEqual(
      Object.keys(real.metadata)
        .sort()
        .filter(k => k !== 'remainingItemCount')
        .concat(r.body.metadata.remainingItemCount === undefined ? [] : ['remainingItemCount'])
        .sort(),
    )
    expect(Object.keys(r.body.items[0]).sort()).toEqual(Object.keys(real.items[0]).sort())
    expect(r.body.items[0].kind).toBe('PartialObjectMetadata')
  })
})

describe('pod watch', () => {
  test('changes after a resourceVersion: MODIFIED for the label and the deletionTimestamp, then DELETED', async () => {
    const list = await call('GET', '/api/v1/namespaces/ml/pods?labelSelector=serving.kserve.io%2Finferenceservice')
    const rv = list.body.metadata.resourceVersion
    const events: any[] = []
    const real = readFileSync(join(FIX, 'pod-watch-stream.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    const done = new Promise<void>(resolve => {
      const req = request(
        new URL(
          `/api/v1/namespaces/ml/pods?watch=1&allowWatchBookmarks=true&resourceVersion=${rv}&labelSelector=serving.kserve.io%2Finferenceservice`,
          s.cluster.url,
        ),
        {ca: s.cluster.certs!.caPem, headers: {Authorization: `Bearer ${adminToken}`}},
        res => {
          let buf = ''
          res.on('data', d => {
            buf += d
            let i
            while ((i = buf.indexOf('\n')) >= 0) {
              const e = JSON.parse(buf.slice(0, i))
              buf = buf.slice(i + 1)
              if (e.type !== 'BOOKMARK') events.push(e)
              if (events.length === real.length) {
                req.destroy()
                resolve()
              }
            }
          })
        },
      )
      req.on('error', () => undefined)
      req.end()
    })
    await new Promise(r => setTimeout(r, 50))
    await call('PATCH', '/api/v1/namespaces/ml/pods/model-b-3', {
      body: {metadata: {labels: {seen: 'yes'}}},
      contentType: 'application/merge-patch+json',
    })
    await call('DELETE', '/api/v1/namespaces/ml/pods/model-b-4')
    await done
    expect(events.map(e => e.type)).toEqual(real.map(e => e.type))
    expect(events[1].object.metadata.deletionTimestamp).toBeDefined()
    expect(events[2].object.metadata.deletionTimestamp).toBeDefined()
  })
  test('from resourceVersion 1: one ERROR event with 410 Expired, then the stream ends', async () => {
    const r = await call('GET', '/api/v1/namespaces/ml/pods?watch=1&resourceVersion=1')
    const lines = r.text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    const real = readFileSync(join(FIX, 'pod-watch-expired.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    expect(lines.length).toBe(real.length)
    expect({...lines[0].object, message: ''}).toEqual({...real[0].object, message: ''})
    expect(lines[0].object.message).toMatch(/^too old resource version: 1 \(\d+\)$/)
  })
})
