/** Every rule: an input that triggers it, and one that does not. */
import {parseRelease} from '../../src/domain/release.js'
import {RULES, validate, type ValidationInput} from '../../src/domain/rules.js'

const GOOD = {
  image: 'kserve/storage-initializer:v0.15.2',
  cpuRequest: '100m',
  cpuLimit: '1',
  memoryRequest: '100Mi',
  memoryLimit: '1Gi',
  caBundleConfigMapName: '',
  caBundleVolumeMountPath: '/etc/ssl/custom-certs',
  enableModelcar: true,
  cpuModelcar: '10m',
  memoryModelcar: '15Mi',
  uidModelcar: 1010,
}
const csc = (name: string, extra: any = {}) => ({
  apiVersion: 'serving.kserve.io/v1alpha1',
  kind: 'ClusterStorageContainer',
  metadata: {name},
  ...extra.top,
  spec: {
    container: {
      name: 'storage-initializer',
      image: GOOD.image,
      resources: {requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}},
      ...extra.container,
    },
    supportedUriFormats: extra.formats ?? [{prefix: 's3://'}],
    workloadType: 'initContainer',
  },
})
const input = (doc: unknown, more: Partial<ValidationInput> = {}): ValidationInput => ({
  configMapPath: 'configmap/inferenceservice-config',
  text: typeof doc === 'string' ? doc : JSON.stringify(doc),
  release: parseRelease('v0.15.2'),
  storageContainers: [csc('default')],
  cluster: {
    configMapNames: ['inferenceservice-config'],
    modelNamespaces: [{namespace: 'ml', serviceAccounts: [{name: 'default', imagePullSecrets: 0}]}],
  },
  ...more,
})
const rules = (i: ValidationInput) =>
  validate(i)
    .map(f => f.rule)
    .filter(r => r !== 'SI012')

test('the good configuration has no findings but the digest hint', () => {
  expect(rules(input(GOOD))).toEqual([])
})

