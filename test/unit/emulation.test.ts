/**
 * The emulation of KServe (src/domain/kserve/) on the classes of behaviour the held-out cases probe, each case citing the
 * Go code (file:line@tag) it follows. KServe's own test tables are run by test/conformance; these are the behaviours
 * those tables do not reach (the controller's steps, release gates, the LLM controller per release).
 */
import {
  emulateInferenceService,
  emulateLlmInferenceService,
  getStorageInitializerConfigs,
  projectInjection,
  type Prediction,
} from '../../src/domain/kserve/index.js'
import type {KServeState} from '../../src/domain/kserve/controller.js'
import {describeFields} from '../../src/domain/storage-initializer.js'
import {goFieldOf} from '../../src/domain/json-edit.js'
import {parseRelease} from '../../src/domain/release.js'
import {fromResource} from '../../src/domain/storage-containers.js'
import {podDifferences} from '../../src/domain/model-pods.js'

const CONFIG = {image: 'kserve/storage-initializer:v1', cpuRequest: '100m', cpuLimit: '1', memoryRequest: '200Mi', memoryLimit: '1Gi'}

function state(release: string | undefined, extra: Partial<KServeState> = {}, config: Record<string, unknown> = CONFIG): KServeState {
  const r = release ? parseRelease(release) : undefined
  return {
    release: r,
    kserveNamespace: 'kserve',
    config: getStorageInitializerConfigs(JSON.stringify(config), r),
    containers: [],
    crdInstalled: true,
    ...extra,
  }
}

const csc = (name: string, formats: any[], spec: any = {}) =>
  fromResource({
    metadata: {name},
    spec: {
      container: {name: 'storage-initializer', image: `${name}:1`},
      supportedUriFormats: formats,
      workloadType: 'initContainer',
      ...spec,
    },
  })

const isvc = (predictor: any, extra: any = {}) => ({
  metadata: {name: 'm', namespace: 'ml', ...extra.metadata},
  spec: {predictor, ...extra.spec},
})
const predictor = (p: Prediction[]) => p.find(x => x.component === 'predictor')!
const init = (p: Prediction) => p.initContainers.find(c => c.name === 'storage-initializer' || (c.args ?? []).length >= 2)

