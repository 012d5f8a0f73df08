/** The pure parts of `diagnose` beside the catalogue: label selectors, Knative durations, credentials, the webhook. */
import {credentialAdvice, credentialsConfig, providerOf, secretKeys} from '../../src/domain/diagnose-credentials.js'
import {durationSeconds} from '../../src/domain/diagnose.js'
import {readyEndpoints, selects, webhookVerdict} from '../../src/domain/diagnose-webhook.js'
import {parseRelease} from '../../src/domain/release.js'
import {mergeContainer} from '../../src/domain/container-merge.js'
import {restrictedSecurityContext, violations} from '../../src/domain/pod-security.js'

test('label selectors as metav1.LabelSelector: matchLabels and the four operators, ANDed', () => {
  const labels = {a: '1', b: '2'}
  expect(selects(undefined, labels)).toBe(true)
  expect(selects({}, labels)).toBe(true)
  expect(selects({matchLabels: {a: '1'}}, labels)).toBe(true)
  expect(selects({matchLabels: {a: '2'}}, labels)).toBe(false)
  expect(selects({matchExpressions: [{key: 'a', operator: 'In', values: ['1', '3']}]}, labels)).toBe(true)
  expect(selects({matchExpressions: [{key: 'c', operator: 'In', values: ['1']}]}, labels)).toBe(false)
  expect(selects({matchExpressions: [{key: 'a', operator: 'NotIn', values: ['1']}]}, labels)).toBe(false)
  expect(selects({matchExpressions: [{key: 'c', operator: 'NotIn', values: ['1']}]}, labels)).toBe(true)
  expect(selects({matchExpressions: [{key: 'control-plane', operator: 'DoesNotExist'}]}, labels)).toBe(true)
  expect(selects({matchExpressions: [{key: 'a', operator: 'DoesNotExist'}]}, labels)).toBe(false)
  expect(selects({matchExpressions: [{key: 'b', operator: 'Exists'}], matchLabels: {a: '2'}}, labels)).toBe(false)
  expect(selects({matchExpressions: [{key: 'a', operator: 'Gt', values: ['0']}]}, labels)).toBe(false)
})

test("Knative durations as Go's time.ParseDuration writes them", () => {
  expect(durationSeconds('20m')).toBe(1200)
  expect(durationSeconds('1h30m')).toBe(5400)
  expect(durationSeconds('90s')).toBe(90)
  expect(durationSeconds('1m500ms')).toBe(60.5)
  expect(durationSeconds('1.5h')).toBe(5400)
  expect(durationSeconds('20')).toBeUndefined()
  expect(durationSeconds('20m junk')).toBeUndefined()
  expect(durationSeconds(undefined)).toBeUndefined()
})

test("a Secret is its key names and KServe's annotations: values never kept", () => {
  const k = secretKeys({
    metadata: {name: 's', annotations: {'serving.kserve.io/s3-endpoint': 'e:9000', other: 'x'}},
    data: {AWS_SECRET_ACCESS_KEY: 'c2VjcmV0', AWS_ACCESS_KEY_ID: 'aWQ='},
  })
  expect(k).toEqual({
    name: 's',
    keys: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
    annotations: {'serving.kserve.io/s3-endpoint': 'e:9000'},
  })
  expect(JSON.stringify(k)).not.toContain('c2VjcmV0')
})

test("the provider of a Secret: the first data key in the credential builder's order, per release", () => {
  const c = credentialsConfig(
    JSON.stringify({s3: {s3AccessKeyIDName: 'AWS_ACCESS_KEY_ID', s3SecretAccessKeyName: 'AWS_SECRET_ACCESS_KEY'}}),
  )
  const s = (...keys: string[]) => ({name: 'x', keys, annotations: {}})
  expect(providerOf(s('AWS_SECRET_ACCESS_KEY', 'HF_TOKEN'), c)).toBe('s3')
  expect(providerOf(s('HF_TOKEN'), c, parseRelease('v0.15.0'))).toBe('hf')
  expect(providerOf(s('HF_TOKEN'), c, parseRelease('v0.14.1'))).toBe('hf')
  expect(providerOf(s('HF_TOKEN'), c, parseRelease('v0.13.1'))).toBeUndefined()
  expect(providerOf(s('AZURE_ACCESS_TOKEN'), c, parseRelease('v0.15.2'))).toBeUndefined()
  expect(providerOf(s('AZURE_ACCESS_TOKEN'), c, parseRelease('v0.16.0'))).toBe('azure')
  // without a credentials section, Go's own defaults (awsSecretAccessKey), not the shipped ConfigMap's
  expect(providerOf(s('AWS_SECRET_ACCESS_KEY'), credentialsConfig(undefined))).toBeUndefined()
  expect(providerOf(s('awsSecretAccessKey'), credentialsConfig(undefined))).toBe('s3')
})

