// Builds the simulated-cluster scenarios under test/cluster/scenarios/ from test/fixtures/kserve/ (KServe's own
// files, unchanged but for what a release install changes: `:latest` becomes the release tag, as KServe's
// hack/release/generate-install.sh does, and the default ClusterStorageContainer gets its image).
// Run: node scripts/make-scenarios.mjs [FIXTURES_DIR]. A test checks that the committed files are up to date.
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const RELEASES = ['v0.11.0', 'v0.11.2', 'v0.13.1', 'v0.15.2', 'v0.17.1', 'v0.19.0', 'v0.20.0', 'HEAD']

const ISVC_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: inferenceservices.serving.kserve.io
spec:
  group: serving.kserve.io
  names: {kind: InferenceService, listKind: InferenceServiceList, plural: inferenceservices, singular: inferenceservice, shortNames: [isvc], categories: [all]}
  scope: Namespaced
  versions:
  - name: v1beta1
    served: true
    storage: true
    subresources: {status: {}}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

function tagOf(release) {
  return release === 'HEAD' ? 'latest' : release
}

/** The objects of one KServe install; `ns` is KServe's namespace. */
function install(fixtures, release, {ns = 'kserve', helm = false, breakJson = false} = {}) {
  const dir = join(fixtures, release)
  const tag = tagOf(release)
  const docs = []
  const read = f => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : undefined)
  // large CRDs (LLMInferenceService: 1 MB) are loaded by the simulator from the fixture itself, parsed once
  const crdFixtures = existsSync(join(dir, 'crd-llminferenceservices-minimal.yaml'))
    ? [`kserve/${release}/crd-llminferenceservices-minimal.yaml`]
    : []
  const cscCrd = read('crd-clusterstoragecontainers.yaml') ?? read('crd-clusterstoragecontainers-full.yaml')
  if (cscCrd) docs.push(cscCrd)
  docs.push(read('crd-inferenceservices-minimal.yaml') ?? ISVC_CRD)
  docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`)
  let cm = read('inferenceservice-config.yaml')
  if (release !== 'HEAD') cm = cm.replace(/:latest/g, `:${tag}`)
  cm = cm.replace(/^ {2}namespace: kserve$/m, `  namespace: ${ns}`)
  if (helm)
    cm = cm.replace(
      /^metadata:\n/m,
      `metadata:\n  labels:\n    app.kubernetes.io/managed-by: Helm\n  annotations:\n    meta.helm.sh/release-name: kserve\n    meta.helm.sh/release-namespace: ${ns}\n`,
    )
  if (breakJson) cm = cm.replace(/^( {2}storageInitializer: \|-\n {4}\{\n)/m, '$1        "image" : "kserve/storage-initializer:broken",,\n')
  docs.push(cm)
  const csc = read('clusterstoragecontainer-default.yaml')
  // the webhook merges the default ClusterStorageContainer into the pod's init container: its imagePullPolicy too
  const pull = /imagePullPolicy: (\w+)/.exec(csc ?? '')?.[1]
  if (csc) docs.push(csc.replace('default-storage-initilizer:replace', `kserve/storage-initializer:${tag}`))
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: kserve-controller-manager
  namespace: ${ns}
  labels: {control-plane: kserve-controller-manager}
spec:
  replicas: 1
  selector: {matchLabels: {control-plane: kserve-controller-manager}}
  template:
    metadata: {labels: {control-plane: kserve-controller-manager}}
    spec:
      containers:
      - name: manager
        image: kserve/kserve-controller:${tag}
status: {replicas: 1, readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1}
`)
  return {docs, tag, hasCsc: Boolean(csc), hasCscCrd: Boolean(cscCrd), crdFixtures, pull}
}