describe('several storageUris (controller: CommonStorageInitialization with IsLegacyURI false)', () => {
  const uris = [
    {uri: 's3://bucket/base', mountPath: '/mnt/models/base'},
    {uri: 'hf://org/adapter', mountPath: '/mnt/models/adapter'},
    {uri: 'pvc://claim/data', mountPath: '/mnt/data'},
  ]
  test('one init container downloads every non-pvc URI to its own path; pvc:// entries are mounted (storage_initializer_injector.go:390-470@v0.20.0)', () => {
    const p = predictor(emulateInferenceService(isvc({storageUris: uris}), state('v0.20.0')))
    expect(p.writtenBy).toBe('controller')
    expect(p.admitted).toBe(true)
    expect(p.initContainers).toHaveLength(1)
    expect(init(p)!.args).toEqual(['s3://bucket/base', '/mnt/models/base', 'hf://org/adapter', '/mnt/models/adapter'])
    // the common parent path, as an emptyDir named after it (FindCommonParentPath, GetVolumeNameFromPath)
    expect(init(p)!.volumeMounts).toEqual([{name: 'mnt-models', mountPath: '/mnt/models'}])
    expect(p.volumes).toEqual(
      expect.arrayContaining([
        {name: 'mnt-data', persistentVolumeClaim: {claimName: 'claim'}},
        {name: 'mnt-models', emptyDir: {}},
      ]),
    )
  })
  test('the ClusterStorageContainer is looked up for the first URI only, and must support multi-model download (predictor.go:783@v0.20.0)', () => {
    const s3 = csc('s3', [{prefix: 's3://'}], {supportsMultiModelDownload: true})
    const hf = csc('hf', [{prefix: 'hf://'}])
    const p = predictor(emulateInferenceService(isvc({storageUris: uris}), state('v0.20.0', {containers: [s3, hf]})))
    expect(p.source).toMatchObject({kind: 'clusterstoragecontainer', name: 's3'})
    const q = predictor(emulateInferenceService(isvc({storageUris: [uris[1], uris[0]]}), state('v0.20.0', {containers: [s3, hf]})))
    expect(q.admitted).toBe(false)
    expect(q.refusal!.message).toBe(
      'storage container "storage-initializer" does not support multi-model download; use the default kserve storage initializer or a compatible storage container',
    )
  })
  test('ValidateStorageURI runs for storageUri only, not for storageUris entries (predictor.go:300@v0.20.0)', () => {
    expect(predictor(emulateInferenceService(isvc({model: {storageUri: 'custom://x'}}), state('v0.20.0'))).refusal?.component).toBe(
      'controller',
    )
    expect(predictor(emulateInferenceService(isvc({storageUris: [{uri: 'custom://x'}]}), state('v0.20.0'))).admitted).toBe(true)
  })
  test('oci:// entries per release: v0.16-v0.18 skip the list, v0.19 drops the rest, v0.20 downloads the rest (storage_initializer_injector.go@tags)', () => {
    const list = [
      {uri: 'oci://reg/model:1', mountPath: '/mnt/models/base'},
      {uri: 's3://bucket/adapter', mountPath: '/mnt/models/adapter'},
    ]
    const modelcar = {...CONFIG, enableModelcar: true}
    const at = (v: string) => predictor(emulateInferenceService(isvc({storageUris: list}), state(v, {}, modelcar)))
    expect(at('v0.17.1').initContainers).toEqual([])
    expect(at('v0.19.0').initContainers.map(c => c.name)).toEqual(['modelcar-init'])
    expect(at('v0.20.0').initContainers.map(c => c.name)).toEqual(['modelcar-init', 'storage-initializer'])
    expect(at('v0.20.0').initContainers[1].args).toEqual(['s3://bucket/adapter', '/mnt/models/adapter'])
  })
  test('v0.16.0: the init container keeps a kserve-provision-location mount no volume backs: the Deployment is invalid (#4822, fixed in v0.17.0)', () => {
    const p = predictor(
      emulateInferenceService(
        isvc({storageUris: uris.slice(0, 2)}),
        state('v0.16.0', {}, {...CONFIG, cpuModelcar: '10m', memoryModelcar: '15Mi'}),
      ),
    )
    expect(p.refusal?.component).toBe('apiserver')
    expect(p.refusal?.message).toMatch(/volumeMounts\[0\]\.name: Not found: "kserve-provision-location"/)
    expect(predictor(emulateInferenceService(isvc({storageUris: uris.slice(0, 2)}), state('v0.17.1'))).admitted).toBe(true)
  })
  test('bad mount paths are refused by the InferenceService validating webhook (inference_service_validation.go:761@v0.20.0)', () => {
    const p = predictor(
      emulateInferenceService(
        isvc({
          storageUris: [
            {uri: 's3://a', mountPath: '/a'},
            {uri: 's3://b', mountPath: '/b'},
          ],
        }),
        state('v0.20.0'),
      ),
    )
    expect(p.refusal?.message).toContain(
      'storage paths must have a common parent directory. Current paths: [/a /b] have no common parent beyond root',
    )
  })
})

