/** The simulated API server answers the requests recorded from a real one (../shared/fixtures/apiserver) the same way. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {request} from 'node:https'

import {SHARED, startCluster, type Started} from '../helpers.js'

const FIX = join(SHARED, 'fixtures', 'apiserver')
const fixture = (f: string) => JSON.parse(readFileSync(join(FIX, f), 'utf8'))
const V020 = join(SHARED, 'fixtures', 'kserve', 'v0.20.0')

let s: Started
let adminToken: string
let readonlyToken: string

function call(method: string, path: string, opts: {token?: string; body?: unknown; contentType?: string} = {}): Promise<{code: number; body: any; text: string}> {
  const u = new URL(path, s.cluster.url)
  return new Promise((resolve, reject) => {
    const req = request(u, {method, ca: s.cluster.certs!.caPem, headers: {Authorization: `Bearer ${opts.token ?? adminToken}`, ...(opts.body !== undefined ? {'Content-Type': opts.contentType ?? 'application/json'} : {})}}, res => {
      let text = ''
      res.on('data', d => (text += d))
      res.on('end', () => {
        let body: any
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({code: res.statusCode ?? 0, body, text})
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
    const strip = (x: any) => ({name: x.name, namespaced: x.namespaced, kind: x.kind, verbs: [...x.verbs].sort(), singularName: x.singularName})
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
    const r = await call('PATCH', `${CM}?dryRun=All`, {body: {metadata: {labels: {dry: 'run'}}}, contentType: 'application/merge-patch+json'})
    expect(r.code).toBe(200)
    expect(r.body.metadata.labels.dry).toBe(fixture('configmap-patch-merge-dryrun.json').metadata.labels.dry)
    const after = (await call('GET', CM)).body
    expect(after).toEqual(before)
  })
  test('a failed JSON patch test: 422', async () => {
    const r = await call('PATCH', CM, {body: [{op: 'test', path: '/data/storageInitializer', value: 'nope'}], contentType: 'application/json-patch+json'})
    expect(r.code).toBe(422)
    expectStatus(r.body, fixture('configmap-patch-json-test-fails.json'))
  })
  test('create with an invalid name: 422 with causes', async () => {
    const r = await call('POST', '/api/v1/namespaces/kserve/configmaps', {body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'Bad_Name'}}})
    expect(r.code).toBe(422)
    expectStatus(r.body, fixture('configmap-create-invalid.json'))
  })
  test('create an existing object: 409 AlreadyExists', async () => {
    const r = await call('POST', '/api/v1/namespaces/kserve/configmaps', {body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'inferenceservice-config'}}})
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
    const body = {kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', spec: {resourceAttributes: {namespace: 'kserve', verb: 'patch', resource: 'configmaps'}}}
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
    expect(r.body.items.map((i: any) => i.metadata.name)).toEqual(fixture('configmap-list-labelselector.json').items.map((i: any) => i.metadata.name))
    const none = await call('GET', '/api/v1/namespaces/kserve/configmaps?labelSelector=touched%3Dno')
    expect(none.body.items).toEqual([])
    const f = await call('GET', '/api/v1/configmaps?limit=1&fieldSelector=metadata.name%3Dinferenceservice-config')
    expect(f.body.items.map((i: any) => i.metadata.name)).toEqual(fixture('configmap-list-limit1.json').items.map((i: any) => i.metadata.name))
  })
  test('limit and continue page through every item once', async () => {
    for (const n of ['a', 'b', 'c']) await call('POST', '/api/v1/namespaces/kserve/configmaps', {body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `page-${n}`}}})
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
      const req = request(new URL(`/api/v1/namespaces/kserve/configmaps?watch=1&resourceVersion=${start}&fieldSelector=metadata.name%3Dinferenceservice-config`, s.cluster.url), {ca: s.cluster.certs!.caPem, headers: {Authorization: `Bearer ${adminToken}`}}, res => {
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
      })
      req.on('error', e => (events.length === 3 ? undefined : reject(e)))
      req.end()
    })
    await new Promise(r => setTimeout(r, 50))
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'again'}}}, contentType: 'application/merge-patch+json'})
    await call('PATCH', CM, {body: {metadata: {labels: {touched: 'twice'}}}, contentType: 'application/merge-patch+json'})
    const cm = (await call('GET', CM)).body
    await call('DELETE', CM)
    await done
    const real = readFileSync(join(FIX, 'configmap-watch-stream.jsonl'), 'utf8').trim().split('\n').map(l => JSON.parse(l))
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
    s.cluster.seed({...pod, metadata: {name: pod.metadata.name, namespace: 'ml', labels: pod.metadata.labels}, spec: pod.spec, status: pod.status})
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {name: 'model-b', namespace: 'ml', annotations: {'sim.storage-init.dev/logs': JSON.stringify({'storage-initializer': [{text: 'Successfully copied s3://bucket/model to /mnt/models', time: '2026-11-25T05:34:54.399Z'}, {text: 'Model downloaded in 4.0 seconds.', time: '2026-11-25T05:34:55.399Z'}, {text: 'later', after: 3600 * 24 * 365 * 100}]})}},
      spec: {initContainers: [{name: 'storage-initializer', image: 'x'}], containers: [{name: 'kserve-container', image: 'y'}]},
      status: {phase: 'Running', initContainerStatuses: [{name: 'storage-initializer', state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: '2026-11-25T05:34:50Z'}}}], containerStatuses: [{name: 'kserve-container', state: {running: {}}}]},
    })
  })
  test('waiting container: 400 in the kubelet\'s words', async () => {
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