/** An InferenceService with one pod that ran the storage-initializer, and its log. */
function model(tag, image, pull) {
  const created = '2026-11-20T10:00:00Z'
  const pullPolicy = pull ? `\n    imagePullPolicy: ${pull}` : ''
  return {
    docs: [
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n`,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: sklearn-iris
  namespace: ml
spec:
  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://kfserving-examples/models/sklearn/1.0/model
`,
      `apiVersion: v1
kind: Pod
metadata:
  name: sklearn-iris-predictor-7d9c8b6f5-x2k4q
  namespace: ml
  creationTimestamp: "${created}"
  labels: {serving.kserve.io/inferenceservice: sklearn-iris, component: predictor, app: isvc.sklearn-iris-predictor}
  annotations: {internal.serving.kserve.io/storage-initializer-sourceuri: "gs://kfserving-examples/models/sklearn/1.0/model"}
spec:
  initContainers:
  - name: storage-initializer
    image: ${image}
    args: [gs://kfserving-examples/models/sklearn/1.0/model, /mnt/models]
    resources: {requests: {cpu: 100m, memory: 100Mi}, limits: {cpu: "1", memory: 1Gi}}${pullPolicy}
  containers:
  - name: kserve-container
    image: kserve/sklearnserver:${tag}
status:
  phase: Running
  initContainerStatuses:
  - name: storage-initializer
    ready: true
    restartCount: 0
    image: ${image}
    state: {terminated: {exitCode: 0, reason: Completed, startedAt: "2026-11-20T10:00:02Z", finishedAt: "2026-11-20T10:00:09Z"}}
  containerStatuses:
  - name: kserve-container
    ready: true
    restartCount: 0
    image: kserve/sklearnserver:${tag}
    state: {running: {startedAt: "2026-11-20T10:00:10Z"}}
`,
    ],
    logs: `  - pod: ml/sklearn-iris-predictor-7d9c8b6f5-x2k4q
    container: storage-initializer
    lines:
    - "2026-11-20 10:00:03.120 1 kserve INFO [initializer-entrypoint:<module>():16] Initializing, args: src_uri [gs://kfserving-examples/models/sklearn/1.0/model] dest_path[ [/mnt/models]"
    - {text: "2026-11-20 10:00:03.501 1 kserve INFO [storage.py:download():66] Copying contents of gs://kfserving-examples/models/sklearn/1.0/model to local", after: 1.5}
    - {text: "2026-11-20 10:00:08.944 1 kserve INFO [storage.py:download():110] Successfully copied gs://kfserving-examples/models/sklearn/1.0/model to /mnt/models", after: 6.9}
    - {text: "2026-11-20 10:00:08.945 1 kserve INFO [storage.py:download():111] Model downloaded in 5.443 seconds.", after: 6.9}
`,
  }
}

/**
 * A model whose download fails (for diagnose's picture): an S3 Secret without the key KServe tells S3 Secrets by, so
 * the credential builder skips it and boto3 finds no credentials; the init container restarts.
 */
