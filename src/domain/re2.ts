/**
 * Go's regular expressions (RE2), as KServe matches ClusterStorageContainer URI formats: `regexp.MatchString`,
 * unanchored (storage_container_types.go IsStorageUriSupported@v0.20.0). JavaScript's RegExp differs (`(?i)`,
 * `(?P<name>…)`, `\z`, `\Q…\E` are RE2 only; lookaround and backreferences are JavaScript only), so a real RE2 port.
 *
 * Both the regexes (ClusterStorageContainers) and the texts (storage URIs) are whatever someone wrote into the cluster,
 * and matching takes time in proportion to their product: a 10,000-character regex against a 20,000-character URI takes
 * seconds. So a regex longer than MAX_REGEX is not compiled (an error, saying it is too long), and callers leave URIs
 * longer than MAX_URI unmatched. A regex that is only literal text, as `exactRe2` writes for per-model containers, is
 * matched as text whatever its length: no compiling, time in proportion to the URI.
 */
import {RE2JS} from 're2js'

/** Regexes longer than this (in characters) are not compiled: real URI formats are a few dozen characters. */
export const MAX_REGEX = 2 * 1024
/** URIs longer than this (in characters) are not matched against regexes: real storage URIs are a few hundred. */
export const MAX_URI = 8 * 1024

export class Re2Error extends Error {
  /** the regex is longer than MAX_REGEX: not Go's error, this plugin's limit (Go would compile it) */
  tooLong = false
}

const cache = new Map<string, RE2JS | Re2Error>()

/** A regex too long to match: what it starts with, and how long it is. */
export function tooLongToMatch(what: string, text: string, limit: number): string {
  return `${what} too long to match (${text.length} characters, this plugin matches up to ${limit}): ${JSON.stringify(text.slice(0, 40))}…`
}

function compile(re: string): RE2JS {
  let c = cache.get(re)
  if (!c) {
    if (re.length > MAX_REGEX) {
      c = new Re2Error(tooLongToMatch('regexp', re, MAX_REGEX))
      c.tooLong = true
    } else
      try {
        c = RE2JS.compile(re)
      } catch (e) {
        // the same words as Go's regexp: "error parsing regexp: missing closing ]: `[`"
        c = new Re2Error((e as Error).message)
      }
    cache.set(re, c)
  }
  if (c instanceof Re2Error) throw c
  return c
}

/** `^?text$?` with no other metacharacter (a `\` before punctuation makes it literal): that text and its anchors. */
function literal(re: string): {text: string; start: boolean; end: boolean} | undefined {
  const m = /^(\^?)((?:[^\\^$.|?*+()[\]{}]|\\[!-/:-@[-`{-~])*)(\$?)$/.exec(re)
  if (!m) return undefined
  // Go's `^` and `$` are the start and the end of the text (\A and \z) unless (?m) is set, which a literal cannot do
  return {text: m[2].replace(/\\(.)/g, '$1'), start: m[1] === '^', end: m[3] === '$'}
}

/** Does the regex match anywhere in the text; throws Re2Error when Go could not compile it, or it is too long. */
export function re2Match(re: string, text: string): boolean {
  const l = literal(re)
  if (l)
    return l.start && l.end ? text === l.text : l.start ? text.startsWith(l.text) : l.end ? text.endsWith(l.text) : text.includes(l.text)
  return compile(re).matcher(text).find()
}

/** Go's compile error for the regex (or that it is too long to match: see tooLong), if any. */
export function re2Error(re: string): {message: string; tooLong: boolean} | undefined {
  if (literal(re)) return undefined
  try {
    compile(re)
    return undefined
  } catch (e) {
    return {message: (e as Error).message, tooLong: (e as Re2Error).tooLong === true}
  }
}
