/**
 * When to try again, in one place: what counts as transient, and a named policy (how many attempts, how long to wait
 * before the next) per kind of retry. The loops that use them differ in what they do between attempts (a read is
 * simply sent again; a change is re-read and re-planned; a log stream resumes from its last line), not in how they wait.
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

const retryAfterMs = (e: unknown, capMs: number) => (e instanceof ApiStatusError && e.retryAfterSeconds !== undefined ? Math.min(e.retryAfterSeconds * 1000, capMs) : 0)

export const POLICIES = {
  /** a GET: exponential from 200 ms, honouring Retry-After up to 5 s */
  read: {attempts: 4, delayMs: (n, e) => Math.max(retryAfterMs(e, 5000), 100 * 2 ** n)},
  /**
   * a change that met a conflict or a transient failure: re-read and re-plan, after a short pause with jitter (so that
   * competing writers do not collide in step), longer after a server in trouble than after a plain conflict
   */
  replan: {attempts: 5, delayMs: (n, e) => (isTransient(e) ? 200 : 50) * n * (0.5 + Math.random())},
  /** appending to the history after a transient failure (a conflict is re-read at once) */
  record: {attempts: 5, delayMs: n => 200 * n},
  /** a log stream that broke: resumed from its last line, at most 5 times */
  resume: {attempts: 6, delayMs: n => 200 * n},
  /** a pod watch that ended or failed transiently: opened again for as long as the command follows */
  rewatch: {attempts: Infinity, delayMs: () => 500},
} satisfies Record<string, RetryPolicy>

export const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms))
