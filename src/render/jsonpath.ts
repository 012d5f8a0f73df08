/**
 * kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath), for `-o jsonpath=…` and `-o jsonpath-as-json=…`:
 * text with `{…}` expressions; `.a.b`, `..a` (recursive), `['a.b']`, `[n]`, `[n:m]`, `[*]`, `[?(@.x == "y")]` (==, !=,
 * <, <=, >, >=, and existence), `{range …}…{end}`, literal strings (`{"\n"}`), unions `[a,b]` of fields. Several results
 * of one expression are joined by a space; objects and arrays print as JSON. A missing field prints nothing when
 * `allowMissingKeys` (kubectl's --allow-missing-template-keys, true by default) and is an error otherwise; as in
 * client-go, a field is missing when none of the values it applies to has it. An error in the template's syntax is a
 * JsonPathParseError, found before anything is evaluated.
 */

/** An error evaluating a template (kubectl: `error executing jsonpath …`). */
export class JsonPathError extends Error {}
/** An error in a template's syntax (kubectl: `error parsing jsonpath TEMPLATE, …`), with client-go's wording. */
export class JsonPathParseError extends JsonPathError {}

type Node = {kind: 'text'; text: string} | {kind: 'expr'; path: string} | {kind: 'range'; path: string; body: Node[]}

function parseTemplate(t: string): Node[] {
  const root: Node[] = []
  const stack: Node[][] = [root]
  let i = 0
  while (i < t.length) {
    const open = t.indexOf('{', i)
    if (open < 0) {
      stack[stack.length - 1].push({kind: 'text', text: t.slice(i)})
      break
    }
    if (open > i) stack[stack.length - 1].push({kind: 'text', text: t.slice(i, open)})
    // find the matching brace, outside quotes
    let j = open + 1
    let quote = ''
    for (; j < t.length; j++) {
      const c = t[j]
      if (quote) {
        if (c === '\\') j++
        else if (c === quote) quote = ''
      } else if (c === '"' || c === "'") quote = c
      else if (c === '}') break
    }
    if (j >= t.length) throw new JsonPathParseError(unclosed(t.slice(open + 1)))
    const inner = t.slice(open + 1, j).trim()
    if (/^range\s/.test(inner)) {
      const body: Node[] = []
      stack[stack.length - 1].push({kind: 'range', path: inner.slice(5).trim(), body})
      stack.push(body)
    } else if (inner === 'end') {
      if (stack.length === 1) throw new JsonPathParseError('not in range, nothing to end')
      stack.pop()
    } else if (/^".*"$/s.test(inner) || /^'.*'$/s.test(inner)) stack[stack.length - 1].push({kind: 'text', text: unquote(inner)})
    else stack[stack.length - 1].push({kind: 'expr', path: inner})
    i = j + 1
  }
  if (stack.length > 1) throw new JsonPathParseError('range without end')
  return root
}

/** client-go's error for an action that never closes: what its parser meets first at the end of the text. */
function unclosed(action: string): string {
  for (let i = 0; i < action.length; i++) {
    const c = action[i]
    if (c === '\n' || c === '\r') break
    if (action.startsWith('[?(', i)) {
      if (!/^[^\n]*?\)\]/.test(action.slice(i))) return 'unterminated filter'
      i = action.indexOf(')]', i) + 1
    } else if (c === '[') {
      const close = action.indexOf(']', i)
      if (close < 0 || action.slice(i, close).includes('\n')) return 'unterminated array'
      i = close
    } else if (c === '"' || c === "'") {
      let j = i + 1
      while (j < action.length && action[j] !== '\n' && !(action[j] === c && action[j - 1] !== '\\')) j++
      if (j >= action.length || action[j] === '\n') return 'unterminated quoted string'
      i = j
    }
  }
  return 'unclosed action'
}

function unquote(s: string): string {
  const body = s.slice(1, -1)
  return body.replace(/\\(.)/g, (_, c) => ({n: '\n', t: '\t', r: '\r'})[c as 'n'] ?? c)
}

