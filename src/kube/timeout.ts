import {CliError} from '../errors.js'

/** kubectl's --request-timeout: "0" (none), a bare number of seconds, or a duration such as 500ms, 5s, 1m, 1h. */
export function parseRequestTimeout(v: string | undefined): number {
  return parseDuration('request-timeout', v)
}

/** A duration flag in milliseconds. */
export function parseDuration(flag: string, v: string | undefined): number {
  if (v === undefined || v === '' || v === '0') return 0
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(v))) {
    total += Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2] as 'ms' | 's' | 'm' | 'h']
    consumed = re.lastIndex
  }
  if (consumed !== v.length || consumed === 0)
    throw new CliError('Usage', `invalid --${flag} "${v}": must be a whole number of seconds or a duration such as 500ms, 5s or 1m`)
  return total
}
