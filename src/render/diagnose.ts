/** Text view of `diagnose`: the verdict, then one block per finding (cause, evidence, fix), then what was not checked. */
import type {Diagnosis} from '../core/diagnose.js'

export function renderDiagnosis(d: Diagnosis): string {
  const out: string[] = []
  const m = d.model
  const errors = d.findings.filter(f => f.severity === 'error').length
  const warnings = d.findings.length - errors
  out.push(
    `${m.kind} ${m.namespace}/${m.name}: ${d.healthy ? 'no problem found' : `${errors} problem(s)${warnings ? `, ${warnings} warning(s)` : ''}`}`,
  )
  for (const f of d.findings) {
    out.push('', `${f.severity === 'error' ? 'PROBLEM' : 'WARNING'} ${f.id} ${f.name}${f.pod ? `  pod/${f.pod}` : ''}`, `  ${f.cause}`)
    for (const e of f.evidence) out.push(`  evidence: ${e}`)
    if (f.fix) out.push(`  fix: ${f.fix}`)
    if (f.source) out.push(`  known from: ${f.source}`)
  }
  if (d.notChecked.length) {
    out.push('', 'NOT CHECKED')
    for (const n of d.notChecked) out.push(`  ${n.what}: ${n.reason}`)
  }
  return out.join('\n') + '\n'
}