type Step =
  | {kind: 'field'; names: string[]}
  | {kind: 'recursive'; name: string}
  | {kind: 'index'; start?: number; end?: number; single: boolean}
  | {kind: 'all'}
  | {kind: 'filter'; expr: string}

function parsePath(p: string): Step[] {
  const steps: Step[] = []
  let i = p.startsWith('$') ? 1 : 0
  while (i < p.length) {
    if (p.startsWith('..', i)) {
      const m = /^[\w-]+/.exec(p.slice(i + 2))
      if (!m) throw new JsonPathParseError(`invalid recursive descent at ${p.slice(i)}`)
      steps.push({kind: 'recursive', name: m[0]})
      i += 2 + m[0].length
    } else if (p[i] === '.') {
      const m = /^[^.[\s]*/.exec(p.slice(i + 1))!
      if (m[0] === '*') steps.push({kind: 'all'})
      else if (m[0]) steps.push({kind: 'field', names: [m[0]]})
      i += 1 + m[0].length
    } else if (p[i] === '[') {
      const close = p.indexOf(']', i)
      if (close < 0) throw new JsonPathParseError('unterminated array')
      const inner = p.slice(i + 1, close).trim()
      i = close + 1
      if (inner === '*') steps.push({kind: 'all'})
      else if (inner.startsWith('?(') && inner.endsWith(')')) steps.push({kind: 'filter', expr: inner.slice(2, -1)})
      else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(':')
        steps.push({kind: 'index', start: a === '' ? undefined : Number(a), end: b === '' ? undefined : Number(b), single: false})
      } else if (/^-?\d+$/.test(inner)) steps.push({kind: 'index', start: Number(inner), single: true})
      else steps.push({kind: 'field', names: inner.split(',').map(x => x.trim().replace(/^['"]|['"]$/g, ''))})
    } else throw new JsonPathParseError(`unrecognized character in action: ${goRune(p.slice(i))}`)
  }
  return steps
}

function filterMatches(item: unknown, expr: string, root: unknown): boolean {
  const m = /^(.+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(expr)
  const value = (side: string): unknown => {
    const s = side.trim()
    if (s.startsWith('@')) {
      const r = evaluate(s.slice(1), item, root, {lenient: true})
      return r.length ? r[0] : undefined
    }
    if (/^".*"$|^'.*'$/.test(s)) return s.slice(1, -1)
    if (s === 'true' || s === 'false') return s === 'true'
    if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s)
    return s
  }
  if (!m) return value(expr) !== undefined
  const [a, op, b] = [value(m[1]), m[2], value(m[3])]
  switch (op) {
    case '==':
      return a === b || String(a) === String(b)
    case '!=':
      return !(a === b || String(a) === String(b))
    default: {
      const [x, y] = [Number(a), Number(b)]
      return op === '<' ? x < y : op === '<=' ? x <= y : op === '>' ? x > y : x >= y
    }
  }
}

interface EvalOptions {
  /** a filter's operand: nothing is an error */
  lenient?: boolean
  /** a missing field gives no value (kubectl's --allow-missing-template-keys) */
  allowMissingKeys?: boolean
}

function evaluate(path: string, data: unknown, root: unknown, opts: EvalOptions = {}): unknown[] {
  let cur: unknown[] = [data]
  for (const step of parsePath(path.trim())) {
    const next: unknown[] = []
    if (step.kind === 'field') {
      // as client-go's evalField: missing only when none of the values has the field (null values are skipped)
      for (const name of step.names) {
        let found = false
        for (const v of cur)
          if (v && typeof v === 'object' && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, name)) {
            next.push((v as Record<string, unknown>)[name])
            found = true
          }
        if (!found && cur.length > 0 && !opts.lenient && !opts.allowMissingKeys) throw new JsonPathError(`${name} is not found`)
      }
    } else
      for (const v of cur) {
        if (v === null || v === undefined) continue
        if (step.kind === 'recursive') {
          const walk = (x: unknown) => {
            if (Array.isArray(x)) x.forEach(walk)
            else if (x && typeof x === 'object') {
              if (step.name in x) next.push((x as Record<string, unknown>)[step.name])
              Object.values(x).forEach(walk)
            }
          }
          walk(v)
        } else if (step.kind === 'all') {
          if (Array.isArray(v)) next.push(...v)
          else if (typeof v === 'object') next.push(...Object.values(v))
        } else if (step.kind === 'index') {
          if (!Array.isArray(v)) {
            if (!opts.lenient) throw new JsonPathError(`${goType(v)} is not array or slice`)
            continue
          }
          const norm = (k: number) => (k < 0 ? v.length + k : k)
          if (step.single) {
            const k = norm(step.start!)
            if (k < 0 || k >= v.length) throw new JsonPathError(`array index out of bounds: index ${step.start}, length ${v.length}`)
            next.push(v[k])
          } else next.push(...v.slice(step.start === undefined ? 0 : norm(step.start), step.end === undefined ? v.length : norm(step.end)))
        } else if (step.kind === 'filter') {
          const items = Array.isArray(v) ? v : typeof v === 'object' ? Object.values(v) : []
          next.push(...items.filter(it => filterMatches(it, step.expr, root)))
        }
      }
    cur = next
  }
  return cur
}

/** Go's name of a decoded JSON value's type, as client-go's errors print it. */
function goType(v: unknown): string {
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64'
  return 'map[string]interface {}'
}

/** Go's %#U of the first character: U+0021 '!'. */
function goRune(s: string): string {
  const c = String.fromCodePoint(s.codePointAt(0)!)
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} '${c}'`
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

function run(nodes: Node[], data: unknown, root: unknown, out: string[], values: unknown[], opts: EvalOptions): void {
  for (const n of nodes) {
    if (n.kind === 'text') out.push(n.text)
    else if (n.kind === 'expr') {
      const r =
        n.path === '@' || n.path === '.'
          ? [data]
          : evaluate(n.path.replace(/^@/, ''), n.path.startsWith('@') || n.path.startsWith('.') ? data : root, root, opts)
      values.push(...r)
      out.push(r.map(show).join(' '))
    } else {
      for (const item of evaluate(n.path.replace(/^@/, ''), data, root, opts)) run(n.body, item, root, out, values, opts)
    }
  }
}

/** The template parsed, each of its paths too: a syntax error is found before anything is evaluated. */
function compile(template: string): Node[] {
  const nodes = parseTemplate(template)
  const check = (ns: Node[]): void =>
    ns.forEach(n => {
      if (n.kind === 'text') return
      if (n.path !== '@' && n.path !== '.') parsePath(n.path.replace(/^@/, '').trim())
      if (n.kind === 'range') check(n.body)
    })
  check(nodes)
  return nodes
}

/** Throws the template's syntax error (a JsonPathParseError), if it has one. */
export function checkTemplate(template: string): void {
  compile(template)
}

export interface JsonPathOptions {
  /** `-o jsonpath-as-json`: the results as a JSON array */
  asJson?: boolean
  /** a missing field prints nothing rather than failing (kubectl's --allow-missing-template-keys, default true there) */
  allowMissingKeys?: boolean
}

/** `-o jsonpath=TEMPLATE`: the text; `-o jsonpath-as-json=TEMPLATE`: the results as a JSON array. */
export function jsonpath(template: string, data: unknown, opts: JsonPathOptions | boolean = {}): string {
  const o = typeof opts === 'boolean' ? {asJson: opts} : opts
  const out: string[] = []
  const values: unknown[] = []
  run(compile(template), data, data, out, values, {allowMissingKeys: o.allowMissingKeys})
  return o.asJson ? JSON.stringify(values, null, 4) + '\n' : out.join('')
}

/** The values a template's expressions find (custom-columns: one column's values), missing fields giving none. */
export function jsonpathValues(template: string, data: unknown, allowMissingKeys = true): unknown[] {
  const values: unknown[] = []
  run(compile(template), data, data, [], values, {allowMissingKeys})
  return values
}
