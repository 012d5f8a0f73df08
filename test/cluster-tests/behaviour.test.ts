/** Behaviour of the simulated cluster that the fixtures do not cover: log options, faults, patches, subresources. */
import {request} from 'node:https'

import {startCluster, type Started} from '../helpers.js'

let s: Started
function call(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{code: number; text: string; body: any; headers: Record<string, any>}> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, s.cluster.url),
      {
        method,
        ca: s.cluster.certs!.caPem,
        headers: {
          Authorization: `Bearer ${s.cluster.users['sim-admin'].token}`,
          ...(body ? {'Content-Type': contentType, 'Content-Length': String(Buffer.byteLength(JSON.stringify(body)))} : {}),
        },
      },
      res => {
        let text = ''
        res.on('data', d => (text += d))
        res.on('end', () => {
          let parsed
          try {
            parsed = JSON.parse(text)
          } catch {
            parsed = undefined
          }
          resolve({code: res.statusCode ?? 0, text, body: parsed, headers: res.headers})
        })
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(body === undefined ? undefined : JSON.stringify(body))
  })
}

const LOG = '/api/v1/namespaces/ml/pods/p/log?container=storage-initializer'

beforeAll(async () => {
  s = await startCluster()
  const start = Date.now() - 60_000
  s.cluster.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'p',
      namespace: 'ml',
      labels: {app: 'x'},
      annotations: {
        'sim.storage-init.dev/logs': JSON.stringify({
          'storage-initializer': ['one', {text: 'two', after: 10}, {text: 'three', after: 50}],
          'storage-initializer@previous': ['OOM soon'],
        }),
      },
    },
    spec: {
      initContainers: [{name: 'storage-initializer', image: 'i'}],
      containers: [{name: 'kserve-container', image: 'k', env: [{name: 'A', value: '1'}]}],
    },
    status: {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 1,
          state: {terminated: {exitCode: 0, startedAt: new Date(start).toISOString()}},
          lastState: {terminated: {exitCode: 137, reason: 'OOMKilled'}},
        },
      ],
    },
  })
})
afterAll(() => s.cluster.stop())

test('sinceSeconds, sinceTime, limitBytes and previous', async () => {
  expect((await call('GET', LOG)).text).toBe('one\ntwo\nthree\n')
  expect((await call('GET', `${LOG}&sinceSeconds=30`)).text).toBe('three\n')
  const since = new Date(Date.now() - 55_000).toISOString()
  expect((await call('GET', `${LOG}&sinceTime=${since}`)).text).toBe('two\nthree\n')
  expect((await call('GET', `${LOG}&limitBytes=6`)).text).toBe('one\ntw')
  expect((await call('GET', `${LOG}&previous=true`)).text).toBe('OOM soon\n')
  // PodLogOptions validation: Forbidden, 422
  expect((await call('GET', `${LOG}&sinceTime=${since}&sinceSeconds=3`)).code).toBe(422)
})

test('a fault cuts a log stream after N lines, mid-line when asked', async () => {
  s.cluster.faults.add({resource: 'pods/log', dropAfterLines: 1, midLine: true, count: 1})
  const r = await call('GET', LOG).catch(e => ({code: -1, text: String(e)}))
  // the connection is cut: either the client sees a reset, or the text stops in the middle of line two
  if (r.code === 200) expect(r.text).toMatch(/^one\nt?w?o?$/)
  else expect(r.text).toMatch(/socket hang up|ECONNRESET|aborted/)
  expect((await call('GET', LOG)).text).toBe('one\ntwo\nthree\n')
})

test('429 with Retry-After, for the next N requests only', async () => {
  s.cluster.faults.add({verb: 'get', resource: 'pods', status: 429, retryAfter: 2, count: 2})
  const a = await call('GET', '/api/v1/namespaces/ml/pods/p')
  const b = await call('GET', '/api/v1/namespaces/ml/pods/p')
  const c = await call('GET', '/api/v1/namespaces/ml/pods/p')
  expect([a.code, b.code, c.code]).toEqual([429, 429, 200])
  expect(a.headers['retry-after']).toBe('2')
  expect(a.body.reason).toBe('TooManyRequests')
})

