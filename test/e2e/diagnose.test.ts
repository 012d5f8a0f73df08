/**
 * `diagnose`: each cause found from its evidence alone on the simulated cluster (pods with the statuses, events and
 * scripted logs a real cluster shows), with the fix; a model with no problem gets a clean bill; a user who may not read
 * events gets a partial diagnosis that says what it could not see.
 */
import {plugin, startCluster, type Started} from '../helpers.js'
import {isvc, oomPod, pod, running, terminated, ago} from '../model-pods.js'

let s: Started
const ns = (name: string, labels: Record<string, string> = {}) => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name, labels}})
const model = (name: string, namespace: string, uri = 'hf://org/llm') => ({
  ...isvc(name),
  metadata: {name, namespace},
  spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: uri}}},
})
const podOf = (name: string, namespace: string, model: string, status: any, logs?: Record<string, string[]>) => {
  const p: any = pod(name, status, logs)
  p.metadata.namespace = namespace
  p.metadata.labels['serving.kserve.io/inferenceservice'] = model
  return p
}
const event = (namespace: string, involved: any, reason: string, message: string) => ({
  apiVersion: 'v1',
  kind: 'Event',
  metadata: {name: `${involved.name}.${reason.toLowerCase()}`, namespace},
  involvedObject: {namespace, ...involved},
  reason,
  message,
  type: 'Warning',
  lastTimestamp: ago(30),
})
const run = (args: string[]) => plugin(['diagnose', ...args, '--kubeconfig', s.kubeconfig])
const json = async (name: string, namespace: string) => {
  const r = await run([name, '-n', namespace, '-o', 'json'])
  return {code: r.code, d: JSON.parse(r.stdout), stderr: r.stderr}
}

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const st = s.cluster.store
  for (const n of ['d-oom', 'd-log', 'd-pull', 'd-psa', 'd-cp', 'd-none']) {
    const labels: Record<string, string> =
      n === 'd-psa' ? {'pod-security.kubernetes.io/enforce': 'restricted'} : n === 'd-cp' ? {'control-plane': 'kserve'} : {}
    st.create('/namespaces', ns(n, labels))
    st.create('serving.kserve.io/inferenceservices', model('m', n, n === 'd-log' ? 's3://bucket/model' : 'hf://org/llm'))
  }
  const oom = oomPod('m-predictor-1')
  oom.metadata.namespace = 'd-oom'
  oom.metadata.labels['serving.kserve.io/inferenceservice'] = 'm'
  st.create('/pods', oom)
  st.create(
    '/pods',
    podOf('m-predictor-1', 'd-log', 'm', terminated(60, 50, 1, 'Error'), {
      'storage-initializer': [
        'INFO:root:Copying contents of s3://bucket/model to local',
        'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the ListObjectsV2 operation: Access Denied',
      ],
    }),
  )
  st.create(
    '/pods',
    podOf('m-predictor-1', 'd-pull', 'm', {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 0,
          state: {waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image "kserve/storage-initializer:nope"'}},
        },
      ],
    }),
  )
  st.create(
    '/events',
    event(
      'd-psa',
      {kind: 'ReplicaSet', name: 'm-predictor-5d8f'},
      'FailedCreate',
      'Error creating: pods "m-predictor-5d8f-x" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "storage-initializer" must set securityContext.allowPrivilegeEscalation=false)',
    ),
  )
  const bare: any = podOf('m-predictor-1', 'd-cp', 'm', {phase: 'Running'})
  bare.spec.initContainers = []
  st.create('/pods', bare)
  st.create('/pods', podOf('m-predictor-1', 'd-none', 'm', running(20 * 60)))
  // a developer who may read models and pods, not events
  s.cluster.users['dev-noevents'] = {
    name: 'dev-noevents',
    groups: ['system:authenticated'],
    token: 'unused',
    rules: [
      {verbs: ['get', 'list', 'watch'], groups: [''], resources: ['pods', 'pods/log', 'namespaces', 'configmaps']},
      {verbs: ['get', 'list', 'watch'], groups: ['serving.kserve.io', 'apps'], resources: ['*']},
    ],
  }
})
afterAll(() => s.cluster.stop())

