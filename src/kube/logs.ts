/** One container's log as a stream of lines, resumed like stern when the connection breaks. */
import {CliError, isApiStatus} from '../errors.js'
import {LineSplitter, streamBytes} from '../domain/lines.js'
import type {KubeClient} from './client.js'
import {Attempts, isTransient, POLICIES} from './retry.js'
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
  /**
   * At most this many bytes of the log in all, as kubectl's limitBytes caps its one request: a resumed stream asks only
   * for what is left. Counted as the server counts them, timestamps included (they are always requested).
   */
  limitBytes?: number
}

export interface LogLine {
  time: string
  message: string
}

/** One container's log to stream. */
export interface LogStream {
  namespace: string
  pod: string
  container: string
  options: LogOptions
  onLine: (l: LogLine) => void
  signal: AbortSignal
  /** told before each resume, with its number (the first is 1) */
  onResume?: (attempt: number) => void
}

/** RFC 3339 timestamp prefix the kubelet adds with timestamps=true. */
function split(line: string): LogLine {
  const i = line.indexOf(' ')
  const time = i > 0 ? line.slice(0, i) : ''
  return /^\d{4}-\d\d-\d\dT/.test(time) ? {time, message: line.slice(i + 1)} : {time: '', message: line}
}

/** The second a timestamp falls in: sinceTime has no finer precision. */
const secondOf = (time: string) => time.replace(/\.\d+Z$/, 'Z')

/**
 * Stream lines to `onLine` until the log ends or the signal aborts; a stream that broke more often than POLICIES.resume
 * allows throws. Timestamps are always requested, so that a cut stream can be resumed from the last second
 * seen (sinceTime), skipping the lines already delivered at that second: no line repeated, none lost.
 */
export async function streamLog(client: KubeClient, s: LogStream): Promise<void> {
  const {container, options: opts, onLine, signal} = s
  let lastTime = ''
  let atLast = 0
  // bytes delivered (a line's newline included), and those of them in lastTime's second, which a resumed request sends
  // again (they count against its limitBytes, then are skipped)
  let delivered = 0
  let inSecond = 0
  // the unterminated end of the previous answer
  let lastTail = ''
  const cap = opts.limitBytes
  const tries = new Attempts(POLICIES.resume, signal)
  const resume = () => s.onResume?.(tries.attempt)
  const path = apiPath('pods', {namespace: s.namespace, name: s.pod, sub: 'log'})
  for (;;) {
    // what is left of the cap, and what of it the already delivered lines sent again will take
    const limitBytes = cap === undefined ? undefined : cap - delivered + (lastTime ? inSecond : 0)
    const query: Record<string, string | number | boolean | undefined> = {
      container,
      timestamps: true,
      follow: opts.follow || undefined,
      previous: opts.previous || undefined,
      limitBytes,
    }
    if (lastTime) query.sinceTime = secondOf(lastTime)
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
      if (signal.aborted) return
      // a network failure, or a 429/5xx answer, is retried from where the stream stopped; other answers are final
      if (!isApiStatus(e) || isTransient(e)) {
        if (await tries.again(e, resume)) continue
        if (signal.aborted) return
        // lines were read before: say the log broke off; none: the error as it is (unreachable, refused, ...)
        if (lastTime) throw brokeOff(e)
        if (tries.retries > 0 && e instanceof Error) e.message += ` (gave up after ${tries.attempt} attempts)`
      }
      if (signal.aborted) return
      throw e
    }
    const abort = () => res.destroy()
    signal.addEventListener('abort', abort, {once: true})
    const lines = new LineSplitter()
    let cut = false
    // bytes this answer brought (the server stops at its limitBytes, even inside a character), and lines it delivered
    let received = 0
    let fresh = 0
    try {
      for await (const chunk of res) {
        received += chunk.length
        for (const raw of lines.lines(chunk)) {
          const l = split(raw)
          if (skip) {
            // from the second we resumed at: drop what was already delivered
            if (l.time && l.time < skip.time) continue
            if (l.time === skip.time && skip.count > 0) {
              skip.count--
              continue
            }
            skip = undefined
          }
          // bytes are counted only under a cap (counting costs a pass over the line)
          if (cap !== undefined) {
            const n = streamBytes(raw)
            inSecond = secondOf(l.time) === secondOf(lastTime) ? inSecond + n : n
            delivered += n
          }
          if (l.time === lastTime) atLast++
          else {
            lastTime = l.time
            atLast = 1
          }
          fresh++
          onLine(l)
        }
      }
    } catch {
      cut = true
    } finally {
      signal.removeEventListener('abort', abort)
    }
    if (signal.aborted) return
    const tail = lines.tail
    // the server stops at limitBytes, in the middle of a line (or a character) if need be: that end is the log's
    const capped = limitBytes !== undefined && received >= limitBytes
    // a followed log whose last line has no newline ends the same way again when resumed, with nothing new: its end
    const sameEnd = !cut && tail !== '' && fresh === 0 && tail === lastTail
    lastTail = tail
    // a log that ended (not followed: its last line may lack a newline), or the cap reached
    if (capped || sameEnd || (!opts.follow && !cut)) {
      if (tail.length > 0) onLine(split(tail))
      return
    }
    // followed, a stream that ends in the middle of a line was cut, whatever the socket said; a cut stream is resumed
    // (the unfinished line comes again, whole) whether followed or not
    if (!cut && tail.length === 0) return
    if (!(await tries.again(undefined, resume))) throw brokeOff()
  }

  function brokeOff(last?: unknown): CliError {
    const why = last instanceof Error ? ` (the last: ${last.message})` : ''
    return new CliError(
      'Server',
      `the log of pod ${s.namespace}/${s.pod} (container ${container}) kept breaking off: ${tries.attempt} attempts${why}; the lines above are all that could be read`,
      {
        hint: 'try again, or read the rest with --since-time and the last timestamp seen (--timestamps)',
      },
    )
  }
}