describe('a config KServe cannot use refuses every model pod (GetStorageInitializerConfigs)', () => {
  test('a missing quantity: an error, per era (configmap.go:441-470@v0.20.0; storage_initializer_injector.go:89-100@v0.15.2)', () => {
    const {cpuRequest: _omit, ...rest} = CONFIG
    const p = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.20.0', {}, rest)))
    expect(p.refusal?.message).toBe(
      `admission webhook "inferenceservice.kserve-webhook-server.pod-mutator" denied the request: failed to parse resource configuration for "storageInitializer"."cpuRequest": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
    )
    const old = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.15.2', {}, rest)))
    expect(old.refusal?.message).toContain(`Failed to parse resource configuration for "storageInitializer": "quantities must match`)
    // and the per-URI view says so too
    expect(projectInjection(p).source).toBe('error')
  })
  test('a number where a string is expected panics: recovered into the refusal from v0.15, a dropped connection before', () => {
    const bad = {...CONFIG, cpuLimit: 1}
    const p = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.20.0', {}, bad)))
    expect(p.refusal?.message).toMatch(
      /denied the request: panic: Unable to unmarshall storageInitializer json string due to json: cannot unmarshal number into Go struct field StorageInitializerConfig.cpuLimit of type string {2}\[recovered\]$/,
    )
    const q = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.13.1', {}, bad)))
    expect(q.refusal?.message).toMatch(/failed calling webhook .*: EOF$/)
  })
  test('v0.16.0 alone parses cpuModelcar and memoryModelcar even when absent (configmap.go:434-447@v0.16.0)', () => {
    expect(predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.16.0'))).refusal?.message).toContain(
      '"storageInitializer"."',
    )
    expect(predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.17.1'))).admitted).toBe(true)
  })
  test('an unknown ociModelMode (configmap.go:472-481@v0.20.0)', () => {
    const p = predictor(
      emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.20.0', {}, {...CONFIG, ociModelMode: 'copy'})),
    )
    expect(p.refusal?.message).toContain('invalid "storageInitializer".ociModelMode "copy": must be one of "modelcar", "native", "fetch"')
  })
  test('the LLM controller fails its reconcile on the same document', () => {
    const {memoryLimit: _omit, ...rest} = CONFIG
    const [w] = emulateLlmInferenceService(
      {metadata: {name: 'l', namespace: 'ml'}, spec: {model: {uri: 'hf://o/m'}}},
      state('v0.20.0', {}, rest),
    )
    expect(w.refusal).toMatchObject({component: 'controller'})
    expect(w.refusal!.message).toContain(
      'failed to convert InferenceServiceConfigMap to StorageInitializerConfig: failed to parse resource configuration',
    )
  })
})

describe('storage: {key, path}', () => {
  test('from v0.16 the lookup sees the placeholder URI, so a prefix ClusterStorageContainer does not serve it (storage_initializer_injector.go:575@v0.16.0)', () => {
    const p = predictor(
      emulateInferenceService(
        isvc({model: {storage: {key: 'k', path: 'bucket/m'}}}),
        state('v0.20.0', {containers: [csc('s3', [{prefix: 's3://'}])]}),
      ),
    )
    expect(p.source.kind).toBe('configmap')
    expect(init(p)!.args).toEqual(['<scheme-placeholder>://bucket/m', '/mnt/models'])
    expect(p.notEmulated!.join(' ')).toContain('storage-config')
  })
  test('storageUri and storage.path together fail the reconcile (predictor.go:296@v0.20.0)', () => {
    const p = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m', storage: {path: 'x'}}}), state('v0.20.0')))
    expect(p.refusal).toEqual({component: 'controller', message: 'must provide only one of storageUri and storage.path'})
  })
})

describe('release gates', () => {
  const named = (v: string) =>
    predictor(
      emulateInferenceService(
        isvc({model: {storageUri: 's3://b/m'}, storageContainerName: 'mine'}),
        state(v, {containers: [csc('mine', [{prefix: 's3://'}]), csc('other', [{prefix: 's3://'}])]}),
      ),
    )
  test('storageContainerName exists from v0.20.0 (#5314); a v0.19 cluster ignores it and the cache order decides', () => {
    expect(named('v0.20.0').source).toMatchObject({kind: 'clusterstoragecontainer', name: 'mine'})
    expect(named('v0.20.0').alternatives).toBeUndefined()
    expect(named('v0.19.0').alternatives!.map(a => a.candidate)).toEqual(['clusterstoragecontainer/mine', 'clusterstoragecontainer/other'])
  })
  test('(?<name>…) compiles from v0.14 (built with Go 1.22: Dockerfile golang:1.22@v0.14.0), not before', () => {
    const c = csc('named', [{regex: '^s3://(?<bucket>[^/]+)/'}])
    expect(
      predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.14.0', {containers: [c]}))).source.name,
    ).toBe('named')
    const old = predictor(emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}), state('v0.13.1', {containers: [c]})))
    expect(old.admitted).toBe(false)
    expect(old.refusal!.message).toContain('invalid or unsupported Perl syntax: `(?<`')
  })
  test("a canary's predictor is merged over the stable one (mergo WithOverride, predictor.go:897@v0.20.0), storageContainerName included", () => {
    const cscs = [csc('a', [{prefix: 's3://'}]), csc('b', [{prefix: 's3://'}])]
    const p = emulateInferenceService(
      isvc(
        {model: {storageUri: 's3://b/m'}, storageContainerName: 'a'},
        {spec: {canary: [{trafficPercent: 10, predictor: {name: 'v2', model: {storageUri: 's3://b/m2'}, storageContainerName: 'b'}}]}},
      ),
      state('v0.20.0', {containers: cscs}),
    )
    const canary = p.find(x => x.component === 'canary[0]')!
    expect(canary.uris).toEqual(['s3://b/m2'])
    expect(canary.source).toMatchObject({kind: 'clusterstoragecontainer', name: 'b'})
    expect(canary.workload).toBe('m-predictor-v2')
    expect(
      emulateInferenceService(isvc({model: {storageUri: 's3://b/m'}}, {spec: {canary: [{predictor: {}}]}}), state('v0.19.0')).map(
        x => x.component,
      ),
    ).toEqual(['predictor'])
  })
})