test('credentials named by the model annotation: that Secret alone is judged', () => {
  const config = credentialsConfig(JSON.stringify({storageSecretNameAnnotation: 'serving.kserve.io/storageSecretName'}))
  const a = credentialAdvice({
    provider: 'hf',
    namespace: 'ml',
    model: {kind: 'InferenceService', name: 'm', annotations: {'serving.kserve.io/storageSecretName': 'hf'}},
    serviceAccount: 'default',
    saSecrets: undefined,
    secrets: new Map([['hf', {name: 'hf', keys: ['token'], annotations: {}}]]),
    config,
  })
  expect(a.evidence).toEqual([
    "the model's annotation serving.kserve.io/storageSecretName=hf: Secret ml/hf has keys token; it lacks HF_TOKEN",
  ])
  expect(a.fix).toBe(`add HF_TOKEN to Secret hf: kubectl patch secret hf -n ml --type=merge -p '{"stringData":{"HF_TOKEN":"…"}}'`)
})

test('the webhook: missing, not covering pods, skipping the namespace, without endpoints', () => {
  const pod = {metadata: {name: 'p', labels: {'serving.kserve.io/inferenceservice': 'm'}}}
  expect(webhookVerdict({config: undefined, namespace: 'ml', pod}).evidence).toEqual([])
  expect(webhookVerdict({config: null, namespace: 'ml', pod}).evidence[0]).toContain('does not exist')
  const hook = {
    name: 'inferenceservice.kserve-webhook-server.pod-mutator',
    clientConfig: {service: {namespace: 'kserve', name: 'kserve-webhook-server-service'}},
    failurePolicy: 'Ignore',
    namespaceSelector: {matchExpressions: [{key: 'control-plane', operator: 'DoesNotExist'}]},
    objectSelector: {matchExpressions: [{key: 'serving.kserve.io/inferenceservice', operator: 'Exists'}]},
    rules: [{apiGroups: [''], operations: ['CREATE'], resources: ['pods']}],
  }
  const v = webhookVerdict({config: {webhooks: [hook]}, namespace: 'ml', namespaceLabels: {'control-plane': 'x'}, pod, endpointSlices: []})
  expect(v.evidence).toEqual([
    "webhook inferenceservice.kserve-webhook-server.pod-mutator's namespaceSelector (control-plane DoesNotExist) does not select namespace ml",
    "service kserve/kserve-webhook-server-service (the webhook's) has no ready endpoints: the KServe controller is not serving, and failurePolicy Ignore lets pods through without a storage-initializer",
  ])
  // the namespace's name label is always there (kube-apiserver sets kubernetes.io/metadata.name)
  const byName = {...hook, namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': 'ml'}}}
  expect(webhookVerdict({config: {webhooks: [byName]}, namespace: 'ml', namespaceLabels: {}, pod}).evidence[0]).toContain(
    'selects this namespace and pod',
  )
  expect(readyEndpoints([{endpoints: [{conditions: {}}, {conditions: {ready: false}}]}])).toBe(1)
})

test("a ClusterStorageContainer's securityContext keeps false and 0 through the merge (pointer fields in Go)", () => {
  const merged = mergeContainer(
    {name: 'storage-initializer', image: 'i', tty: false},
    {
      name: '',
      securityContext: {allowPrivilegeEscalation: false, runAsUser: 0, privileged: false, seLinuxOptions: {user: ''}},
      stdin: false,
    },
  )
  expect(merged).toEqual({
    name: 'storage-initializer',
    image: 'i',
    securityContext: {allowPrivilegeEscalation: false, runAsUser: 0, privileged: false, seLinuxOptions: {}},
  })
})

test('restricted: what a container lacks, the pod-level values that count, and the context that meets it', () => {
  expect(violations('restricted', {name: 'c'})).toEqual([
    'allowPrivilegeEscalation: false',
    'runAsNonRoot: true',
    'seccompProfile.type: RuntimeDefault',
    'capabilities.drop: [ALL]',
  ])
  expect(
    violations(
      'restricted',
      {name: 'c', securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: ['ALL']}}},
      {runAsNonRoot: true, seccompProfile: {type: 'RuntimeDefault'}},
    ),
  ).toEqual([])
  expect(violations('baseline', {name: 'c'})).toEqual([])
  expect(violations('baseline', {name: 'c', securityContext: {privileged: true, capabilities: {add: ['SYS_ADMIN', 'CHOWN']}}})).toEqual([
    'privileged: true is not allowed',
    'capabilities.add SYS_ADMIN is not allowed',
  ])
  const sc = restrictedSecurityContext({
    runAsUser: 1000,
    privileged: true,
    capabilities: {add: ['NET_BIND_SERVICE', 'SYS_ADMIN']},
    seccompProfile: {type: 'Localhost', localhostProfile: 'p.json'},
  })
  expect(sc).toEqual({
    runAsUser: 1000,
    allowPrivilegeEscalation: false,
    runAsNonRoot: true,
    seccompProfile: {type: 'Localhost', localhostProfile: 'p.json'},
    capabilities: {add: ['NET_BIND_SERVICE'], drop: ['ALL']},
  })
  expect(violations('restricted', {name: 'c', securityContext: sc})).toEqual([])
})