const CASES: [string, ValidationInput][] = [
  ['SI001', input('{"image": "x",}')],
  ['SI002', input(GOOD, {text: null})],
  ['SI003', input({...GOOD, enableModelcar: 'yes'})],
  ['SI004', input({...GOOD, imagee: 'typo'})],
  [
    'SI006',
    input(
      `{"image": "kserve/storage-initializer:v0.15.1", "Image": "${GOOD.image}", "cpuRequest": "100m", "cpuLimit": "1", "memoryRequest": "100Mi", "memoryLimit": "1Gi"}`,
    ),
  ],
  ['SI014', input(GOOD, {versionUnknown: {image: 'quay.io/opendatahub/kserve-controller:odh-master'}})],
  ['SI005', input({...GOOD, cpuLimit: ''})],
  // v0.16.0 parses cpuModelcar and memoryModelcar even when absent (configmap.go:434-447@v0.16.0): KServe's own words
  [
    'SI007',
    input(
      {...GOOD, image: 'kserve/storage-initializer:v0.16.0', cpuModelcar: undefined},
      {release: parseRelease('v0.16.0'), storageContainers: []},
    ),
  ],
  ['SI010', input({...GOOD, image: 'Bad/Image:1'})],
  ['SI011', input({...GOOD, image: 'kserve/storage-initializer:latest'}, {storageContainers: []})],
  ['SI013', input({...GOOD, image: 'kserve/storage-initializer:v0.14.0'}, {storageContainers: []})],
  ['SI020', input({...GOOD, memoryLimit: '1GB'})],
  ['SI021', input({...GOOD, memoryRequest: '2Gi'})],
  [
    'SI022',
    input(
      {...GOOD, memoryRequest: '2Gi', memoryLimit: '4Gi'},
      {storageContainers: [csc('default', {container: {resources: {limits: {memory: '1Gi'}}}})]},
    ),
  ],
  ['SI030', input({...GOOD, caBundleConfigMapName: 'my-ca'})],
  ['SI031', input({...GOOD, caBundleVolumeMountPath: 'etc/ssl'})],
  [
    'SI040',
    input(
      {...GOOD, image: 'kserve/storage-initializer:v0.20.0', ociModelMode: 'sideways'},
      {release: parseRelease('v0.20.0'), storageContainers: []},
    ),
  ],
  ['SI050', input(GOOD, {storageContainers: [csc('default', {formats: [{regex: 'https://(.+'}]})]})],
  ['SI051', input(GOOD, {storageContainers: [csc('a'), csc('b', {formats: [{regex: 's3://.*'}]})]})],
  ['SI052', input(GOOD, {storageContainers: [csc('default', {container: {name: 'downloader'}})]})],
  ['SI054', input(GOOD, {storageContainers: [], storageContainerCrd: false})],
  ['SI055', input(GOOD, {storageContainers: [{...csc('default'), spec: {...csc('default').spec, workloadType: undefined}}]})],
  ['SI053', input(GOOD, {storageContainers: [csc('default', {container: {image: 'kserve/storage-initializer:v0.15.1'}})]})],
  [
    'SI070',
    input(GOOD, {
      cluster: {
        helm: {
          release: 'kserve',
          revision: 3,
          storageInitializer: JSON.stringify({...GOOD, image: 'kserve/storage-initializer:v0.15.1'}),
          storageContainers: [],
        },
      },
    }),
  ],
  ['SI056', input(GOOD, {llmInferenceServices: [{namespace: 'ml', name: 'opt', uri: 's3://b/opt'}]})],
  [
    'SI057',
    input(GOOD, {
      storageContainers: [
        csc('default'),
        csc('storage-init-ml-gone', {
          top: {
            metadata: {
              name: 'storage-init-ml-gone',
              labels: {'storage-init.kserve.io/dedicated': 'true'},
              annotations: {'storage-init.kserve.io/model': 'ml/gone'},
            },
          },
          formats: [{regex: '^s3://b/gone$'}],
        }),
      ],
      inferenceServices: [],
    }),
  ],
  [
    'SI058',
    input(GOOD, {
      storageContainers: [
        csc('storage-init-ml-a', {
          top: {
            metadata: {
              name: 'storage-init-ml-a',
              labels: {'storage-init.kserve.io/dedicated': 'true'},
              annotations: {'storage-init.kserve.io/model': 'ml/a'},
            },
          },
          formats: [{regex: '^s3://b/'}],
        }),
      ],
      inferenceServices: [
        {namespace: 'ml', name: 'a', uris: ['s3://b/a'], storageContainerName: 'storage-init-ml-a'},
        {namespace: 'ml', name: 'b', uris: ['s3://b/b']},
      ],
    }),
  ],
  [
    'SI059',
    input(GOOD, {
      llmInferenceServices: [
        {namespace: 'ml', name: 'opt', uri: 'hf://o/m', override: {name: 'storage-initializer', resources: {requests: {memory: '4Gi'}}}},
      ],
    }),
  ],
  ['SI071', input(GOOD, {helmIgnored: ['kserve.storage.resources (memoryLimit 8Gi)']})],
  // a model naming a container that does not exist: the webhook refuses its pods
  [
    'SI061',
    input(
      {...GOOD, image: 'kserve/storage-initializer:v0.20.0'},
      {
        release: parseRelease('v0.20.0'),
        storageContainers: [],
        inferenceServices: [{namespace: 'ml', name: 'm', uris: ['s3://b/m'], storageContainerName: 'gone'}],
      },
    ),
  ],
  // a command line an older version recorded whole, its --token with it
  ['SI080', input(GOOD, {historyCommands: [{revision: 3, command: 'kubectl storage-init rollback --token eyJhbGciOiJSUzI1NiJ9.secret'}]})],
  ['SI060', input({...GOOD, image: 'registry.corp.example:5000/kserve/storage-initializer:v0.15.2'}, {storageContainers: []})],
  // a model manifest KServe would refuse, and one whose URI has no scheme (validate -f, by the emulation)
  [
    'SI063',
    input(GOOD, {
      modelManifests: [
        {kind: 'InferenceService', namespace: 'ml', name: 'm', refusals: ['ClusterStorageContainer gone not found'], noScheme: []},
      ],
    }),
  ],
  [
    'SI064',
    input(GOOD, {modelManifests: [{kind: 'InferenceService', namespace: 'ml', name: 'm', refusals: [], noScheme: ['bucket/model']}]}),
  ],
  // a model in a restricted namespace whose storage-initializer lacks the restricted securityContext (found live, by the emulation)
  [
    'SI062',
    input(GOOD, {
      podSecurity: [
        {
          kind: 'InferenceService',
          namespace: 'ml',
          name: 'm',
          level: 'restricted',
          container: 'storage-initializer',
          missing: ['runAsNonRoot: true'],
          fix: 'kubectl storage-init set-security-context --pod-security restricted --isvc m -n ml',
        },
      ],
    }),
  ],
]

