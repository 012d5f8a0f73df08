/**
 * `logs`: find the model pods (target discovery), stream each storage-initializer (bounded, queued, resumed), and hand
 * every line and status to a printer. With follow, a pod watch attaches to pods created later as soon as their init
 * container starts, and stops following one when its init container ends, with one summary line. Also the reads around
 * it: which pods a model has, whether a namespace exists, and the per-model summary.
 */
import {setMaxListeners} from 'node:events'

import {CliError, isApiStatus, isCliError} from '../errors.js'
import type {KubeClient} from '../kube/client.js'
import {explain} from '../kube/explain.js'
import {findInferenceService, findLlmInferenceService} from '../kube/kserve.js'
import {streamLog, type LogLine} from '../kube/logs.js'
import {describeState, hintFor, initState, logContainers, seconds, type InitState} from '../domain/pod-status.js'
import {matchesLabels, simpleSelector, summarise, summariser, type ModelSummary} from '../domain/log-summary.js'
import {llmPodSelector} from '../domain/llmisvc.js'
import {eachObjectPage, getObject} from '../kube/objects.js'
import {listPods, watchPods, type Selection} from '../kube/pods.js'

/** Which pods: a model by name, a label selector, or one pod (none of them: every model's pods). */
export interface Target {
  /** an InferenceService, else an LLMInferenceService, of that name (looked up in `namespace`) */
  model?: string
  selector?: string
  pod?: string
  /** every namespace rather than `namespace` */
  allNamespaces?: boolean
}

/** A selection whose label selectors are spelled out (the ones a message names). */
export type PodSelection = Selection & {
  labelSelectors: string[]
  /** what could not be read, and what is done instead (one line for stderr) */
  note?: string
}

/**
 * The selection a target means. A model's pods carry an InferenceService's label or an LLMInferenceService's labels;
 * a name that is neither is an error.
 */
export async function selectPods(client: KubeClient, namespace: string, t: Target): Promise<PodSelection> {
  let labelSelectors = t.selector ? [t.selector] : ['serving.kserve.io/inferenceservice', llmPodSelector()]
  if (t.model !== undefined) {
    // a model the user may not read (a role that reads pods and their logs only): its pods are found by their labels
    const unread: string[] = []
    const readable = <T>(kind: string, p: Promise<T>) =>
      p.catch(e => {
        if (!(isCliError(e) && e.kind === 'Forbidden')) throw e
        unread.push(kind)
        return 'unknown' as const
      })
    const [isvc, llm] = await Promise.all([
      readable('inferenceservices', findInferenceService(client, namespace, t.model)),
      readable('llminferenceservices', findLlmInferenceService(client, namespace, t.model)),
    ])
    if (unread.length) {
      const selectors = [...(isvc ? [`serving.kserve.io/inferenceservice=${t.model}`] : []), ...(llm ? [llmPodSelector(t.model)] : [])]
      return {
        namespace: t.allNamespaces ? undefined : namespace,
        pod: t.pod,
        labelSelectors: selectors,
        // in a fixed order, whichever refusal came back first
        note: `cannot read ${unread.sort().join(' or ')} in namespace "${namespace}" (forbidden): finding the pods of "${t.model}" by their labels (${selectors.join(', ')})`,
      }
    }
    if (!isvc && !llm)
      throw new CliError('NotFound', `inferenceservice "${t.model}" not found in namespace "${namespace}" (nor an llminferenceservice)`, {
        hint: `list them with: kubectl get inferenceservices,llminferenceservices -n ${namespace}`,
      })
    labelSelectors = [...(isvc ? [`serving.kserve.io/inferenceservice=${t.model}`] : []), ...(llm ? [llmPodSelector(t.model)] : [])]
  }
  return {namespace: t.allNamespaces ? undefined : namespace, pod: t.pod, labelSelectors}
}