test('a reset connection', async () => {
  s.cluster.faults.add({verb: 'list', resource: 'pods', reset: true, count: 1})
  await expect(call('GET', '/api/v1/namespaces/ml/pods')).rejects.toThrow()
  expect((await call('GET', '/api/v1/namespaces/ml/pods')).code).toBe(200)
})

test('strategic merge patch merges containers and env by name', async () => {
  // on a Deployment's template: a pod's spec may not change after creation (see the strict tests below)
  const dep = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'd'},
    spec: {
      selector: {matchLabels: {app: 'd'}},
      template: {
        metadata: {labels: {app: 'd'}},
        spec: {containers: [{name: 'kserve-container', image: 'k', env: [{name: 'A', value: '1'}]}]},
      },
    },
  }
  expect((await call('POST', '/apis/apps/v1/namespaces/ml/deployments', dep)).code).toBe(201)
  const path = '/apis/apps/v1/namespaces/ml/deployments/d'
  const r = await call(
    'PATCH',
    path,
    {spec: {template: {spec: {containers: [{name: 'kserve-container', env: [{name: 'B', value: '2'}]}]}}}},
    'application/strategic-merge-patch+json',
  )
  expect(r.code).toBe(200)
  expect(r.body.spec.template.spec.containers).toEqual([
    {
      name: 'kserve-container',
      image: 'k',
      env: [
        {name: 'A', value: '1'},
        {name: 'B', value: '2'},
      ],
    },
  ])
  const del = await call(
    'PATCH',
    path,
    {spec: {template: {spec: {containers: [{name: 'kserve-container', env: [{name: 'A', $patch: 'delete'}]}]}}}},
    'application/strategic-merge-patch+json',
  )
  expect(del.body.spec.template.spec.containers[0].env).toEqual([{name: 'B', value: '2'}])
})

test('custom resources refuse strategic merge patches with 415', async () => {
  s.cluster.seed({
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ClusterStorageContainer',
    metadata: {name: 'x'},
    spec: {container: {name: 'storage-initializer', image: 'a'}},
  })
  const r = await call(
    'PATCH',
    '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers/x',
    {spec: {}},
    'application/strategic-merge-patch+json',
  )
  expect(r.code).toBe(415)
  expect(r.body.reason).toBe('UnsupportedMediaType')
})

test('status subresource: the main resource ignores status, /status changes only status', async () => {
  const cur = (await call('GET', '/api/v1/namespaces/ml/pods/p')).body
  const u = await call('PUT', '/api/v1/namespaces/ml/pods/p', {
    ...cur,
    status: {phase: 'Failed'},
    metadata: {...cur.metadata, labels: {app: 'y'}},
  })
  expect(u.body.status.phase).toBe('Pending')
  expect(u.body.metadata.labels.app).toBe('y')
  const st = await call(
    'PATCH',
    '/api/v1/namespaces/ml/pods/p/status',
    {status: {phase: 'Running'}, metadata: {labels: {app: 'z'}}},
    'application/merge-patch+json',
  )
  expect(st.body.status.phase).toBe('Running')
  expect(st.body.metadata.labels.app).toBe('y')
})

test('a no-op update keeps the resourceVersion', async () => {
  const cur = (await call('GET', '/api/v1/namespaces/ml/pods/p')).body
  const r = await call(
    'PATCH',
    '/api/v1/namespaces/ml/pods/p',
    {metadata: {labels: {app: cur.metadata.labels.app}}},
    'application/merge-patch+json',
  )
  expect(r.body.metadata.resourceVersion).toBe(cur.metadata.resourceVersion)
})

test('an update conditional on a stale resourceVersion in a merge patch: 409', async () => {
  const r = await call(
    'PATCH',
    '/api/v1/namespaces/ml/pods/p',
    {metadata: {resourceVersion: '1', labels: {app: 'q'}}},
    'application/merge-patch+json',
  )
  expect(r.code).toBe(409)
})

test('the control endpoint adds faults over HTTP', async () => {
  const add = await call('POST', '/_sim/faults', {verb: 'get', resource: 'namespaces', status: 500, count: 1})
  expect(add.code).toBe(201)
  expect((await call('GET', '/api/v1/namespaces/ml')).code).toBe(500)
  expect((await call('GET', '/api/v1/namespaces/ml')).code).toBe(200)
})

