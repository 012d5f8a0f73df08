/**
 * Edit top-level fields of a JSON object document in place, so that everything else (unknown fields, key order,
 * indentation, spacing around colons, duplicate keys) stays byte-identical.
 */

interface Member {
  key: string
  /** offset of the member's first character (its opening quote) */
  start: number
  valueStart: number
  valueEnd: number
}

interface Scan {
  open: number
  close: number
  members: Member[]
}

function skipWs(t: string, i: number): number {
  while (i < t.length && (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r')) i++
  return i
}

function skipString(t: string, i: number): number {
  // t[i] === '"'
  i++
  while (i < t.length) {
    if (t[i] === '\\') i += 2
    else if (t[i] === '"') return i + 1
    else i++
  }
  throw new Error('unterminated string')
}

function skipValue(t: string, i: number): number {
  const c = t[i]
  if (c === '"') return skipString(t, i)
  if (c === '{' || c === '[') {
    const close = c === '{' ? '}' : ']'
    i++
    for (;;) {
      i = skipWs(t, i)
      if (t[i] === close) return i + 1
      if (c === '{') {
        i = skipString(t, i)
        i = skipWs(t, i)
        i++ // ':'
        i = skipWs(t, i)
      }
      i = skipValue(t, i)
      i = skipWs(t, i)
      if (t[i] === ',') i++
    }
  }
  const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(t.slice(i, i + 400))
  if (!m) throw new Error(`unexpected character at ${i}`)
  return i + m[0].length
}

/** The members of a (valid) top-level JSON object, in document order (duplicates included), with their raw values. */
export function members(text: string): {key: string; raw: string}[] {
  return scan(text).members.map(m => ({key: m.key, raw: text.slice(m.valueStart, m.valueEnd)}))
}

/** The members of a (valid) top-level JSON object, with their offsets. */
function scan(text: string): Scan {
  const open = skipWs(text, 0)
  if (text[open] !== '{') throw new Error('not a JSON object')
  const members: Member[] = []
  let i = open + 1
  for (;;) {
    i = skipWs(text, i)
    if (text[i] === '}') return {open, close: i, members}
    const start = i
    const keyEnd = skipString(text, i)
    const key = JSON.parse(text.slice(start, keyEnd)) as string
    i = skipWs(text, keyEnd) + 1
    const valueStart = skipWs(text, i)
    const valueEnd = skipValue(text, valueStart)
    members.push({key, start, valueStart, valueEnd})
    i = skipWs(text, valueEnd)
    if (text[i] === ',') i++
  }
}

/** Set (or, with undefined, remove) top-level fields; new fields are appended in the document's own style. */
export function editFields(text: string, changes: Record<string, unknown>): string {
  let out = text
  // edit from the end so earlier offsets stay valid
  const entries = Object.entries(changes)
  const s = scan(out)
  const edits: {from: number; to: number; text: string}[] = []
  const appended: [string, unknown][] = []
  for (const [key, value] of entries) {
    // Go's encoding/json matches keys case-insensitively, the last one winning: edit (or remove) what KServe reads
    const hits = s.members.filter(m => m.key.toLowerCase() === key.toLowerCase())
    if (hits.length === 0) {
      if (value !== undefined) appended.push([key, value])
      continue
    }
    if (value === undefined) {
      for (const m of hits) {
        const idx = s.members.indexOf(m)
        // remove the member with the separator before it (or after it, for the first member)
        if (idx > 0) edits.push({from: s.members[idx - 1].valueEnd, to: m.valueEnd, text: ''})
        else {
          const next = s.members[idx + 1]
          edits.push({from: m.start, to: next ? next.start : m.valueEnd, text: ''})
        }
      }
      continue
    }
    // Go takes the last key that matches, whatever its case: that is the one that matters
    const m = hits[hits.length - 1]
    edits.push({from: m.valueStart, to: m.valueEnd, text: JSON.stringify(value)})
  }
  if (appended.length > 0) {
    const last = s.members[s.members.length - 1]
    if (last) {
      const prev = s.members[s.members.length - 2]
      // separator between members, e.g. ",\n    " and the colon style, e.g. '" : '
      const sep = prev ? text.slice(prev.valueEnd, last.start) : `,${text.slice(s.open + 1, last.start) || ' '}`
      const colon = text.slice(last.start + JSON.stringify(last.key).length, last.valueStart)
      const add = appended.map(([k, v]) => `${sep}${JSON.stringify(k)}${colon}${JSON.stringify(v)}`).join('')
      edits.push({from: last.valueEnd, to: last.valueEnd, text: add})
    } else {
      edits.push({from: s.open + 1, to: s.close, text: appended.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')})
    }
  }
  edits.sort((a, b) => b.from - a.from)
  for (const e of edits) out = out.slice(0, e.from) + e.text + out.slice(e.to)
  return out
}