describe('LLMInferenceService per release (llmisvc/workload_storage.go)', () => {
  const llm = (spec: any) => ({metadata: {name: 'l', namespace: 'ml'}, spec: {model: {uri: 'hf://org/m'}, ...spec}})
  const running = new Map([['l-kserve', {containers: [], volumes: [], initContainers: [{name: 'storage-initializer', image: 'old:1'}]}]])
  test('the running Deployment keeps its image from v0.17 (#5085); v0.16 always takes the ConfigMap image', () => {
    expect(init(emulateLlmInferenceService(llm({}), state('v0.17.1'), running)[0])!.image).toBe('old:1')
    expect(
      init(emulateLlmInferenceService(llm({}), state('v0.16.0', {}, {...CONFIG, cpuModelcar: '1', memoryModelcar: '1Gi'}), running)[0])!
        .image,
    ).toBe(CONFIG.image)
  })
  const user = {template: {initContainers: [{name: 'storage-initializer', image: 'mine:1', resources: {limits: {memory: '4Gi'}}}]}}
  test('a user storage-initializer: v0.17 keeps it beside its own (duplicate names: the Deployment is invalid), v0.19 strips it, v0.20 merges it (#5614)', () => {
    const v17 = emulateLlmInferenceService(llm(user), state('v0.17.1'))[0]
    expect(v17.refusal?.component).toBe('apiserver')
    expect(v17.refusal?.message).toContain('Duplicate value: "storage-initializer"')
    const v19 = emulateLlmInferenceService(llm(user), state('v0.19.0'))[0]
    expect(v19.initContainers.map(c => c.image)).toEqual([CONFIG.image])
    const v20 = emulateLlmInferenceService(llm(user), state('v0.20.0'))[0]
    expect(v20.initContainers).toHaveLength(1)
    expect(v20.initContainers[0]).toMatchObject({name: 'storage-initializer', image: 'mine:1', args: ['hf://org/m', '/mnt/models']})
    expect(v20.initContainers[0].resources.limits).toEqual({cpu: '1', memory: '4Gi'})
  })
  test('an invalid model URI is refused before storageInitializer.enabled is read (workload_storage.go:90-104@v0.20.0)', () => {
    const [w] = emulateLlmInferenceService(llm({model: {uri: 'not-a-uri'}, storageInitializer: {enabled: false}}), state('v0.20.0'))
    expect(w.refusal).toEqual({component: 'controller', message: 'invalid model URI: not-a-uri'})
    const [off] = emulateLlmInferenceService(llm({storageInitializer: {enabled: false}}), state('v0.20.0'))
    expect(off.initContainers).toEqual([])
  })
  test('Hugging Face env from v0.18 only for a new workload or one that has HF_ variables (workload_storage.go:247-256@v0.18.0)', () => {
    const names = (p: Prediction) => (init(p)!.env ?? []).map((e: any) => e.name)
    expect(names(emulateLlmInferenceService(llm({}), state('v0.18.0'))[0])).toContain('HF_HUB_ENABLE_HF_TRANSFER')
    expect(names(emulateLlmInferenceService(llm({}), state('v0.18.0'), running)[0])).not.toContain('HF_HUB_ENABLE_HF_TRANSFER')
    expect(names(emulateLlmInferenceService(llm({}), state('v0.17.1'))[0])).not.toContain('HF_HUB_ENABLE_HF_TRANSFER')
  })
})

