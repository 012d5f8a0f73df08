/** `get` through the built executable, against every shipped KServe release. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {kubectl, plugin, FIXTURES, startCluster, type Started} from '../helpers.js'

// @ts-expect-error: a plain .mjs module
import {RELEASES} from '../../scripts/make-scenarios.mjs'

const releases: string[] = RELEASES

function fixtureDoc(release: string): Record<string, any> {
  const cm = parse(readFileSync(join(FIXTURES, 'kserve', release, 'inferenceservice-config.yaml'), 'utf8'))
  const text = release === 'HEAD' ? cm.data.storageInitializer : cm.data.storageInitializer.replace(/:latest/g, `:${release}`)
  return JSON.parse(text)
}

const minor = (r: string) => (r === 'HEAD' ? Infinity : Number(r.split('.')[1]))

describe.each(releases)('KServe %s', release => {
  let s: Started
  beforeAll(async () => {
    s = await startCluster(`kserve-${release}.yaml`)
  })
  afterAll(() => s.cluster.stop())

  test('get -o json describes the release as installed', async () => {
    const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    const doc = fixtureDoc(release)
    expect(out.kind).toBe('StorageInitializerConfig')
    expect(out.kserve.namespace).toBe('kserve')
    expect(out.kserve.version).toBe(release === 'HEAD' ? null : release)
    expect(out.kserve.controllerImage).toBe(`kserve/kserve-controller:${release === 'HEAD' ? 'latest' : release}`)
    expect(out.configMap.helm).toBeNull()
    expect(out.storageInitializer.image).toBe(doc.image)
    expect(out.storageInitializer.fields.map((f: any) => [f.name, f.value])).toEqual(Object.entries(doc))
    // a release's own fields are all known to it
    expect(out.storageInitializer.fields.filter((f: any) => f.status !== 'known')).toEqual([])
    const hasDefaultCsc = minor(release) >= 12
    expect(out.storageContainers.crdInstalled).toBe(release !== 'v0.11.0')
    expect(out.storageContainers.items.map((c: any) => c.name)).toEqual(hasDefaultCsc ? ['default'] : [])
    const served = Object.fromEntries(out.uriFormats.map((u: any) => [u.format, u.sourceName]))
    expect(served['s3://']).toBe(hasDefaultCsc ? 'clusterstoragecontainer/default' : 'configmap')
    expect(served['gs://']).toBe(served['s3://'])
    // the controller refuses a scheme it does not know when no ClusterStorageContainer serves it (ValidateStorageURI,
    // pkg/controller/v1beta1/inferenceservice/utils/utils.go@v0.20.0)
    expect(served['other schemes']).toBe('error')
    const pvcDirect = minor(release) >= 16 || doc.enableDirectPvcVolumeMount === true
    expect(served['pvc://']).toBe(pvcDirect ? 'pvc-mount' : 'configmap')
    // oci:// is a scheme the controller knows from v0.12 (utils.go SupportedStorageURIPrefixList@v0.12.0)
    expect(served['oci://']).toBe(minor(release) < 12 ? 'error' : doc.enableModelcar === true ? 'modelcar' : 'configmap')
  })

  test('get (table) names the source of each URI format', async () => {
    const r = await plugin(['get', '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('KServe namespace:   kserve (discovered)')
    expect(r.stdout).toMatch(/^STORAGE INITIALIZER/m)
    expect(r.stdout).toMatch(new RegExp(`^image\\s+${fixtureDoc(release).image.replace(/[.]/g, '\\.')}`, 'm'))
    expect(r.stdout).toMatch(/^WHO SERVES WHICH URI/m)
    if (release === 'v0.11.0') expect(r.stdout).toContain('the ClusterStorageContainer CRD is not installed')
  })

  test('get --isvc: what the model gets and what its pod runs', async () => {
    const r = await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json', '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.storage).toHaveLength(1)
    expect(out.storage[0].uri).toBe('gs://kfserving-examples/models/sklearn/1.0/model')
    expect(out.storage[0].injection.sourceName).toBe(minor(release) >= 12 ? 'clusterstoragecontainer/default' : 'configmap')
    expect(out.pods.map((p: any) => [p.name, p.current])).toEqual([['sklearn-iris-predictor-7d9c8b6f5-x2k4q', true]])
  })
})

describe('variants', () => {
  test('Helm-managed: the release is named', async () => {
    const s = await startCluster('kserve-helm.yaml')
    try {
      const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig])
      expect(JSON.parse(r.stdout).configMap.helm).toEqual({release: 'kserve', releaseNamespace: 'kserve'})
      const t = await plugin(['get', '--kubeconfig', s.kubeconfig])
      expect(t.stdout).toContain('managed by release "kserve" in kserve: the next helm upgrade undoes changes made here')
    } finally {
      await s.cluster.stop()
    }
  })

  test('an install in kubeflow is found without flags, and --kserve-namespace is honoured', async () => {
    const s = await startCluster('kserve-kubeflow.yaml')
    try {
      const r = await plugin(['get', '-o', 'yaml', '--kubeconfig', s.kubeconfig])
      expect(r.code).toBe(0)
      const out = parse(r.stdout)
      expect(out.kserve).toMatchObject({namespace: 'kubeflow', namespaceSource: 'discovered', version: 'v0.20.0'})
      const f = await plugin(['get', '-o', 'json', '--kserve-namespace', 'kubeflow', '--kubeconfig', s.kubeconfig])
      expect(JSON.parse(f.stdout).kserve.namespaceSource).toBe('flag')
    } finally {
      await s.cluster.stop()
    }
  })

  test('a vendor namespace is found by one cluster-wide list', async () => {
    const s = await startCluster()
    try {
      const cm = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'inferenceservice-config.yaml'), 'utf8'))
      s.cluster.seed({...cm, metadata: {...cm.metadata, namespace: 'vendor-ai'}})
      const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig, '--debug'])
      expect(JSON.parse(r.stdout).kserve.namespace).toBe('vendor-ai')
      expect(r.stderr).toContain('GET /api/v1/configmaps?fieldSelector=metadata.name%3Dinferenceservice-config 200')
    } finally {
      await s.cluster.stop()
    }
  })

  test('unknown fields, fields of other releases and the _example key', async () => {
    const s = await startCluster('kserve-v0.15.2.yaml')
    try {
      const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
      const doc = JSON.parse(cm.data.storageInitializer)
      s.cluster.seed({
        ...cm,
        data: {...cm.data, storageInitializer: JSON.stringify({...doc, ociModelMode: 'native', cpuRequst: '1', nested: {a: [1]}})},
      })
      const r = await plugin(['get', '-o', 'json', '--kubeconfig', s.kubeconfig])
      const fields = Object.fromEntries(JSON.parse(r.stdout).storageInitializer.fields.map((f: any) => [f.name, f]))
      expect(fields.ociModelMode).toMatchObject({status: 'not-in-release', releases: 'v0.20 and later'})
      expect(fields.cpuRequst).toMatchObject({status: 'unknown', value: '1'})
      expect(fields.nested).toMatchObject({status: 'unknown', value: {a: [1]}})
      expect(fields.image.status).toBe('known')
      const t = await plugin(['get', '--kubeconfig', s.kubeconfig])
      expect(t.stdout).toMatch(/^cpuRequst\s+1\s+unknown field: KServe ignores it$/m)
      expect(t.stdout).toMatch(/^ociModelMode\s+native\s+not read by v0\.15\.2 \(read by v0\.20 and later\)$/m)
    } finally {
      await s.cluster.stop()
    }
  })

  test('pods made before a change are flagged, with how to roll them', async () => {
    const s = await startCluster('kserve-v0.11.0.yaml')
    try {
      const p = await kubectl(s.kubeconfig, [
        'patch',
        'cm',
        'inferenceservice-config',
        '-n',
        'kserve',
        '--type=json',
        '-p',
        JSON.stringify([
          {
            op: 'replace',
            path: '/data/storageInitializer',
            value: JSON.stringify({...fixtureDoc('v0.11.0'), image: 'kserve/storage-initializer:v0.11.1'}),
          },
        ]),
      ])
      expect(p.code).toBe(0)
      const r = await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '--kubeconfig', s.kubeconfig])
      expect(r.stdout).toContain(
        'no: made before the last change (image kserve/storage-initializer:v0.11.0 -> kserve/storage-initializer:v0.11.1)',
      )
      // v0.11's default deployment mode is Serverless (the ConfigMap's deploy key): a Knative revision never changes,
      // new pods of it pass the webhook again (constants.go ParseDeploymentMode@v0.20.0, ksvc_reconciler.go)
      expect(r.stdout).toContain('InferenceService ml/sklearn-iris (KServe v0.11.0, namespace kserve, Knative)')
      expect(r.stdout).toContain('kubectl delete pod -n ml -l serving.kserve.io/inferenceservice=sklearn-iris')
    } finally {
      await s.cluster.stop()
    }
  })

  test('a ClusterStorageContainer named by the InferenceService, and a disabled one', async () => {
    const s = await startCluster('kserve-v0.20.0.yaml')
    try {
      const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
      s.cluster.seed({
        ...csc,
        metadata: {name: 'aaa-disabled'},
        disabled: true,
        spec: {...csc.spec, container: {...csc.spec.container, image: 'registry.example.com/si:1'}},
      })
      s.cluster.seed({
        ...csc,
        metadata: {name: 'custom'},
        spec: {...csc.spec, container: {...csc.spec.container, image: 'registry.example.com/si:2', resources: {limits: {memory: '8Gi'}}}},
      })
      const isvc = s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'sklearn-iris')
      s.cluster.seed({
        ...isvc,
        metadata: {name: 'named', namespace: 'ml'},
        spec: {predictor: {...isvc.spec.predictor, storageContainerName: 'custom'}},
      })
      const a = JSON.parse((await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json', '--kubeconfig', s.kubeconfig])).stdout)
      // custom and default both serve s3:// (the disabled one does not): the webhook's informer cache may hand out either
      // (storage_initializer_injector.go GetStorageContainerSpec@v0.20.0)
      expect(a.storage[0].injection.source).toBe('ambiguous')
      expect(a.storage[0].injection.candidates.map((c: any) => [c.sourceName, c.image])).toEqual([
        ['clusterstoragecontainer/custom', 'registry.example.com/si:2'],
        ['clusterstoragecontainer/default', 'kserve/storage-initializer:v0.20.0'],
      ])
      const text = (await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '--kubeconfig', s.kubeconfig])).stdout
      expect(text).toContain('any of: clusterstoragecontainer/custom, clusterstoragecontainer/default')
      const b = JSON.parse((await plugin(['get', '--isvc', 'named', '-n', 'ml', '-o', 'json', '--kubeconfig', s.kubeconfig])).stdout)
      expect(b.storage[0].injection).toMatchObject({
        sourceName: 'clusterstoragecontainer/custom',
        reason: 'named by the InferenceService (spec.predictor.storageContainerName)',
      })
      expect(b.storage[0].injection.resources).toEqual({requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '8Gi'}})
    } finally {
      await s.cluster.stop()
    }
  })
})
