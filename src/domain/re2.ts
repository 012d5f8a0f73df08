/**
 * Go's regular expressions (RE2), as KServe matches ClusterStorageContainer URI formats: `regexp.MatchString`,
 * unanchored (storage_container_types.go IsStorageUriSupported@v0.20.0). JavaScript's RegExp differs (`(?i)`,
 * `(?P<name>…)`, `\z`, `\Q…\E` are RE2 only; lookaround and backreferences are JavaScript only), so a real RE2 port.
 */
import {RE2JS} from 're2js'

export class Re2Error extends Error {}

const cache = new Map<string, RE2JS | Re2Error>()

function compile(re: string): RE2JS {
  let c = cache.get(re)
  if (!c) {
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

/** Does the regex match anywhere in the text; throws Re2Error when Go could not compile it. */
export function re2Match(re: string, text: string): boolean {
  return compile(re).matcher(text).find()
}

/** Go's compile error for the regex, if any. */
export function re2Error(re: string): string | undefined {
  try {
    compile(re)
    return undefined
  } catch (e) {
    return (e as Error).message
  }
}