/** kubectl says when a namespace does not exist, rather than finding nothing in it (a namespace it may not read: nothing). */
export async function namespaceMustExist(client: KubeClient, namespace: string | undefined): Promise<void> {
  if (!namespace) return
  try {
    await getObject(client, 'namespaces', namespace)
  } catch (e) {
    if (isApiStatus(e, 404)) throw new CliError('NotFound', `namespaces "${namespace}" not found`)
  }
}

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
  /** following, more streams than maxRequests: said once (kubectl refuses; this queues them) */
  onQueue?: (max: number) => void
}

export type LogEvent =
  | {type: 'line'; namespace: string; pod: string; container: string; time: string; message: string}
  | {type: 'status'; namespace: string; pod: string; container: string; state: string; reason?: string; message: string; hint?: string}
  | {
      type: 'done'
      namespace: string
      pod: string
      container: string
      exitCode: number
      reason?: string
      seconds?: number
      message: string
      hint?: string
    }
  | {type: 'resumed'; namespace: string; pod: string; container: string; attempt: number; message: string}

/** A counting semaphore: at most n streams at once; the others wait their turn, none is dropped. */
class Pool {
  private active = 0
  private queue: (() => void)[] = []
  private queued = false
  /** `onQueue`: called once, when a task first has to wait for a place */
  constructor(
    private readonly n: number,
    private readonly onQueue?: () => void,
  ) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) {
      if (!this.queued) this.onQueue?.()
      this.queued = true
      await new Promise<void>(r => this.queue.push(r))
    }
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
    return {
      type: 'done',
      ...base,
      exitCode: s.exitCode,
      reason: s.reason,
      seconds: seconds(s.startedAt, s.finishedAt),
      message: describeState(s),
      hint: hintFor(s, image),
    }
  return {
    type: 'status',
    ...base,
    state: s.kind,
    reason: 'reason' in s ? s.reason : undefined,
    message: describeState(s),
    hint: hintFor(s, image),
  }
}

/** Has the container produced (or is it producing) a log? */
function hasLog(s: InitState): boolean {
  return s.kind === 'running' || s.kind === 'terminated' || (s.kind === 'waiting' && s.reason === 'CrashLoopBackOff')
}

/**
 * The state of one `logs` run: which containers are attached (per restart), the status line last said of each, which
 * followed containers have finished, and the streams under way. The first failure aborts every stream and is the one
 * reported.
 */
class LogSession {
  private readonly controller = new AbortController()
  private readonly attached = new Set<string>() // namespace/pod/container/restart
  private readonly announced = new Map<string, string>() // last status line per container, so it is said once
  private readonly finished = new Set<string>() // namespace/pod/container
  private readonly running: Promise<void>[] = []
  private failure: unknown

