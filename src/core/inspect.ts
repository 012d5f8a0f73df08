/** `get`: what is configured, where it comes from, and what each model will actually get. */
import {CliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {CONFIGMAP, findConfigMap, getController, getInferenceService, KEY, listModelPods, listStorageContainers} from '../kube/kserve.js'
import {helmOwnership, type HelmOwnership} from '../domain/helm.js'
import {controllerVersion, parseRelease, type Release} from '../domain/release.js'
import {configMapContainer, EXAMPLE_URIS, fromResource, selectInjection, type Injection, type Resources, type StorageContainer} from '../domain/storage-containers.js'
import {describeFields, DocumentSyntaxError, parseStorageInitializer, type FieldView} from '../domain/storage-initializer.js'

export const API_VERSION = 'storage-init.kserve.io/v1alpha1'

export interface Inspection {
  apiVersion: typeof API_VERSION
  kind: 'StorageInitializerConfig'
  context: string
  kserve: {namespace: string; namespaceSource: 'flag' | 'discovered'; version: string | null; controllerImage: string | null}
  configMap: {name: string; namespace: string; resourceVersion: string; helm: HelmOwnership | null}
  storageInitializer: {image: string | null; resources: Resources; fields: FieldView[]}
  storageContainers: {crdInstalled: boolean; error?: string; items: StorageContainer[]}
  uriFormats: ({format: string; example: string} & Injection)[]
}

export interface Loaded {
  inspection: Inspection
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
  const cm = await findConfigMap(client, kserveNamespace)
  const [dep, scs] = await Promise.all([getController(client, cm.namespace), csc])
  const where = `configmap ${cm.namespace}/${CONFIGMAP}`
  const raw = cm.object.data?.[KEY]
  if (raw === undefined)
    throw new CliError('NotFound', `${where} has no key "${KEY}"`, {hint: 'KServe falls back to nothing: restore the key (see kubectl storage-init validate)'})
  let doc: Record<string, unknown>
  try {
    doc = parseStorageInitializer(raw)
  } catch (e) {
    if (e instanceof DocumentSyntaxError)
      throw new CliError('Invalid', `the "${KEY}" key of ${where} is not valid JSON: ${e.message}`, {
        hint: 'KServe rejects every InferenceService pod until it is fixed; check it with kubectl storage-init validate',
      })
    throw e
  }
  const {version, image} = controllerVersion(dep)
  const release = parseRelease(version ?? undefined)
  const containers = scs.items.map(fromResource)
  const cmc = configMapContainer(doc)
  const inspection: Inspection = {
    apiVersion: API_VERSION,
    kind: 'StorageInitializerConfig',
    context: client.context.name,
    kserve: {namespace: cm.namespace, namespaceSource: cm.source, version, controllerImage: image},
    configMap: {name: CONFIGMAP, namespace: cm.namespace, resourceVersion: cm.object.metadata?.resourceVersion ?? '', helm: helmOwnership(cm.object.metadata) ?? null},
    storageInitializer: {image: cmc.image ?? null, resources: cmc.resources, fields: describeFields(doc, release)},
    storageContainers: {crdInstalled: scs.installed, ...(scs.error ? {error: scs.error} : {}), items: containers},
    uriFormats: EXAMPLE_URIS.map(e => ({format: e.format, example: e.uri, ...selectInjection(e.uri, doc, containers, {release})})),
  }
  return {inspection, doc, release, containers, configMapObject: cm.object, storageContainerObjects: scs.items}
}

const FRAMEWORKS = ['model', 'sklearn', 'xgboost', 'tensorflow', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle', 'art', 'alibi']

export interface ModelStorage {
  component: string
  uri: string
  field: string
  injection: Injection
}

/** Every storage URI an InferenceService names, by component. */
export function storageUris(isvc: any): {component: string; uri: string; field: string; multi: boolean}[] {
  const out: {component: string; uri: string; field: string; multi: boolean}[] = []
  for (const component of ['predictor', 'transformer', 'explainer']) {
    const spec = isvc?.spec?.[component]
    if (!spec) continue
    if (typeof spec.storageUri === 'string') out.push({component, uri: spec.storageUri, field: `spec.${component}.storageUri`, multi: false})
    for (const fw of FRAMEWORKS) {
      const uri = spec[fw]?.storageUri
      if (typeof uri === 'string') out.push({component, uri, field: `spec.${component}.${fw}.storageUri`, multi: false})
    }
    for (const [i, s] of (spec.storageUris ?? []).entries()) {
      if (typeof s?.uri === 'string') out.push({component, uri: s.uri, field: `spec.${component}.storageUris[${i}].uri`, multi: true})
    }
    for (const c of spec.containers ?? []) {
      const env = (c.env ?? []).find((e: any) => e.name === 'STORAGE_URI')
      if (typeof env?.value === 'string') out.push({component, uri: env.value, field: `spec.${component}.containers[${c.name}].env.STORAGE_URI`, multi: false})
    }
  }
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

export interface IsvcInspection {
  apiVersion: typeof API_VERSION
  kind: 'InferenceServiceStorage'
  context: string
  inferenceService: {name: string; namespace: string; storageContainerName: string | null}
  kserve: Inspection['kserve']
  storage: ModelStorage[]
  pods: PodView[]
}

function sameResources(a: Resources | undefined, b: Resources | undefined): string[] {
  const diffs: string[] = []
  for (const kind of ['requests', 'limits'] as const)
    for (const r of ['cpu', 'memory']) {
      const x = a?.[kind]?.[r]
      const y = b?.[kind]?.[r]
      if ((x ?? '') !== (y ?? '')) diffs.push(`${kind}.${r} ${x ?? '(none)'} -> ${y ?? '(none)'}`)
    }
  return diffs
}

export async function inspectIsvc(client: KubeClient, kserveNamespace: string | undefined, namespace: string, name: string): Promise<IsvcInspection> {
  const [loaded, isvc, pods] = await Promise.all([inspect(client, kserveNamespace), getInferenceService(client, namespace, name), listModelPods(client, namespace, name)])
  const storageContainerName: string | null = isvc.spec?.predictor?.storageContainerName ?? null
  const uris = storageUris(isvc)
  const storage = uris.map(u => ({
    component: u.component,
    uri: u.uri,
    field: u.field,
    injection: selectInjection(u.uri, loaded.doc, loaded.containers, {
      release: loaded.release,
      multiModel: u.multi,
      storageContainerName: u.component === 'predictor' ? (storageContainerName ?? undefined) : undefined,
    }),
  }))
  const podViews: PodView[] = pods.map(p => {
    const component = p.metadata?.labels?.component ?? 'predictor'
    const annotated = p.metadata?.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri']
    const st = storage.find(s => s.uri === annotated) ?? storage.find(s => s.component === component)
    const init = (p.spec?.initContainers ?? []).find((c: any) => c.name === 'storage-initializer')
    const expected = st?.injection
    const hasInit = expected?.source === 'clusterstoragecontainer' || expected?.source === 'configmap'
    const differences: string[] = []
    if (init && hasInit) {
      if (init.image !== expected!.image) differences.push(`image ${init.image} -> ${expected!.image ?? '(none)'}`)
      differences.push(...sameResources(init.resources, expected!.resources))
    } else if (init && expected && !hasInit) differences.push(`has a storage-initializer, but would now get: ${expected.sourceName}`)
    else if (!init && hasInit) differences.push(`has no storage-initializer, but would now get one from ${expected!.sourceName}`)
    return {
      name: p.metadata.name,
      component,
      created: p.metadata.creationTimestamp ?? '',
      phase: p.status?.phase ?? 'Unknown',
      initContainer: init ? {image: init.image, resources: init.resources ?? {}} : null,
      expected: {source: expected?.sourceName ?? 'none', image: expected?.image ?? null, resources: expected?.resources ?? null},
      current: differences.length === 0,
      differences,
    }
  })
  return {
    apiVersion: API_VERSION,
    kind: 'InferenceServiceStorage',
    context: client.context.name,
    inferenceService: {name, namespace, storageContainerName},
    kserve: loaded.inspection.kserve,
    storage,
    pods: podViews,
  }
}
