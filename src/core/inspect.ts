/** `get`: what is configured, where it comes from, and what each model will actually get. */
import {CliError, isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {
  CONFIGMAP,
  findInferenceService,
  findLlmInferenceService,
  KEY,
  listLlmDeployments,
  listLlmInferenceServices,
  listModelPods,
} from '../kube/kserve.js'
import {llmOverride, llmPodSelector, llmUri} from '../domain/llmisvc.js'
import {helmOwnership, type HelmOwnership} from '../domain/helm.js'
import type {OwnerVerdict} from '../domain/gitops.js'
import {parseRelease, type Release} from '../domain/release.js'
import {
  configMapContainer,
  EXAMPLE_URIS,
  fromResource,
  type Injection,
  type Resources,
  type StorageContainer,
} from '../domain/storage-containers.js'
import {goFieldOf} from '../domain/json-edit.js'
import {components, componentStorage, type KServeState} from '../domain/kserve/controller.js'
import {
  emulateInferenceService,
  emulateLlmInferenceService,
  emulateUri,
  projectInjection,
  projectUriInjection,
  type Prediction,
  type Refusal,
} from '../domain/kserve/index.js'
import type {PodSpec} from '../domain/kserve/storage.js'
import {configResult, NO_CONFIGMAP, readKServe} from './kserve-state.js'
import type {FileConfig} from './manifests.js'
import {describeFields, type FieldView} from '../domain/storage-initializer.js'
import {getObject} from '../kube/objects.js'
import {API_VERSION} from '../domain/api-version.js'
import {deploymentMode, podView, rolloutFor, type PodView, type Rollout} from '../domain/model-pods.js'

/** What an unreadable KServe version is judged by: the newest rules this plugin knows. */
export const ASSUMED = 'the newest KServe rules known (v0.20 and later)'

export interface Inspection {
  apiVersion: typeof API_VERSION
  kind: 'StorageInitializerConfig'
  context: string
  kserve: {
    namespace: string
    namespaceSource: 'flag' | 'discovered'
    version: string | null
    controllerImage: string | null
    /** when the version cannot be read (a vendor tag, a digest, no Deployment): whose rules were assumed */
    assumed?: string
  }
  configMap: {name: string; namespace: string; resourceVersion: string; helm: HelmOwnership | null}
  /** the objects Argo CD or Flux keep as Git says, and what they do with a change made here (get reads them) */
  gitops?: GitOpsView[]
  storageInitializer: {
    image: string | null
    resources: Resources
    fields: FieldView[]
    /** null when KServe decodes the document; else the refusal every model pod gets (and every reconcile) */
    refusal: Refusal | null
  }
  storageContainers: {crdInstalled: boolean; error?: string; items: StorageContainer[]}
  uriFormats: ({format: string; example: string} & Injection)[]
  /** per-model settings: dedicated ClusterStorageContainers (set-* --isvc) and LLMInferenceService overrides */
  perModel: {
    kind: 'InferenceService' | 'LLMInferenceService'
    namespace: string
    name: string
    via: string
    image: string | null
    resources: Resources
  }[]
  /** LLMInferenceServices get their storage-initializer from the LLM controller, not the webhook (llmisvc.ts) */
  llmInferenceServices: {
    crdInstalled: boolean
    error?: string
    items: {name: string; namespace: string; uri: string | null; injection: Injection}[]
  }
}

export interface Loaded {
  inspection: Inspection
  /** LLMInferenceServices and the storage-initializer their running Deployments have, by namespace/name */
  llms: any[]
  llmRunning: Map<string, any>
  /** the storageInitializer document as KServe's Go code reads it (go-json.ts): field name -> value */
  doc: Record<string, unknown>
  release?: Release
  containers: StorageContainer[]
  /** what the emulation of KServe reads (kserve/index.ts) */
  state: KServeState
  /** the pod template each LLM workload runs today, by namespace/workload name (its storage-initializer image is kept) */
  llmTemplates: Map<string, PodSpec>
  /** the live objects, with their resourceVersions */
  configMapObject: any
  storageContainerObjects: any[]
}

/** Read the live configuration (ConfigMap, storage containers and controller in parallel where possible). */
export async function inspect(client: KubeClient, kserveNamespace?: string): Promise<Loaded> {
  const llmList = listLlmInferenceServices(client)
  llmList.catch(() => undefined)
  const [read, llms] = await Promise.all([readKServe(client, kserveNamespace), llmList])
  const cm = read.configMap!
  const {release, containers, state, version} = read
  const scs = read.storageContainers
  // the controller keeps the storage-initializer image its Deployments run: read them only when there are models
  const llmRunning = new Map<string, any>()
  const llmTemplates = new Map<string, PodSpec>()
  if (llms.items.length)
    for (const d of await listLlmDeployments(client)) {
      const spec = d.spec?.template?.spec ?? {}
      llmTemplates.set(`${d.metadata.namespace}/${d.metadata.name}`, {
        containers: spec.containers ?? [],
        initContainers: spec.initContainers ?? [],
        volumes: spec.volumes ?? [],
      })
      llmRunning.set(
        `${d.metadata.namespace}/${d.metadata.name}`,
        (spec.initContainers ?? []).find((c: any) => c.name === 'storage-initializer'),
      )
    }
  const where = `configmap ${cm.namespace}/${CONFIGMAP}`
  if (read.text === null)
    throw new CliError('NotFound', `${where} has no key "${KEY}"`, {
      hint: 'KServe falls back to nothing: restore the key (see kubectl storage-init validate)',
    })
  const e = read.syntaxError
  if (e)
    throw e.beyondPlugin
      ? new CliError('Invalid', `the "${KEY}" key of ${where} is ${e.message}`, {
          hint: 'KServe can still read it; this plugin does not walk values nested that deep',
        })
      : new CliError('Invalid', `the "${KEY}" key of ${where} is not valid JSON: ${e.message}`, {
          hint: 'KServe rejects every InferenceService pod until it is fixed; check it with kubectl storage-init validate',
        })
  const rawDoc = read.document!
  const doc = read.decoded!.config
  const image = read.controllerImage
  const cmc = configMapContainer(doc)
  const config = state.config
  const llmState = (l: any) => {
    const runs = new Map<string, PodSpec>()
    for (const [k, v] of llmTemplates) if (k.startsWith(`${l.metadata.namespace}/`)) runs.set(k.slice(l.metadata.namespace.length + 1), v)
    return runs
  }
  const inspection: Inspection = {
    apiVersion: API_VERSION,
    kind: 'StorageInitializerConfig',
    context: client.context.name,
    kserve: {namespace: cm.namespace, namespaceSource: cm.source, version, controllerImage: image, ...(release ? {} : {assumed: ASSUMED})},
    configMap: {
      name: CONFIGMAP,
      namespace: cm.namespace,
      resourceVersion: cm.object.metadata?.resourceVersion ?? '',
      helm: helmOwnership(cm.object.metadata) ?? null,
    },
    storageInitializer: {
      image: cmc.image ?? null,
      resources: cmc.resources,
      fields: describeFields(rawDoc, release, k => goFieldOf(k)),
      refusal: config.ok ? null : {component: 'webhook', message: config.message, explanation: config.explanation},
    },
    storageContainers: {crdInstalled: scs.installed, ...(scs.error ? {error: scs.error} : {}), items: containers},
    uriFormats: [
      // a model with only this URI, as the emulation of the release says (the table is rendered from it)
      ...EXAMPLE_URIS.map(e => ({format: e.format, example: e.uri, ...projectInjection(emulateUri(e.uri, state))})),
      ...(llms.installed
        ? LLM_EXAMPLES.map(e => ({
            format: e.format,
            example: e.uri,
            ...projectInjection(
              emulateLlmInferenceService({metadata: {name: 'model', namespace: cm.namespace}, spec: {model: {uri: e.uri}}}, state)[0],
            ),
          }))
        : []),
    ],
    perModel: [
      ...scs.items
        .filter(o => o.metadata?.labels?.['storage-init.kserve.io/dedicated'] === 'true')
        .map(o => {
          const [namespace, name] = String(o.metadata?.annotations?.['storage-init.kserve.io/model'] ?? '/').split('/')
          return {
            kind: 'InferenceService' as const,
            namespace,
            name,
            via: `clusterstoragecontainer/${o.metadata.name}`,
            image: o.spec?.container?.image ?? null,
            resources: o.spec?.container?.resources ?? {},
          }
        }),
      ...llms.items
        .filter(l => llmOverride(l))
        .map(l => ({
          kind: 'LLMInferenceService' as const,
          namespace: l.metadata.namespace,
          name: l.metadata.name,
          via: 'spec.template.initContainers[storage-initializer]',
          image: llmOverride(l)?.image ?? null,
          resources: llmOverride(l)?.resources ?? {},
        })),
    ],
    llmInferenceServices: {
      crdInstalled: llms.installed,
      ...(llms.error ? {error: llms.error} : {}),
      items: llms.items.map(l => ({
        name: l.metadata.name,
        namespace: l.metadata.namespace,
        uri: llmUri(l) ?? null,
        injection: projectInjection(emulateLlmInferenceService(l, state, llmState(l))[0]),
      })),
    },
  }
  return {
    inspection,
    doc,
    release,
    state,
    llmTemplates,
    containers,
    configMapObject: cm.object,
    storageContainerObjects: scs.items,
    llms: llms.items,
    llmRunning,
  }
}

/**
 * The emulation, run once on a made-up configuration (KServe's default ClusterStorageContainer and storageInitializer)
 * while get's reads are in flight: a first run of this code, and re2js's first compile, take several times as long as
 * the next, and would otherwise come after the answers. Step by step, each step only while `waiting()` says the
 * answers have not come; nothing is kept but re2js's cache of compiled expressions (the default formats, which most
 * clusters' ClusterStorageContainers hold as they are).
 */
export function warmUp(waiting: () => boolean): void {
  const made = (): KServeState => {
    const release = parseRelease('v0.20.0')
    return {
      release,
      kserveNamespace: 'kserve',
      config: configResult(
        '{"image":"kserve/storage-initializer:v0.20.0","memoryRequest":"100Mi","memoryLimit":"1Gi","cpuRequest":"100m","cpuLimit":"1"}',
        release,
      ),
      containers: [
        fromResource({
          metadata: {name: 'default'},
          spec: {
            container: {name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0', resources: {limits: {memory: '1Gi'}}},
            supportedUriFormats: [
              {prefix: 'gs://'},
              {regex: 'https://(.+?).blob.core.windows.net/(.+)'},
              {regex: 'https://(.+?).file.core.windows.net/(.+)'},
              {regex: 'https?://(.+)/(.+)'},
            ],
          },
        }),
      ],
      crdInstalled: true,
    }
  }
  let state: KServeState | undefined
  const uris = EXAMPLE_URIS.map(e => e.uri)
  const step = () => {
    const uri = uris.shift()
    if (uri === undefined || !waiting()) return
    try {
      state ??= made()
      projectInjection(emulateUri(uri, state))
    } catch {
      // a warm-up: what it finds does not matter
    }
    setImmediate(step)
  }
  setImmediate(step)
}

/** The schemes an LLMInferenceService downloads with a storage-initializer, for the "who serves what" table. */
const LLM_EXAMPLES = [
  {format: 'hf:// (LLMInferenceService)', uri: 'hf://org/model'},
  {format: 's3:// (LLMInferenceService)', uri: 's3://bucket/model'},
]

export interface ModelStorage {
  component: string
  uri: string
  field: string
  injection: Injection
}

export interface IsvcInspection {
  apiVersion: typeof API_VERSION
  kind: 'InferenceServiceStorage' | 'LLMInferenceServiceStorage'
  context: string
  /** the model: an InferenceService, or an LLMInferenceService (kind) */
  inferenceService: {
    name: string
    namespace: string
    kind: 'InferenceService' | 'LLMInferenceService'
    storageContainerName: string | null
    deploymentMode?: string
  }
  kserve: Inspection['kserve']
  storage: ModelStorage[]
  /** the emulation's answer: one entry per pod template KServe makes for the model (README: JSON schema) */
  predictions: Prediction[]
  pods: PodView[]
  /** what could not be read (a 403), and so is not shown */
  notChecked?: {what: string; reason: string}[]
  /** get -f: the file the model comes from (not applied: no pods) */
  file?: string
  rollout: Rollout
  /** the model kept by Argo CD or Flux (get --isvc reads it) */
  gitops?: GitOpsView[]
}

/** One object a GitOps tool owns (domain/gitops.ts), and what the tool does with a change of it. */
export interface GitOpsView extends OwnerVerdict {
  object: string
}

/** The GitOps owners of the ConfigMap and the ClusterStorageContainers, read when their labels name one. */
export async function withOwners(client: KubeClient, loaded: Loaded): Promise<Inspection> {
  const {OwnerReader} = await import('../kube/gitops.js')
  const reader = new OwnerReader(client)
  const objects: [string, any, string[][]][] = [
    [`configmap/${CONFIGMAP}`, loaded.configMapObject, [['data', KEY]]],
    ...loaded.storageContainerObjects.map(
      o => [`clusterstoragecontainer/${o.metadata?.name}`, o, [['spec', 'container']]] as [string, any, string[][]],
    ),
  ]
  const gitops: GitOpsView[] = []
  for (const [object, o, paths] of objects) {
    const v = await reader.judge(o, paths)
    if (v) gitops.push({object, ...v})
  }
  return {...loaded.inspection, gitops}
}

/** The GitOps owner of a model (its storageContainerName or init container override is what a change writes). */
export async function modelOwners(client: KubeClient, view: IsvcInspection, object: any): Promise<IsvcInspection> {
  const {OwnerReader} = await import('../kube/gitops.js')
  const paths =
    view.inferenceService.kind === 'InferenceService'
      ? [['spec', 'predictor', 'storageContainerName']]
      : [['spec', 'template', 'initContainers']]
  const v = await new OwnerReader(client).judge(object, paths)
  return {
    ...view,
    gitops: v
      ? [{object: `${view.inferenceService.kind.toLowerCase()}/${view.inferenceService.namespace}/${view.inferenceService.name}`, ...v}]
      : [],
  }
}

/**
 * What the view of a model reads besides the configuration: its pods (by label selector) and its namespace. `diagnose`
 * shares one per namespace between the views and its own reads, so nothing is read twice.
 */
export interface ModelReads {
  pods(namespace: string, labelSelector: string): Promise<any[]>
  namespace(name: string): Promise<any>
}

/** Each read once: the same promise to every caller (each attaches its own handling of a refusal). */
export function memoReads(client: KubeClient, pods?: ModelReads['pods']): ModelReads {
  const cache = new Map<string, Promise<any>>()
  const once = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    let p = cache.get(key)
    if (!p) {
      p = read()
      p.catch(() => undefined)
      cache.set(key, p)
    }
    return p
  }
  return {
    pods: (ns, sel) => once(`pods/${ns}/${sel}`, () => (pods ? pods(ns, sel) : listModelPods(client, ns, sel))),
    namespace: ns => once(`ns/${ns}`, () => getObject(client, 'namespaces', ns)),
  }
}

/** What the view of one model needs of KServe's configuration: read live (inspect), or from files (fileBase). */
export type ModelBase = Pick<Loaded, 'state' | 'release' | 'configMapObject' | 'llmTemplates'> & {inspection: Pick<Inspection, 'kserve'>}

/**
 * The configuration in files (`get -f MODEL --config FILE`): KServe as the ConfigMap, ClusterStorageContainers and
 * release there say, with no cluster; the CRD assumed installed (every release since v0.11 installs it).
 */
export function fileBase(c: FileConfig | undefined, release: Release | undefined): ModelBase {
  const containers = (c?.storageContainers ?? []).map(fromResource)
  const kserveNamespace = c?.configMap?.metadata?.namespace ?? 'kserve'
  return {
    release,
    configMapObject: c?.configMap,
    llmTemplates: new Map(),
    state: {
      release,
      kserveNamespace,
      config: c?.text === undefined ? NO_CONFIGMAP : configResult(c.text ?? undefined, release),
      containers,
      crdInstalled: true,
    },
    inspection: {
      kserve: {
        namespace: kserveNamespace,
        namespaceSource: 'flag',
        version: release?.text ?? null,
        controllerImage: null,
        ...(release ? {} : {assumed: ASSUMED}),
      },
    },
  }
}

/** What a caller that already holds them gives inspectIsvc: the configuration, the model object, shared reads. */
export interface Shared {
  loaded?: ModelBase
  /** the model as listed (list items carry no kind) */
  model?: {kind: 'InferenceService' | 'LLMInferenceService'; object: any}
  reads?: ModelReads
  /** read who keeps the model in Git (get --isvc) */
  owners?: boolean
}

/** `get --isvc NAME` (or --llmisvc): an InferenceService, else an LLMInferenceService of that name. */
export async function inspectIsvc(
  client: KubeClient,
  kserveNamespace: string | undefined,
  namespace: string,
  name: string,
  kind?: 'LLMInferenceService',
  shared: Shared = {},
): Promise<IsvcInspection> {
  const reads = shared.reads ?? memoReads(client)
  const [loaded, model] = await Promise.all([
    shared.loaded ?? inspect(client, kserveNamespace),
    shared.model ?? findModel(client, namespace, name, kind),
  ])
  const view = await modelView(client.context.name, loaded, model, namespace, reads)
  return shared.owners ? modelOwners(client, view, model.object) : view
}

/** The view of one model, the configuration and the reads given (a live cluster, or files: no pods). */
export function modelView(
  context: string,
  base: ModelBase,
  model: NonNullable<Shared['model']>,
  namespace: string,
  reads: ModelReads,
): Promise<IsvcInspection> {
  const name = String(model.object.metadata?.name ?? '')
  return model.kind === 'InferenceService'
    ? isvcView(context, base, model.object, namespace, name, reads)
    : llmView(context, base, model.object, namespace, name, reads)
}

/** The InferenceService of that name, else the LLMInferenceService (only that with kind); not found: one clear line. */
export async function findModel(
  client: KubeClient,
  namespace: string,
  name: string,
  kind?: 'LLMInferenceService',
): Promise<NonNullable<Shared['model']>> {
  const [isvc, llm] = await Promise.all([
    kind ? undefined : findInferenceService(client, namespace, name),
    kind ? findLlmInferenceService(client, namespace, name) : undefined,
  ])
  if (isvc) return {kind: 'InferenceService', object: isvc}
  const l = llm ?? (kind ? undefined : await findLlmInferenceService(client, namespace, name))
  if (l) return {kind: 'LLMInferenceService', object: l}
  throw new CliError(
    'NotFound',
    `${kind ? 'llminferenceservice' : 'inferenceservice'} "${name}" not found in namespace "${namespace}"${kind ? '' : ' (nor an llminferenceservice)'}`,
    {
      hint: `list them with: kubectl get ${kind ? 'llminferenceservices' : 'inferenceservices,llminferenceservices'} -n ${namespace}`,
    },
  )
}

async function isvcView(
  context: string,
  loaded: ModelBase,
  isvc: any,
  namespace: string,
  name: string,
  reads: ModelReads,
): Promise<IsvcInspection> {
  const notChecked: NonNullable<IsvcInspection['notChecked']> = []
  const [pods, ns] = await Promise.all([
    reads.pods(namespace, `serving.kserve.io/inferenceservice=${name}`).catch(e => {
      if (!(isCliError(e) && e.kind === 'Forbidden')) throw e
      notChecked.push({what: `the pods of ${name}`, reason: e.message})
      return [] as any[]
    }),
    reads.namespace(namespace).catch(() => undefined),
  ])
  const storageContainerName: string | null = isvc.spec?.predictor?.storageContainerName ?? null
  // the pod webhook's namespaceSelector (control-plane DoesNotExist) needs the namespace's labels
  const state: KServeState = {...loaded.state, ...(ns?.metadata ? {namespaceLabels: ns.metadata.labels ?? {}} : {})}
  const comps = components(isvc, loaded.release)
  const all = emulateInferenceService(isvc, state)
  const at = (c: string) => (c.startsWith('canary[') ? `spec.canary[${c.slice(7, -1)}].predictor` : `spec.${c}`)
  const storage: ModelStorage[] = comps.flatMap((c, i) =>
    componentStorage(c, loaded.release).uris.map(u => ({
      component: c.name,
      uri: u.uri,
      field: `${at(c.name)}.${u.field}`,
      injection: projectUriInjection(all[i], u.uri),
    })),
  )
  // one prediction per pod template KServe makes: the predictor and canaries always, a transformer or explainer that downloads
  const predictions = all.filter(p => p.uris.length || p.component === 'predictor' || p.component.startsWith('canary'))
  // each pod against the template it was made from: the prediction whose workload its name starts with (a canary's
  // Deployment is the stable one's name and more), else the one of its component; the whole template (every storageUris
  // entry), not one URI
  const podViews = pods.map(p => {
    const component = p.metadata?.labels?.component ?? 'predictor'
    const podName = String(p.metadata?.name ?? '')
    const mine = all.filter(x => x.component === component || (component === 'predictor' && x.component.startsWith('canary')))
    const byWorkload = mine
      .filter(x => x.workload && podName.startsWith(`${x.workload}-`))
      .sort((a, b) => (b.workload?.length ?? 0) - (a.workload?.length ?? 0))[0]
    const prediction = byWorkload ?? mine.find(x => x.component === component)
    return podView(p, prediction ? projectInjection(prediction) : undefined, component)
  })
  const mode = deploymentMode(isvc, loaded.configMapObject, loaded.release)
  return {
    apiVersion: API_VERSION,
    kind: 'InferenceServiceStorage',
    context,
    inferenceService: {name, namespace, kind: 'InferenceService', storageContainerName, deploymentMode: mode},
    kserve: loaded.inspection.kserve,
    storage,
    predictions,
    pods: podViews,
    ...(notChecked.length ? {notChecked} : {}),
    rollout: rolloutFor(
      'InferenceService',
      name,
      namespace,
      mode,
      comps.some(c => componentStorage(c, loaded.release).multi),
    ),
  }
}

async function llmView(
  context: string,
  loaded: ModelBase,
  llm: any,
  namespace: string,
  name: string,
  reads: ModelReads,
): Promise<IsvcInspection> {
  const pods = await reads.pods(namespace, llmPodSelector(name))
  const runs = new Map<string, PodSpec>()
  for (const [k, v] of loaded.llmTemplates) if (k.startsWith(`${namespace}/`)) runs.set(k.slice(namespace.length + 1), v)
  const predictions = emulateLlmInferenceService(llm, loaded.state, runs)
  const injection = projectInjection(predictions[0])
  const uri = llmUri(llm) ?? ''
  return {
    apiVersion: API_VERSION,
    kind: 'LLMInferenceServiceStorage',
    context,
    inferenceService: {name, namespace, kind: 'LLMInferenceService', storageContainerName: null},
    kserve: loaded.inspection.kserve,
    storage: [{component: 'model', uri, field: 'spec.model.uri', injection}],
    predictions,
    pods: pods.map(p => podView(p, injection, p.metadata?.labels?.['app.kubernetes.io/component'] ?? 'workload')),
    rollout: rolloutFor('LLMInferenceService', name, namespace, undefined, false),
  }
}

/**
 * `get -f FILE`: what each model in the file would get, before it is applied: against the live configuration, or the
 * configuration in files (fileBase). Nothing of the model is read from the cluster (it has no pods yet); its
 * namespace's labels are, when a cluster is given (the pod webhook skips control-plane namespaces).
 */
export async function inspectFile(opts: {
  models: NonNullable<Shared['model']>[]
  base: ModelBase
  context: string
  namespace: string
  /** the live namespace (its labels), when a cluster is read */
  namespaceOf?: (name: string) => Promise<any>
  file: string
}): Promise<IsvcInspection[]> {
  const reads: ModelReads = {
    pods: async () => [],
    namespace: n => (opts.namespaceOf ? opts.namespaceOf(n) : Promise.reject(new Error('no cluster'))),
  }
  const out: IsvcInspection[] = []
  for (const m of opts.models) {
    const namespace = String(m.object.metadata?.namespace ?? opts.namespace)
    if (!m.object.metadata?.name) throw new CliError('Invalid', `a ${m.kind} in the file has no metadata.name`)
    out.push({...(await modelView(opts.context, opts.base, m, namespace, reads)), file: opts.file})
  }
  return out
}
