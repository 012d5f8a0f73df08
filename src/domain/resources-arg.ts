/** kubectl's `--requests cpu=200m,memory=512Mi` syntax, checked against the quantity grammar. */
import {QUANTITY_HELP, compareQuantities, parseQuantity} from './quantity.js'

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ArgumentError'
  }
}

const ALLOWED = ['cpu', 'memory']

export function parseResourceList(flag: string, text: string | undefined): Record<string, string> {
  if (text === undefined) return {}
  const out: Record<string, string> = {}
  for (const pair of text
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)) {
    const m = /^([^=]+)=(.*)$/.exec(pair)
    if (!m) throw new ArgumentError(`--${flag}: invalid argument syntax ${pair}, expected <resource>=<value>`)
    const [, name, value] = m
    if (!ALLOWED.includes(name))
      throw new ArgumentError(`--${flag}: unsupported resource "${name}": the storage-initializer takes cpu and memory`)
    if (parseQuantity(value) === undefined)
      throw new ArgumentError(`--${flag}: ${name}=${value} is not a valid quantity: expected ${QUANTITY_HELP}`)
    if (parseQuantity(value)! < 0) throw new ArgumentError(`--${flag}: ${name}=${value} must not be negative`)
    out[name] = value
  }
  return out
}

/** Every request at or below its limit; a message per violation. */
export function requestsAboveLimits(requests: Record<string, string>, limits: Record<string, string>): string[] {
  const bad: string[] = []
  for (const [name, req] of Object.entries(requests)) {
    const lim = limits[name]
    if (lim === undefined) continue
    // by value, exactly: 700m equals 0.7
    if ((compareQuantities(req, lim) ?? 0) > 0) bad.push(`${name} request ${req} is above its limit ${lim}`)
  }
  return bad
}
