/** One error type per cause; each renders as one line, with the remedy where there is one. */

export type ErrorKind =
  | 'Usage'
  | 'Config' // kubeconfig, context
  | 'Unreachable'
  | 'Timeout'
  | 'Cancelled'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'Conflict'
  | 'Invalid'
  | 'Server'

export class CliError extends Error {
  readonly kind: ErrorKind
  readonly hint?: string
  readonly exitCode: number

  constructor(kind: ErrorKind, message: string, opts: {hint?: string; exitCode?: number; cause?: unknown} = {}) {
    super(message, {cause: opts.cause})
    this.name = 'CliError'
    this.kind = kind
    this.hint = opts.hint
    this.exitCode = opts.exitCode ?? 1
  }

  /** The single line a user sees. (Not `line()`: Bun's engine gives every Error its own `line` and `column`.) */
  oneLine(): string {
    return this.hint ? `error: ${this.message} (${this.hint})` : `error: ${this.message}`
  }
}

/** A Status error answered by the API server. */
export class ApiStatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: {name?: string; kind?: string; group?: string} = {},
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
    this.name = 'ApiStatusError'
  }
}

export const isCliError = (e: unknown): e is CliError => e instanceof Error && e.name === 'CliError'
export const isApiStatus = (e: unknown, code?: number): e is ApiStatusError =>
  e instanceof Error && e.name === 'ApiStatusError' && (code === undefined || (e as ApiStatusError).code === code)
