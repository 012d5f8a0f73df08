/** `validate`: gather the input (a live cluster, or a file) and run the rules over it; what the reports add up to. */
import {parseAllDocuments} from 'yaml'

import {CliError, isApiStatus} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {explain} from '../kube/explain.js'
import {CONFIGMAP, KEY} from '../kube/kserve.js'
import {readKServe} from './kserve-state.js'
import {configIn, modelsIn, parseDocs, readInput, type FileConfig} from './manifests.js'
import {fileBase} from './inspect.js'
import {helmOwnership} from '../domain/helm.js'
import {decodeRelease, manifestPart, ReleaseError} from '../domain/helm-release.js'
import {inValues} from '../domain/helm-values.js'
import {controllerVersion, parseRelease} from '../domain/release.js'
import {validate, type Cluster, type Finding, type Severity, type ValidationInput} from '../domain/rules.js'
import {levelOf, securityFix, violations, type Level} from '../domain/pod-security.js'
import {emulateInferenceService, emulateLlmInferenceService, type Prediction} from '../domain/kserve/index.js'
import {localPathUris} from '../domain/kserve/outcome.js'
import type {KServeState} from '../domain/kserve/controller.js'
import {llmOverride} from '../domain/llmisvc.js'
import {modelUris} from '../domain/model-pods.js'
import {eachObjectPage, getObject, listAllObjects, listObjects} from '../kube/objects.js'
import {HISTORY_CONFIGMAP, readRecords} from '../domain/history.js'
import {API_VERSION} from '../domain/api-version.js'

export interface Report {
  apiVersion: typeof API_VERSION
  kind: 'ValidationReport'
  /** the kubeconfig context, or the file */
  source: {context?: string; file?: string; format?: string}
  kserve: {namespace: string | null; version: string | null}
  findings: Finding[]
  summary: Record<Severity, number>
  /** the settings compared by --compare */
  settings: Record<string, string>
  /** a validation that could not run (fleet mode): the error */
  error?: string
  /** rules that could not be checked here, and why (e.g. SI070 when the Helm release cannot be read) */
  notChecked?: {rule: string; reason: string}[]
}

