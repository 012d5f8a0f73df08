/**
 * `validate` over many clusters: at most `parallel` at once, each within its own time limit, each reported to
 * `onReport` as it finishes; a cluster that cannot be checked becomes an error report, never the end of the others.
 */
import {CliError, isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {errorReport, validateLive, type Report} from './validate.js'

export interface FleetOptions {
  contexts: string[]
  parallel: number
  /** milliseconds for one cluster; 0: no limit */
  limitMs: number
  /** for the message when the limit is hit: the flag as given */
  limitText: string
  kserveNamespace?: string
  kserveVersion?: string
  /** a client for one context (closed here after use) */
  connect(context: string): KubeClient
  onReport?(report: Report, index: number): void
}

export async function validateFleet(o: FleetOptions): Promise<Report[]> {
  const one = async (context: string): Promise<Report> => {
    let client: KubeClient | undefined
    let timer: NodeJS.Timeout | undefined
    try {
      client = o.connect(context)
      const work = validateLive(client, o.kserveNamespace, o.kserveVersion)
      const timeout = new Promise<never>((_, reject) => {
        if (o.limitMs > 0) timer = setTimeout(() => reject(new CliError('Timeout', `no answer within --cluster-timeout ${o.limitText}`)), o.limitMs)
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
