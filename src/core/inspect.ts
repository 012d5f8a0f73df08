/** `get`: what is configured, where it comes from, and what each model will actually get. */
import {CliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {CONFIGMAP, findConfigMap, findInferenceService, findLlmInferenceService, getController, KEY, listLlmDeployments, listLlmInferenceServices, listModelPods, listStorageContainers} from '../kube/kserve.js'
import {llmDeploymentName, llmOverride, llmPodSelector, llmUri, resolveLlm} from '../domain/llmisvc.js'
import {helmOwnership, type HelmOwnership} from '../domain/helm.js'
import {atLeast, controllerVersion, parseRelease, type Release} from '../domain/release.js'
import {sameQuantity} from '../domain/quantity.js'
import {configMapContainer, EXAMPLE_URIS, fromResource, selectInjection, type Injection, type Resources, type StorageContainer} from '../domain/storage-containers.js'
import {decodeStorageInitializer} from '../domain/go-json.js'
import {describeFields, DocumentSyntaxError, parseStorageInitializer, type FieldView} from '../domain/storage-initializer.js'
import {apiPath} from '../kube/paths.js'
import {API_VERSION} from '../domain/api-version.js'


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
  storageInitializer: {image: string | null; resources: Resources; fields: FieldView[]}
  storageContainers: {crdInstalled: boolean; error?: string; items: StorageContainer[]}
  uriFormats: ({format: string; example: string} & Injection)[]
  /** per-model settings: dedicated ClusterStorageContainers (set-* --isvc) and LLMInferenceService overrides */
  perModel: {kind: 'InferenceService' | 'LLMInferenceService'; namespace: string; name: string; via: string; image: string | null; resources: Resources}[]
  /** LLMInferenceServices get their storage-initializer from the LLM controller, not the webhook (llmisvc.ts) */
  llmInferenceServices: {crdInstalled: boolean; error?: string; items: {name: string; namespace: string; uri: string | null; injection: Injection}[]}
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
  /** the live objects, with their resourceVersions */
  configMapObject: any
  storageContainerObjects: any[]
}

/** Read the live configuration (ConfigMap, storage containers and controller in parallel where possible). */
export async function inspect(client: KubeClient, kserveNamespace?: string): Promise<Loaded> {
  const csc = listStorageContainers(client)
  csc.catch(() => undefined)
  const llmList = listLlmInferenceServices(client)
  llmList.catch(() => undefined)
  const cm = await findConfigMap(client, kserveNamespace)
  const [dep, scs, llms] = await Promise.all([getController(client, cm.namespace), csc, llmList])
  // the controller keeps the storage-initializer image its Deployments run: read them only when there are models
  const llmRunning = new Map<string, any>()
  if (llms.items.length)
    for (const d of await listLlmDeployments(client))
      llmRunning.set(`${d.metadata.namespace}/${d.metadata.name}`, (d.spec?.template?.spec?.initContainers ?? []).find((c: any) => c.name === 'storage-initializer'))
  const where = `configmap ${cm.namespace}/${CONFIGMAP}`
  const raw = cm.object.data?.[KEY]
  if (raw === undefined)
    throw new CliError('NotFound', `${where} has no key "${KEY}"`, {hint: 'KServe falls back to nothing: restore the key (see kubectl storage-init validate)'})
  let rawDoc: Record<string, unknown>
  try {
    rawDoc = parseStorageInitializer(raw)
  } catch (e) {
    if (e instanceof DocumentSyntaxError)
      throw new CliError('Invalid', `the "${KEY}" key of ${where} is not valid JSON: ${e.message}`, {
        hint: 'KServe rejects every InferenceService pod until it is fixed; check it with kubectl storage-init validate',
      })
    throw e
  }
  const {version, image} = controllerVersion(dep)
  const release = parseRelease(version ?? undefined)
  const doc = decodeStorageInitializer(raw, release).config
  const containers = scs.items.map(fromResource)
  const cmc = configMapContainer(doc)
  const inspection: Inspection = {
    apiVersion: API_VERSION,
    kind: 'StorageInitializerConfig',
    context: client.context.name,
    kserve: {namespace: cm.namespace, namespaceSource: cm.source, version, controllerImage: image, ...(release ? {} : {assumed: ASSUMED})},
    configMap: {name: CONFIGMAP, namespace: cm.namespace, resourceVersion: cm.object.metadata?.resourceVersion ?? '', helm: helmOwnership(cm.object.metadata) ?? null},
    storageInitializer: {image: cmc.image ?? null, resources: cmc.resources, fields: describeFields(rawDoc, release)},
    storageContainers: {crdInstalled: scs.installed, ...(scs.error ? {error: scs.error} : {}), items: containers},
    uriFormats: [
      ...EXAMPLE_URIS.map(e => ({format: e.format, example: e.uri, ...selectInjection(e.uri, doc, containers, {release, crdInstalled: scs.installed})})),
      ...(llms.installed ? LLM_EXAMPLES.map(e => ({format: e.format, example: e.uri, ...resolveLlm({spec: {model: {uri: e.uri}}}, doc, undefined, release)})) : []),
    ],
    perModel: [
      ...scs.items
        .filter(o => o.metadata?.labels?.['storage-init.kserve.io/dedicated'] === 'true')
        .map(o => {
          const [namespace, name] = String(o.metadata?.annotations?.['storage-init.kserve.io/model'] ?? '/').split('/')
          return {kind: 'InferenceService' as const, namespace, name, via: `clusterstoragecontainer/${o.metadata.name}`, image: o.spec?.container?.image ?? null, resources: o.spec?.container?.resources ?? {}}
        }),
      ...llms.items
        .filter(l => llmOverride(l))
        .map(l => ({kind: 'LLMInferenceService' as const, namespace: l.metadata.namespace, name: l.metadata.name, via: 'spec.template.initContainers[storage-initializer]', image: llmOverride(l)?.image ?? null, resources: llmOverride(l)?.resources ?? {}})),
    ],
    llmInferenceServices: {
      crdInstalled: llms.installed,
      ...(llms.error ? {error: llms.error} : {}),
      items: llms.items.map(l => ({
        name: l.metadata.name,
        namespace: l.metadata.namespace,
        uri: llmUri(l) ?? null,
        injection: resolveLlm(l, doc, llmRunning.get(`${l.metadata.namespace}/${llmDeploymentName(l.metadata.name)}`), release),
      })),
    },
  }
  return {inspection, doc, release, containers, configMapObject: cm.object, storageContainerObjects: scs.items, llms: llms.items, llmRunning}
}

