/**
 * Machine-readable output, as kubectl's -o: json (two-space indent), yaml, name, jsonpath=…, jsonpath-as-json=…,
 * jsonpath-file=…; go-template is refused with one line. The YAML library loads only for -o yaml.
 */
import {readFileSync} from 'node:fs'

import {CliError} from '../errors.js'

export async function formatStructured(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n'
  const {toYaml} = await import('./yaml.js')
  return toYaml(value)
}

export type Output = {kind: 'table' | 'wide' | 'json' | 'yaml' | 'name' | 'sarif'} | {kind: 'jsonpath'; template: string; asJson: boolean}

const TEMPLATE_FORMATS = ['jsonpath', 'jsonpath-as-json', 'jsonpath-file']

/** The -o value, checked against what the command prints (kubectl's message when it cannot). */
export function parseOutput(value: string | undefined, allowed: string[]): Output {
  if (value === undefined || value === '') return {kind: 'table'}
  const eq = value.indexOf('=')
  const name = eq < 0 ? value : value.slice(0, eq)
  const list = [...allowed, ...(allowed.includes('jsonpath') ? ['jsonpath-as-json', 'jsonpath-file'] : [])].sort()
  if (!list.includes(name) || (TEMPLATE_FORMATS.includes(name) && eq < 0) || (!TEMPLATE_FORMATS.includes(name) && eq >= 0)) {
    if (name === 'go-template' || name === 'go-template-file' || name === 'template')
      throw new CliError('Usage', `-o ${name} is not supported: Go templates need Go; use -o jsonpath=… (kubectl's JSONPath) instead`)
    throw new CliError(
      'Usage',
      `unable to match a printer suitable for the output format "${value}", allowed formats are: ${list.join(',')}`,
    )
  }
  if (name === 'jsonpath-file') {
    try {
      return {kind: 'jsonpath', template: readFileSync(value.slice(eq + 1), 'utf8'), asJson: false}
    } catch (e) {
      throw new CliError('Usage', `error reading --template ${value.slice(eq + 1)}: ${(e as Error).message}`)
    }
  }
  if (TEMPLATE_FORMATS.includes(name)) return {kind: 'jsonpath', template: value.slice(eq + 1), asJson: name === 'jsonpath-as-json'}
  return {kind: name as 'json'}
}

/** Print `value` as asked; `names` gives the kind/name lines of -o name. */
export async function render(value: unknown, out: Output, names: () => string[]): Promise<string> {
  if (out.kind === 'json' || out.kind === 'yaml') return formatStructured(value, out.kind)
  if (out.kind === 'name')
    return names()
      .map(n => `${n}\n`)
      .join('')
  if (out.kind === 'jsonpath') {
    const {jsonpath, JsonPathError} = await import('./jsonpath.js')
    try {
      return jsonpath(out.template, value, out.asJson)
    } catch (e) {
      if (e instanceof JsonPathError)
        throw new CliError('Invalid', `error executing jsonpath ${JSON.stringify(out.template)}: ${e.message}`)
      throw e
    }
  }
  throw new Error(`no structured form for -o ${out.kind}`)
}
