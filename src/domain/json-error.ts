/**
 * Where and why JSON.parse rejects a text, the same on every runtime: V8 (Node) says where in most of its messages,
 * JavaScriptCore (Bun, the standalone executables) never does and words them otherwise. This scanner finds the first
 * error as V8 does and words it as V8 (Node 20) does, without V8's " in JSON at position N".
 */
export function jsonSyntaxError(text: string): {offset: number; message: string} | undefined {
  let i = 0
  const n = text.length
  const fail = (message: string, at = i): never => {
    throw Object.assign(new Error(message), {offset: at})
  }
  const unexpected = (): never => (i >= n ? fail('Unexpected end of JSON input', n) : fail(`Unexpected token '${text[i]}'`))
  const ws = () => {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++
  }
  const digits = () => {
    const s = i
    while (i < n && text[i] >= '0' && text[i] <= '9') i++
    return i > s
  }
  const string = () => {
    i++
    for (;;) {
      if (i >= n) fail('Unterminated string')
      const c = text[i]
      if (c === '"') return void i++
      if (c < ' ') fail('Bad control character in string literal')
      if (c === '\\') {
        i++
        if (text[i] === 'u') {
          for (let k = 0; k < 4; k++) if (!/[0-9a-fA-F]/.test(text[++i] ?? '')) fail('Bad Unicode escape')
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail('Bad escaped character')
      }
      i++
    }
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') {
      i++
      ws()
      if (text[i] === '}') return void i++
      for (let first = true; ; first = false) {
        ws()
        if (text[i] !== '"') fail(first ? "Expected property name or '}'" : 'Expected double-quoted property name')
        string()
        ws()
        if (text[i] !== ':') fail("Expected ':' after property name")
        i++
        value()
        ws()
        if (text[i] === '}') return void i++
        if (text[i] !== ',') fail("Expected ',' or '}' after property value")
        i++
      }
    }
    if (c === '[') {
      i++
      ws()
      if (text[i] === ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] === ']') return void i++
        if (text[i] !== ',') fail("Expected ',' or ']' after array element")
        i++
      }
    }
    if (c === '"') return string()
    if (c === '-' || (c >= '0' && c <= '9')) {
      if (c === '-') i++
      if (text[i] === '0') i++
      else if (!digits()) fail('No number after minus sign')
      if (text[i] === '.') {
        i++
        if (!digits()) fail('Unterminated fractional number')
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++
        if (text[i] === '+' || text[i] === '-') i++
        if (!digits()) fail('Exponent part is missing a number')
      }
      if (text[i] >= '0' && text[i] <= '9') fail('Unexpected number')
      return
    }
    for (const word of ['true', 'false', 'null']) {
      if (c !== word[0]) continue
      for (const ch of word) {
        if (text[i] !== ch) unexpected()
        i++
      }
      return
    }
    unexpected()
  }
  try {
    value()
    ws()
    if (i < n) fail('Unexpected non-whitespace character after JSON')
    return undefined
  } catch (e) {
    return {offset: (e as {offset: number}).offset, message: (e as Error).message}
  }
}

/** Go's encoding/json refuses JSON nested deeper than this ("exceeded max depth"): KServe cannot read such a document. */
export const GO_MAX_DEPTH = 10000
/**
 * The deepest nesting this plugin reads. Parsing is not the problem (JSON.parse is iterative); using the result is:
 * JSON.stringify gives up at about 4,000 levels on Node's default stack, the YAML printer at about 600, and this
 * plugin's own walks (history comparisons, --diff, -o jsonpath) recurse too. No storageInitializer or history record
 * is nested more than a handful of levels, so a text nested deeper is refused, in one line, before anything walks it.
 */
export const MAX_DEPTH = 256

/**
 * Where a text opens its (limit + 1)th level of nesting, scanning as JSON does (brackets inside strings do not count),
 * and why that is refused; undefined when it is not nested that deep. Valid JSON or not: only the brackets are counted,
 * iteratively, so any depth costs one pass and no stack.
 */
export function jsonTooDeep(text: string, limit = MAX_DEPTH): {offset: number; message: string; beyondPlugin: boolean} | undefined {
  let depth = 0
  let offset = -1
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) {
      // a string: to its closing quote, escapes skipped
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++
    } else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > limit && offset < 0) offset = i
      // deeper than Go reads: KServe fails on it too, here
      if (depth > GO_MAX_DEPTH)
        return {
          offset: i,
          message: `nested deeper than ${GO_MAX_DEPTH} levels (Go's limit: KServe cannot read it either)`,
          beyondPlugin: false,
        }
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return offset < 0
    ? undefined
    : {
        offset,
        message: `nested deeper than ${limit} levels (more than this plugin reads; Go reads up to ${GO_MAX_DEPTH})`,
        beyondPlugin: true,
      }
}
