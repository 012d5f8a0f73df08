/** Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity grammar). */

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
  Pi: 1024 ** 5,
  Ei: 1024 ** 6,
}

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/

/** The value in base units (cores, bytes), or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text)
  if (!m) return undefined
  const n = Number(m[1])
  if (m[2]) return n * 10 ** Number(m[2].slice(1))
  return n * SUFFIX[m[3] ?? '']
}

export const QUANTITY_HELP = 'a number with an optional suffix, such as 500m, 2, 512Mi or 4Gi'

/**
 * The same few quantities (the ConfigMap's, each ClusterStorageContainer's) are read again for every URI and pod the
 * emulation makes (#30: a seventh of its time): each answer is kept, for texts of real length, up to MEMO entries.
 */
const MEMO = 4096
function memo<T>(f: (text: string) => T): (text: string) => T {
  const kept = new Map<string, T>()
  return text => {
    if (typeof text !== 'string' || text.length > 64) return f(text)
    if (kept.has(text)) return kept.get(text)!
    const v = f(text)
    if (kept.size >= MEMO) kept.clear()
    kept.set(text, v)
    return v
  }
}

/** An exact value: mantissa * 10^exp (binary suffixes folded into the mantissa); frozen (it is shared). */
const exact = memo((text: string): Readonly<{m: bigint; e: number}> | undefined => {
  const m = QUANTITY.exec(text)
  if (!m) return undefined
  const [, num, expo, suffix = ''] = m
  const neg = num.startsWith('-')
  const [whole, frac = ''] = num.replace(/^[+-]/, '').split('.')
  let mant = BigInt((whole || '0') + frac)
  let e = -frac.length
  if (expo) e += Number(expo.slice(1))
  else if (suffix.endsWith('i')) mant *= 1024n ** BigInt(['Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'].indexOf(suffix) + 1)
  else e += {'': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}[suffix]!
  return Object.freeze({m: neg ? -mant : mant, e})
})

/**
 * Compare two quantities by value, exactly (`700m` equals `0.7`, `1Gi` equals `1024Mi`): -1, 0 or 1; undefined when
 * either is not a quantity. The API server stores pod quantities in canonical form, so strings never compare.
 */
export function compareQuantities(a: string, b: string): number | undefined {
  const x = exact(a)
  const y = exact(b)
  if (!x || !y) return undefined
  const e = Math.min(x.e, y.e)
  const xv = x.m * 10n ** BigInt(x.e - e)
  const yv = y.m * 10n ** BigInt(y.e - e)
  return xv < yv ? -1 : xv > yv ? 1 : 0
}

/** Equal by value; two absent values are equal, one absent is not. */
export function sameQuantity(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || a === '' || b === undefined || b === '') return (a ?? '') === (b ?? '')
  return compareQuantities(a, b) === 0 || (compareQuantities(a, b) === undefined && a === b)
}

/**
 * The text a pod stores for a quantity (resource.Quantity.String() after kube-apiserver's defaulting, which rounds
 * pod resources up to milli): the largest suffix that keeps the value whole in the format the text was written in
 * (binary suffixes stay binary while the value is a whole multiple of 1024 and at least 1024; `e` exponents stay
 * exponents), and text already in that form is kept as written. Undefined when the text is not a quantity.
 * apimachinery pkg/api/resource/quantity.go (ParseQuantity's canonical fast path, CanonicalizeBytes).
 */
export const canonicalQuantity: (text: string) => string | undefined = memo(text => {
  const m = QUANTITY.exec(text)
  if (!m) return undefined
  const x = exact(text)!
  const [, num, expo, suffix = ''] = m
  const binary = suffix.endsWith('i')
  // pods: values finer than a milli are rounded up (away from zero for positives)
  const {m: mant, e} = x
  if (e < -3) {
    const d = 10n ** BigInt(-3 - e)
    const up = mant > 0n ? (mant + d - 1n) / d : mant / d
    if (up * d !== mant) return decimalForm(up, -3, expo ? 'exp' : 'si')
  }
  const digits = num.replace(/^[+-]/, '')
  const [whole, frac = ''] = digits.split('.')
  // the fast path: text Go finds canonical already is kept as written (`1E3`, `100Mi`, `+1`)
  const shifted = whole.replace(/^0+/, '') + frac
  if (whole.length + frac.length <= 18) {
    if (
      binary
        ? frac === '' && (BigInt(whole || '0') & 7n) !== 0n
        : e >= -9 && e % 3 === 0 && shifted !== '' && !shifted.endsWith('000') && shifted[0] !== '0'
    )
      return text
  }
  if (binary) {
    // whole bytes at or above 1024: the largest binary suffix that keeps the value whole
    if (e >= 0 || mant % 10n ** BigInt(-e) === 0n) {
      let n = e >= 0 ? mant * 10n ** BigInt(e) : mant / 10n ** BigInt(-e)
      const neg = n < 0n
      if (neg) n = -n
      if (n >= 1024n) {
        let i = 0
        while (n % 1024n === 0n && i < 6) {
          n /= 1024n
          i++
        }
        return `${neg ? '-' : ''}${n}${['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][i]}`
      }
    }
    return decimalForm(mant, e, 'si')
  }
  return decimalForm(mant, e, expo ? 'exp' : 'si')
})

const DEC_EXP: Record<string, number> = {'': 0, n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18}

function decimalForm(mant: bigint, e: number, form: 'si' | 'exp'): string {
  if (mant === 0n) return '0'
  while (mant % 10n === 0n) {
    mant /= 10n
    e++
  }
  while (((e % 3) + 3) % 3 !== 0) {
    mant *= 10n
    e--
  }
  if (form === 'exp') return `${mant}${e === 0 ? '' : `e${e}`}`
  const suffix = Object.entries(DEC_EXP).find(([, v]) => v === e)?.[0]
  if (suffix !== undefined) return `${mant}${suffix}`
  // beyond E: write the exponent out as a decimal
  return `${mant * 10n ** BigInt(e - 18)}E`
}
