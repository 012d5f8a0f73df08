/** One container's log as a stream of lines, resumed like stern when the connection breaks. */
import {isApiStatus} from '../errors.js'
import type {KubeClient} from './client.js'
import {isTransient, POLICIES, sleep} from './retry.js'
import {apiPath} from './paths.js'

/**
 * What kubectl sends for pods/log. kube-apiserver answers `Accept: text/plain` alone with 406 NotAcceptable (the log is
 * still sent as text/plain to this header); recorded in test/fixtures/apiserver/pod-log-accept-matrix.tsv.
 */
export const LOG_ACCEPT = 'application/json, */*'

export interface LogOptions {
  follow: boolean
  previous?: boolean
  tailLines?: number
  sinceSeconds?: number
  sinceTime?: string
  limitBytes?: number
}

export interface LogLine {
  time: string
  message: string
}

/** RFC 3339 timestamp prefix the kubelet adds with timestamps=true. */
function split(line: string): LogLine {
  const i = line.indexOf(' ')
  const time = i > 0 ? line.slice(0, i) : ''
  return /^\d{4}-\d\d-\d\dT/.test(time) ? {time, message: line.slice(i + 1)} : {time: '', message: line}
}

export interface StreamResult {
  /** the stream ended by itself (container done), rather than being cut */
  complete: boolean
  resumed: number
}

/**
 * Stream lines to `onLine`. Timestamps are always requested, so that a cut stream can be resumed from the last second
 * seen (sinceTime), skipping the lines already delivered at that second: no line repeated, none lost.
 */
export async function streamLog(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  opts: LogOptions,
  onLine: (l: LogLine) => void,
  signal: AbortSignal,
  onResume?: (attempt: number) => void,
): Promise<StreamResult> {
  let lastTime = ''
  let atLast = 0
  let resumed = 0
  const path = apiPath('pods', {namespace, name: pod, sub: 'log'})
  for (;;) {
    const query: Record<string, string | number | boolean | undefined> = {container, timestamps: true, follow: opts.follow || undefined, previous: opts.previous || undefined, limitBytes: opts.limitBytes}
    if (lastTime) query.sinceTime = lastTime.replace(/\.\d+Z$/, 'Z')
    else {
      query.tailLines = opts.tailLines !== undefined && opts.tailLines >= 0 ? opts.tailLines : undefined
      query.sinceSeconds = opts.sinceSeconds
      query.sinceTime = opts.sinceTime
    }
    let skip = lastTime ? {time: lastTime, count: atLast} : undefined
    let res
    try {
      res = await client.stream(path, query, LOG_ACCEPT, signal)
    } catch (e) {
      if (signal.aborted) return {complete: false, resumed}
      // a network failure, or a 429/5xx answer, is retried from where the stream stopped; other answers are final
      if ((!isApiStatus(e) || isTransient(e)) && resumed < POLICIES.resume.attempts - 1) {
        resumed++
        onResume?.(resumed)
        await sleep(POLICIES.resume.delayMs(resumed))
        continue
      }
      throw e
    }
    const abort = () => res.destroy()
    signal.addEventListener('abort', abort, {once: true})
    let buf = ''
    let cut = false
    try {
      for await (const chunk of res) {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n')) >= 0) {
          const l = split(buf.slice(0, i))
          buf = buf.slice(i + 1)
          if (skip) {
            // from the second we resumed at: drop what was already delivered
            if (l.time && l.time < skip.time) continue
            if (l.time === skip.time && skip.count > 0) {
              skip.count--
              continue
            }
            skip = undefined
          }
          if (l.time === lastTime) atLast++
          else {
            lastTime = l.time
            atLast = 1
          }
          onLine(l)
        }
      }
    } catch {
      cut = true
    } finally {
      signal.removeEventListener('abort', abort)
    }
    if (signal.aborted) return {complete: false, resumed}
    // a stream that ends in the middle of a line was cut, whatever the socket said
    if (buf !== '') cut = true
    if (!cut || !opts.follow) {
      if (buf !== '' && !opts.follow) onLine(split(buf))
      return {complete: !cut, resumed}
    }
    if (resumed >= POLICIES.resume.attempts - 1) return {complete: false, resumed}
    resumed++
    onResume?.(resumed)
  }
}
