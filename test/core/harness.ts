/**
 * In-process tests of the use cases in src/core: the simulated cluster runs in this process and the use case reaches it
 * through the same KubeClient the plugin uses (real HTTP/TLS, no stubs), without a build or a spawned binary.
 */
import {runChange, type ChangeOptions} from '../../src/core/change.js'
import {planRollback, type RollbackPlan, type RollbackRequest} from '../../src/core/rollback.js'
import {revisionKey, type RevisionRecord} from '../../src/domain/history.js'
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

/** A change's options as the commands give them: applied, the default field manager, ten revisions kept. */
export function changeOptions(o: Partial<ChangeOptions> = {}): ChangeOptions {
  return {dryRun: 'none', fieldManager: 'kubectl-storage-init', historyLimit: 10, command: 'kubectl storage-init test', ...o}
}

/** Rewrite a record of the history ConfigMap, as anyone who may write it can (a forged or damaged record). */
export function forgeRecord(s: Started, revision: number, edit: (r: RevisionRecord) => RevisionRecord): void {
  const h = s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  const key = revisionKey(revision)
  s.cluster.store.update('/configmaps', {...h, data: {...h.data, [key]: JSON.stringify(edit(JSON.parse(h.data[key])))}})
}

/**
 * Roll back as the command does, in-process: the plan kept (its report lines, its details), every warning (the plan's
 * and the pipeline's) and the targets whose difference the plan showed, collected.
 */
export async function rollbackIn(s: InProcess, req: Partial<RollbackRequest> = {}, opts: Partial<ChangeOptions> = {}) {
  const said = {warnings: [] as string[], diffs: [] as string[]}
  let plan: RollbackPlan | undefined
  const outcome = await runChange(
    s.client,
    live => (plan = planRollback(live, {force: false, ...req}, {warn: t => said.warnings.push(t), diff: t => said.diffs.push(t)})),
    changeOptions({requireDoc: false, warn: t => said.warnings.push(t), ...opts}),
  )
  return {outcome, plan: plan!, said, warnings: said.warnings}
}