function troubled() {
  const created = '2026-11-20T10:00:00Z'
  return {
    docs: [
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n`,
      `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: team-a\nsecrets:\n- name: s3creds\n`,
      `apiVersion: v1
kind: Secret
metadata:
  name: s3creds
  namespace: team-a
  annotations: {serving.kserve.io/s3-endpoint: "minio.storage:9000", serving.kserve.io/s3-usehttps: "0"}
type: Opaque
data: {AWS_ACCESS_KEY_ID: bWluaW8=}
`,
      `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: llama
  namespace: team-a
spec:
  predictor:
    model:
      modelFormat: {name: huggingface}
      storageUri: s3://models/llama-3-8b
`,
      `apiVersion: v1
kind: Pod
metadata:
  name: llama-predictor-5f7c9d4b8-q8w2n
  namespace: team-a
  creationTimestamp: "${created}"
  labels: {serving.kserve.io/inferenceservice: llama, component: predictor, app: isvc.llama-predictor}
  annotations: {internal.serving.kserve.io/storage-initializer-sourceuri: "s3://models/llama-3-8b"}
spec:
  initContainers:
  - name: storage-initializer
    image: kserve/storage-initializer:v0.20.0
    args: [s3://models/llama-3-8b, /mnt/models]
    resources: {requests: {cpu: 100m, memory: 100Mi}, limits: {cpu: "1", memory: 1Gi}}
  containers:
  - name: kserve-container
    image: kserve/huggingfaceserver:v0.20.0
status:
  phase: Pending
  initContainerStatuses:
  - name: storage-initializer
    ready: false
    restartCount: 4
    image: kserve/storage-initializer:v0.20.0
    state: {waiting: {reason: CrashLoopBackOff, message: "back-off 1m20s restarting failed container=storage-initializer pod=llama-predictor-5f7c9d4b8-q8w2n_team-a"}}
    lastState: {terminated: {exitCode: 1, reason: Error, startedAt: "2026-11-20T10:04:02Z", finishedAt: "2026-11-20T10:04:04Z"}}
  containerStatuses:
  - name: kserve-container
    ready: false
    restartCount: 0
    image: kserve/huggingfaceserver:v0.20.0
    state: {waiting: {reason: PodInitializing}}
`,
    ],
    logs: `  - pod: team-a/llama-predictor-5f7c9d4b8-q8w2n
    container: storage-initializer@previous
    lines:
    - "2026-11-20 10:04:02.870 1 kserve INFO [initializer-entrypoint:<module>():22] Initializing, args: src_uri [s3://models/llama-3-8b] dest_path[ [/mnt/models]"
    - {text: "2026-11-20 10:04:03.412 1 kserve INFO [kserve_storage.py:download():98] Copying contents of s3://models/llama-3-8b to local", after: 0.5}
    - {text: "2026-11-20 10:04:04.105 1 kserve ERROR [storage_errors.py:raise_storage_error():42] S3 error for s3://models/llama-3-8b: Unable to locate credentials", after: 1.2}
    - {text: "2026-11-20 10:04:04.106 1 kserve ERROR [initializer-entrypoint:<module>():31] Storage initialization failed: S3/Azure/HuggingFace/HTTP authentication failed. Check your credentials.", after: 1.2}
`,
  }
}

function scenario(name, description, parts, logs, extra = '') {
  const header = `# Generated by scripts/make-scenarios.mjs from test/fixtures/kserve; do not edit.\napiVersion: sim.storage-init.dev/v1\nkind: Scenario\nmetadata:\n  name: ${name}\nspec:\n  description: ${JSON.stringify(description)}\n  kserveCRDs: false\n${extra}  logs:\n${logs}`
  return [header, ...parts].map(d => d.replace(/\n*$/, '\n')).join('---\n')
}

export function buildScenarios(fixtures) {
  const out = {}
  const variants = [
    ...RELEASES.map(r => ({
      file: `kserve-${r}.yaml`,
      release: r,
      opts: {},
      description: `KServe ${r} as its release manifests install it`,
    })),
    {file: 'kserve-helm.yaml', release: 'v0.15.2', opts: {helm: true}, description: 'KServe v0.15.2 installed by Helm (release "kserve")'},
    {file: 'kserve-kubeflow.yaml', release: 'v0.20.0', opts: {ns: 'kubeflow'}, description: 'KServe v0.20.0 in the kubeflow namespace'},
    {
      file: 'kserve-broken.yaml',
      release: 'v0.20.0',
      opts: {breakJson: true},
      description: 'KServe v0.20.0 with invalid JSON in storageInitializer',
    },
  ]
  for (const v of variants) {
    const inst = install(fixtures, v.release, v.opts)
    const m = model(inst.tag, `kserve/storage-initializer:${inst.tag}`, inst.pull)
    const extra = inst.crdFixtures.length ? `  crdFixtures: ${JSON.stringify(inst.crdFixtures)}\n` : ''
    out[v.file] = scenario(v.file.replace(/\.yaml$/, ''), v.description, [...inst.docs, ...m.docs], m.logs, extra)
  }
  {
    const inst = install(fixtures, 'v0.20.0')
    const m = model(inst.tag, `kserve/storage-initializer:${inst.tag}`, inst.pull)
    const t = troubled()
    out['kserve-troubled.yaml'] = scenario(
      'kserve-troubled',
      'KServe v0.20.0 with a model whose download fails (team-a/llama: an S3 Secret KServe skips)',
      [...inst.docs, ...m.docs, ...t.docs],
      m.logs + t.logs,
    )
  }
  return out
}

const here = dirname(fileURLToPath(import.meta.url))
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fixtures = process.argv[2] ?? join(here, '..', 'test', 'fixtures', 'kserve')
  const target = join(here, '..', 'test', 'cluster', 'scenarios')
  mkdirSync(target, {recursive: true})
  for (const [f, text] of Object.entries(buildScenarios(fixtures))) writeFileSync(join(target, f), text)
  console.log(`wrote ${Object.keys(buildScenarios(fixtures)).length} scenarios to ${target}`)
}