/** What validateLive reads of the objects it lists. */
interface Meta {
  name: string
  namespace: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
interface ConfigMapObject {
  metadata: Meta
  data?: Record<string, string>
  binaryData?: Record<string, string>
}
interface ServiceAccountObject {
  metadata: Meta
  imagePullSecrets?: unknown[]
}
interface SecretObject {
  metadata: Meta
  data?: Record<string, string>
}
/** an InferenceService, with only what the rules read */
interface ModelObject {
  metadata: {name: string; namespace: string; annotations?: Record<string, string>}
  spec: {predictor?: any; canary?: any; transformer?: any; explainer?: any}
}
interface LlmObject {
  metadata: Meta
  spec?: {model?: {uri?: string}}
}

function summarise(findings: Finding[]): Record<Severity, number> {
  return {
    error: findings.filter(f => f.severity === 'error').length,
    warning: findings.filter(f => f.severity === 'warning').length,
    info: findings.filter(f => f.severity === 'info').length,
  }
}

/** The storage-initializer settings of a configuration, flattened, for comparing clusters. */
function settings(text: string | null | undefined, cscs: any[]): Record<string, string> {
  const out: Record<string, string> = {}
  try {
    const doc = text ? JSON.parse(text) : {}
    for (const [k, v] of Object.entries(doc)) out[`configmap.${k}`] = typeof v === 'string' ? v : JSON.stringify(v)
  } catch {
    out['configmap'] = '(invalid JSON)'
  }
  for (const c of cscs) {
    const n = c.metadata?.name
    out[`storage-container/${n}.image`] = c.spec?.container?.image ?? ''
    out[`storage-container/${n}.resources`] = JSON.stringify(c.spec?.container?.resources ?? {})
    out[`storage-container/${n}.disabled`] = String(c.disabled === true)
  }
  return out
}

export async function validateLive(client: KubeClient, kserveNamespace?: string, releaseFlag?: string): Promise<Report> {
  const state = await readKServe(client, kserveNamespace, {
    allowMissing: true,
    ...(releaseFlag ? {release: parseRelease(releaseFlag)} : {}),
  })
  // without the ConfigMap, KServe's namespace is not known (a --kserve-namespace that holds none is not it)
  const ns = state.configMap ? state.namespace : null
  const text = state.text
  const cmObject: ConfigMapObject | undefined = state.configMap?.object
  const csc = state.storageContainers
  const dep = state.controller
  const read = async <T>(f: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await f()
    } catch (e) {
      if (isApiStatus(e, 403) || isApiStatus(e, 404)) return fallback
      throw explain(e, client, {verb: 'list', resource: 'objects'})
    }
  }
  const [cms, isvcs, llms, hist] = await Promise.all([
    ns
      ? read<Record<string, string[]> | undefined>(
          async () =>
            Object.fromEntries(
              (await listObjects<ConfigMapObject>(client, 'configmaps', {namespace: ns})).map(c => [
                c.metadata.name,
                Object.keys({...c.data, ...c.binaryData}),
              ]),
            ),
          undefined,
        )
      : undefined,
    // chunked, keeping only what the rules read of each model
    read(
      async () =>
        (
          await listAllObjects(client, 'inferenceservices', {}, (i): ModelObject => ({
            metadata: {name: i.metadata.name, namespace: i.metadata.namespace, annotations: i.metadata.annotations},
            spec: {predictor: i.spec?.predictor, canary: i.spec?.canary, transformer: i.spec?.transformer, explainer: i.spec?.explainer},
          }))
        ).items,
      [],
    ),
    read(() => listObjects<LlmObject>(client, 'llminferenceservices'), []),
    // the recorded command lines, for SI080 (versions before the masking recorded --token values)
    ns
      ? read<ConfigMapObject | undefined>(() => getObject<ConfigMapObject>(client, 'configmaps', HISTORY_CONFIGMAP, ns), undefined)
      : undefined,
  ])
  const modelNs = [...new Set(isvcs.map(i => i.metadata.namespace))]
  const [modelNamespaces, {helm, problem: helmProblem}, levels] = await Promise.all([
    modelNamespaceFacts(client, modelNs, read),
    helmRelease(client, cmObject),
    podSecurityLevels(client, new Set([...modelNs, ...llms.map(l => l.metadata.namespace)])),
  ])
  const release = state.release
  const cluster: Cluster = {configMapNames: cms ? Object.keys(cms) : undefined, configMapKeys: cms, modelNamespaces, helm}
  const versionUnknown = !release && ns ? {image: controllerVersion(dep).image} : undefined
  const findings = validate({
    configMapPath: `configmap/${CONFIGMAP}`,
    text,
    release,
    storageContainers: csc.items,
    cluster,
    versionUnknown,
    storageContainerCrd: csc.installed,
    llmInferenceServices: llms.map(l => ({
      namespace: l.metadata.namespace,
      name: l.metadata.name,
      uri: l.spec?.model?.uri,
      override: llmOverride(l),
    })),
    historyCommands: readRecords(hist?.data).map(r => ({revision: r.revision, command: r.command})),
    inferenceServices: isvcs.map(i => modelUris(i, release)),
    podSecurity: levels && state.state ? podSecurityOf(levels, isvcs, llms, state.state) : undefined,
  })
  const notChecked: {rule: string; reason: string}[] = []
  const owner = helmOwnership(cmObject?.metadata)
  if (owner?.release && !helm)
    notChecked.push({
      rule: 'SI070',
      reason: helmProblem
        ? `the Helm release "${owner.release}" could not be read: ${helmProblem}`
        : `the Helm release "${owner.release}" (its release Secret in namespace ${owner.releaseNamespace || ns}) could not be read: no permission to read secrets, or not a release this plugin understands`,
    })
  if (cms === undefined && ns) notChecked.push({rule: 'SI030', reason: `the ConfigMaps of namespace ${ns} could not be listed`})
  if (csc.error) notChecked.push({rule: 'SI050-SI056', reason: csc.error})
  if (!levels && modelNs.length)
    notChecked.push({rule: 'SI062', reason: "the namespaces' labels could not be listed (their Pod Security level)"})
  return {
    apiVersion: API_VERSION,
    kind: 'ValidationReport',
    source: {context: client.context.name},
    kserve: {namespace: ns, version: release?.text ?? null},
    findings,
    summary: summarise(findings),
    settings: settings(text, csc.items),
    ...(notChecked.length ? {notChecked} : {}),
  }
}

