import {parseImage} from '../../src/domain/image.js'
import {parseRelease} from '../../src/domain/release.js'
import {fromResource, selectInjection} from '../../src/domain/storage-containers.js'
import {describeFields, DocumentSyntaxError, parseStorageInitializer} from '../../src/domain/storage-initializer.js'
import {parseRequestTimeout} from '../../src/kube/timeout.js'

describe('image references', () => {
  test.each([
    ['kserve/storage-initializer:v0.15.2', {repository: 'kserve/storage-initializer', tag: 'v0.15.2'}],
    [
      'registry.example.com:5000/team/si@sha256:' + 'a'.repeat(64),
      {registry: 'registry.example.com:5000', repository: 'team/si', digest: 'sha256:' + 'a'.repeat(64)},
    ],
    ['localhost/si', {registry: 'localhost', repository: 'si'}],
    ['ubuntu', {repository: 'ubuntu'}],
  ])('%s parses', (text, want) => {
    expect(parseImage(text)).toEqual({registry: undefined, tag: undefined, digest: undefined, ...want})
  })
  test.each(['Kserve/SI:v1', 'kserve/si:', 'kserve//si', 'kserve/si:-bad', ':tag', 'kserve/si@sha256:short'])('%s is refused', text => {
    expect(parseImage(text)).toBeUndefined()
  })
})

describe('storageInitializer documents', () => {
  test('a syntax error says line and column', () => {
    try {
      parseStorageInitializer('{\n  "image": "x",\n  "cpuLimit": 1,\n}')
      throw new Error('no error')
    } catch (e) {
      expect(e).toBeInstanceOf(DocumentSyntaxError)
      expect((e as DocumentSyntaxError).line).toBe(4)
      expect((e as DocumentSyntaxError).column).toBe(1)
    }
  })
  test('an array is not a document', () => {
    expect(() => parseStorageInitializer('[]')).toThrow('expected a JSON object')
  })
  test('fields are classified against a release', () => {
    const v = describeFields({image: 'i', enableDirectPvcVolumeMount: true, ociModelMode: 'fetch', imagee: 'typo'}, parseRelease('v0.17.1'))
    expect(v.map(f => [f.name, f.status])).toEqual([
      ['image', 'known'],
      ['enableDirectPvcVolumeMount', 'not-in-release'],
      ['ociModelMode', 'not-in-release'],
      ['imagee', 'unknown'],
    ])
    expect(v[1].releases).toBe('v0.11 to v0.15')
  })
})

