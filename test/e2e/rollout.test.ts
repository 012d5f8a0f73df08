/**
 * Which pods run what, and how a change reaches them (KServe v0.20.0): stale verdicts by value, the rollout each
 * workload kind needs (raw_kube_reconciler.go, ksvc_reconciler.go, storage_initializer_injector.go@v0.20.0), and the
 * init containers and namespaces the webhook treats apart.
 */
import {kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])
const isvcJson = async (name = 'sklearn-iris') => JSON.parse((await run('get', '--isvc', name, '-n', 'ml', '-o', 'json')).stdout)
const setDoc = async (change: Record<string, unknown>) => {
  const cm = JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'inferenceservice-config', '-n', 'kserve', '-o', 'json'])).stdout)
  const doc = {...JSON.parse(cm.data.storageInitializer), ...change}
  await kubectl(s.kubeconfig, [
    'patch',
    'cm',
    'inferenceservice-config',
    '-n',
    'kserve',
    '--type=merge',
    '-p',
    JSON.stringify({data: {storageInitializer: JSON.stringify(doc, null, 4)}}),
  ])
}
const isvc = (name: string, predictor: any, annotations: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  s.cluster.seed({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {name, namespace: 'ml', annotations, labels},
    spec: {predictor},
  })

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  // the CSC serves s3/gs/hf; the sample model's pod got the ConfigMap's values through it
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  s.cluster.seed({...csc, spec: {...csc.spec, supportedUriFormats: [{prefix: 'hf://'}]}})
})
afterEach(() => s.cluster.stop())

test('quantities compare by value: a pod stored with 1Gi is current against a ConfigMap that says 1024Mi', async () => {
  await setDoc({memoryLimit: '1024Mi', cpuLimit: '1000m'})
  const j = await isvcJson()
  expect(j.pods.map((p: any) => [p.current, p.differences])).toEqual([[true, []]])
  await setDoc({memoryLimit: '2Gi'})
  const k = await isvcJson()
  expect(k.pods[0].differences).toEqual(['limits.memory 1Gi -> 2Gi'])
})

test('the rollout each workload needs: Standard restarts, Knative replaces pods, storageUris reconcile the InferenceService', async () => {
  await setDoc({memoryLimit: '2Gi'})
  // v0.20.0's ConfigMap ships "defaultDeploymentMode": "Serverless" (deploy key): Knative
  const kn = await isvcJson()
  expect([kn.inferenceService.deploymentMode, kn.rollout.command]).toEqual([
    'Knative',
    'kubectl delete pod -n ml -l serving.kserve.io/inferenceservice=sklearn-iris',
  ])
  const t = (await run('get', '--isvc', 'sklearn-iris', '-n', 'ml')).stdout
  expect(t).toContain(
    '1 pod(s) run an older storage-initializer. Knative: the revision never changes, but each new pod passes the webhook again; replace the pods (Knative recreates them):\n  kubectl delete pod -n ml -l serving.kserve.io/inferenceservice=sklearn-iris',
  )
  // the legacy name RawDeployment is Standard (constants.go ParseDeploymentMode@v0.20.0)
  isvc('raw', {model: {modelFormat: {name: 'sklearn'}, storageUri: 'gs://b/m'}}, {'serving.kserve.io/deploymentMode': 'RawDeployment'})
  const raw = await isvcJson('raw')
  expect([raw.inferenceService.deploymentMode, raw.rollout.command]).toEqual([
    'Standard',
    'kubectl annotate inferenceservice raw -n ml --overwrite storage-init.kserve.io/restartedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)',
  ])
  isvc('multi', {
    model: {modelFormat: {name: 'huggingface'}},
    storageUris: [
      {uri: 'hf://org/base', mountPath: '/mnt/models/base'},
      {uri: 's3://b/adapter', mountPath: '/mnt/models/adapter'},
    ],
  })
  const multi = await isvcJson('multi')
  expect(multi.rollout.command).toMatch(
    /^kubectl annotate inferenceservice multi -n ml --overwrite storage-init\.kserve\.io\/reconciledAt=/,
  )
  // one init container for every URI, chosen from the first (predictor.go@v0.20.0)
  expect(multi.storage.map((x: any) => x.injection.sourceName)).toEqual([
    'clusterstoragecontainer/default',
    'clusterstoragecontainer/default',
  ])
})

test('a namespace with the control-plane label gets nothing from the webhook; a LocalModelCache model is a pvc mount', async () => {
  await kubectl(s.kubeconfig, ['label', 'namespace', 'ml', 'control-plane=kserve-controller-manager'])
  expect((await isvcJson()).storage[0].injection).toMatchObject({source: 'none'})
  await kubectl(s.kubeconfig, ['label', 'namespace', 'ml', 'control-plane-'])
  isvc(
    'cached',
    {model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://org/big'}},
    {'internal.serving.kserve.io/localmodel-pvc-name': 'model-h100', 'internal.serving.kserve.io/localmodel-sourceuri': 'hf://org/big'},
    {'internal.serving.kserve.io/localmodel': 'big'},
  )
  const c = await isvcJson('cached')
  expect(c.storage[0].injection.source).toBe('pvc-mount')
  // the webhook rewrites the URI to the cache's claim (storage_initializer_injector.go@v0.18.0+: GetStorageKey, sha256 of the source URI)
  expect(c.storage[0].injection.reason).toMatch(
    /^served from a LocalModelCache \(pvc:\/\/model-h100\/models\/[0-9a-f]{16}\/\): pvc:\/\/ is mounted/,
  )
})

test('an init container a ClusterStorageContainer renamed is the storage-initializer, for get and logs', async () => {
  const csc = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  s.cluster.seed({...csc, spec: {...csc.spec, container: {...csc.spec.container, name: 'my-downloader'}}})
  isvc('renamed', {model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://org/m'}})
  const image = csc.spec.container.image
  s.cluster.seed({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'renamed-predictor-1',
      namespace: 'ml',
      labels: {'serving.kserve.io/inferenceservice': 'renamed', component: 'predictor'},
      annotations: {
        'internal.serving.kserve.io/storage-initializer-sourceuri': 'hf://org/m',
        'sim.storage-init.dev/logs': JSON.stringify({'my-downloader': ['fetched hf://org/m']}),
      },
    },
    spec: {
      initContainers: [{name: 'my-downloader', image, args: ['hf://org/m', '/mnt/models'], resources: csc.spec.container.resources}],
      containers: [{name: 'kserve-container', image: 'hf'}],
    },
    status: {
      phase: 'Running',
      initContainerStatuses: [
        {
          name: 'my-downloader',
          state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: '2026-11-20T10:00:00Z', finishedAt: '2026-11-20T10:00:05Z'}},
        },
      ],
    },
  })
  const j = await isvcJson('renamed')
  expect(j.storage[0].injection.container.name).toBe('my-downloader')
  expect(j.pods.map((p: any) => [p.initContainer.image, p.current])).toEqual([[image, true]])
  const l = await run('logs', 'renamed', '-n', 'ml')
  expect(l.stdout).toContain('[pod/renamed-predictor-1/my-downloader] fetched hf://org/m')
})