test('every rule has a case', () => {
  expect(CASES.map(c => c[0]).sort()).toEqual(
    RULES.map(r => r.id)
      .filter(id => id !== 'SI012')
      .sort(),
  )
})

// a bad ConfigMap image also disagrees with the storage container (SI053); an older CSC image differs from the controller (SI013)
const ALSO: Record<string, string[]> = {SI010: ['SI053'], SI053: ['SI013']}

test.each(CASES)('%s fires, and only it', (rule, i) => {
  const fired = rules(i)
  expect(fired).toContain(rule)
  expect(fired.filter(r => r !== rule)).toEqual(ALSO[rule] ?? [])
})

test('SI012 fires for a tag and not for a digest', () => {
  expect(validate(input(GOOD, {storageContainers: []})).map(f => f.rule)).toEqual(['SI012'])
  expect(validate(input({...GOOD, image: `kserve/storage-initializer@sha256:${'a'.repeat(64)}`}, {storageContainers: []}))).toEqual([])
})

test('messages say where and what would be right', () => {
  const [syntax] = validate(input('{\n  "image": "x",\n}'))
  expect(syntax).toMatchObject({rule: 'SI001', severity: 'error', line: 3, column: 1})
  const typo = validate(input({...GOOD, memoryLimt: '1Gi'})).find(f => f.rule === 'SI004')!
  expect(typo.hint).toBe('did you mean "memoryLimit"?')
  const later = validate(input({...GOOD, ociModelMode: 'modelcar'})).find(f => f.rule === 'SI004')!
  expect(later.message).toBe('"ociModelMode" is not read by KServe v0.15.2: it is read from v0.20')
  const removed = validate(input({...GOOD, enableDirectPvcVolumeMount: true}, {release: parseRelease('v0.17.1')})).find(
    f => f.rule === 'SI004',
  )!
  expect(removed.message).toContain('it was read up to v0.16 (exclusive)')
  const overlap = validate(input(GOOD, {storageContainers: [csc('a'), csc('b', {formats: [{regex: 's3://.*'}]})]})).find(
    f => f.rule === 'SI051',
  )!
  // KServe lists them from an informer cache: either may serve (storage_initializer_injector.go GetStorageContainerSpec@v0.20.0)
  expect(overlap.message).toContain('either may serve such a pod, pod by pod (both give the same container today)')
  expect(overlap.severity).toBe('warning')
  const differ = validate(
    input(GOOD, {
      storageContainers: [csc('a'), csc('b', {formats: [{regex: 's3://.*'}], container: {image: 'kserve/storage-initializer:v0.15.1'}})],
    }),
  ).find(f => f.rule === 'SI051')!
  expect(differ.severity).toBe('error')
  expect(differ.hint).toContain('storageContainerName')
  expect(validate(input(GOOD, {storageContainers: [csc('a'), csc('b', {formats: [{prefix: 'gs://'}]})]})).map(f => f.rule)).not.toContain(
    'SI051',
  )
})

test('SI070 is quiet when the live settings are what Helm rendered; SI030 also checks the copies in model namespaces', () => {
  expect(
    rules(
      input(GOOD, {
        cluster: {helm: {release: 'kserve', revision: 3, storageInitializer: JSON.stringify(GOOD, null, 4), storageContainers: []}},
      }),
    ),
  ).toEqual([])
  const withCa = {...GOOD, caBundleConfigMapName: 'corp-ca'}
  const f = validate(
    input(withCa, {
      cluster: {configMapNames: ['corp-ca'], modelNamespaces: [{namespace: 'ml', serviceAccounts: [], configMaps: ['kube-root-ca.crt']}]},
    }),
  ).filter(x => x.rule === 'SI030')
  expect(f.map(x => [x.path, x.severity])).toEqual([['namespace/ml', 'warning']])
  expect(
    validate(
      input(withCa, {
        cluster: {configMapNames: ['corp-ca'], modelNamespaces: [{namespace: 'ml', serviceAccounts: [], configMaps: ['global-ca-bundle']}]},
      }),
    ).filter(x => x.rule === 'SI030'),
  ).toEqual([])
})

