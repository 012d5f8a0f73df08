/**
 * When to try again, in one place: what counts as transient, a named policy (how many attempts, how long to wait
 * before the next) per kind of retry, and `Attempts`, the one counter every retrying loop uses. The loops differ in what
 * they do between attempts (a read is simply sent again; a change is re-read and re-planned; a log stream resumes from
 * its last line; a watch is opened again), not in how they count and wait.
 */
import {ApiStatusError} from '../errors.js'

/** A failure worth trying again: throttling, a server error, a connection reset mid-request. */
export function isTransient(e: unknown): boolean {
  if (e instanceof ApiStatusError) return e.code === 429 || (e.code >= 500 && e.code <= 504)
  return !!(e as {transient?: boolean})?.transient
}

export interface RetryPolicy {
  /** attempts in all, the first included */
  attempts: number
  /** milliseconds to wait after failed attempt `attempt` (1-based) with error `e` */
  delayMs(attempt: number, e: unknown): number
}

const retryAfterMs = (e: unknown, capMs: number) =>
  e instanceof ApiStatusError && e.retryAfterSeconds !== undefined ? Math.min(e.retryAfterSeconds * 1000, capMs) : 0

export const POLICIES = {
  /** a write, on its own: never sent twice (the change pipeline re-reads and re-plans instead) */
  once: {attempts: 1, delayMs: () => 0},
  /** a GET: exponential from 200 ms, honouring Retry-After up to 5 s */
  read: {attempts: 4, delayMs: (n, e) => Math.max(retryAfterMs(e, 5000), 100 * 2 ** n)},
  /**
   * a change that met a conflict or a transient failure: re-read and re-plan, after a short pause with jitter (so that
   * competing writers do not collide in step), longer after a server in trouble than after a plain conflict
   */
  replan: {attempts: 5, delayMs: (n, e) => (isTransient(e) ? 200 : 50) * n * (0.5 + Math.random())},
  /** appending to the history after another writer's record (re-read at once) or a transient failure */
  record: {attempts: 5, delayMs: (n, e) => (isTransient(e) ? 200 * n : 0)},
  /** a log stream that broke: resumed from its last line, at most 5 times */
  resume: {attempts: 6, delayMs: n => 200 * n},
  /** a pod watch that ended or failed transiently: opened again for as long as the command follows */
  rewatch: {attempts: Infinity, delayMs: () => 500},
} satisfies Record<string, RetryPolicy>

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))

/**
 * The attempts of one retrying loop under a policy: `again(e)` after a failed attempt answers whether another is
 * allowed and, if so, waits the policy's delay first (cut short when `signal` aborts). `attempt` is the 1-based number of
 * the attempt under way; `retries` how many were retried so far.
 */
export class Attempts {
  attempt = 1
  constructor(
    readonly policy: RetryPolicy,
    private readonly signal?: AbortSignal,
  ) {}

  get retries(): number {
    return this.attempt - 1
  }

  /**
   * After attempt `attempt` failed with `e`: false when the policy is spent (or the signal aborted); else `beforeWait`
   * is told, the policy's delay waited, and the next attempt counted.
   */
  async again(e?: unknown, beforeWait?: () => void): Promise<boolean> {
    if (this.attempt >= this.policy.attempts || this.signal?.aborted) return false
    beforeWait?.()
    const ms = this.policy.delayMs(this.attempt, e)
    this.attempt++
    if (ms > 0) await abortableSleep(ms, this.signal)
    return !this.signal?.aborted
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return sleep(ms)
  return new Promise<void>(resolve => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, {once: true})
  })
}
