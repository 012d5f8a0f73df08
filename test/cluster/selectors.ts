/** Label and field selectors, with the API server's grammar (=, ==, !=, in, notin, exists, !exists). */
import {errors} from './status.js'

type Requirement = {key: string; op: 'eq' | 'neq' | 'in' | 'notin' | 'exists' | 'notexists'; values: string[]}

function splitTopLevel(s: string): string[] {
  const out: string[] = []
  let depth = 0
  let cur = ''
  for (const ch of s) {
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (ch === ',' && depth === 0) {
      out.push(cur)
      cur = ''
    } else cur += ch
  }
  if (cur.trim() !== '') out.push(cur)
  return out.map(x => x.trim()).filter(x => x !== '')
}

export function parseLabelSelector(s: string): Requirement[] {
  return splitTopLevel(s).map(part => {
    let m = /^([A-Za-z0-9./_-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part)
    if (m)
      return {
        key: m[1],
        op: m[2] as 'in' | 'notin',
        values: m[3]
          .split(',')
          .map(v => v.trim())
          .filter(Boolean),
      }
    m = /^!\s*([A-Za-z0-9./_-]+)$/.exec(part)
    if (m) return {key: m[1], op: 'notexists', values: []}
    m = /^([A-Za-z0-9./_-]+)\s*(==|!=|=)\s*([A-Za-z0-9._-]*)$/.exec(part)
    if (m) return {key: m[1], op: m[2] === '!=' ? 'neq' : 'eq', values: [m[3]]}
    m = /^([A-Za-z0-9./_-]+)$/.exec(part)
    if (m) return {key: m[1], op: 'exists', values: []}
    throw errors.badRequest(`unable to parse requirement: <nil>: Invalid value: "${part}": found '${part}', expected: identifier`)
  })
}

export function matchLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {}
  return reqs.every(r => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key)
    switch (r.op) {
      case 'eq':
        return has && l[r.key] === r.values[0]
      case 'neq':
        return !has || l[r.key] !== r.values[0]
      case 'in':
        return has && r.values.includes(l[r.key])
      case 'notin':
        return !has || !r.values.includes(l[r.key])
      case 'exists':
        return has
      case 'notexists':
        return !has
    }
  })
}

const FIELD_PATHS: Record<string, (o: any) => string | undefined> = {
  'metadata.name': o => o.metadata?.name,
  'metadata.namespace': o => o.metadata?.namespace ?? '',
  'status.phase': o => o.status?.phase,
  'spec.nodeName': o => o.spec?.nodeName ?? '',
  type: o => o.type,
}

export type FieldRequirement = {path: string; neq: boolean; value: string}

export function parseFieldSelector(s: string, kind: string, custom = false): FieldRequirement[] {
  return splitTopLevel(s).map(part => {
    const m = /^([A-Za-z.]+)\s*(==|!=|=)\s*(.*)$/.exec(part)
    if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`)
    // which fields each kind can select on, and how it words a refusal: pods (and custom resources) have their own
    // field-label conversion ("field label not supported"), other built-ins the generic one
    const pod = ['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName']
    const allowed =
      kind === 'Pod' ? pod : kind === 'Event' ? ['metadata.name', 'metadata.namespace', 'type'] : ['metadata.name', 'metadata.namespace']
    if (!allowed.includes(m[1]) || !FIELD_PATHS[m[1]])
      throw errors.badRequest(
        kind === 'Pod' || custom
          ? `field label not supported: ${m[1]}`
          : `"${m[1]}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
      )
    return {path: m[1], neq: m[2] === '!=', value: m[3]}
  })
}

export function matchFields(reqs: FieldRequirement[], obj: any): boolean {
  return reqs.every(r => {
    const v = FIELD_PATHS[r.path](obj) ?? ''
    return r.neq ? v !== r.value : v === r.value
  })
}
