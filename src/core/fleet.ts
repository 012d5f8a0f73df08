/**
 * `validate` over many clusters: at most `parallel` at once, each within its own time limit, each reported to
 * `onReport` as it finishes; a cluster that cannot be checked becomes an error report, never the end of the others.
 */
import {CliError, isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {connect, type ConnectFlags} from '../kube/connect.js'
import {kubeconfigFiles, mergeKubeconfigs} from '../kube/kubeconfig.js'
import {parseDuration} from '../kube/timeout.js'
import {errorReport, validateLive, type Report} from './validate.js'

export interface FleetOptions {
  contexts: string[]
  parallel: number
  /** --cluster-timeout as given: how long one cluster may take (0: no limit) */
  clusterTimeout: string
  kserveNamespace?: string
  kserveVersion?: string
  /** the connection flags: each context gets a client of its own, with these (closed here after use) */
  connection: ConnectFlags
  onReport?(report: Report, index: number): void
}

/** Every context of the kubeconfig (--all-contexts). */
export function allContexts(kubeconfig: string | undefined): string[] {
  return mergeKubeconfigs(kubeconfigFiles(kubeconfig)).contexts.map(c => c.name)
}

export async function validateFleet(o: FleetOptions): Promise<Report[]> {
  const limitMs = parseDuration('cluster-timeout', o.clusterTimeout)
  const one = async (context: string): Promise<Report> => {
    let client: KubeClient | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      client = connect({...o.connection, context}).client
      const work = validateLive(client, o.kserveNamespace, o.kserveVersion)
      const timeout = new Promise<never>((_, reject) => {
        if (limitMs > 0)
          timer = setTimeout(() => reject(new CliError('Timeout', `no answer within --cluster-timeout ${o.clusterTimeout}`)), limitMs)
      })
      return await Promise.race([work, timeout])
    } catch (e) {
      return errorReport({context}, isCliError(e) ? e.oneLine().replace(/^error: /, '') : (e as Error).message)
    } finally {
      if (timer) clearTimeout(timer)
      client?.close()
    }
  }
  const results: Report[] = new Array(o.contexts.length)
  let next = 0
  await Promise.all(
    Array.from({length: Math.min(o.parallel, o.contexts.length)}, async () => {
      while (next < o.contexts.length) {
        const i = next++
        results[i] = await one(o.contexts[i])
        o.onReport?.(results[i], i)
      }
    }),
  )
  return results
}