describe("as KServe's Go code reads the document", () => {
  test('keys match case-insensitively, the last one wins (encoding/json): "CPURequest" counts, a lone variant is SI006', () => {
    const f = validate(
      input(`{"image": "${GOOD.image}", "CPURequest": "100m", "cpuLimit": "1", "memoryRequest": "100Mi", "memoryLimit": "1Gi"}`),
    )
    expect(f.map(x => x.rule).filter(r => r !== 'SI012')).toEqual(['SI006'])
    expect(f.find(x => x.rule === 'SI006')!.message).toBe(
      '"CPURequest" is read by KServe as cpuRequest (Go matches JSON keys case-insensitively)',
    )
  })
  test('a number for a string, and 1010.0 for an int64, are decode errors the webhook panics on', () => {
    const f = validate(
      input(
        `{"image": "${GOOD.image}", "cpuRequest": 1, "cpuLimit": "1", "memoryRequest": "100Mi", "memoryLimit": "1Gi", "enableModelcar": true, "uidModelcar": 1010.0}`,
      ),
    )
    expect(f.filter(x => x.rule === 'SI003').map(x => x.message)).toEqual([
      'KServe cannot decode the document (json: cannot unmarshal number into Go struct field StorageInitializerConfig.cpuRequest of type string): the webhook panics and rejects every InferenceService pod',
      'KServe cannot decode the document (json: cannot unmarshal number 1010.0 into Go struct field StorageInitializerConfig.uidModelcar of type int64): the webhook panics and rejects every InferenceService pod',
    ])
  })
  test('quantities compare by value: 700m equals 0.7', () => {
    expect(rules(input({...GOOD, cpuRequest: '700m', cpuLimit: '0.7'}))).toEqual([])
    expect(rules(input({...GOOD, memoryRequest: '1024Mi', memoryLimit: '1Gi'}))).toEqual([])
  })
  test('RE2, not JavaScript: (?i) and (?P<name>) compile, lookahead does not', () => {
    expect(rules(input(GOOD, {storageContainers: [csc('default', {formats: [{regex: '(?i)^S3://(?P<bucket>[^/]+)/'}]})]}))).toEqual([])
    const f = validate(input(GOOD, {storageContainers: [csc('default', {formats: [{regex: 's3://(?=x)'}]})]})).find(
      x => x.rule === 'SI050',
    )!
    expect(f.message).toContain('error parsing regexp: invalid or unsupported Perl syntax: `(?=`')
  })
  test('SI030: the CA bundle ConfigMap needs the key cabundle.crt', () => {
    const withCa = {...GOOD, caBundleConfigMapName: 'corp-ca'}
    const f = validate(input(withCa, {cluster: {configMapNames: ['corp-ca'], configMapKeys: {'corp-ca': ['ca.crt']}}})).find(
      x => x.rule === 'SI030',
    )!
    expect(f.message).toBe('ConfigMap "corp-ca" has no key cabundle.crt (it has: ca.crt): no InferenceService reconciles until it does')
    expect(
      validate(input(withCa, {cluster: {configMapNames: ['corp-ca'], configMapKeys: {'corp-ca': ['cabundle.crt']}}})).filter(
        x => x.rule === 'SI030',
      ),
    ).toEqual([])
  })
  test('SI055 and workloadType: not checked before v0.14', () => {
    const bare = {...csc('default'), spec: {...csc('default').spec, workloadType: undefined}}
    expect(rules(input(GOOD, {storageContainers: [bare], release: parseRelease('v0.13.1')}))).not.toContain('SI055')
  })
})

test('a private registry with pull secrets is fine', () => {
  const i = input(
    {...GOOD, image: 'registry.corp.example:5000/si:v0.15.2'},
    {storageContainers: [], cluster: {modelNamespaces: [{namespace: 'ml', serviceAccounts: [{name: 'default', imagePullSecrets: 1}]}]}},
  )
  expect(rules(i)).toEqual([])
})

test('docs/reference.md (linked from the README) documents every rule', async () => {
  const {readFileSync} = await import('node:fs')
  const readme = readFileSync(new URL('../../docs/reference.md', import.meta.url), 'utf8')
  for (const r of RULES) expect(readme).toContain(`| ${r.id} | ${r.name} | ${r.severity} | ${r.description} |`)
})

test('SI061: before v0.20 KServe has no storageContainerName and ignores it', () => {
  const named = {inferenceServices: [{namespace: 'ml', name: 'm', uris: ['s3://b/m'], storageContainerName: 'gone'}]}
  expect(rules(input(GOOD, {...named, release: parseRelease('v0.19.0')}))).not.toContain('SI061')
  expect(rules(input(GOOD, {...named, release: parseRelease('v0.20.0')}))).toContain('SI061')
})
