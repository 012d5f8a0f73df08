/**
 * Resource quantities as kube-apiserver stores them in built-in objects: parsed, rounded up to nano precision, capped,
 * and written back in canonical form (apimachinery pkg/api/resource/quantity.go: ParseQuantity, CanonicalizeBytes).
 * Written apart from the plugin's own quantity code so that the simulator is an independent oracle.
 * Recorded: test/fixtures/apiserver/pod-create-quantities.json (`0.5` -> `500m`, `1024Mi` -> `1Gi`, `1.5Gi` -> `1536Mi`).
 */

export const QUANTITY_RE_TEXT = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent'

const DEC: Record<string, number> = {n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}
const BIN: Record<string, number> = {Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60}
const DEC_SUFFIX = Object.fromEntries(Object.entries(DEC).map(([k, v]) => [v, k]))
const BIN_SUFFIX: Record<number, string> = {0: '', ...Object.fromEntries(Object.entries(BIN).map(([k, v]) => [v / 10, k]))}
const MAX = 2n ** 63n - 1n

/** An exact value: sign * mantissa * 10^exp. */
interface Parsed {
  negative: boolean
  mantissa: bigint
  exp: number
  format: Format
  /** ParseQuantity's fast path found the text canonical already and keeps it as written (`+1`, `1E3`, `100Mi`) */
  verbatim: boolean
}

export class QuantityError extends Error {}

export function parseQuantity(s: string): Parsed {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(s)
  if (!m || s === '' || (m[2] === '' && (m[3] ?? '') === ''))
    throw new QuantityError(`quantities must match the regular expression '${QUANTITY_RE_TEXT}'`)
  const [, sign, whole, frac = '', suffix] = m
  let format: Format
  let base10 = 0
  let base2 = 0
  if (suffix in DEC) {
    format = 'DecimalSI'
    base10 = DEC[suffix]
  } else if (suffix in BIN) {
    format = 'BinarySI'
    base2 = BIN[suffix]
  } else if (/^[eE][-+]?[0-9]+$/.test(suffix)) {
    format = 'DecimalExponent'
    base10 = Number(suffix.slice(1))
  } else
    throw new QuantityError(
      suffix && /^[eEinumkKMGTP]*[-+]?[0-9]*$/.test(suffix)
        ? "unable to parse quantity's suffix"
        : `quantities must match the regular expression '${QUANTITY_RE_TEXT}'`,
    )
  let mantissa = BigInt((whole || '0') + frac) * 2n ** BigInt(base2)
  let exp = base10 - frac.length
  const shifted = whole.replace(/^0+/, '') + frac
  const fits = whole.length + frac.length <= 18
  const verbatim =
    format === 'BinarySI'
      ? frac === '' && fits && (BigInt(whole || '0') & 7n) !== 0n
      : fits && exp >= -9 && exp % 3 === 0 && shifted !== '' && !shifted.endsWith('000') && shifted[0] !== '0'
  // values finer than 1n are rounded up ("if you want some resources, you should get some resources")
  if (exp < -9 && mantissa !== 0n) {
    const d = 10n ** BigInt(-9 - exp)
    mantissa = (mantissa + d - 1n) / d
    exp = -9
  }
  // capped at the largest int64
  if (exp >= 0 ? mantissa * 10n ** BigInt(exp) > MAX : false) {
    mantissa = MAX
    exp = 0
  }
  const negative = sign === '-' && mantissa !== 0n
  if (format === 'BinarySI' && exp < 0 && mantissa * 1n < 10n ** BigInt(-exp) && mantissa > 0n) format = 'DecimalSI'
  return {negative, mantissa, exp, format, verbatim}
}

function decimal(p: Parsed, format: 'DecimalSI' | 'DecimalExponent'): string {
  let {mantissa, exp} = p
  if (mantissa === 0n) return '0'
  while (mantissa % 10n === 0n) {
    mantissa /= 10n
    exp++
  }
  while (exp % 3 !== 0) {
    mantissa *= 10n
    exp--
  }
  const suffix = format === 'DecimalSI' ? DEC_SUFFIX[exp] : exp === 0 ? '' : `e${exp}`
  return `${p.negative ? '-' : ''}${mantissa}${suffix}`
}

/**
 * The form the API server writes back: `1024Mi` -> `1Gi`, `0.5` -> `500m`, `2000m` -> `2`; text already canonical
 * (`1e9`, `100Mi`, even `+1`) is kept as written. `milli`: pods' ResourceList defaulting rounds up to milli first
 * (`0.1m` -> `1m`).
 */
export function canonicalQuantity(s: string, opts: {milli?: boolean} = {}): string {
  const p = parseQuantity(s)
  if (opts.milli && p.exp < -3) {
    const d = 10n ** BigInt(-3 - p.exp)
    const up = (p.mantissa + d - 1n) / d
    if (up * d !== p.mantissa) return format({...p, mantissa: up, exp: -3, verbatim: false})
  }
  return p.verbatim ? s : format(p)
}

function format(p: Parsed): string {
  if (p.format !== 'BinarySI') return decimal(p, p.format)
  // integer value as a whole number, or DecimalSI when that would lose precision or it is below 1024
  const scale = 10n ** BigInt(Math.max(0, -p.exp))
  const whole = p.exp >= 0 ? p.mantissa * 10n ** BigInt(p.exp) : p.mantissa / scale
  const exact = p.exp >= 0 || p.mantissa % scale === 0n
  if (!exact || whole < 1024n) return decimal(p, 'DecimalSI')
  let n = whole
  let e = 0
  while (n % 1024n === 0n && e < 6) {
    n /= 1024n
    e++
  }
  return `${p.negative ? '-' : ''}${n}${BIN_SUFFIX[e]}`
}

/** Exact comparison of two quantities: -1, 0 or 1. */
export function compareQuantities(a: string, b: string): number {
  const x = parseQuantity(a)
  const y = parseQuantity(b)
  const e = Math.min(x.exp, y.exp)
  const xv = (x.negative ? -1n : 1n) * x.mantissa * 10n ** BigInt(x.exp - e)
  const yv = (y.negative ? -1n : 1n) * y.mantissa * 10n ** BigInt(y.exp - e)
  return xv < yv ? -1 : xv > yv ? 1 : 0
}
