/** A unified diff of two texts (line-based longest common subsequence), in `diff -u` format. */
export function unifiedDiff(a: string, b: string, nameA: string, nameB: string, context = 3): string {
  if (a === b) return ''
  const x = a.split('\n')
  const y = b.split('\n')
  const n = x.length
  const m = y.length
  const lcs: number[][] = Array.from({length: n + 1}, () => new Array(m + 1).fill(0))
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
  const ops: {t: ' ' | '-' | '+'; line: string; ai: number; bi: number}[] = []
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) ops.push({t: ' ', line: x[i], ai: i++, bi: j++})
    else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({t: '-', line: x[i], ai: i++, bi: j})
    else ops.push({t: '+', line: y[j], ai: i, bi: j++})
  }
  const out = [`--- ${nameA}`, `+++ ${nameB}`]
  let k = 0
  while (k < ops.length) {
    if (ops[k].t === ' ') {
      k++
      continue
    }
    let start = Math.max(0, k - context)
    let end = k
    // extend the hunk while changes are closer than 2*context lines
    for (;;) {
      while (end < ops.length && ops[end].t !== ' ') end++
      let next = end
      while (next < ops.length && ops[next].t === ' ' && next - end < 2 * context) next++
      if (next < ops.length && ops[next].t !== ' ' && next - end < 2 * context) end = next
      else break
    }
    end = Math.min(ops.length, end + context)
    const hunk = ops.slice(start, end)
    const aLen = hunk.filter(o => o.t !== '+').length
    const bLen = hunk.filter(o => o.t !== '-').length
    out.push(`@@ -${hunk[0].ai + (aLen ? 1 : 0)},${aLen} +${hunk[0].bi + (bLen ? 1 : 0)},${bLen} @@`)
    for (const o of hunk) out.push(`${o.t}${o.line}`)
    k = end
    start = end
  }
  return out.join('\n') + '\n'
}
