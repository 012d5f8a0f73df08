/** Reading KServe's objects: the config ConfigMap (finding its namespace), storage containers, the controller. */
import {CliError, isApiStatus} from '../errors.js'
import type {KubeClient} from './client.js'
import {explain} from './explain.js'
import {apiPath} from './paths.js'

export const CONFIGMAP = 'inferenceservice-config'
export {KEY} from '../domain/plans/target.js'
export const CONTROLLER = 'kserve-controller-manager'

export interface KServeConfigMap {
  namespace: string
  /** how the namespace was found */
  source: 'flag' | 'discovered'
  object: any
}

async function getConfigMap(client: KubeClient, ns: string): Promise<any> {
  return client.get(apiPath('configmaps', {namespace: ns, name: CONFIGMAP}))
}

/**
 * The ConfigMap in --kserve-namespace, or found: one cluster-wide list by name (several: refuse, naming them, and ask for
 * --kserve-namespace); where listing across namespaces is forbidden, `kserve`, then `kubeflow`.
 */
export async function findConfigMap(client: KubeClient, namespace?: string): Promise<KServeConfigMap> {
  const action = {verb: 'get', resource: 'configmaps', name: CONFIGMAP}
  if (namespace) {
    try {
      return {namespace, source: 'flag', object: await getConfigMap(client, namespace)}
    } catch (e) {
      if (isApiStatus(e, 404))
        throw new CliError('NotFound', `configmap "${CONFIGMAP}" not found in namespace "${namespace}"`, {
          hint: `is KServe installed there? find it with: kubectl get configmaps -A --field-selector metadata.name=${CONFIGMAP}`,
        })
      throw explain(e, client, {...action, namespace})
    }
  }
  let listForbidden = false
  try {
    const list = await client.get(apiPath('configmaps'), {fieldSelector: `metadata.name=${CONFIGMAP}`})
    const items: any[] = list.items ?? []
    if (items.length > 1) {
      const where = items.map(i => i.metadata.namespace as string).sort()
      throw new CliError(
        'Usage',
        `${items.length} configmaps "${CONFIGMAP}" exist, in namespaces ${where.join(', ')}: which KServe do you mean?`,
        {
          hint: `pass --kserve-namespace ${where.join(' or ')}`,
        },
      )
    }
    if (items.length === 1) return {namespace: items[0].metadata.namespace, source: 'discovered', object: items[0]}
  } catch (e) {
    if (!isApiStatus(e, 403)) throw isApiStatus(e) ? explain(e, client, {verb: 'list', resource: 'configmaps'}) : e
    listForbidden = true
  }
  let forbidden: unknown
  if (listForbidden)
    for (const ns of ['kserve', 'kubeflow']) {
      try {
        return {namespace: ns, source: 'discovered', object: await getConfigMap(client, ns)}
      } catch (e) {
        if (isApiStatus(e, 403)) forbidden ??= explain(e, client, {...action, namespace: ns})
        else if (!isApiStatus(e, 404)) throw explain(e, client, {...action, namespace: ns})
      }
    }
  if (forbidden) throw forbidden
  if (listForbidden)
    throw new CliError(
      'Forbidden',
      `cannot find KServe's namespace: listing configmaps in all namespaces is forbidden, and none is in kserve or kubeflow`,
      {hint: 'pass --kserve-namespace NAME'},
    )
  throw new CliError('NotFound', `KServe's configmap "${CONFIGMAP}" was not found in any namespace`, {
    hint: 'is KServe installed in this cluster? pass --kserve-namespace if its config lives elsewhere',
  })
}

/** ClusterStorageContainers; `installed: false` when the CRD is not (that is not an error). */
export async function listStorageContainers(client: KubeClient): Promise<{installed: boolean; items: any[]; error?: string}> {
  try {
    const list = await client.get(apiPath('clusterstoragecontainers'))
    return {installed: true, items: list.items ?? []}
  } catch (e) {
    if (isApiStatus(e, 404)) return {installed: false, items: []}
    if (isApiStatus(e, 403))
      return {
        installed: true,
        items: [],
        error: explain(e, client, {verb: 'list', resource: 'clusterstoragecontainers.serving.kserve.io'}).message,
      }
    throw explain(e, client, {verb: 'list', resource: 'clusterstoragecontainers.serving.kserve.io'})
  }
}

/** The controller Deployment (for KServe's version); undefined when it cannot be read. */
export async function getController(client: KubeClient, namespace: string): Promise<any | undefined> {
  try {
    return await client.get(apiPath('deployments', {namespace, name: CONTROLLER}))
  } catch (e) {
    if (isApiStatus(e, 404) || isApiStatus(e, 403)) return undefined
    throw explain(e, client, {verb: 'get', resource: 'deployments', namespace, name: CONTROLLER})
  }
}

/** The pods of a model, by label selector (serving.kserve.io/inferenceservice=NAME, or an LLMInferenceService's). */
export async function listModelPods(client: KubeClient, namespace: string, labelSelector: string): Promise<any[]> {
  try {
    const list = await client.get(apiPath('pods', {namespace}), {labelSelector})
    return list.items ?? []
  } catch (e) {
    throw explain(e, client, {verb: 'list', resource: 'pods', namespace})
  }
}

/** LLMInferenceServices (all namespaces without one); `installed: false` when the CRD is not (not an error). */
export async function listLlmInferenceServices(
  client: KubeClient,
  namespace?: string,
): Promise<{installed: boolean; items: any[]; error?: string}> {
  try {
    return {installed: true, items: (await client.get(apiPath('llminferenceservices', {namespace}))).items ?? []}
  } catch (e) {
    if (isApiStatus(e, 404)) return {installed: false, items: []}
    if (isApiStatus(e, 403))
      return {
        installed: true,
        items: [],
        error: explain(e, client, {verb: 'list', resource: 'llminferenceservices.serving.kserve.io', namespace}).message,
      }
    throw explain(e, client, {verb: 'list', resource: 'llminferenceservices.serving.kserve.io', namespace})
  }
}

/** One object, or undefined when there is none of that name (or, for a custom resource, no such CRD). */
async function getIfExists(
  client: KubeClient,
  resource: 'inferenceservices' | 'llminferenceservices',
  namespace: string,
  name: string,
): Promise<any | undefined> {
  try {
    return await client.get(apiPath(resource, {namespace, name}))
  } catch (e) {
    if (isApiStatus(e, 404)) return undefined
    throw explain(e, client, {verb: 'get', resource: `${resource}.serving.kserve.io`, namespace, name})
  }
}

/** One LLMInferenceService, or undefined when there is none of that name (or no such CRD). */
export const findLlmInferenceService = (client: KubeClient, namespace: string, name: string) =>
  getIfExists(client, 'llminferenceservices', namespace, name)

/** One InferenceService, or undefined when there is none of that name. */
export const findInferenceService = (client: KubeClient, namespace: string, name: string) =>
  getIfExists(client, 'inferenceservices', namespace, name)

/** The Deployments that run LLMInferenceServices (their storage-initializer image is kept by the controller). */
export async function listLlmDeployments(client: KubeClient, namespace?: string): Promise<any[]> {
  try {
    const path = apiPath('deployments', {namespace})
    return (await client.get(path, {labelSelector: 'app.kubernetes.io/part-of=llminferenceservice'})).items ?? []
  } catch (e) {
    if (isApiStatus(e, 403) || isApiStatus(e, 404)) return []
    throw explain(e, client, {verb: 'list', resource: 'deployments', namespace})
  }
}
