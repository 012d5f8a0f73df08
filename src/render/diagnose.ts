/** Text view of `diagnose`: the verdict, then one block per finding (cause, evidence, fix), then what was not checked. */
import type {Diagnosis, DiagnosisList} from '../core/diagnose.js'
import {safe} from './table.js'

/** `--all`/`-A`: the models with a finding, one block each, then the count of the healthy ones and what was not checked. */
export function renderDiagnosisList(d: DiagnosisList): string {
  const where = d.namespace === null ? 'in every namespace' : `in namespace ${d.namespace}`
  const out: string[] = []
  for (const item of d.items) out.push(renderDiagnosis(item))
  const errors = d.items.filter(i => i.findings.some(f => f.severity === 'error')).length
  const warned = d.items.length - errors
  if (d.failed) out.push(`${d.failed} model(s) ${where} could not be diagnosed: see NOT CHECKED\n`)
  out.push(
    d.checked === 0 && !d.failed
      ? `no model with a storage URI ${where}\n`
      : `${d.checked} model(s) ${where}: ${d.items.length ? `${errors} with a problem${warned ? `, ${warned} with warnings only` : ''}, ${d.checked - d.items.length} without` : 'no problem found'}\n`,
  )
  if (d.notChecked.length) out.push(['NOT CHECKED', ...d.notChecked.map(n => `  ${safe(n.what)}: ${safe(n.reason)}`)].join('\n') + '\n')
  return out.join('\n')
}

export function renderDiagnosis(d: Diagnosis): string {
  const out: string[] = []
  const m = d.model
  const errors = d.findings.filter(f => f.severity === 'error').length
  const warnings = d.findings.length - errors
  out.push(
    `${m.kind} ${safe(m.namespace)}/${safe(m.name)}: ${d.healthy ? 'no problem found' : `${errors} problem(s)${warnings ? `, ${warnings} warning(s)` : ''}`}`,
  )
  for (const f of d.findings) {
    out.push(
      '',
      `${f.severity === 'error' ? 'PROBLEM' : 'WARNING'} ${f.id} ${f.name}${f.pod ? `  pod/${safe(f.pod)}` : ''}`,
      `  ${safe(f.cause)}`,
    )
    for (const e of f.evidence) out.push(`  evidence: ${safe(e)}`)
    if (f.fix) out.push(`  fix: ${safe(f.fix)}`)
    if (f.source) out.push(`  known from: ${safe(f.source)}`)
  }
  if (d.notChecked.length) {
    out.push('', 'NOT CHECKED')
    for (const n of d.notChecked) out.push(`  ${safe(n.what)}: ${safe(n.reason)}`)
  }
  return out.join('\n') + '\n'
}
