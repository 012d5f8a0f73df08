/**
 * `logs`: find the model pods (target discovery), stream each storage-initializer (bounded, queued, resumed), and hand
 * every line and status to a printer. With follow, a pod watch attaches to pods created later as soon as their init
 * container starts, and stops following one when its init container ends, with one summary line.
 */
import {setMaxListeners} from 'node:events'

import {isApiStatus} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {explain} from '../kube/explain.js'
import {streamLog, type LogLine} from '../kube/logs.js'
import {describeState, hintFor, initState, logContainers, seconds, type InitState} from '../domain/pod-status.js'
import {matchesLabels, simpleSelector, summarise, summariser, type ModelSummary} from '../domain/log-summary.js'
import {eachPage} from '../kube/list.js'
import {apiPath} from '../kube/paths.js'
import {listPods, podPath, watchPods, type Selection} from '../kube/pods.js'

export interface LogsOptions {
  follow: boolean
  previous: boolean
  tail?: number
  sinceSeconds?: number
  sinceTime?: string
  container?: string
  maxRequests: number
  /** at most this many bytes of each log */
  limitBytes?: number
  /** a log that cannot be read is a status line, not the end of the command */
  ignoreErrors?: boolean
}

export type LogEvent =
  | {type: 'line'; namespace: string; pod: string; container: string; time: string; message: string}
  | {type: 'status'; namespace: string; pod: string; container: string; state: string; reason?: string; message: string; hint?: string}
  | {type: 'done'; namespace: string; pod: string; container: string; exitCode: number; reason?: string; seconds?: number; message: string; hint?: string}
  | {type: 'resumed'; namespace: string; pod: string; container: string; attempt: number; message: string}

/** A counting semaphore: at most n streams at once; the others wait their turn, none is dropped. */
class Pool {
  private active = 0
  private queue: (() => void)[] = []
  constructor(private readonly n: number) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>(r => this.queue.push(r))
    this.active++
    try {
      return await f()
    } finally {
      this.active--
      this.queue.shift()?.()
    }
  }
}

function event(pod: any, container: string, s: InitState): LogEvent {
  const base = {namespace: pod.metadata.namespace, pod: pod.metadata.name, container}
  const image = (pod.spec?.initContainers ?? []).find((c: any) => c.name === container)?.image
  if (s.kind === 'terminated')
    return {type: 'done', ...base, exitCode: s.exitCode, reason: s.reason, seconds: seconds(s.startedAt, s.finishedAt), message: describeState(s), hint: hintFor(s, image)}
  return {type: 'status', ...base, state: s.kind, reason: 'reason' in s ? s.reason : undefined, message: describeState(s), hint: hintFor(s, image)}
}

/** Has the container produced (or is it producing) a log? */
function hasLog(s: InitState): boolean {
  return s.kind === 'running' || s.kind === 'terminated' || (s.kind === 'waiting' && s.reason === 'CrashLoopBackOff')
}

