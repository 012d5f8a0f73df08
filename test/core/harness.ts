/**
 * In-process tests of the use cases in src/core: the simulated cluster runs in this process and the use case reaches it
 * through the same KubeClient the plugin uses (real HTTP/TLS, no stubs), without a build or a spawned binary.
 */
import {connect} from '../../src/kube/connect.js'
import type {KubeClient} from '../../src/kube/client.js'
import {startCluster, type Started} from '../helpers.js'

export interface InProcess extends Started {
  client: KubeClient
  /** the kubeconfig's namespace */
  namespace: string
  stop(): void
}

/** A simulated cluster from a scenario (test/cluster/scenarios), and a client of it as the plugin connects. */
export async function inProcess(scenario: string, opts: {kserveCRDs?: boolean; context?: string} = {}): Promise<InProcess> {
  const s = await startCluster(scenario, opts)
  const {client, namespace} = connect({kubeconfig: s.kubeconfig, context: opts.context})
  return {
    ...s,
    client,
    namespace,
    stop() {
      client.close()
      s.cluster.stop()
    },
  }
}

/** The storageInitializer document of the live ConfigMap, parsed. */
export function liveConfig(s: Started, namespace = 'kserve'): Record<string, unknown> {
  return JSON.parse(s.cluster.store.get('/configmaps', namespace, 'inferenceservice-config').data.storageInitializer)
}
