/** `validate` output: readable, grouped by severity; JSON or YAML (one report, or a list); SARIF 2.1.0 for code-scanning tools. */
import type {Difference, Report, Verdict} from '../core/validate.js'
import {API_VERSION} from '../domain/api-version.js'
import {RULES, type Severity} from '../domain/rules.js'
import {formatStructured} from './output.js'
import {safe, table} from './table.js'

/** -o json/yaml for several reports (a fleet), with the differences when compared. */
export interface ValidationReportList {
  apiVersion: typeof API_VERSION
  kind: 'ValidationReportList'
  items: Report[]
  differences?: Difference[]
}

/**
 * What `validate` prints once every report is in, in the format asked for (-o sarif, json, yaml; none: readable).
 * `streamed`: the readable reports were printed as they came (a fleet), only the comparison is left.
 */
export async function renderValidation(v: Verdict, o: {output?: string; version: string; streamed?: boolean}): Promise<string> {
  const {reports, differences} = v
  if (o.output === 'sarif') return JSON.stringify(sarif(reports, o.version), null, 2) + '\n'
  if (o.output === 'json' || o.output === 'yaml') {
    const list: ValidationReportList = {
      apiVersion: API_VERSION,
      kind: 'ValidationReportList',
      items: reports,
      ...(differences ? {differences} : {}),
    }
    return formatStructured(reports.length === 1 && !differences ? reports[0] : list, o.output)
  }
  return (
    (o.streamed ? '' : reports.map(renderReport).join('\n')) +
    (differences
      ? renderComparison(
          reports.map(x => x.source.context ?? '?'),
          differences,
        )
      : '')
  )
}

const TITLES: Record<Severity, string> = {error: 'ERRORS', warning: 'WARNINGS', info: 'INFO'}

export function renderReport(r: Report): string {
  const out: string[] = []
  const where = r.source.context ? `context ${r.source.context}` : `${r.source.file} (${r.source.format})`
  out.push(
    `${where}${r.kserve.namespace ? `, KServe namespace ${r.kserve.namespace}` : ''}${r.kserve.version ? `, KServe ${r.kserve.version}` : ''}`,
  )
  if (r.error) {
    out.push(`  not checked: ${r.error}`)
    return out.join('\n') + '\n'
  }
  for (const sev of ['error', 'warning', 'info'] as Severity[]) {
    const fs = r.findings.filter(f => f.severity === sev)
    if (fs.length === 0) continue
    out.push('', `${TITLES[sev]} (${fs.length})`)
    for (const f of fs) {
      out.push(`  ${f.rule} ${f.name}  ${safe(f.path)}`)
      out.push(`    ${safe(f.message)}`)
      out.push(`    fix: ${safe(f.hint)}`)
    }
  }
  if (r.notChecked?.length) {
    out.push('', `NOT CHECKED (${r.notChecked.length})`)
    for (const n of r.notChecked) out.push(`  ${n.rule}  ${safe(n.reason)}`)
  }
  const s = r.summary
  out.push('', `${s.error} error(s), ${s.warning} warning(s), ${s.info} info`)
  return out.join('\n') + '\n'
}

function renderComparison(names: string[], rows: Difference[]): string {
  if (rows.length === 0) return "\nThe clusters' storage-initializer settings are the same.\n"
  return (
    '\nDIFFERENCES BETWEEN CLUSTERS\n' +
    table(
      ['setting', ...names],
      rows.map(r => [r.setting, ...r.values.map(safe)]),
    ) +
    '\n'
  )
}

export function sarif(reports: Report[], version: string): unknown {
  const level = (s: Severity) => (s === 'info' ? 'note' : s)
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kubectl-storage-init',
            version,
            informationUri: 'https://github.com/kserve/kubectl-storage-init',
            rules: RULES.map(r => ({
              id: r.id,
              name: r.name,
              shortDescription: {text: r.description},
              defaultConfiguration: {level: level(r.severity)},
            })),
          },
        },
        // clusters and rules that could not be checked: tool notifications, not silence
        invocations: [
          {
            executionSuccessful: reports.every(r => !r.error),
            toolExecutionNotifications: reports.flatMap(rep => [
              ...(rep.error
                ? [{level: 'error', message: {text: `${rep.source.context ?? rep.source.file}: not checked: ${rep.error}`}}]
                : []),
              ...(rep.notChecked ?? []).map(n => ({
                level: 'warning',
                descriptor: {id: n.rule},
                message: {text: `${rep.source.context ?? rep.source.file}: ${n.rule} not checked: ${n.reason}`},
              })),
            ]),
          },
        ],
        results: reports.flatMap(rep =>
          rep.findings.map(f => ({
            ruleId: f.rule,
            level: level(f.severity),
            message: {text: `${f.message}. Fix: ${f.hint}`},
            locations: [
              rep.source.file
                ? {
                    physicalLocation: {
                      artifactLocation: {uri: rep.source.file},
                      ...(f.line ? {region: {startLine: f.line, startColumn: f.column}} : {}),
                    },
                    logicalLocations: [{fullyQualifiedName: f.path}],
                  }
                : {logicalLocations: [{fullyQualifiedName: `${rep.source.context}/${f.path}`}]},
            ],
          })),
        ),
      },
    ],
  }
}