export async function runLogs(client: KubeClient, sel: Selection, opts: LogsOptions, emit: (e: LogEvent) => void, outer: AbortSignal): Promise<{pods: number; containers: number; first?: string}> {
  // one failure stops everything, and is reported once
  const inner = new AbortController()
  outer.addEventListener('abort', () => inner.abort(), {once: true})
  const signal = inner.signal
  // every stream (up to --max-log-requests at once) listens for the abort: not a leak
  setMaxListeners(0, signal)
  let failure: unknown
  const pool = new Pool(Math.max(1, opts.maxRequests))
  const attached = new Set<string>() // namespace/pod/container/restart
  const announced = new Map<string, string>() // last status line per target, so it is said once
  const finished = new Set<string>()
  const running: Promise<void>[] = []
  const {items, resourceVersion} = await listPods(client, sel)

  let containers = 0
  const consider = (pod: any) => {
    const names = logContainers(pod, opts.container)
    containers += names.length
    for (const container of names) {
      const s = initState(pod, container)
      const id = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`
      if (!hasLog(s) || (s.kind === 'waiting' && !opts.previous)) {
        const ev = event(pod, container, s)
        if (announced.get(id) !== ev.message) {
          announced.set(id, ev.message)
          emit(ev)
        }
        if (!(s.kind === 'waiting' && s.reason === 'CrashLoopBackOff')) continue
        if (!opts.previous) continue
      }
      const key = `${id}/${'restarts' in s ? s.restarts : 0}`
      if (attached.has(key)) continue
      attached.add(key)
      const task = pool.run(async () => {
          const base = {namespace: pod.metadata.namespace, pod: pod.metadata.name, container}
          const follow = opts.follow && !opts.previous && s.kind === 'running'
          try {
            await streamLog(
              client,
              base.namespace,
              base.pod,
              container,
              {follow, previous: opts.previous, tailLines: opts.tail, sinceSeconds: opts.sinceSeconds, sinceTime: opts.sinceTime, limitBytes: opts.limitBytes},
              (l: LogLine) => emit({type: 'line', ...base, time: l.time, message: l.message}),
              signal,
              attempt => emit({type: 'resumed', ...base, attempt, message: `stream broke; resumed (attempt ${attempt}) from the last line seen`}),
            )
          } catch (e) {
            if (signal.aborted) return
            if (isApiStatus(e, 400) || isApiStatus(e, 404) || opts.ignoreErrors) {
              emit({type: 'status', ...base, state: 'unavailable', message: (e as Error).message})
              return
            }
            throw explain(e, client, {verb: 'get', resource: 'pods/log', namespace: base.namespace, name: base.pod})
          }
          if (signal.aborted) return
          // the end of a followed stream: say how it ended, from the pod's status
          const now = follow ? await client.get(apiPath('pods', {namespace: base.namespace, name: base.pod})).catch(() => undefined) : pod
          const end = now ? initState(now, container) : undefined
          if (end && end.kind === 'terminated') {
            emit(event(now, container, end))
            // following one named pod ends when all its init containers have
            if (sel.pod && opts.follow) {
              finished.add(id)
              if (logContainers(now, opts.container).every(c => finished.has(`${base.namespace}/${base.pod}/${c}`))) inner.abort()
            }
          }
        })
      running.push(
        task.catch(e => {
          failure ??= e
          inner.abort()
        }),
      )
    }
  }
  for (const p of items) consider(p)
  if (opts.follow && !opts.previous)
    await watchPods(client, sel, resourceVersion, consider, signal).catch(e => {
      failure ??= explain(e, client, {verb: 'watch', resource: 'pods', namespace: sel.namespace})
      inner.abort()
    })
  await Promise.all(running)
  if (failure) throw failure
  return {pods: items.length, containers, first: items[0]?.metadata?.name}
}

/**
 * The summary of every selected pod, read chunk by chunk and folded in as each chunk arrives: only one number per
 * finished download is kept, so memory stays flat in the number of pods.
 */
export async function summarisePods(client: KubeClient, sel: Selection): Promise<ModelSummary[]> {
  if (sel.pod) return summarise((await listPods(client, sel)).items)
  const acc = summariser()
  const selectors = sel.labelSelectors ?? ['']
  // two selectors may match one pod: a pod is counted under the first that matches it, judged from its labels when the
  // earlier selectors are plain (k, k=v), else by remembering uids
  const terms = selectors.map(simpleSelector)
  const seen = selectors.length > 1 && terms.some(t => t === undefined) ? new Set<string>() : undefined
  /** already counted under an earlier selector */
  const counted = (p: any, i: number): boolean => {
    if (!seen) return terms.slice(0, i).some(t => matchesLabels(p.metadata?.labels ?? {}, t!))
    if (seen.has(p.metadata.uid)) return true
    seen.add(p.metadata.uid)
    return false
  }
  try {
    for (const [i, labelSelector] of selectors.entries())
      await eachPage(client, podPath(sel), {query: {labelSelector}}, page => {
        for (const p of page) if (!counted(p, i)) acc.add(p)
      })
  } catch (e) {
    throw explain(e, client, {verb: 'list', resource: 'pods', namespace: sel.namespace})
  }
  return acc.rows()
}

