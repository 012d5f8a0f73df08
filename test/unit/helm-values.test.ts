/**
 * The Helm values mapping (src/domain/helm-values.ts) both ways: values -> the storageInitializer document the chart
 * renders, document -> the values lines that make a change last, checked against the chart's own template and by round
 * trip; findings pointed back at the values; a release Secret decoded.
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse} from 'yaml'

import {decodeRelease} from '../../src/domain/helm-release.js'
import {
  imageValues,
  inValues,
  modelcarValues,
  renderStorageInitializer,
  renderValues,
  resourceValues,
  valuesOf,
  type HelmValues,
} from '../../src/domain/helm-values.js'
import {parseRelease} from '../../src/domain/release.js'
import type {Finding} from '../../src/domain/rules.js'
import {helmReleaseData} from '../helpers.js'

const FIX = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'kserve')
const release = (tag: string) => parseRelease(tag)!
const storage = (s: Record<string, unknown>, version = 'v0.21.0'): HelmValues => ({kserve: {version, storage: s}})
const RESOURCES = {requests: {cpu: '250m', memory: '2Gi'}, limits: {cpu: '2', memory: '4Gi'}}

describe('values -> document', () => {
  test("every field of the chart's template (after v0.20.0) is mapped to the value the template reads", () => {
    const template = readFileSync(join(FIX, 'HEAD', 'helm-configmap-template.yaml'), 'utf8')
    const body = /storageInitializer: \|-\n([\s\S]*?)\n {4}\}/.exec(template)![1]
    const read = [...body.matchAll(/"(\w+)" *: *"?\{\{ \.Values\.([\w.]+)/g)].map(m => [m[1], m[2]])
    expect(read.map(([field]) => field)).toEqual([
      'image',
      'memoryRequest',
      'memoryLimit',
      'cpuRequest',
      'cpuLimit',
      'caBundleConfigMapName',
      'caBundleVolumeMountPath',
      'enableModelcar',
      'uidModelcar',
      'cpuModelcar',
      'memoryModelcar',
    ])
    for (const [field, path] of read) expect([field, valuesOf(field)[0]]).toEqual([field, path])
    expect(valuesOf('image')).toEqual(['kserve.storage.image', 'kserve.storage.tag'])
  })

  test('a chart after v0.20.0 renders the image and kserve.storage.resources, each to its field', () => {
    const {doc, ignored} = renderStorageInitializer(
      storage({image: 'registry.example/si', tag: 'v1', resources: RESOURCES, cpuModelcar: '20m', uidModelcar: 1010}),
      release('v0.21.0'),
    )
    expect(doc).toEqual({
      image: 'registry.example/si:v1',
      memoryRequest: '2Gi',
      memoryLimit: '4Gi',
      cpuRequest: '250m',
      cpuLimit: '2',
      cpuModelcar: '20m',
      uidModelcar: 1010,
    })
    // the chart's order: the document's text (and the line of each finding) follows it
    expect(Object.keys(doc)).toEqual(['image', 'memoryRequest', 'memoryLimit', 'cpuRequest', 'cpuLimit', 'cpuModelcar', 'uidModelcar'])
    expect(ignored).toEqual([])
  })

  test('an unset resource gets the value the chart hard-codes; an empty tag defaults to kserve.version', () => {
    const {doc} = renderStorageInitializer(
      storage({image: 'kserve/storage-initializer', tag: '', resources: {limits: {memory: '3Gi'}}}, 'v0.21.0'),
      release('v0.21.0'),
    )
    expect(doc).toEqual({
      image: 'kserve/storage-initializer:v0.21.0',
      memoryRequest: '100Mi',
      memoryLimit: '3Gi',
      cpuRequest: '100m',
      cpuLimit: '1',
    })
  })

  test('charts v0.17 to v0.20.0 ignore kserve.storage.resources, and say which values', () => {
    const {doc, ignored} = renderStorageInitializer(
      storage({image: 'kserve/storage-initializer', tag: 'v0.20.0', resources: {requests: {cpu: '100m'}, limits: {memory: '8Gi'}}}),
      release('v0.20.0'),
    )
    expect(doc).toMatchObject({image: 'kserve/storage-initializer:v0.20.0', memoryLimit: '1Gi', cpuRequest: '100m'})
    // cpu 100m is what the chart renders anyway: not ignored in effect
    expect(ignored).toEqual(['kserve.storage.resources (memoryLimit 8Gi)'])
  })

  // every chart renders "{{ .Values.kserve.storage.image }}:{{ .Values.kserve.storage.tag }}" (charts/kserve-resources/
  // templates/configmap.yaml at v0.11.2 .. v0.16.0; test/fixtures/kserve/v0.15.2/helm-configmap-template.yaml:653);
  // `| default .Values.kserve.version` on the tag arrived in v0.17
  test('charts before v0.17 render the image from the values too, but an empty tag stays empty', () => {
    const given = renderStorageInitializer(storage({image: 'registry.example/si', tag: 'v1'}), release('v0.15.2'))
    expect(given).toEqual({doc: expect.objectContaining({image: 'registry.example/si:v1'}), ignored: []})
    const noTag = {kserve: {version: 'v0.15.2', storage: {image: 'registry.example/si', tag: ''}}}
    expect(renderStorageInitializer(noTag, release('v0.15.2')).doc.image).toBe('registry.example/si')
    expect(renderStorageInitializer(noTag, release('v0.17.0')).doc.image).toBe('registry.example/si:v0.15.2')
  })

  test("the stock v0.20.0 values render the release's pinned image; the release comes from kserve.version unless given", () => {
    const values = parse(readFileSync(join(FIX, 'v0.20.0', 'helm-kserve-resources-values.yaml'), 'utf8'))
    const r = renderValues(values)
    expect(r.release?.text).toBe(values.kserve.version)
    expect(JSON.parse(r.text)).toMatchObject({
      image: `kserve/storage-initializer:${values.kserve.version}`,
      cpuModelcar: '10m',
      memoryModelcar: '15Mi',
      uidModelcar: 1010,
      enableModelcar: true,
    })
    expect(r.text).toBe(JSON.stringify(JSON.parse(r.text), null, 4))
    expect(renderValues(values, release('v0.15.2')).release?.text).toBe('v0.15.2')
  })
})

describe('document -> values', () => {
  test('resources: the exact lines, cpu before memory under requests and limits', () => {
    expect(
      resourceValues({cpuRequest: '250m', memoryRequest: '2Gi', cpuLimit: '2', memoryLimit: '4Gi', image: 'x'}, release('v0.21.0')),
    ).toBe(
      'kserve:\n  storage:\n    resources:\n      requests:\n        cpu: "250m"\n        memory: "2Gi"\n      limits:\n        cpu: "2"\n        memory: "4Gi"\n',
    )
    expect(resourceValues({memoryLimit: '4Gi'}, release('v0.21.0'))).toBe(
      'kserve:\n  storage:\n    resources:\n      requests:\n      limits:\n        memory: "4Gi"\n',
    )
  })

  test('resources on a chart that hard-codes them: said, and the values commented out', () => {
    const text = resourceValues({memoryLimit: '2Gi'}, release('v0.20.0'))
    expect(text).toMatch(/^# the kserve-resources chart v0\.20\.0 hard-codes the storage-initializer resources \(kserve\/kserve#5412\):\n/)
    expect(text).toContain('# no value keeps them; the next helm upgrade restores 100Mi/1Gi memory, 100m/1 cpu.\n')
    expect(text.endsWith('#       limits:\n#         memory: "2Gi"\n')).toBe(true)
  })

  test('round trip: the values written for a document render that document again', () => {
    const doc = {cpuRequest: '300m', memoryRequest: '1Gi', cpuLimit: '1500m', memoryLimit: '6Gi'}
    const values = parse(resourceValues(doc, release('v0.21.0')))
    expect(renderStorageInitializer(values, release('v0.21.0')).doc).toMatchObject(doc)
    // each field's value sits at the path valuesOf names
    for (const [field, v] of Object.entries(doc))
      expect(
        valuesOf(field)[0]
          .split('.')
          .reduce((o, k) => o?.[k], values),
      ).toBe(v)
    for (const image of ['registry.example/team/si:v2', 'kserve/storage-initializer:v0.21.0'])
      expect(
        renderStorageInitializer(
          {kserve: {...parse(imageValues(image, release('v0.21.0'))).kserve, version: 'v0.21.0'}},
          release('v0.21.0'),
        ).doc.image,
      ).toBe(image)
    const modelcar = parse(modelcarValues({cpu: '20m', memory: '30Mi'}))
    expect(renderStorageInitializer(modelcar, release('v0.21.0')).doc).toMatchObject({cpuModelcar: '20m', memoryModelcar: '30Mi'})
  })

  test('an image by digest: the chart renders IMAGE:TAG, so the digest goes behind a tag', () => {
    const digest = `sha256:${'a'.repeat(64)}`
    const text = imageValues(`kserve/storage-initializer@${digest}`, release('v0.20.0'))
    expect(text).toContain(`    image: kserve/storage-initializer\n    tag: "v0.20.0@${digest}"`)
    expect(renderStorageInitializer(parse(text), release('v0.20.0')).doc.image).toBe(`kserve/storage-initializer:v0.20.0@${digest}`)
    expect(imageValues('kserve/storage-initializer:v1', release('v0.15.2'))).toBe(
      'kserve:\n  storage:\n    image: kserve/storage-initializer\n    tag: "v1"\n',
    )
  })
})

describe('findings on a values file', () => {
  const finding = (rule: string, path: string, hint: string): Finding =>
    ({rule, name: 'n', severity: 'error', path, message: 'm', hint}) as Finding
  test('point at the value, and say to change it there', () => {
    expect(
      inValues(
        finding(
          'SI021',
          'v.yaml:kserve.storage:data.storageInitializer.cpuRequest',
          'raise the limit or lower the request (kubectl storage-init set-resources)',
        ),
        'v.yaml',
      ),
    ).toMatchObject({
      path: 'v.yaml:kserve.storage.resources.requests.cpu',
      hint: 'change kserve.storage.resources.requests.cpu in the values',
    })
    expect(inValues(finding('SI011', 'v.yaml:kserve.storage:data.storageInitializer.image', 'pin a tag'), 'v.yaml')).toMatchObject({
      path: 'v.yaml:kserve.storage.image',
      hint: 'change kserve.storage.image and kserve.storage.tag in the values (pin a tag)',
    })
    expect(inValues(finding('SI030', 'v.yaml:kserve.storage:data.storageInitializer.caBundleConfigMapName', 'h'), 'v.yaml').path).toBe(
      'v.yaml:kserve.storage.caBundleConfigMapName',
    )
    // SI071 is about the values already: its hint stays; a finding on no field is left as it is
    expect(
      inValues(finding('SI071', 'v.yaml:kserve.storage:data.storageInitializer.memoryLimit', 'upgrade the chart'), 'v.yaml').hint,
    ).toBe('upgrade the chart')
    const whole = finding('SI001', 'v.yaml:kserve.storage:data.storageInitializer', 'h')
    expect(inValues(whole, 'v.yaml')).toEqual(whole)
  })
})

describe('release Secrets', () => {
  const manifest = '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: inferenceservice-config}\n'
  test('base64 of base64 of gzip of JSON (as Helm 3 writes it), or without gzip', () => {
    expect(decodeRelease(helmReleaseData({name: 'kserve', version: 4, manifest}))).toEqual({version: 4, manifest})
    expect(decodeRelease(helmReleaseData({name: 'kserve', manifest}, false))).toEqual({version: undefined, manifest})
  })
  test('what is not a release throws (the caller treats it as unreadable)', () => {
    expect(() => decodeRelease(Buffer.from('not json').toString('base64'))).toThrow()
  })
})

describe('what each chart release renders (charts/kserve-resources templates/configmap.yaml per tag)', () => {
  const values = {
    kserve: {
      version: 'v0.15.2',
      storage: {
        image: 'kserve/storage-initializer',
        tag: 'v1',
        caBundleConfigMapName: 'ca',
        enableModelcar: true,
        cpuModelcar: '10m',
        memoryModelcar: '15Mi',
        uidModelcar: 1010,
      },
    },
  }
  test('v0.11.x renders the image and four hard-coded resources only (configmap.yaml:480-487@v0.11.1)', () => {
    const r = renderStorageInitializer(values, parseRelease('v0.11.2'))
    expect(Object.keys(r.doc)).toEqual(['image', 'memoryRequest', 'memoryLimit', 'cpuRequest', 'cpuLimit'])
    expect(r.ignored).toEqual(
      expect.arrayContaining(['kserve.storage.caBundleConfigMapName', 'kserve.storage.enableModelcar', 'kserve.storage.uidModelcar']),
    )
  })
  test('v0.15.x hard-codes enableDirectPvcVolumeMount: true and renders no uidModelcar (configmap.yaml:651-664@v0.15.2)', () => {
    const r = renderStorageInitializer(values, parseRelease('v0.15.2'))
    expect(r.doc.enableDirectPvcVolumeMount).toBe(true)
    expect(r.doc).not.toHaveProperty('uidModelcar')
    expect(r.doc).toMatchObject({caBundleConfigMapName: 'ca', enableModelcar: true, cpuModelcar: '10m', memoryModelcar: '15Mi'})
    expect(r.ignored).toContain('kserve.storage.uidModelcar')
  })
  test('v0.16 on renders uidModelcar and no enableDirectPvcVolumeMount (configmap.yaml:646-659@v0.16.0)', () => {
    const r = renderStorageInitializer(values, parseRelease('v0.20.0'))
    expect(r.doc.uidModelcar).toBe(1010)
    expect(r.doc).not.toHaveProperty('enableDirectPvcVolumeMount')
    expect(r.ignored.filter(x => !x.startsWith('kserve.storage.resources'))).toEqual([])
  })
})