describe('credential advice follows the branch the Secret took', () => {
  const config = credentialsConfig(
    JSON.stringify({s3: {s3AccessKeyIDName: 'AWS_ACCESS_KEY_ID', s3SecretAccessKeyName: 'AWS_SECRET_ACCESS_KEY'}}),
  )
  const facts = (provider: any, secrets: Record<string, string[]>, extra: any = {}) =>
    credentialAdvice({
      provider,
      namespace: 'ml',
      model: {kind: 'InferenceService', name: 'm', annotations: {}},
      serviceAccount: 'default',
      saSecrets: Object.keys(secrets),
      secrets: new Map(Object.entries(secrets).map(([n, keys]) => [n, {name: n, keys, annotations: {}}])),
      config,
      ...extra,
    })

  test('an Azure storage-key Secret needs nothing more: no key to add (adding AZURE_CLIENT_ID would switch its branch)', () => {
    const a = facts('azure', {az: ['AZURE_STORAGE_ACCESS_KEY']})
    expect(a.evidence).toEqual(['service account ml/default lists Secret az: keys AZURE_STORAGE_ACCESS_KEY'])
    expect(a.fix).toBeUndefined()
  })

  test('a legacy AZ_ Secret is judged on the AZ_ names', () => {
    const a = facts('azure', {az: ['AZ_CLIENT_ID', 'AZ_TENANT_ID']})
    expect(a.evidence[0]).toContain('it lacks AZ_CLIENT_SECRET')
    expect(a.fix).toContain('"AZ_CLIENT_SECRET":"…"')
  })

  test('IRSA: an S3 role on the service account, no Secret needed', () => {
    const a = facts('s3', {}, {saAnnotations: {'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/models'}})
    expect(a.evidence[0]).toContain('eks.amazonaws.com/role-arn=arn:aws:iam::1:role/models')
    expect(a.fix).toContain('system:serviceaccount:ml:default')
  })

  test("the storage: block reads the Secret the model's annotation names, and default_<type>", () => {
    const c = credentialsConfig(JSON.stringify({storageSecretNameAnnotation: 'serving.kserve.io/storageSecretName'}))
    const a = credentialAdvice({
      provider: 's3',
      namespace: 'ml',
      model: {kind: 'InferenceService', name: 'm', annotations: {'serving.kserve.io/storageSecretName': 'mine'}},
      serviceAccount: 'default',
      saSecrets: undefined,
      secrets: new Map([['mine', {name: 'mine', keys: ['default'], annotations: {}}]]),
      storageSpec: {type: 's3'},
      config: c,
    })
    expect(a.evidence[0]).toBe('the model uses the storage: block; Secret ml/mine has keys default, not default_s3')
  })
})
