/**
 * One reading of KServe's state for every command (get, the changes, validate): the ConfigMap (found or named), its
 * storageInitializer text decoded as Go decodes it, the ClusterStorageContainers, the controller and its release, and
 * what the emulation of KServe reads (domain/kserve). Requests run in parallel; each command then says what it does
 * with a missing ConfigMap, a missing key or a document that is not JSON.
 */
import {isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {CONFIGMAP, findConfigMap, getController, KEY, listStorageContainers, type KServeConfigMap} from '../kube/kserve.js'
import {decodeStorageInitializer, type GoDecoded} from '../domain/go-json.js'
import {getStorageInitializerConfigs, type ConfigResult} from '../domain/kserve/configmap.js'
import type {KServeState} from '../domain/kserve/controller.js'
import {controllerVersion, parseRelease, type Release} from '../domain/release.js'
import {fromResource, type StorageContainer} from '../domain/storage-containers.js'
import {DocumentSyntaxError, parseStorageInitializer} from '../domain/storage-initializer.js'

export interface KServeRead {
  /** the ConfigMap; undefined when it does not exist (and `allowMissing` was asked) */
  configMap?: KServeConfigMap
  /** with allowMissing: why the ConfigMap was not found (to raise when the command cannot do without it) */
  missing?: Error
  /** KServe's namespace: the ConfigMap's, or the one `namespaceWhenMissing` gave */
  namespace: string | null
  /** the storageInitializer text: undefined without a ConfigMap, null without the key */
  text: string | null | undefined
  /** the document as a JSON object (undefined when there is no text or it is not JSON) */
  document?: Record<string, unknown>
  /** the text is not JSON, or nests beyond what the plugin walks */
  syntaxError?: DocumentSyntaxError
  /** as Go's encoding/json decodes it into the release's StorageInitializerConfig */
  decoded?: GoDecoded
  controller: any | undefined
  version: string | null
  controllerImage: string | null
  release?: Release
  storageContainers: {installed: boolean; items: any[]; error?: string}
  containers: StorageContainer[]
  /** what the emulation of KServe reads (the ConfigMap as GetStorageInitializerConfigs takes it) */
  state: KServeState
}

export interface ReadOptions {
  /** judge by this release instead of the controller's */
  release?: Release
  /** a missing ConfigMap is a state to report, not an error */
  allowMissing?: boolean
  /** with allowMissing: where KServe lives when its ConfigMap does not exist (the history's namespace) */
  namespaceWhenMissing?: () => Promise<string | undefined>
}

/** The refusal of a cluster without the ConfigMap: the webhook's Get fails (mutator.go Handle: Errored 500). */
export const NO_CONFIGMAP: ConfigResult = {
  ok: false,
  panic: false,
  message: `configmaps "${CONFIGMAP}" not found`,
  explanation: 'the webhook reads the ConfigMap on every pod admission: every model pod is refused',
}

export async function readKServe(client: KubeClient, kserveNamespace: string | undefined, opts: ReadOptions = {}): Promise<KServeRead> {
  const cscP = listStorageContainers(client)
  cscP.catch(() => undefined)
  // the controller's Deployment, read at once where KServe is most likely (the namespace given, else kserve) instead
  // of after the ConfigMap says where: one round trip fewer; another namespace reads it again
  const guess = kserveNamespace ?? 'kserve'
  const early = getController(client, guess)
  early.catch(() => undefined)
  let configMap: KServeConfigMap | undefined
  let namespace: string | null = null
  let missing: Error | undefined
  try {
    configMap = await findConfigMap(client, kserveNamespace)
    namespace = configMap.namespace
  } catch (e) {
    if (!(opts.allowMissing && isCliError(e) && e.kind === 'NotFound')) throw e
    missing = e
    namespace = kserveNamespace ?? (await opts.namespaceWhenMissing?.()) ?? null
  }
  const [controller, storageContainers] = await Promise.all([
    namespace === guess ? early : namespace ? getController(client, namespace) : undefined,
    cscP,
  ])
  const {version, image: controllerImage} = controllerVersion(controller)
  const release = opts.release ?? parseRelease(version ?? undefined)
  const text: string | null | undefined = configMap ? (configMap.object.data?.[KEY] ?? null) : undefined
  let document: Record<string, unknown> | undefined
  let syntaxError: DocumentSyntaxError | undefined
  let decoded: GoDecoded | undefined
  if (typeof text === 'string')
    try {
      document = parseStorageInitializer(text)
      decoded = decodeStorageInitializer(text, release)
    } catch (e) {
      if (!(e instanceof DocumentSyntaxError)) throw e
      syntaxError = e
    }
  const containers = storageContainers.items.map(fromResource)
  const config: ConfigResult = !configMap ? NO_CONFIGMAP : configResult(text ?? undefined, release, syntaxError)
  return {
    configMap,
    ...(missing ? {missing} : {}),
    namespace,
    text,
    document,
    syntaxError,
    decoded,
    controller,
    version,
    controllerImage,
    release,
    storageContainers,
    containers,
    state: {release, kserveNamespace: namespace ?? 'kserve', config, containers, crdInstalled: storageContainers.installed},
  }
}

/** What KServe makes of a storageInitializer document (GetStorageInitializerConfigs), invalid JSON included. */
export function configResult(text: string | undefined, release: Release | undefined, syntaxError?: DocumentSyntaxError): ConfigResult {
  if (!syntaxError && typeof text === 'string')
    try {
      parseStorageInitializer(text)
    } catch (e) {
      if (!(e instanceof DocumentSyntaxError)) throw e
      syntaxError = e
    }
  return syntaxError
    ? {
        ok: false,
        panic: true,
        message: `Unable to unmarshall storageInitializer json string due to ${syntaxError.message} `,
        explanation: 'the document is not valid JSON: the webhook panics on it, every model pod is refused and every reconcile fails',
      }
    : getStorageInitializerConfigs(text, release)
}
