/**
 * Why a planner refuses: `Usage` for arguments that cannot mean anything, `Invalid` for a result that would be wrong,
 * `NotFound` for a target that is not there, `Conflict` for one that is not ours to change.
 */
export class PlanError extends Error {
  constructor(
    readonly kind: 'Usage' | 'Invalid' | 'NotFound' | 'Conflict',
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'PlanError'
  }
}

/** One planned edit: the target, its value after the change, and what the report line says changed. */
export interface Edit<T> {
  target: T
  after: unknown
  what: string
}