describe('which container a URI gets', () => {
  const doc = {image: 'cm:1', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '100Mi', memoryLimit: '1Gi', enableModelcar: false}
  const csc = (name: string, formats: any[], extra: any = {}) =>
    fromResource({
      metadata: {name},
      spec: {
        container: {name: 'storage-initializer', image: `${name}:1`},
        supportedUriFormats: formats,
        workloadType: 'initContainer',
        ...extra.spec,
      },
      ...extra.top,
    })
  test('several enabled matches are ambiguous (the webhook lists from an informer cache, in no fixed order); disabled and localModelDownloadJob ones are skipped', () => {
    // storage_initializer_injector.go GetStorageContainerSpec@v0.20.0; cmd/manager/main.go (cached client)
    const list = [
      csc('zeta', [{prefix: 's3://'}]),
      csc('alpha', [{prefix: 's3://'}], {top: {disabled: true}}),
      csc('beta', [{prefix: 's3://'}], {spec: {workloadType: 'localModelDownloadJob'}}),
      csc('gamma', [{regex: 's3://.*'}]),
    ]
    const r = selectInjection('s3://b/m', doc, list)
    expect(r.source).toBe('ambiguous')
    expect(r.candidates!.map(c => [c.sourceName, c.image])).toEqual([
      ['clusterstoragecontainer/gamma', 'gamma:1'],
      ['clusterstoragecontainer/zeta', 'zeta:1'],
    ])
    expect(r.candidates![0].resources).toEqual({requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}})
    const one = selectInjection(
      's3://b/m',
      doc,
      list.filter(c => c.name !== 'zeta'),
    )
    expect([one.source, one.sourceName]).toEqual(['clusterstoragecontainer', 'clusterstoragecontainer/gamma'])
  })
  test("the merged container: the CSC's limit over the ConfigMap's request (container_merge.go@v0.20.0)", () => {
    const r = selectInjection('s3://b/m', {...doc, memoryRequest: '2Gi'}, [
      csc('a', [{prefix: 's3://'}], {spec: {container: {name: 'storage-initializer', resources: {limits: {memory: '1Gi'}}}}}),
    ])
    expect(r.container!.resources).toEqual({requests: {cpu: '100m', memory: '2Gi'}, limits: {cpu: '1', memory: '1Gi'}})
    expect(r.image).toBe('cm:1')
    // a request above its limit: the API server refuses every pod that gets it
    expect(r.source).toBe('error')
    expect(r.reason).toMatch(/resources\.requests: Invalid value: "2Gi": must be less than or equal to memory limit/)
  })
  test('a regex Go cannot compile refuses the pod when the lookup reaches it; RE2 syntax JavaScript lacks works', () => {
    expect(selectInjection('s3://b', doc, [csc('bad', [{regex: '(?=s3)'}])]).source).toBe('error')
    expect(selectInjection('S3://b', doc, [csc('i', [{regex: '(?i)^s3://'}])]).sourceName).toBe('clusterstoragecontainer/i')
    const both = selectInjection('s3://b', doc, [csc('bad', [{regex: '('}]), csc('good', [{prefix: 's3://'}])])
    expect(both.candidates!.map(c => c.source)).toEqual(['error', 'clusterstoragecontainer'])
  })
  test('v0.16+: the lookup runs before pvc:// and oci://, so a named container that does not serve them refuses the pod', () => {
    expect(selectInjection('pvc://c/p', doc, [csc('s3', [{prefix: 's3://'}])], {storageContainerName: 's3'}).source).toBe('error')
    expect(selectInjection('pvc://c/p', doc, [csc('s3', [{prefix: 's3://'}])]).source).toBe('pvc-mount')
  })
  test('pvc:// before v0.16 in copy mode is matched as /mnt/pvc/<path>; the CRD missing refuses pods', () => {
    const r = selectInjection('pvc://claim/dir/m', doc, [csc('mnt', [{prefix: '/mnt/pvc/'}])], {release: parseRelease('v0.15.2')})
    expect([r.sourceName, r.container!.args]).toEqual(['clusterstoragecontainer/mnt', ['/mnt/pvc/dir/m', '/mnt/models']])
    expect(selectInjection('s3://b', doc, [], {crdInstalled: false}).source).toBe('error')
    expect(selectInjection('s3://b', doc, [], {crdInstalled: false, release: parseRelease('v0.11.0')}).source).toBe('configmap')
  })
  test('unsupported schemes fail the InferenceService unless a ClusterStorageContainer serves them (ValidateStorageURI)', () => {
    expect(selectInjection('custom://m', doc, []).source).toBe('error')
    expect(selectInjection('custom://m', doc, [csc('c', [{prefix: 'custom://'}])]).source).toBe('clusterstoragecontainer')
    expect(selectInjection('hf://o/m', doc, [], {release: parseRelease('v0.13.1')}).source).toBe('error')
  })
  test("regex formats are unanchored, as Go's MatchString", () => {
    expect(selectInjection('x-s3://b', doc, [csc('a', [{regex: 's3://'}])], {controller: false}).sourceName).toBe(
      'clusterstoragecontainer/a',
    )
  })
  test('no match: the ConfigMap', () => {
    expect(selectInjection('gs://b/m', doc, [csc('a', [{prefix: 's3://'}])])).toMatchObject({source: 'configmap', image: 'cm:1'})
  })
  test("pvc:// before v0.16 depends on enableDirectPvcVolumeMount (Go's zero value: false, copy mode)", () => {
    expect(selectInjection('pvc://c/p', {...doc, enableDirectPvcVolumeMount: false}, [], {release: parseRelease('v0.13.1')}).source).toBe(
      'configmap',
    )
    expect(selectInjection('pvc://c/p', doc, [], {release: parseRelease('v0.13.1')}).source).toBe('configmap')
    expect(selectInjection('pvc://c/p', {...doc, enableDirectPvcVolumeMount: true}, [], {release: parseRelease('v0.13.1')}).source).toBe(
      'pvc-mount',
    )
    expect(selectInjection('pvc://c/p', {...doc, enableDirectPvcVolumeMount: false}, [], {release: parseRelease('v0.17.1')}).source).toBe(
      'pvc-mount',
    )
  })
  test('oci:// with modelcar on gets no storage-initializer; oci+MODE:// overrides; fetch differs between v0.20.0 and later', () => {
    expect(selectInjection('oci://r/m:1', {...doc, enableModelcar: true}, []).source).toBe('modelcar')
    expect(selectInjection('oci://r/m:1', {...doc, ociModelMode: 'fetch'}, [], {release: parseRelease('v0.20.0')}).source).toBe('modelcar')
    expect(selectInjection('oci+fetch://r/m:1', {...doc, ociModelMode: 'fetch'}, []).source).toBe('configmap')
    expect(selectInjection('oci+native://r/m:1', doc, [], {release: parseRelease('v0.20.0')}).source).toBe('none')
    expect(selectInjection('oci://r/m:1', doc, [], {release: parseRelease('v0.20.0')}).source).toBe('configmap')
  })
  test('a named storage container that does not exist is an error KServe would raise', () => {
    expect(selectInjection('s3://b', doc, [], {storageContainerName: 'nope'}).source).toBe('error')
  })
})

test.each([
  ['0', 0],
  ['30', 30000],
  ['5s', 5000],
  ['1m30s', 90000],
  ['500ms', 500],
])('--request-timeout %s', (v, ms) => {
  expect(parseRequestTimeout(v)).toBe(ms)
})
