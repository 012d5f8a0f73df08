/**
 * `a.localeCompare(b)` for command ids, without ICU. oclif sorts its commands by id with localeCompare when it loads
 * its configuration, and the first localeCompare of a process builds ICU's collator: 2-10 ms of start-up (a CPU
 * profile of the standalone executable), for thirteen ids. For strings of lower-case ASCII letters, digits, `_`, `-`
 * and `:`, the root collation (CLDR, non-ignorable punctuation) orders character by character by one primary weight
 * each, punctuation (`_` < `-` < `:`) before digits before letters, a prefix first: that order is computed here.
 * Anything else, or a call with locales or options, goes to the real localeCompare.
 */
const WEIGHT: Record<string, number> = {_: 1, '-': 2, ':': 3}
const SIMPLE = /^[a-z0-9_:-]*$/

const weight = (c: string) => WEIGHT[c] ?? c.charCodeAt(0)

/** The root collation's order of two simple ids (test/unit/collate.test.ts holds it to ICU's). */
export function compareIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = weight(a[i]) - weight(b[i])
    if (d) return d < 0 ? -1 : 1
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1
}

export const isSimpleId = (s: string) => SIMPLE.test(s)

/** Run `f` with localeCompare answering simple ids itself; the real one is back when `f` settles. */
const real = String.prototype.localeCompare
function patched(this: string, that: string, ...rest: unknown[]): number {
  const self = String(this)
  return rest.length === 0 && typeof that === 'string' && isSimpleId(self) && isSimpleId(that)
    ? compareIds(self, that)
    : real.call(self, that, ...(rest as []))
}
let depth = 0

export async function withoutCollator<T>(f: () => Promise<T>): Promise<T> {
  // nested or overlapping calls: the real one is back when the last settles
  if (depth++ === 0) String.prototype.localeCompare = patched
  try {
    return await f()
  } finally {
    if (--depth === 0) String.prototype.localeCompare = real
  }
}