test('a model with no problem gets a clean bill (exit 0)', async () => {
  const r = await run(['sklearn-iris', '-n', 'ml'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('InferenceService ml/sklearn-iris: no problem found')
})

test('OOMKilled: the cause, the evidence, and set-resources with a larger limit', async () => {
  const {code, d, stderr} = await json('m', 'd-oom')
  expect(code).toBe(1)
  // the exit status alone says a problem was found: no error line beside the JSON
  expect(stderr).toBe('')
  const f = d.findings.find((x: any) => x.name === 'oom-killed')
  expect(f.evidence[0]).toContain('OOMKilled')
  expect(f.fix).toBe('kubectl storage-init set-resources --isvc m -n d-oom --limits memory=2Gi')
})

test('a log line KServe writes when S3 refuses access: matched to its cause, with the line as evidence', async () => {
  const {code, d} = await json('m', 'd-log')
  expect(code).toBe(1)
  const f = d.findings[0]
  expect(f.evidence.join('\n')).toContain('AccessDenied')
  expect(f.cause.toLowerCase()).toMatch(/access|denied|permission/)
  expect(f.source).toBeTruthy()
})

test('an image that cannot be pulled: set-image', async () => {
  const {code, d} = await json('m', 'd-pull')
  expect(code).toBe(1)
  expect(d.findings.map((f: any) => f.evidence.join(' ')).join(' ')).toContain('ImagePullBackOff')
  expect(d.findings.some((f: any) => /set-image|imagePullSecrets/.test(f.fix ?? ''))).toBe(true)
})

test('a restricted namespace: Pod Security refuses the init container, from the emulated container and the event', async () => {
  const {code, d} = await json('m', 'd-psa')
  expect(code).toBe(1)
  const f = d.findings.find((x: any) => x.name === 'pod-security-restricted')
  expect(f.evidence.join(' ')).toContain('allowPrivilegeEscalation: false')
  expect(f.fix).toBe('kubectl storage-init set-security-context --pod-security restricted --isvc m -n d-psa')
})

test('no storage-initializer injected: the webhook skips a control-plane namespace', async () => {
  const {code, d} = await json('m', 'd-cp')
  // the emulation knows the webhook skips the namespace: the pod is as KServe makes it (not "not injected"), and the
  // model never gets its storage-initializer: that is the problem
  expect(code).toBe(1)
  expect(d.findings.map((f: any) => f.name)).toEqual(['webhook-skips-namespace'])
})

test('a download that has not logged for twenty minutes is said to be stalled', async () => {
  const {d} = await json('m', 'd-none')
  expect(d.findings.map((f: any) => f.name)).toContain('download-stalled')
})

test('a KServe config it cannot use: the refusal, in KServe words, and validate as the fix', async () => {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const doc = JSON.parse(cm.data.storageInitializer)
  delete doc.memoryRequest
  s.cluster.store.update('/configmaps', {...cm, data: {...cm.data, storageInitializer: JSON.stringify(doc)}})
  try {
    const {code, d} = await json('sklearn-iris', 'ml')
    expect(code).toBe(1)
    expect(d.findings[0].name).toBe('kserve-refuses')
    expect(d.findings[0].evidence[0]).toContain('"storageInitializer"."memoryRequest"')
    expect(d.findings[0].fix).toContain('kubectl storage-init validate')
  } finally {
    s.cluster.store.update('/configmaps', {...s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config'), data: cm.data})
  }
})

test('without permission to read events: a partial diagnosis that says what it could not see', async () => {
  const r = await plugin(['diagnose', 'm', '-n', 'd-oom', '--as', 'dev-noevents', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(1)
  expect(r.stdout).toContain('oom-killed')
  expect(r.stdout).toMatch(/NOT CHECKED\n {2}the events of namespace d-oom: forbidden/)
})
