/** Fault injection: latency, an error status for the next N matching requests, a reset connection, a dropped stream. */

export interface FaultRule {
  /** request verb as the authorizer sees it: get, list, watch, create, update, patch, delete */
  verb?: string
  /** plural resource, or plural/sub (pods/log) */
  resource?: string
  namespace?: string
  name?: string
  /** only requests made as this user */
  user?: string
  /** delay before answering, in milliseconds */
  latencyMs?: number
  /** answer with this HTTP status and a matching Status body */
  status?: number
  /** with status 429 (or any): the Retry-After header, in seconds */
  retryAfter?: number
  /** destroy the connection without answering */
  reset?: boolean
  /** streams (logs, watches): cut the connection after this many lines or events, mid-line when `midLine` */
  dropAfterLines?: number
  midLine?: boolean
  /** how many matching requests this rule applies to; unlimited when absent */
  count?: number
  /** let this many matching requests through untouched first (a fault that strikes mid-command) */
  after?: number
  /** in-process only: run (and wait for) this before the request is served, e.g. another client's write */
  before?: () => unknown
}

export interface RequestInfo {
  verb: string
  resource: string
  namespace?: string
  name?: string
  user?: string
}

export class Faults {
  private rules: FaultRule[] = []

  add(rule: FaultRule): void {
    this.rules.push({...rule})
  }

  clear(): void {
    this.rules = []
  }

  list(): FaultRule[] {
    return this.rules.map(r => ({...r}))
  }

  /** The rules that apply to this request, consuming one use of each. */
  take(info: RequestInfo): FaultRule[] {
    const hits: FaultRule[] = []
    for (const r of this.rules) {
      if (r.verb && r.verb !== info.verb) continue
      if (r.resource && r.resource !== info.resource) continue
      if (r.namespace && r.namespace !== info.namespace) continue
      if (r.name && r.name !== info.name) continue
      if (r.user && r.user !== info.user) continue
      if (r.after !== undefined && r.after > 0) {
        r.after--
        continue
      }
      if (r.count !== undefined) {
        if (r.count <= 0) continue
        r.count--
      }
      hits.push(r)
    }
    this.rules = this.rules.filter(r => r.count === undefined || r.count > 0)
    return hits
  }
}
