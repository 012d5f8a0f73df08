import {parseImage} from '../../src/domain/image.js'
import {parseRelease} from '../../src/domain/release.js'
import {fromResource, selectInjection} from '../../src/domain/storage-containers.js'
import {describeFields, DocumentSyntaxError, parseStorageInitializer} from '../../src/domain/storage-initializer.js'
import {parseRequestTimeout} from '../../src/kube/timeout.js'

describe('image references', () => {
  test.each([
    ['kserve/storage-initializer:v0.15.2', {repository: 'kserve/storage-initializer', tag: 'v0.15.2'}],
    ['registry.example.com:5000/team/si@sha256:' + 'a'.repeat(64), {registry: 'registry.example.com:5000', repository: 'team/si', digest: 'sha256:' + 'a'.repeat(64)}],
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
  const csc = (name: string, formats: any[], extra: any = {}) => fromResource({metadata: {name}, spec: {container: {name: 'storage-initializer', image: `${name}:1`}, supportedUriFormats: formats, ...extra.spec}, ...extra.top})
  test('first enabled match by name wins; disabled and localModelDownloadJob ones are skipped', () => {
    const list = [csc('zeta', [{prefix: 's3://'}]), csc('alpha', [{prefix: 's3://'}], {top: {disabled: true}}), csc('beta', [{prefix: 's3://'}], {spec: {workloadType: 'localModelDownloadJob'}}), csc('gamma', [{regex: 's3://.*'}])]
    const r = selectInjection('s3://b/m', doc, list)
    expect(r.sourceName).toBe('clusterstoragecontainer/gamma')
    expect(r.image).toBe('gamma:1')
    expect(r.resources).toEqual({requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}})
  })
  test('regex formats are unanchored, as Go\'s MatchString', () => {
    expect(selectInjection('x-s3://b', doc, [csc('a', [{regex: 's3://'}])]).sourceName).toBe('clusterstoragecontainer/a')
  })
  test('no match: the ConfigMap', () => {
    expect(selectInjection('gs://b/m', doc, [csc('a', [{prefix: 's3://'}])])).toMatchObject({source: 'configmap', image: 'cm:1'})
  })
  test('pvc:// before v0.16 depends on enableDirectPvcVolumeMount', () => {
    expect(selectInjection('pvc://c/p', {...doc, enableDirectPvcVolumeMount: false}, [], {release: parseRelease('v0.13.1')}).source).toBe('configmap')
    expect(selectInjection('pvc://c/p', {...doc, enableDirectPvcVolumeMount: false}, [], {release: parseRelease('v0.17.1')}).source).toBe('pvc-mount')
  })
  test('oci:// with modelcar on gets no storage-initializer; oci+fetch:// does', () => {
    expect(selectInjection('oci://r/m:1', {...doc, enableModelcar: true}, []).source).toBe('modelcar')
    expect(selectInjection('oci+fetch://r/m:1', {...doc, ociModelMode: 'fetch'}, []).source).toBe('configmap')
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
