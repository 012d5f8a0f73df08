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
import {describeState, hintFor, initState, logContainers, seconds, slimPod, type InitState} from '../domain/pod-status.js'
import {eachPage, listAll} from '../kube/list.js'
import {isTransient, POLICIES, sleep} from '../kube/retry.js'
import {apiPath} from '../kube/paths.js'

export interface Selection {
  namespace?: string // undefined: all namespaces
  /** pods matching any of these (InferenceServices and LLMInferenceServices carry different labels) */
  labelSelectors?: string[]
  pod?: string
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

function podPath(sel: Selection): string {
  return apiPath('pods', {namespace: sel.namespace})
}

export async function listPods(client: KubeClient, sel: Selection): Promise<{items: any[]; resourceVersion: string}> {
  try {
    if (sel.pod) {
      const p = await client.get(`${podPath(sel)}/${encodeURIComponent(sel.pod)}`)
      return {items: [p], resourceVersion: p.metadata.resourceVersion}
    }
    // chunked, and only the fields used are kept of each pod (memory flat in the number of pods)
    const lists = await Promise.all((sel.labelSelectors ?? ['']).map(labelSelector => listAll(client, podPath(sel), {query: {labelSelector}}, slimPod)))
    const seen = new Set<string>()
    const items = lists.flatMap(l => l.items).filter((p: any) => !seen.has(p.metadata.uid) && seen.add(p.metadata.uid))
    // watching from the oldest of the lists' versions replays nothing twice: pods already seen are not attached again
    const rvs = lists.map(l => l.resourceVersion).filter(Boolean).sort((a, b) => Number(a) - Number(b))
    return {items, resourceVersion: rvs[0] ?? ''}
  } catch (e) {
    throw explain(e, client, {verb: sel.pod ? 'get' : 'list', resource: 'pods', namespace: sel.namespace, name: sel.pod})
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

/** Watch pods (list+watch, re-listing when the watch expires) until aborted: one watch per label selector. */
async function watchPods(client: KubeClient, sel: Selection, rv: string, onPod: (p: any) => void, signal: AbortSignal): Promise<void> {
  const selectors = sel.pod ? [undefined] : (sel.labelSelectors ?? [undefined])
  await Promise.all(selectors.map(labelSelector => watchOne(client, {...sel, labelSelectors: labelSelector ? [labelSelector] : undefined}, labelSelector, rv, onPod, signal)))
}

async function watchOne(client: KubeClient, sel: Selection, labelSelector: string | undefined, rv: string, onPod: (p: any) => void, signal: AbortSignal): Promise<void> {
  const query = (v: string) => ({watch: 1, resourceVersion: v, labelSelector, fieldSelector: sel.pod ? `metadata.name=${sel.pod}` : undefined, allowWatchBookmarks: true})
  while (!signal.aborted) {
    let res
    try {
      res = await client.stream(podPath(sel), query(rv), 'application/json', signal)
    } catch (e) {
      if (signal.aborted) return
      if (isApiStatus(e, 410)) {
        const l = await listPods(client, sel)
        l.items.forEach(onPod)
        rv = l.resourceVersion
        continue
      }
      // a refusal (403, 404) is final; a dropped connection or a server in trouble is not
      if (isApiStatus(e) && !isTransient(e)) throw e
      await sleep(POLICIES.rewatch.delayMs())
      continue
    }
    const abort = () => res.destroy()
    signal.addEventListener('abort', abort, {once: true})
    let buf = ''
    try {
      for await (const chunk of res) {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n')) >= 0) {
          const ev = JSON.parse(buf.slice(0, i))
          buf = buf.slice(i + 1)
          if (ev.type === 'ERROR') {
            if (ev.object?.code === 410) {
              const l = await listPods(client, sel)
              l.items.forEach(onPod)
              rv = l.resourceVersion
            }
            continue
          }
          if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') onPod(ev.object)
        }
      }
    } catch {
      // a broken watch is resumed from the last resourceVersion seen
    } finally {
      signal.removeEventListener('abort', abort)
    }
  }
}

export interface ModelSummary {
  namespace: string
  /** InferenceService or LLMInferenceService */
  kind: string
  inferenceService: string
  pods: number
  succeeded: number
  failed: Record<string, number>
  initializing: number
  images: string[]
  medianSeconds: number | null
  slowestSeconds: number | null
}

/** One row per InferenceService: how its pods' storage-initializers went, and how long downloads took. */
export function summarise(pods: Iterable<any>): ModelSummary[] {
  const acc = summariser()
  for (const p of pods) acc.add(p)
  return acc.rows()
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
  const plain = selectors.every(x => simpleSelector(x) !== undefined)
  const seen = selectors.length > 1 && !plain ? new Set<string>() : undefined
  try {
    for (const [i, labelSelector] of selectors.entries())
      await eachPage(client, podPath(sel), {query: {labelSelector}}, page => {
        for (const p of page) {
          if (seen ? seen.has(p.metadata.uid) || !seen.add(p.metadata.uid) : selectors.slice(0, i).some(x => matches(p.metadata?.labels ?? {}, simpleSelector(x)!))) continue
          acc.add(p)
        }
      })
  } catch (e) {
    throw explain(e, client, {verb: 'list', resource: 'pods', namespace: sel.namespace})
  }
  return acc.rows()
}

/** A selector of only `key` and `key=value` terms, as pairs (value undefined: exists); undefined for anything else. */
function simpleSelector(selector: string): [string, string | undefined][] | undefined {
  const terms = selector.split(',').map(t => t.trim()).filter(Boolean)
  const out: [string, string | undefined][] = []
  for (const t of terms) {
    const m = /^([\w./-]+)(?:==?([\w.-]*))?$/.exec(t)
    if (!m) return undefined
    out.push([m[1], m[2]])
  }
  return out
}

function matches(labels: Record<string, string>, terms: [string, string | undefined][]): boolean {
  return terms.every(([k, v]) => (v === undefined ? k in labels : labels[k] === v))
}

function summariser(): {add(p: any): void; rows(): ModelSummary[]} {
  const rows = new Map<string, ModelSummary & {durations: number[]}>()
  const add = (p: any) => {
    const labels = p.metadata?.labels ?? {}
    const llm = labels['app.kubernetes.io/part-of'] === 'llminferenceservice' ? labels['app.kubernetes.io/name'] : undefined
    const isvc = labels['serving.kserve.io/inferenceservice'] ?? llm
    if (!isvc) return
    const kind = llm && !labels['serving.kserve.io/inferenceservice'] ? 'LLMInferenceService' : 'InferenceService'
    const key = `${p.metadata.namespace}/${kind}/${isvc}`
    const row: ModelSummary & {durations: number[]} = rows.get(key) ?? {namespace: p.metadata.namespace, kind, inferenceService: isvc, pods: 0, succeeded: 0, failed: {}, initializing: 0, images: [], medianSeconds: null, slowestSeconds: null, durations: []}
    rows.set(key, row)
    row.pods++
    const c = (p.spec?.initContainers ?? []).find((x: any) => x.name === 'storage-initializer')
    if (!c) return
    if (c.image && !row.images.includes(c.image)) row.images.push(c.image)
    const s = initState(p, 'storage-initializer')
    if (s.kind === 'terminated' && s.exitCode === 0) {
      row.succeeded++
      const d = seconds(s.startedAt, s.finishedAt)
      if (d !== undefined) row.durations.push(d)
    } else if (s.kind === 'terminated') row.failed[s.reason ?? `ExitCode:${s.exitCode}`] = (row.failed[s.reason ?? `ExitCode:${s.exitCode}`] ?? 0) + 1
    else if (s.kind === 'waiting' && s.reason !== 'PodInitializing' && s.reason !== 'ContainerCreating') {
      const reason = s.reason === 'CrashLoopBackOff' && s.last?.reason ? s.last.reason : s.reason
      row.failed[reason] = (row.failed[reason] ?? 0) + 1
    } else row.initializing++
  }
  const result = () =>
    [...rows.values()]
      .map(({durations, ...r}) => {
        const d = [...durations].sort((a, b) => a - b)
        const median = d.length ? (d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2) : null
        return {...r, medianSeconds: median, slowestSeconds: d.length ? d[d.length - 1] : null}
      })
      .sort((a, b) => `${a.namespace}/${a.inferenceService}`.localeCompare(`${b.namespace}/${b.inferenceService}`))
  return {add, rows: result}
}