/** The Pod Security level each namespace that runs models enforces (one listing of the namespaces; undefined: forbidden). */
async function podSecurityLevels(client: KubeClient, namespaces: Set<string>): Promise<Map<string, Level> | undefined> {
  if (!namespaces.size) return new Map()
  const out = new Map<string, Level>()
  try {
    await eachObjectPage(client, 'namespaces', {metadata: true}, page => {
      for (const n of page) {
        const level = levelOf(n.metadata?.labels)
        if (namespaces.has(n.metadata?.name) && level && level !== 'privileged') out.set(n.metadata.name, level)
      }
    })
  } catch (e) {
    if (isApiStatus(e, 403)) return undefined
    throw explain(e, client, {verb: 'list', resource: 'namespaces'})
  }
  return out
}

/** SI062: for each model in a namespace that enforces a level, what KServe would give it (the emulation) against the level. */
function podSecurityOf(
  levels: Map<string, Level>,
  isvcs: ModelObject[],
  llms: LlmObject[],
  state: KServeState,
): ValidationInput['podSecurity'] {
  const out: NonNullable<ValidationInput['podSecurity']> = []
  const check = (kind: 'InferenceService' | 'LLMInferenceService', o: any, predictions: Prediction[], pod?: Record<string, any>) => {
    const level = levels.get(o.metadata.namespace)!
    for (const p of predictions)
      for (const c of p.initContainers) {
        const missing = violations(level, c, pod)
        if (missing.length) {
          out.push({
            kind,
            namespace: o.metadata.namespace,
            name: o.metadata.name,
            level,
            container: c.name,
            missing,
            fix: securityFix(level, {kind, name: o.metadata.name, namespace: o.metadata.namespace}, state.release, p.source),
          })
          return
        }
      }
  }
  for (const i of isvcs)
    if (levels.has(i.metadata.namespace))
      check(
        'InferenceService',
        i,
        emulateInferenceService({apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', ...i}, state),
        i.spec?.predictor?.securityContext,
      )
  for (const l of llms)
    if (levels.has(l.metadata.namespace))
      check('LLMInferenceService', l, emulateLlmInferenceService(l, state, new Map()), (l.spec as any)?.template?.securityContext)
  return out
}

/**
 * What SI030 and SI060 need of each namespace that runs InferenceServices: whether a service account there has
 * imagePullSecrets, and whether global-ca-bundle exists. Read with two cluster-wide lists (chunked, one boolean kept
 * per namespace, the ConfigMaps narrowed by field selector) so the cost does not grow with one request per namespace;
 * per namespace when cluster-wide reads are forbidden.
 */
async function modelNamespaceFacts(
  client: KubeClient,
  namespaces: string[],
  read: <T>(f: () => Promise<T>, fallback: T) => Promise<T>,
): Promise<NonNullable<Cluster['modelNamespaces']>> {
  if (namespaces.length === 0) return []
  const wanted = new Set(namespaces)
  const clusterWide = async () => {
    const pull = new Map<string, number>()
    await eachObjectPage(client, 'serviceaccounts', {}, page => {
      for (const sa of page)
        if (wanted.has(sa.metadata.namespace))
          pull.set(sa.metadata.namespace, (pull.get(sa.metadata.namespace) ?? 0) + (sa.imagePullSecrets ?? []).length)
    })
    return pull
  }
  const bundles = async () => {
    const have = new Set<string>()
    await eachObjectPage(client, 'configmaps', {fieldSelector: 'metadata.name=global-ca-bundle', metadata: true}, page => {
      for (const c of page) have.add(c.metadata.namespace)
    })
    return have
  }
  const wide = async <T>(f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f()
    } catch (e) {
      if (isApiStatus(e, 403)) return undefined
      throw explain(e, client, {verb: 'list', resource: 'objects'})
    }
  }
  const [pull, have] = await Promise.all([wide(clusterWide), wide(bundles)])
  const out: NonNullable<Cluster['modelNamespaces']> = []
  // per namespace only when the cluster-wide list was forbidden, a few at a time
  for (let i = 0; i < namespaces.length; i += 16)
    out.push(
      ...(await Promise.all(
        namespaces.slice(i, i + 16).map(async namespace => ({
          namespace,
          serviceAccounts: pull
            ? [{name: '*', imagePullSecrets: pull.get(namespace) ?? 0}]
            : await read(
                async () =>
                  (await listObjects<ServiceAccountObject>(client, 'serviceaccounts', {namespace})).map(sa => ({
                    name: sa.metadata.name,
                    imagePullSecrets: (sa.imagePullSecrets ?? []).length,
                  })),
                [{name: '?', imagePullSecrets: 1}],
              ),
          configMaps: have
            ? have.has(namespace)
              ? ['global-ca-bundle']
              : []
            : await read<string[] | undefined>(
                async () => (await listObjects<ConfigMapObject>(client, 'configmaps', {namespace})).map(c => c.metadata.name),
                undefined,
              ),
        })),
      )),
    )
  return out
}

/**
 * What the Helm release owning the ConfigMap rendered: its newest deployed release Secret (decoded by helm-values.ts),
 * whose `manifest` holds the rendered objects. No `helm` when not Helm-managed or not readable; `problem` says why,
 * in one line, when the release (or the ConfigMap's annotation naming it) could not be used.
 */
async function helmRelease(client: KubeClient, cm: ConfigMapObject | undefined): Promise<{helm?: Cluster['helm']; problem?: string}> {
  const owner = helmOwnership(cm?.metadata)
  if (!cm || !owner?.release) return {}
  // an annotation that is not a namespace's name never reaches a request path (`..` would climb out of it)
  if (owner.ignored) return {problem: owner.ignored}
  const ns = owner.releaseNamespace || cm.metadata.namespace
  const labelVersion = (s: SecretObject) => Number(s.metadata.labels?.version ?? 0)
  try {
    const secrets = await listObjects<SecretObject>(client, 'secrets', {
      namespace: ns,
      labelSelector: `owner=helm,name=${owner.release},status=deployed`,
    })
    const newest = secrets.sort((a, b) => labelVersion(b) - labelVersion(a))[0]
    if (!newest?.data?.release) return {}
    const release = decodeRelease(newest.data.release)
    // only the documents compared are parsed: the manifest can be tens of MB
    const docs = parseAllDocuments(manifestPart(release.manifest, [CONFIGMAP, 'ClusterStorageContainer']))
      .map(d => d.toJS())
      .filter(Boolean)
    const rendered = docs.find(d => d.kind === 'ConfigMap' && d.metadata?.name === CONFIGMAP)
    return {
      helm: {
        release: owner.release,
        revision: release.version ?? labelVersion(newest),
        storageInitializer: rendered?.data?.[KEY],
        storageContainers: docs.filter(d => d.kind === 'ClusterStorageContainer'),
      },
    }
  } catch (e) {
    // not readable (no permission to read secrets, or not a release we understand); a release too large says so
    return e instanceof ReleaseError ? {problem: `${e.message} (Secret in namespace ${ns})`} : {}
  }
}

/** Validate a file (`-` for standard input), as validateText. */
export function validateFile(filename: string, releaseFlag?: string, configFile?: string): Report {
  const {text, file} = readInput(filename)
  const other = configFile ? readInput(configFile) : undefined
  return validateText(
    text,
    file,
    releaseFlag,
    other ? configIn(parseDocs(other.text, other.file), other.file, releaseFlag) : undefined,
    other?.file,
  )
}

/**
 * Model manifests in a file, judged by the emulation of KServe with the configuration given: what it would refuse
 * (SI063), URIs without a scheme (SI064), and Pod Security where the files hold the Namespace with its label (SI062).
 */
function modelFacts(docs: any[], config: FileConfig): Pick<ValidationInput, 'modelManifests' | 'podSecurity'> {
  const models = modelsIn(docs)
  if (!models.length) return {}
  const base = fileBase(config, config.release)
  const labels = new Map<string, Record<string, string>>(
    docs.filter(d => d.kind === 'Namespace' && d.metadata?.name).map(d => [d.metadata.name, d.metadata.labels ?? {}]),
  )
  const nsOf = (o: any) => String(o.metadata?.namespace ?? 'default')
  const modelManifests = models.map(m => {
    const ns = nsOf(m.object)
    const state = {...base.state, ...(labels.has(ns) ? {namespaceLabels: labels.get(ns)} : {})}
    const predictions =
      m.kind === 'InferenceService' ? emulateInferenceService(m.object, state) : emulateLlmInferenceService(m.object, state, new Map())
    return {
      kind: m.kind,
      namespace: ns,
      name: String(m.object.metadata?.name ?? ''),
      // a configuration KServe cannot use refuses every model: that is said once, by the configuration's own rules
      refusals: base.state.config.ok ? [...new Set(predictions.filter(p => !p.admitted && p.refusal).map(p => p.refusal!.message))] : [],
      noScheme: [...new Set(predictions.flatMap(localPathUris))],
    }
  })
  const levels = new Map<string, Level>()
  for (const [ns, l] of labels) {
    const level = levelOf(l)
    if (level && level !== 'privileged') levels.set(ns, level)
  }
  const withNs = (o: any) => ({...o, metadata: {...o.metadata, namespace: nsOf(o)}})
  return {
    modelManifests,
    podSecurity: levels.size
      ? podSecurityOf(
          levels,
          models.filter(m => m.kind === 'InferenceService').map(m => withNs(m.object)),
          models.filter(m => m.kind === 'LLMInferenceService').map(m => withNs(m.object)),
          base.state,
        )
      : undefined,
  }
}

function validateText(input: string, file: string, releaseFlag?: string, given?: FileConfig, givenFile?: string): Report {
  let text: string | null | undefined
  let cscs: any[] = []
  let release = releaseFlag ? parseRelease(releaseFlag) : undefined
  let format: string
  let path = `configmap/${CONFIGMAP}`
  let helmIgnored: string[] | undefined
  let models: Pick<ValidationInput, 'modelManifests' | 'podSecurity'> = {}
  const trimmed = input.trimStart()
  let bare = false
  if (trimmed.startsWith('{')) {
    try {
      const v = JSON.parse(input)
      bare = !(v && typeof v === 'object' && ('kind' in v || 'apiVersion' in v || 'kserve' in v))
    } catch {
      bare = true
    }
  }
  if (bare) {
    format = 'storageInitializer JSON'
    text = input
    path = file
  } else {
    const docs = parseDocs(input, file)
    const c = configIn(docs, file, releaseFlag) ?? given
    if (!c)
      throw new CliError(
        'Invalid',
        modelsIn(docs).length
          ? `${file} holds models but not KServe's configuration to judge them by: give it with --config FILE (kubectl get configmap inferenceservice-config -n kserve -o yaml > kserve.yaml; add the ClusterStorageContainers and the kserve-controller-manager Deployment for its release)`
          : `${file} holds no inferenceservice-config ConfigMap, ClusterStorageContainer, Helm values (kserve.storage), storageInitializer JSON or model manifest`,
      )
    ;({text, release, format, path, helmIgnored} = c)
    if (c === given && givenFile) format = `models, with the configuration of ${givenFile}`
    cscs = c.storageContainers
    models = modelFacts(docs, c)
  }
  let findings = validate({configMapPath: path, text, release, storageContainers: cscs, helmIgnored, ...models})
  // manifests that carry only storage containers are not missing a ConfigMap
  if (format === 'manifests' && text === undefined) findings = findings.filter(f => f.rule !== 'SI002')
  // a values file is fixed in the values, not with live commands
  if (format === 'Helm values') findings = findings.map(f => inValues(f, file))
  return {
    apiVersion: API_VERSION,
    kind: 'ValidationReport',
    source: {file, format},
    kserve: {namespace: null, version: release?.text ?? null},
    findings,
    summary: summarise(findings),
    settings: settings(text, cscs),
  }
}

/**
 * Settings that differ between the reports that could be read: key -> value per report (missing: "(unset)"; a cluster
 * that could not be read: "(not checked)", and it makes no difference by itself).
 */
export function compare(reports: Report[]): Difference[] {
  const keys = [...new Set(reports.flatMap(r => Object.keys(r.settings)))].sort()
  return keys
    .map(k => ({setting: k, values: reports.map(r => (r.error ? '(not checked)' : (r.settings[k] ?? '(unset)')))}))
    .filter(row => new Set(row.values.filter(v => v !== '(not checked)')).size > 1)
}

export function failed(r: Report, strict: boolean): boolean {
  return r.error !== undefined || r.summary.error > 0 || (strict && r.summary.warning > 0)
}

export interface Difference {
  setting: string
  values: string[]
}

/** What the reports of one `validate` add up to. */
export interface Verdict {
  reports: Report[]
  /** --compare with several reports: the settings that differ */
  differences?: Difference[]
  /** 2: a check could not run; 1: errors (or warnings, strict); 0: neither */
  exitCode: 0 | 1 | 2
}

export function verdict(reports: Report[], o: {strict: boolean; compare: boolean}): Verdict {
  const differences = o.compare && reports.length > 1 ? compare(reports) : undefined
  const exitCode = reports.some(r => r.error) ? 2 : reports.some(r => failed(r, o.strict)) ? 1 : 0
  return {reports, ...(differences ? {differences} : {}), exitCode}
}

export function errorReport(source: Report['source'], message: string): Report {
  return {
    apiVersion: API_VERSION,
    kind: 'ValidationReport',
    source,
    kserve: {namespace: null, version: null},
    findings: [],
    summary: {error: 0, warning: 0, info: 0},
    settings: {},
    error: message,
  }
}