test('a CRD created through the API is served at once and listed in discovery', async () => {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: 'widgets.example.com'},
    spec: {
      group: 'example.com',
      names: {kind: 'Widget', plural: 'widgets', singular: 'widget'},
      scope: 'Namespaced',
      versions: [{name: 'v1', served: true, storage: true}],
    },
  }
  expect((await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).code).toBe(201)
  expect((await call('GET', '/apis')).body.groups.map((g: any) => g.name)).toContain('example.com')
  expect(
    (
      await call('POST', '/apis/example.com/v1/namespaces/ml/widgets', {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: {name: 'w'},
      })
    ).code,
  ).toBe(201)
})

describe('strict as kube-apiserver (test/cluster/README.md)', () => {
  test('a pod update may change images but not the rest of the spec', async () => {
    const cur = (await call('GET', '/api/v1/namespaces/ml/pods/p')).body
    const image = await call('PUT', '/api/v1/namespaces/ml/pods/p', {
      ...cur,
      spec: {...cur.spec, initContainers: cur.spec.initContainers.map((c: any) => ({...c, image: 'other:v2'}))},
    })
    expect(image.code).toBe(200)
    const res = await call(
      'PATCH',
      '/api/v1/namespaces/ml/pods/p',
      {spec: {initContainers: [{name: 'storage-initializer', resources: {limits: {memory: '1Gi'}}}]}},
      'application/strategic-merge-patch+json',
    )
    expect(res.code).toBe(422)
    expect(res.body.message).toMatch(/^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than/)
  })
  test('a custom resource cannot be replaced without a resourceVersion', async () => {
    await call('POST', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers', {
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ClusterStorageContainer',
      metadata: {name: 'c'},
      spec: {container: {name: 'storage-initializer', image: 'x'}, supportedUriFormats: [{prefix: 's3://'}]},
    })
    const cur = (await call('GET', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers/c')).body
    const r = await call('PUT', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers/c', {...cur, metadata: {name: 'c'}})
    expect(r.code).toBe(422)
    expect(r.body.message).toBe(
      'ClusterStorageContainer.serving.kserve.io "c" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    )
    expect((await call('PUT', '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers/c', cur)).code).toBe(200)
  })
  test('a delete with a stale resourceVersion precondition: 409', async () => {
    await call('POST', '/api/v1/namespaces/ml/configmaps', {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'to-delete'}})
    const r = await call('DELETE', '/api/v1/namespaces/ml/configmaps/to-delete', {
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: {resourceVersion: '1'},
    })
    expect(r.code).toBe(409)
    expect(r.body.message).toMatch(
      /^Operation cannot be fulfilled on configmaps "to-delete": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: \d+$/,
    )
    expect((await call('DELETE', '/api/v1/namespaces/ml/configmaps/to-delete')).code).toBe(200)
  })
  test('a create that carries a resourceVersion is refused', async () => {
    const r = await call('POST', '/api/v1/namespaces/ml/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'with-rv', resourceVersion: '5'},
    })
    expect(r.code).toBe(500)
    expect(r.body.message).toBe('Internal error occurred: resourceVersion should not be set on objects to be created')
  })
  test('a watch that allows bookmarks gets BOOKMARK events carrying only a resourceVersion', async () => {
    s.cluster.bookmarkIntervalMs = 50
    const r = await call('GET', '/api/v1/namespaces/ml/pods?watch=1&allowWatchBookmarks=true&resourceVersion=0&timeoutSeconds=1')
    const events = r.text
      .trim()
      .split('\n')
      .map(l => JSON.parse(l))
    const marks = events.filter(e => e.type === 'BOOKMARK')
    expect(marks.length).toBeGreaterThan(1)
    expect(marks[0].object).toEqual({
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {resourceVersion: expect.stringMatching(/^\d+$/), creationTimestamp: null},
    })
    const none = await call('GET', '/api/v1/namespaces/ml/pods?watch=1&resourceVersion=0&timeoutSeconds=1')
    expect(
      none.text
        .split('\n')
        .filter(Boolean)
        .map(l => JSON.parse(l).type),
    ).not.toContain('BOOKMARK')
  })
})
