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
