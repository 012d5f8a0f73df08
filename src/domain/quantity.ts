/** Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity grammar). */

const SUFFIX: Record<string, number> = {
  '': 1, n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5, Ei: 1024 ** 6,
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
