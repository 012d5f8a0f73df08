/**
 * Machine-readable output, as kubectl's -o: json (two-space indent), yaml, name, jsonpath=…, jsonpath-as-json=…,
 * jsonpath-file=…, custom-columns=…, custom-columns-file=…; go-template is refused with one line. The YAML library
 * loads only for -o yaml. A JSONPath's missing keys print nothing unless --allow-missing-template-keys=false.
 */
import {readFileSync} from 'node:fs'

import {CliError} from '../errors.js'
import {type Column, customColumns, parseColumnsFile, parseColumnsSpec} from './columns.js'
import {JsonPathError, JsonPathParseError, checkTemplate, jsonpath} from './jsonpath.js'

export async function formatStructured(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n'
  const {toYaml} = await import('./yaml.js')
  return toYaml(value)
}

export type Output =
  | {kind: 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'sarif'}
  | {kind: 'jsonpath'; template: string; asJson: boolean; allowMissingKeys?: boolean}
  | {kind: 'custom-columns'; columns: Column[]; noHeaders: boolean}

/** The flags beside -o that shape it, as kubectl's. */
export interface OutputOptions {
  /** --allow-missing-template-keys (default true): a JSONPath's missing field prints nothing rather than failing */
  allowMissingKeys?: boolean
  /** --no-headers: custom-columns without the header row (kubectl ignores it for custom-columns-file, and so does this) */
  noHeaders?: boolean
}

const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file']

/** Go's wording of a failed open: `open FILE: no such file or directory`. */
function openError(file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (e as Error).message
  return `open ${file}: ${why}`
}

/**
 * The -o value, checked against what the command prints (kubectl's message when it cannot). `allowed` names the
 * families: jsonpath brings jsonpath-as-json and jsonpath-file, custom-columns brings custom-columns-file. A template's
 * syntax is checked here, before anything is read.
 */
export function parseOutput(value: string | undefined, allowed: string[], opts: OutputOptions = {}): Output {
  if (value === undefined || value === '') return {kind: 'table'}
  const eq = value.indexOf('=')
  const name = eq < 0 ? value : value.slice(0, eq)
  const list = [
    ...allowed,
    ...(allowed.includes('jsonpath') ? ['jsonpath-as-json', 'jsonpath-file'] : []),
    ...(allowed.includes('custom-columns') ? ['custom-columns-file'] : []),
  ].sort()
  // as kubectl: custom-columns without a spec is its own error
  if (list.includes(name) && name.startsWith('custom-columns') && eq < 0)
    throw new CliError('Usage', 'custom-columns format specified but no custom columns given')
  if (!list.includes(name) || (TEMPLATE_FORMATS.includes(name) && eq < 0) || (!TEMPLATE_FORMATS.includes(name) && eq >= 0)) {
    if (name === 'go-template' || name === 'go-template-file' || name === 'template')
      throw new CliError('Usage', `-o ${name} is not supported: Go templates need Go; use -o jsonpath=… (kubectl's JSONPath) instead`)
    throw new CliError(
      'Usage',
      `unable to match a printer suitable for the output format "${value}", allowed formats are: ${list.join(',')}`,
    )
  }
  const arg = value.slice(eq + 1)
  if (name === 'custom-columns-file') {
    let text: string
    try {
      text = readFileSync(arg, 'utf8')
    } catch (e) {
      throw new CliError('Usage', `error reading template ${arg}, ${openError(arg, e)}`)
    }
    return {kind: 'custom-columns', columns: parseColumnsFile(text), noHeaders: false}
  }
  if (name === 'custom-columns') return {kind: 'custom-columns', columns: parseColumnsSpec(arg), noHeaders: opts.noHeaders ?? false}
  let template = arg
  if (name === 'jsonpath-file') {
    try {
      template = readFileSync(arg, 'utf8')
    } catch (e) {
      throw new CliError('Usage', `error reading --template ${arg}: ${(e as Error).message}`)
    }
  }
  if (TEMPLATE_FORMATS.includes(name)) {
    try {
      checkTemplate(template)
    } catch (e) {
      // kubectl's wording: error parsing jsonpath TEMPLATE, CAUSE
      if (e instanceof JsonPathError) throw new CliError('Usage', `error parsing jsonpath ${template}, ${e.message}`)
      throw e
    }
    return {kind: 'jsonpath', template, asJson: name === 'jsonpath-as-json', allowMissingKeys: opts.allowMissingKeys ?? true}
  }
  return {kind: name as 'json'}
}

/** Print `value` as asked; `names` gives the kind/name lines of -o name. */
export async function render(value: unknown, out: Output, names: () => string[]): Promise<string> {
  if (out.kind === 'json' || out.kind === 'yaml') return formatStructured(value, out.kind)
  if (out.kind === 'name')
    return names()
      .map(n => `${n}\n`)
      .join('')
  if (out.kind === 'custom-columns') return customColumns(value, out.columns, out.noHeaders)
  if (out.kind === 'jsonpath') {
    try {
      return jsonpath(out.template, value, {asJson: out.asJson, allowMissingKeys: out.allowMissingKeys ?? true})
    } catch (e) {
      if (e instanceof JsonPathParseError) throw new CliError('Usage', `error parsing jsonpath ${out.template}, ${e.message}`)
      if (e instanceof JsonPathError)
        throw new CliError('Invalid', `error executing jsonpath ${JSON.stringify(out.template)}: ${e.message}`)
      throw e
    }
  }
  throw new Error(`no structured form for -o ${out.kind}`)
}
