/**
 * A unified diff of two texts (line-based shortest edit script), in `diff -u` format. The texts are cluster data
 * (a storageInitializer value, a history record: up to the API server's 1.5 MiB), so time and memory are bounded: an
 * edit script longer than MAX_EDITS lines, or one that takes more than MAX_WORK steps to find, is shown as the whole
 * old text removed and the whole new text added (still a valid diff) instead.
 */

/** Edit scripts up to this many removed plus added lines are found; the table of furthest points is (D+1)(D+2)/2 ints. */
export const MAX_EDITS = 2000
/** Line comparisons allowed while looking for the script (a few hundred milliseconds at most). */
const MAX_WORK = 50_000_000
const NONE = 0x7fffffff

const MARK = [' ', '-', '+']

/** An edit script, one entry per line shown: kept (0), removed (1) or added (2), at line ai of a and bi of b. */
class Script {
  readonly t: Uint8Array
  readonly ai: Int32Array
  readonly bi: Int32Array
  length = 0
  constructor(size: number) {
    this.t = new Uint8Array(size)
    this.ai = new Int32Array(size)
    this.bi = new Int32Array(size)
  }
  push(t: number, ai: number, bi: number): void {
    this.t[this.length] = t
    this.ai[this.length] = ai
    this.bi[this.length++] = bi
  }
}

export function unifiedDiff(a: string, b: string, nameA: string, nameB: string, context = 3): string {
  if (a === b) return ''
  const x = a.split('\n')
  const y = b.split('\n')
  const ops = editScript(x, y) ?? wholesale(x, y)
  const {t} = ops
  let out = `--- ${nameA}\n+++ ${nameB}\n`
  let k = 0
  while (k < ops.length) {
    if (t[k] === 0) {
      k++
      continue
    }
    const start = Math.max(0, k - context)
    let end = k
    // extend the hunk while changes are closer than 2*context lines
    for (;;) {
      while (end < ops.length && t[end] !== 0) end++
      let next = end
      while (next < ops.length && t[next] === 0 && next - end < 2 * context) next++
      if (next < ops.length && t[next] !== 0 && next - end < 2 * context) end = next
      else break
    }
    end = Math.min(ops.length, end + context)
    let aLen = 0
    let bLen = 0
    for (let o = start; o < end; o++) {
      if (t[o] !== 2) aLen++
      if (t[o] !== 1) bLen++
    }
    out += `@@ -${ops.ai[start] + (aLen ? 1 : 0)},${aLen} +${ops.bi[start] + (bLen ? 1 : 0)},${bLen} @@\n`
    for (let o = start; o < end; o++) out += `${MARK[t[o]]}${t[o] === 2 ? y[ops.bi[o]] : x[ops.ai[o]]}\n`
    k = end
  }
  return out
}

/**
 * The shortest edit script from x to y, or undefined when it is longer than MAX_EDITS or too costly to find. Among the
 * shortest scripts it picks the one a longest-common-subsequence table walked from the start picks (what this function
 * computed before, with an n×m table): equal lines are kept as soon as they meet, and on a tie a removal comes before
 * an addition. That walk needs, at each point (i, j), the length of the shortest script from there to the end; Myers'
 * O(ND) algorithm run backwards from the end gives it: V[d][k] is the smallest i on diagonal k = i - j from which the
 * end is reachable with d edits, and since that distance never grows along a diagonal, (i, j) is within d edits of
 * the end exactly when i >= V[d][i - j].
 */
function editScript(x: string[], y: string[]): Script | undefined {
  // lines as numbers: each comparison is then one integer comparison, however long the lines
  const ids = new Map<string, number>()
  const id = (s: string) => {
    let v = ids.get(s)
    if (v === undefined) ids.set(s, (v = ids.size))
    return v
  }
  const X = Int32Array.from(x, id)
  const Y = Int32Array.from(y, id)
  const n = X.length
  const m = Y.length
  const delta = n - m
  let work = 0
  // back along diagonal k from row i while the lines are equal
  const slide = (from: number, k: number) => {
    let i = from
    let j = i - k
    while (i > 0 && j > 0 && X[i - 1] === Y[j - 1]) {
      i--
      j--
    }
    work += from - i + 1
    return i
  }
  // V[d] holds diagonals delta - d, delta - d + 2, …, delta + d
  const V: Int32Array[] = [Int32Array.of(slide(n, delta))]
  const within = (d: number, k: number) => {
    const off = k - delta + d
    return d >= 0 && off >= 0 && off <= 2 * d && (off & 1) === 0 ? V[d][off >> 1] : NONE
  }
  let D = 0
  // until the start, (0, 0), is within D edits of the end
  while (within(D, 0) !== 0) {
    if (++D > MAX_EDITS) return undefined
    const prev = V[D - 1]
    const cur = new Int32Array(D + 1)
    for (let idx = 0; idx <= D; idx++) {
      const k = delta - D + 2 * idx
      let best = NONE
      // from diagonal k + 1, one line of x back (a removal)
      if (idx < D && prev[idx] !== NONE && prev[idx] >= 1) best = prev[idx] - 1
      // from diagonal k - 1, one line of y back (an addition)
      if (idx > 0 && prev[idx - 1] !== NONE && prev[idx - 1] - (k - 1) >= 1 && prev[idx - 1] < best) best = prev[idx - 1]
      cur[idx] = best === NONE ? NONE : slide(best, k)
      // checked at each slide too: one round can slide along thousands of diagonals
      if (work > MAX_WORK) return undefined
    }
    V.push(cur)
  }
  const ops = new Script(n + m)
  let i = 0
  let j = 0
  let left = D
  while (i < n || j < m) {
    if (i < n && j < m && X[i] === Y[j]) ops.push(0, i++, j++)
    else if (i < n && (j >= m || within(left - 1, i + 1 - j) <= i + 1)) {
      ops.push(1, i++, j)
      left--
    } else {
      ops.push(2, i, j++)
      left--
    }
  }
  return ops
}

/** Too many changes to diff: the common first and last lines kept, everything between removed and added. */
function wholesale(x: string[], y: string[]): Script {
  let p = 0
  while (p < x.length && p < y.length && x[p] === y[p]) p++
  let s = 0
  while (s < x.length - p && s < y.length - p && x[x.length - 1 - s] === y[y.length - 1 - s]) s++
  const ops = new Script(x.length + y.length)
  for (let i = 0; i < p; i++) ops.push(0, i, i)
  for (let i = p; i < x.length - s; i++) ops.push(1, i, p)
  for (let j = p; j < y.length - s; j++) ops.push(2, x.length - s, j)
  for (let t = s; t > 0; t--) ops.push(0, x.length - t, y.length - t)
  return ops
}
