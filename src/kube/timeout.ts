import {CliError} from '../errors.js'
import {goDurationMs} from '../domain/duration.js'

/** kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration such as 500ms, 5s, 1m, 1h. */
export function parseRequestTimeout(v: string | undefined): number {
  return parseDuration('request-timeout', v)
}

/** A duration flag in milliseconds. */
export function parseDuration(flag: string, v: string | undefined): number {
  if (v === undefined || v === '' || v === '0') return 0
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const ms = goDurationMs(v)
  if (ms === undefined)
    throw new CliError('Usage', `invalid --${flag} "${v}": must be a whole number of seconds or a duration such as 500ms, 5s or 1m`)
  return ms
}