/** The schemes an LLMInferenceService downloads with a storage-initializer, for the "who serves what" table. */
const LLM_EXAMPLES = [
  {format: 'hf:// (LLMInferenceService)', uri: 'hf://org/model'},
  {format: 's3:// (LLMInferenceService)', uri: 's3://bucket/model'},
]

const FRAMEWORKS = ['model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle', 'art', 'alibi']

export interface ModelStorage {
  component: string
  uri: string
  field: string
  injection: Injection
}

/** The URI the controller annotates for `storage: {key, path}`: the webhook builds the real one from the storage secret. */
export const SCHEME_PLACEHOLDER = '<scheme-placeholder>://'

/**
 * Every storage URI an InferenceService names, by component, where KServe's controller reads them
 * (pkg/apis/serving/v1beta1 predictor.go, predictor_custom.go, component.go@v0.20.0): `storageUri` of the component or
 * of its framework/model spec, `storage.path` (with `storage.key`), `storageUris[]`, and for custom containers the
 * `STORAGE_URI` env of the container named kserve-container (the first container before v0.12, and for transformers
 * and explainers); canary predictors (spec.canary[].predictor) too.
 */
export function storageUris(isvc: any, release?: Release): {component: string; uri: string; field: string; multi: boolean}[] {
  const out: {component: string; uri: string; field: string; multi: boolean}[] = []
  const one = (component: string, spec: any, at: string) => {
    if (!spec) return
    const fromSpec = (x: any, where: string) => {
      if (typeof x?.storageUri === 'string' && x.storageUri !== '') out.push({component, uri: x.storageUri, field: `${where}.storageUri`, multi: false})
      else if (typeof x?.storage?.path === 'string') out.push({component, uri: SCHEME_PLACEHOLDER + x.storage.path.replace(/^\//, ''), field: `${where}.storage.path`, multi: false})
    }
    fromSpec(spec, at)
    for (const fw of FRAMEWORKS) fromSpec(spec[fw], `${at}.${fw}`)
    for (const [i, s] of (spec.storageUris ?? []).entries()) {
      if (typeof s?.uri === 'string') out.push({component, uri: s.uri, field: `${at}.storageUris[${i}].uri`, multi: true})
    }
    const containers: any[] = spec.containers ?? []
    const byName = component === 'predictor' && (!release || atLeast(release, '0.12'))
    const c = byName ? containers.find(x => x.name === 'kserve-container') : containers[0]
    const env = (c?.env ?? []).find((e: any) => e.name === 'STORAGE_URI')
    if (c && typeof env?.value === 'string' && env.value !== '') out.push({component, uri: env.value, field: `${at}.containers[${c.name}].env.STORAGE_URI`, multi: false})
  }
  for (const component of ['predictor', 'transformer', 'explainer']) one(component, isvc?.spec?.[component], `spec.${component}`)
  for (const [i, canary] of (Array.isArray(isvc?.spec?.canary) ? isvc.spec.canary : []).entries()) one('predictor', canary?.predictor, `spec.canary[${i}].predictor`)
  return out
}

export interface PodView {
  name: string
  component: string
  created: string
  phase: string
  initContainer: {image: string; resources: Resources} | null
  expected: {source: string; image: string | null; resources: Resources | null}
  current: boolean
  differences: string[]
}

/** What it takes for a model's pods to pick up a change, and the command that does it. */
export interface Rollout {
  /** restart (Standard), replace-pods (Knative), reconcile (storageUris), recreate (LLM Deployment), none */
  action: 'restart' | 'replace-pods' | 'reconcile' | 'recreate' | 'none'
  how: string
  command?: string
}

export interface IsvcInspection {
  apiVersion: typeof API_VERSION
  kind: 'InferenceServiceStorage' | 'LLMInferenceServiceStorage'
  context: string
  /** the model: an InferenceService, or an LLMInferenceService (kind) */
  inferenceService: {name: string; namespace: string; kind: 'InferenceService' | 'LLMInferenceService'; storageContainerName: string | null; deploymentMode?: string}
  kserve: Inspection['kserve']
  storage: ModelStorage[]
  pods: PodView[]
  rollout: Rollout
}

/** Differences of requests and limits, compared by value (the API server stores pod quantities canonicalised). */
function sameResources(a: Resources | undefined, b: Resources | undefined): string[] {
  const diffs: string[] = []
  for (const kind of ['requests', 'limits'] as const)
    for (const r of new Set([...Object.keys(a?.[kind] ?? {}), ...Object.keys(b?.[kind] ?? {})])) {
      const x = a?.[kind]?.[r]
      const y = b?.[kind]?.[r]
      if (!sameQuantity(x, y)) diffs.push(`${kind}.${r} ${x ?? '(none)'} -> ${y ?? '(none)'}`)
    }
  return diffs
}

const GETS_INIT: Injection['source'][] = ['clusterstoragecontainer', 'configmap']

/** How a pod's init container differs from what the injection gives now ([] when it is current). */
export function podDifferences(init: any | undefined, expected: Injection | undefined): string[] {
  if (!expected) return []
  if (expected.source === 'ambiguous') {
    const options = expected.candidates ?? []
    const each = options.map(o => podDifferences(init, o))
    if (each.some(d => d.length === 0)) return []
    return [`matches none of the candidates (${options.map(o => o.sourceName).join(', ')}): ${each[0]?.join('; ') ?? ''}`]
  }
  const hasInit = GETS_INIT.includes(expected.source)
  if (init && hasInit) {
    const d: string[] = []
    if (expected.container?.name && init.name !== expected.container.name) d.push(`name ${init.name} -> ${expected.container.name}`)
    if (init.image !== expected.image) d.push(`image ${init.image} -> ${expected.image ?? '(none)'}`)
    return [...d, ...sameResources(init.resources, expected.resources)]
  }
  if (init && !hasInit) return [`has a storage-initializer, but would now get: ${expected.sourceName}`]
  if (!init && hasInit) return [`has no storage-initializer, but would now get one from ${expected.sourceName}`]
  return []
}

/** The pod's storage-initializer: named storage-initializer, or as a ClusterStorageContainer renamed it (downloading to /mnt/models). */
export function initContainerOf(pod: any, expected?: Injection): any | undefined {
  const names = new Set(['storage-initializer', ...(expected?.candidates ?? [expected]).map(x => x?.container?.name).filter(Boolean)])
  return (pod.spec?.initContainers ?? []).find((c: any) => names.has(c.name) || c.args?.[1] === '/mnt/models')
}

/** The deployment mode of an InferenceService: its status, its annotation, else the ConfigMap's default (deploy key). */
export function deploymentMode(isvc: any, configMap: any, r?: Release): string {
  const raw = isvc?.status?.deploymentMode || isvc?.metadata?.annotations?.['serving.kserve.io/deploymentMode']
  let mode = typeof raw === 'string' && raw ? raw : undefined
  if (!mode) {
    try {
      mode = JSON.parse(configMap?.data?.deploy ?? '{}').defaultDeploymentMode
    } catch {
      mode = undefined
    }
  }
  // constants.go ParseDeploymentMode@v0.20.0: the legacy names, and Standard as the default from v0.20 (Serverless before)
  mode ??= !r || atLeast(r, '0.20') ? 'Standard' : 'Serverless'
  return mode === 'RawDeployment' ? 'Standard' : mode === 'Serverless' ? 'Knative' : mode
}

/**
 * What it takes for a model's pods to get what the configuration gives now (raw_kube_reconciler.go, ksvc_reconciler.go,
 * storage_initializer_injector.go@v0.20.0): the webhook injects at pod creation, so new pods of a storageUri model get
 * it; for storageUris the controller writes the init container into the workload and watches neither the ConfigMap nor
 * ClusterStorageContainers, so the InferenceService must be reconciled; Knative revisions never change (new pods of a
 * revision still pass the webhook).
 */
export function rolloutFor(kind: 'InferenceService' | 'LLMInferenceService', name: string, namespace: string, mode: string | undefined, multi: boolean): Rollout {
  const ns = `-n ${namespace}`
  if (kind === 'LLMInferenceService')
    return {
      action: 'recreate',
      how: `the LLM controller keeps the image its Deployment ${llmDeploymentName(name)} runs (kserve#5085); recreate the Deployment for the ConfigMap's image (the controller makes it again), or set spec.template.initContainers[storage-initializer]`,
      command: `kubectl delete deployment ${llmDeploymentName(name)} ${ns}`,
    }
  const stamp = 'storage-init.kserve.io/reconciledAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)'
  if (multi)
    return {
      action: 'reconcile',
      how: `storageUris: the controller writes the init container into the ${mode === 'Knative' ? 'Knative Service (a new revision)' : 'Deployment'} when it reconciles the InferenceService; it does not watch the ConfigMap or ClusterStorageContainers, so touch the InferenceService`,
      command: `kubectl annotate inferenceservice ${name} ${ns} --overwrite ${stamp}`,
    }
  if (mode === 'Knative')
    return {action: 'replace-pods', how: 'Knative: the revision never changes, but each new pod passes the webhook again; replace the pods (Knative recreates them)', command: `kubectl delete pod ${ns} -l serving.kserve.io/inferenceservice=${name}`}
  if (mode === 'ModelMesh') return {action: 'none', how: 'ModelMesh pods do not use the storage-initializer'}
  return {action: 'restart', how: 'the webhook injects at pod creation: restart the Deployment', command: `kubectl rollout restart deployment ${ns} -l serving.kserve.io/inferenceservice=${name}`}
}

function podView(p: any, expected: Injection | undefined, component: string): PodView {
  const init = initContainerOf(p, expected)
  const differences = podDifferences(init, expected)
  const shown = expected?.source === 'ambiguous' ? expected.candidates?.[0] : expected
  return {
    name: p.metadata.name,
    component,
    created: p.metadata.creationTimestamp ?? '',
    phase: p.status?.phase ?? 'Unknown',
    initContainer: init ? {image: init.image, resources: init.resources ?? {}} : null,
    expected: {source: expected?.sourceName ?? 'none', image: shown?.image ?? null, resources: shown?.resources ?? null},
    current: differences.length === 0,
    differences,
  }
}

/** `get --isvc NAME` (or --llmisvc): an InferenceService, else an LLMInferenceService of that name. */
export async function inspectIsvc(client: KubeClient, kserveNamespace: string | undefined, namespace: string, name: string, kind?: 'LLMInferenceService'): Promise<IsvcInspection> {
  const [loaded, isvc, llm] = await Promise.all([
    inspect(client, kserveNamespace),
    kind ? undefined : findInferenceService(client, namespace, name),
    kind ? findLlmInferenceService(client, namespace, name) : undefined,
  ])
  if (isvc) return isvcView(client, loaded, isvc, namespace, name)
  const l = llm ?? (kind ? undefined : await findLlmInferenceService(client, namespace, name))
  if (l) return llmView(client, loaded, l, namespace, name)
  throw new CliError('NotFound', `${kind ? 'llminferenceservice' : 'inferenceservice'} "${name}" not found in namespace "${namespace}"${kind ? '' : ' (nor an llminferenceservice)'}`, {
    hint: `list them with: kubectl get ${kind ? 'llminferenceservices' : 'inferenceservices,llminferenceservices'} -n ${namespace}`,
  })
}

/**
 * The URI the controller gives pods of a model served from a LocalModelCache: pvc://<pvc>/models/<key>/… (label
 * internal.serving.kserve.io/localmodel, annotation …/localmodel-pvc-name; the webhook mounts that claim).
 */
function localModelUri(isvc: any, uri: string): string | undefined {
  const pvc = isvc?.metadata?.annotations?.['internal.serving.kserve.io/localmodel-pvc-name']
  if (!('internal.serving.kserve.io/localmodel' in (isvc?.metadata?.labels ?? {})) || !pvc) return undefined
  const source = isvc.metadata.annotations['internal.serving.kserve.io/localmodel-sourceuri'] ?? uri
  return `pvc://${pvc}/models/${uri.startsWith(source) ? uri.slice(source.length).replace(/^\//, '') || '(cache)' : '(cache)'}`
}

async function isvcView(client: KubeClient, loaded: Loaded, isvc: any, namespace: string, name: string): Promise<IsvcInspection> {
  const [pods, ns] = await Promise.all([
    listModelPods(client, namespace, `serving.kserve.io/inferenceservice=${name}`),
    client.get(apiPath('namespaces', {name: namespace})).catch(() => undefined),
  ])
  // the pod webhook's namespaceSelector: control-plane DoesNotExist (config/webhook/manifests.yaml@v0.20.0)
  const excluded = ns?.metadata?.labels && 'control-plane' in ns.metadata.labels
  const storageContainerName: string | null = isvc.spec?.predictor?.storageContainerName ?? null
  const uris = storageUris(isvc, loaded.release)
  // storageUris: one init container, its ClusterStorageContainer chosen from the first URI
  const first = (component: string) => uris.find(x => x.component === component && x.multi)?.uri
  const storage = uris.map(u => {
    const cached = u.component === 'predictor' ? localModelUri(isvc, u.uri) : undefined
    const injection: Injection = excluded
      ? {source: 'none', sourceName: 'none', reason: `namespace ${namespace} has the label control-plane: the pod webhook skips it, nothing is injected`}
      : selectInjection(cached ?? (u.multi ? first(u.component)! : u.uri), loaded.doc, loaded.containers, {
          release: loaded.release,
          crdInstalled: loaded.inspection.storageContainers.crdInstalled,
          multiModel: u.multi,
          storageContainerName: u.component === 'predictor' ? (storageContainerName ?? undefined) : undefined,
        })
    if (cached) injection.reason = `served from a LocalModelCache (${cached}): ${injection.reason}`
    return {component: u.component, uri: u.uri, field: u.field, injection}
  })
  const podViews = pods.map(p => {
    const component = p.metadata?.labels?.component ?? 'predictor'
    const annotated = p.metadata?.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri']
    const st = storage.find(s => s.uri === annotated) ?? storage.find(s => s.component === component)
    return podView(p, st?.injection, component)
  })
  const mode = deploymentMode(isvc, loaded.configMapObject, loaded.release)
  return {
    apiVersion: API_VERSION,
    kind: 'InferenceServiceStorage',
    context: client.context.name,
    inferenceService: {name, namespace, kind: 'InferenceService', storageContainerName, deploymentMode: mode},
    kserve: loaded.inspection.kserve,
    storage,
    pods: podViews,
    rollout: rolloutFor('InferenceService', name, namespace, mode, uris.some(u => u.multi)),
  }
}

async function llmView(client: KubeClient, loaded: Loaded, llm: any, namespace: string, name: string): Promise<IsvcInspection> {
  const pods = await listModelPods(client, namespace, llmPodSelector(name))
  const injection = resolveLlm(llm, loaded.doc, loaded.llmRunning.get(`${namespace}/${llmDeploymentName(name)}`), loaded.release)
  const uri = llmUri(llm) ?? ''
  return {
    apiVersion: API_VERSION,
    kind: 'LLMInferenceServiceStorage',
    context: client.context.name,
    inferenceService: {name, namespace, kind: 'LLMInferenceService', storageContainerName: null},
    kserve: loaded.inspection.kserve,
    storage: [{component: 'model', uri, field: 'spec.model.uri', injection}],
    pods: pods.map(p => podView(p, injection, p.metadata?.labels?.['app.kubernetes.io/component'] ?? 'workload')),
    rollout: rolloutFor('LLMInferenceService', name, namespace, undefined, false),
  }
}
