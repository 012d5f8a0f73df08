/** The JSON merge patch (RFC 7386) that turns `before` into `after`. */
export function mergeDiff(before: any, after: any): any {
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (!isObj(before) || !isObj(after)) return after
  const patch: Record<string, unknown> = {}
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null
  for (const [k, v] of Object.entries(after)) {
    if (JSON.stringify(before[k]) === JSON.stringify(v)) continue
    patch[k] = isObj(before[k]) && isObj(v) ? mergeDiff(before[k], v) : v
  }
  return patch
}
