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

/**
 * What was read does not hang together, because another writer changed it between two reads (a model names its own
 * container, which the list read a moment earlier did not hold yet, or no longer): read again and plan again.
 */
export class StaleReadError extends PlanError {
  constructor(message: string) {
    super('Conflict', message, 'another change was under way; try again')
    this.name = 'StaleReadError'
  }
}

/** One planned edit: the target, its value after the change, and what the report line says changed. */
export interface Edit<T> {
  target: T
  after: unknown
  what: string
}
