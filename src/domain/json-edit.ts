/**
 * Edit top-level fields of a JSON object document in place, so that everything else (unknown fields, key order,
 * indentation, spacing around colons, duplicate keys) stays byte-identical.
 */
import {FIELDS} from './storage-initializer.js'

// ---------------------------------------------------------------------------------------------------------------------
// Keys as Go's encoding/json matches them to struct fields. decode.go (Go 1.21 and later; KServe v0.20.0 builds with Go
// 1.25) takes the field whose name is the key, else the one with the same foldName (fold.go): ASCII letters upper-cased,
// every other rune replaced by the smallest rune of its unicode.SimpleFold orbit, that is equal under Unicode simple
// case folding (CaseFolding.txt, statuses C and S), rune by rune. Older Go (KServe v0.9: Go 1.17) compared with
// bytes.EqualFold and its special cases for 'ſ' and the Kelvin sign: the same relation. So `cpuRequeſt` (U+017F) sets
// cpuRequest and `\u212Aey` would match key, while the Turkish dotted İ and dotless ı match no ASCII letter. An
// ECMAScript regular expression with the flags i and u compares by the same simple case folding (Canonicalize in the
// specification), so it decides the match here.

const foldPatterns = new Map<string, RegExp>()

/** Are two keys the same for Go's encoding/json (foldName(a) == foldName(b))? */
export function goFoldEqual(a: string, b: string): boolean {
  if (a === b) return true
  let re = foldPatterns.get(a)
  if (!re) {
    re = new RegExp(`^${a.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')}$`, 'iu')
    if (foldPatterns.size > 1000) foldPatterns.clear()
    foldPatterns.set(a, re)
  }
  return re.test(b)
}

/** Every field name of KServe's StorageInitializerConfig, in any release. */
const FIELD_NAMES = FIELDS.map(f => f.name)

/** The field of KServe's struct a document key sets, as Go matches it (an exact name first), or undefined. */
export function goFieldOf(key: string, names: readonly string[] = FIELD_NAMES): string | undefined {
  return names.find(n => n === key) ?? names.find(n => goFoldEqual(n, key))
}

interface Member {
  key: string
  /** offset of the member's first character (its opening quote) */
  start: number
  /** offset after the key's closing quote */
  keyEnd: number
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
    // the text is valid JSON, so the value ends at the bracket that closes this one: counted, not recursed into, so
    // that nesting costs no stack (a document nested 9,000 deep would overflow it)
    let depth = 0
    while (i < t.length) {
      const x = t[i]
      if (x === '"') {
        i = skipString(t, i)
        continue
      }
      if (x === '{' || x === '[') depth++
      else if ((x === '}' || x === ']') && --depth === 0) return i + 1
      i++
    }
    throw new Error('unterminated value')
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
    members.push({key, start, keyEnd, valueStart, valueEnd})
    i = skipWs(text, valueEnd)
    if (text[i] === ',') i++
  }
}

/**
 * Set (or, with undefined, remove) top-level fields; new fields are appended in the document's own style. A field of
 * KServe's struct is every key Go reads as it (`Image`, `cpuRequeſt`: see goFieldOf): setting it sets the last such
 * key, the one Go takes, keeping its spelling; removing it removes them all. Any other key is matched exactly, as
 * JSON.parse reads it (the last one set, every one removed).
 */
export function editFields(text: string, changes: Record<string, unknown>): string {
  let out = text
  // edit from the end so earlier offsets stay valid
  const entries = Object.entries(changes)
  const s = scan(out)
  const edits: {from: number; to: number; text: string}[] = []
  const appended: [string, unknown][] = []
  const removed = new Set<number>()
  for (const [key, value] of entries) {
    const field = goFieldOf(key)
    const hits = s.members.filter(m => (field !== undefined ? goFieldOf(m.key) === field : m.key === key))
    if (hits.length === 0) {
      if (value !== undefined) appended.push([key, value])
      continue
    }
    if (value === undefined) {
      for (const m of hits) removed.add(s.members.indexOf(m))
      continue
    }
    // Go takes the last key that matches, whatever its case: that is the one that matters
    const m = hits[hits.length - 1]
    edits.push({from: m.valueStart, to: m.valueEnd, text: JSON.stringify(value)})
  }
  const all = s.members.length > 0 && removed.size === s.members.length
  if (all && appended.length > 0) {
    // nothing stays: the new fields take the place of the old ones, after the first one's indentation
    const indent = text.slice(s.open + 1, s.members[0].start)
    const colon = text.slice(s.members[0].keyEnd, s.members[0].valueStart)
    const last = s.members[s.members.length - 1]
    const sep = s.members.length > 1 ? text.slice(s.members[s.members.length - 2].valueEnd, last.start) : `,${indent || ' '}`
    const add = appended.map(([k, v]) => `${JSON.stringify(k)}${colon}${JSON.stringify(v)}`).join(sep)
    return `${text.slice(0, s.members[0].start)}${add}${text.slice(last.valueEnd)}`
  }
  // removed members go in runs of neighbours, each with the separator before it (after it, for a run at the start),
  // so that no two cuts overlap
  for (let i = 0; i < s.members.length; i++) {
    if (!removed.has(i)) continue
    let j = i
    while (removed.has(j + 1)) j++
    const next = s.members[j + 1]
    if (i > 0) edits.push({from: s.members[i - 1].valueEnd, to: s.members[j].valueEnd, text: ''})
    else edits.push({from: s.members[0].start, to: next ? next.start : s.members[j].valueEnd, text: ''})
    i = j
  }
  if (appended.length > 0) {
    const last = s.members[s.members.length - 1]
    if (last) {
      const prev = s.members[s.members.length - 2]
      // separator between members, e.g. ",\n    " and the colon style, e.g. '" : '
      const sep = prev ? text.slice(prev.valueEnd, last.start) : `,${text.slice(s.open + 1, last.start) || ' '}`
      const colon = text.slice(last.keyEnd, last.valueStart)
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