describe('what the container really holds', () => {
  test('the Hugging Face transfer variables the webhook adds after the merge, from v0.16 (storage_initializer_injector.go:687@v0.20.0)', () => {
    const env = (v: string) =>
      (init(predictor(emulateInferenceService(isvc({model: {storageUri: 'hf://o/m'}}), state(v))))!.env ?? []).map((e: any) => e.name)
    expect(env('v0.20.0')).toEqual(['HF_HUB_ENABLE_HF_TRANSFER', 'HF_XET_HIGH_PERFORMANCE', 'HF_XET_NUM_CONCURRENT_RANGE_GETS'])
    expect(env('v0.15.2')).toEqual([])
  })
  test('pvc:// copy mode before v0.16: kserve-pvc-source read-only at /mnt/pvc, the init container copying from it (storage_initializer_injector.go:335-352@v0.15.2)', () => {
    const p = predictor(emulateInferenceService(isvc({model: {storageUri: 'pvc://claim/dir/m'}}), state('v0.15.2')))
    expect(init(p)!.args).toEqual(['/mnt/pvc/dir/m', '/mnt/models'])
    expect(init(p)!.volumeMounts).toEqual([
      {name: 'kserve-pvc-source', mountPath: '/mnt/pvc', readOnly: true},
      {name: 'kserve-provision-location', mountPath: '/mnt/models'},
    ])
    expect(p.volumes).toEqual([
      {name: 'kserve-pvc-source', persistentVolumeClaim: {claimName: 'claim'}},
      {name: 'kserve-provision-location', emptyDir: {}},
    ])
  })
  test('oci+fetch:// is normalised to oci:// for the storage-initializer (oci_fetch.go@master)', () => {
    const p = predictor(
      emulateInferenceService(isvc({model: {storageUri: 'oci+fetch://reg/m:1'}}), state(undefined, {}, {...CONFIG, ociModelMode: 'fetch'})),
    )
    expect(init(p)!.args).toEqual(['oci://reg/m:1', '/mnt/models'])
  })
  test('quantities in the form the pod stores (resource.Quantity.String())', () => {
    const p = predictor(
      emulateInferenceService(
        isvc({model: {storageUri: 's3://b/m'}}),
        state('v0.20.0', {}, {...CONFIG, cpuLimit: '1000m', memoryLimit: '1024Mi'}),
      ),
    )
    expect(init(p)!.resources.limits).toEqual({cpu: '1', memory: '1Gi'})
  })
  test('a custom container with STORAGE_URI="" gets an init container downloading "" (predictor_custom.go:75-87@v0.20.0)', () => {
    const p = predictor(
      emulateInferenceService(
        isvc({containers: [{name: 'kserve-container', image: 'x', env: [{name: 'STORAGE_URI', value: ''}]}]}),
        state('v0.20.0'),
      ),
    )
    expect(init(p)!.args).toEqual(['', '/mnt/models'])
  })
})

describe("Go's case folding is Unicode simple folding", () => {
  test('ſ folds to s and the Kelvin sign to k: KServe reads the field, and get says so', () => {
    const text = JSON.stringify({...CONFIG, cpuRequeſt: '300m'})
    const r = getStorageInitializerConfigs(text, parseRelease('v0.20.0'))
    expect(r.ok && r.config.cpuRequest).toBe('300m')
    // no field of StorageInitializerConfig has a k: the Kelvin sign is checked on the folding itself
    expect(goFieldOf('\u212Aey', ['key'])).toBe('key')
    const fields = describeFields({Image: 'x:1', cpuRequeſt: '1'}, parseRelease('v0.20.0'), k => goFieldOf(k))
    expect(fields.map(f => [f.name, f.status, f.readAs])).toEqual([
      ['Image', 'known', 'image'],
      ['cpuRequeſt', 'known', 'cpuRequest'],
    ])
  })
})

describe('a running pod compared with its emulated pod, field by field', () => {
  test('quantities by value, then args, env and mounts KServe sets', () => {
    const p = predictor(emulateInferenceService(isvc({model: {storageUri: 'hf://o/m'}}), state('v0.20.0')))
    const want = projectInjection(p)
    const same = {
      ...structuredClone(init(p)),
      resources: {limits: {cpu: '1000m', memory: '1024Mi'}, requests: {cpu: '0.1', memory: '200Mi'}},
    }
    expect(podDifferences(same, want)).toEqual([])
    const old = {...structuredClone(init(p)), args: ['hf://o/old', '/mnt/models'], env: [{name: 'HF_HUB_ENABLE_HF_TRANSFER', value: '0'}]}
    expect(podDifferences(old, want)).toEqual([
      'args ["hf://o/old","/mnt/models"] -> ["hf://o/m","/mnt/models"]',
      'env HF_HUB_ENABLE_HF_TRANSFER "0" -> "1"',
      'env HF_XET_HIGH_PERFORMANCE (none) -> "1"',
      'env HF_XET_NUM_CONCURRENT_RANGE_GETS (none) -> "8"',
    ])
  })
})

test('fields KServe does not set are not compared, and key order does not make a difference', () => {
  const p = predictor(emulateInferenceService(isvc({model: {storageUri: 'hf://o/m'}}), state('v0.20.0')))
  const want = projectInjection(p)
  // OpenShift's security context constraints and AlwaysPullImages set what the emulation leaves unset
  const admitted = {...structuredClone(init(p)), securityContext: {runAsUser: 1000680000}, imagePullPolicy: 'Always'}
  expect(podDifferences(admitted, want)).toEqual([])
  // a ClusterStorageContainer's securityContext comes back key-sorted from the API server, a pod's in field order
  const withSc = {...projectInjection(p), container: {...init(p), securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}}}
  const pod = {...structuredClone(init(p)), securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true}}
  expect(podDifferences(pod, withSc as any)).toEqual([])
})