  constructor(
    outer: AbortSignal,
    private readonly emit: (e: LogEvent) => void,
  ) {
    outer.addEventListener('abort', () => this.controller.abort(), {once: true})
    // every stream (up to --max-log-requests at once) listens for the abort: not a leak
    setMaxListeners(0, this.controller.signal)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Say a container's status, unless it is what was said of it last. */
  announce(id: string, ev: LogEvent): void {
    if (this.announced.get(id) === ev.message) return
    this.announced.set(id, ev.message)
    this.emit(ev)
  }

  /** True the first time a container's run (`key`: id/restarts) is seen: its log is to be streamed. */
  attach(key: string): boolean {
    if (this.attached.has(key)) return false
    this.attached.add(key)
    return true
  }

  /** A followed container has ended; true when every one of `ids` has. */
  finish(id: string, ids: string[]): boolean {
    this.finished.add(id)
    return ids.every(i => this.finished.has(i))
  }

  /** A stream under way; its failure ends the run. */
  track(task: Promise<void>): void {
    this.running.push(task.catch(e => this.fail(e)))
  }

  fail(e: unknown): void {
    this.failure ??= e
    this.controller.abort()
  }

  /** Stop every stream and the watch (nothing failed). */
  stop(): void {
    this.controller.abort()
  }

  /** When every stream has ended: the first failure, thrown. */
  async done(): Promise<void> {
    await Promise.all(this.running)
    if (this.failure) throw this.failure
  }
}

/**
 * Stream the selected pods' logs to `emit` until they end, or (following) until `outer` aborts. No pod in a namespace
 * that does not exist, and a container (-c) no pod has, are errors, as in kubectl.
 */
export async function runLogs(
  client: KubeClient,
  sel: Selection,
  opts: LogsOptions,
  emit: (e: LogEvent) => void,
  outer: AbortSignal,
): Promise<{pods: number}> {
  const session = new LogSession(outer, emit)
  const signal = session.signal
  const pool = new Pool(Math.max(1, opts.maxRequests), () => {
    if (opts.follow) opts.onQueue?.(Math.max(1, opts.maxRequests))
  })
  const {items, resourceVersion} = await listPods(client, sel)

  let containers = 0
  const consider = (pod: any) => {
    const names = logContainers(pod, opts.container)
    containers += names.length
    for (const container of names) {
      const s = initState(pod, container)
      const id = `${pod.metadata.namespace}/${pod.metadata.name}/${container}`
      if (!hasLog(s) || (s.kind === 'waiting' && !opts.previous)) {
        session.announce(id, event(pod, container, s))
        if (!(s.kind === 'waiting' && s.reason === 'CrashLoopBackOff')) continue
        if (!opts.previous) continue
      }
      if (!session.attach(`${id}/${'restarts' in s ? s.restarts : 0}`)) continue
      const task = pool.run(async () => {
        const base = {namespace: pod.metadata.namespace, pod: pod.metadata.name, container}
        const follow = opts.follow && !opts.previous && s.kind === 'running'
        try {
          await streamLog(client, {
            ...base,
            options: {
              follow,
              previous: opts.previous,
              tailLines: opts.tail,
              sinceSeconds: opts.sinceSeconds,
              sinceTime: opts.sinceTime,
              limitBytes: opts.limitBytes,
            },
            onLine: (l: LogLine) => emit({type: 'line', ...base, time: l.time, message: l.message}),
            signal,
            onResume: attempt =>
              emit({type: 'resumed', ...base, attempt, message: `stream broke; resumed (attempt ${attempt}) from the last line seen`}),
          })
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
        const now = follow ? await getObject(client, 'pods', base.pod, base.namespace).catch(() => undefined) : pod
        const end = now ? initState(now, container) : undefined
        if (end && end.kind === 'terminated') {
          emit(event(now, container, end))
          // following one named pod ends when all its init containers have
          if (
            sel.pod &&
            opts.follow &&
            session.finish(
              id,
              logContainers(now, opts.container).map(c => `${base.namespace}/${base.pod}/${c}`),
            )
          )
            session.stop()
        }
      })
      session.track(task)
    }
  }
  for (const p of items) consider(p)
  if (opts.follow && !opts.previous)
    await watchPods(client, sel, resourceVersion, consider, signal).catch(e =>
      session.fail(explain(e, client, {verb: 'watch', resource: 'pods', namespace: sel.namespace})),
    )
  await session.done()
  if (items.length === 0) await namespaceMustExist(client, sel.namespace)
  // as kubectl logs -c: a container no pod has is an error
  if (opts.container && items.length > 0 && containers === 0)
    throw new CliError(
      'NotFound',
      `container ${opts.container} is not valid for ${items.length === 1 ? `pod ${items[0]?.metadata?.name}` : `any of the ${items.length} pods`}`,
    )
  return {pods: items.length}
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
      await eachObjectPage(client, 'pods', {namespace: sel.namespace, labelSelector}, page => {
        for (const p of page) if (!counted(p, i)) acc.add(p)
      })
  } catch (e) {
    throw explain(e, client, {verb: 'list', resource: 'pods', namespace: sel.namespace})
  }
  return acc.rows()
}
