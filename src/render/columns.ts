/**
 * kubectl's `-o custom-columns=HEADER:PATH,…` and `-o custom-columns-file=FILE` (kubectl/pkg/cmd/get/customcolumn.go):
 * headers as given, one row per item of a list (an object with an `items` array), one row for anything else; each cell
 * is what the column's JSONPath finds (missing keys allowed), several values joined by commas, `<none>` for nothing;
 * values print as Go's fmt.Sprint prints decoded JSON (`map[a:b]`, `[x y]`); columns laid out as kubectl's tabwriter
 * does (cells padded to the widest plus three spaces, at least six wide; the last column not padded).
 */
import {CliError} from '../errors.js'
import {checkTemplate, JsonPathError, JsonPathParseError, jsonpathValues} from './jsonpath.js'
import {escapeCell} from './terminal.js'

export interface Column {
  header: string
  /** a full JSONPath template: `{.metadata.name}` */
  template: string
}

const RELAXED = /^\{\.?([^{}]+)\}$|^\.?([^{}]+)$/

/** kubectl's RelaxedJSONPathExpression: `a.b`, `.a.b`, `{a.b}` and `{.a.b}` all become `{.a.b}`. */
export function relaxedJsonPath(expr: string): string {
  if (expr === '') return expr
  const m = RELAXED.exec(expr)
  if (!m)
    throw new CliError('Usage', "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'")
  return `{.${m[1] || m[2]}}`
}

/** A column's template checked as kubectl's printer parses it (its error is the parser's, as kubectl prints it). */
function column(header: string, expr: string): Column {
  const template = relaxedJsonPath(expr)
  try {
    checkTemplate(template)
  } catch (e) {
    if (e instanceof JsonPathError) throw new CliError('Usage', e.message)
    throw e
  }
  return {header, template}
}

/** `-o custom-columns=SPEC`: comma-separated HEADER:PATH pairs. */
export function parseColumnsSpec(spec: string): Column[] {
  if (spec === '') throw new CliError('Usage', 'custom-columns format specified but no custom columns given')
  return spec.split(',').map(part => {
    const colon = part.indexOf(':')
    if (colon < 0) throw new CliError('Usage', `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`)
    return column(part.slice(0, colon), part.slice(colon + 1))
  })
}

const TEMPLATE_FORMAT = 'Expected format is one line of space separated headers, one line of space separated column specs.'

/** `-o custom-columns-file=FILE`'s text: a line of headers, a line of paths, split on white space. */
export function parseColumnsFile(text: string): Column[] {
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''))
  // Go's bufio.Scanner: a final empty line is no line
  if (lines.length && lines[lines.length - 1] === '') lines.pop()
  const words = (l: string) => l.split(/\s+/).filter(Boolean)
  if (lines.length < 1) throw new CliError('Usage', `invalid template, missing header line. ${TEMPLATE_FORMAT}`)
  if (lines.length < 2) throw new CliError('Usage', `invalid template, missing spec line. ${TEMPLATE_FORMAT}`)
  const [headers, specs] = [words(lines[0]), words(lines[1])]
  if (headers.length !== specs.length)
    throw new CliError('Usage', `number of headers (${headers.length}) and field specifications (${specs.length}) don't match`)
  return headers.map((h, i) => column(h, specs[i]))
}

/** Go's fmt.Sprint of a value decoded from JSON (integers are int64 there, other numbers float64). */
export function goSprint(v: unknown): string {
  if (v === null || v === undefined) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return String(v)
  if (typeof v === 'number') return goFloat(v)
  if (Array.isArray(v)) return `[${v.map(goSprint).join(' ')}]`
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `map[${entries.map(([k, x]) => `${k}:${goSprint(x)}`).join(' ')}]`
}

/** %v of a number: an integer (int64 in Go) as is, a float64 as %g at the shortest precision (exponent from 1e+06 and below 1e-04). */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n)
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf'
  const exp = Math.floor(Math.log10(Math.abs(n)))
  if (exp >= -4 && exp < 6) return String(n)
  const [m, e] = n.toExponential().split('e')
  return `${m}e${e.startsWith('-') ? '-' : '+'}${e.replace(/^[-+]/, '').padStart(2, '0')}`
}

/** kubectl's tabwriter (printers.GetNewTabWriter: min width 6, padding 3, padded with spaces); the last cell as is. */
export function tabwrite(rows: string[][]): string {
  const len = (s: string) => [...s].length
  const widths: number[] = []
  for (const r of rows) r.slice(0, -1).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 6, len(c) + 3)))
  return rows.map(r => r.map((c, i) => (i < r.length - 1 ? c + ' '.repeat(widths[i] - len(c)) : c)).join('') + '\n').join('')
}

/** The rows of `value`: its items when it is a list, else itself. */
export function customColumns(value: unknown, columns: Column[], noHeaders = false): string {
  const items =
    value && typeof value === 'object' && Array.isArray((value as {items?: unknown}).items) ? (value as {items: unknown[]}).items : [value]
  const rows = noHeaders ? [] : [columns.map(c => c.header)]
  for (const item of items)
    rows.push(
      columns.map(c => {
        let values: unknown[]
        try {
          values = jsonpathValues(c.template, item, true)
        } catch (e) {
          if (e instanceof JsonPathError && !(e instanceof JsonPathParseError)) throw new CliError('Invalid', e.message)
          throw e
        }
        // every value through the terminal boundary, as kubectl's printers.EscapeTerminal
        return values.length === 0 ? '<none>' : values.map(v => escapeCell(goSprint(v))).join(',')
      }),
    )
  return tabwrite(rows)
}
