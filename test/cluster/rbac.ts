/**
 * kube-apiserver's RBAC authorizer, for the simulated cluster: Roles, ClusterRoles (aggregated ones included),
 * RoleBindings and ClusterRoleBindings stored in the cluster decide what a user may do, as
 * plugin/pkg/auth/authorizer/rbac/rbac.go (VisitRulesFor, appliesTo) and pkg/apis/rbac/v1/evaluation_helpers.go
 * (RuleAllows and its matchers) decide; an aggregated ClusterRole's rules are what the clusterrole-aggregation controller
 * writes (pkg/controller/clusterroleaggregation): the union of the rules of the ClusterRoles its selectors match.
 * Held to Kubernetes' own test tables, ported as data in test/cluster/rbac-cases/.
 */

export interface PolicyRule {
  verbs?: string[]
  apiGroups?: string[]
  resources?: string[]
  resourceNames?: string[]
  nonResourceURLs?: string[]
}

export interface RbacRequest {
  verb: string
  apiGroup?: string
  resource?: string
  subresource?: string
  name?: string
  namespace?: string
  /** a resource request (else a non-resource URL, `path`) */
  resourceRequest: boolean
  path?: string
}

export interface RbacUser {
  name: string
  groups: string[]
}

export interface RbacObjects {
  roles: any[]
  roleBindings: any[]
  clusterRoles: any[]
  clusterRoleBindings: any[]
}

export const verbMatches = (r: PolicyRule, verb: string) => (r.verbs ?? []).some(v => v === '*' || v === verb)
export const apiGroupMatches = (r: PolicyRule, group: string) => (r.apiGroups ?? []).some(g => g === '*' || g === group)

export function resourceMatches(r: PolicyRule, combined: string, subresource: string): boolean {
  for (const rr of r.resources ?? []) {
    if (rr === '*' || rr === combined) return true
    if (!subresource) continue
    // "*/scale" matches the subresource of every resource
    if (rr.length === subresource.length + 2 && rr.startsWith('*/') && rr.endsWith(subresource)) return true
  }
  return false
}

export const resourceNameMatches = (r: PolicyRule, name: string) =>
  !(r.resourceNames ?? []).length || (r.resourceNames ?? []).includes(name)

export function nonResourceURLMatches(r: PolicyRule, path: string): boolean {
  for (const u of r.nonResourceURLs ?? []) {
    if (u === '*' || u === path) return true
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true
  }
  return false
}

export function ruleAllows(req: RbacRequest, r: PolicyRule): boolean {
  if (req.resourceRequest) {
    const sub = req.subresource ?? ''
    const combined = sub ? `${req.resource}/${sub}` : (req.resource ?? '')
    return (
      verbMatches(r, req.verb) &&
      apiGroupMatches(r, req.apiGroup ?? '') &&
      resourceMatches(r, combined, sub) &&
      resourceNameMatches(r, req.name ?? '')
    )
  }
  return verbMatches(r, req.verb) && nonResourceURLMatches(r, req.path ?? '')
}

/** appliesToUser: a User by name, a Group by membership, a ServiceAccount by its user name (namespace defaulted to the binding's). */
export function appliesTo(user: RbacUser, subjects: any[] | undefined, namespace: string): any | undefined {
  for (const s of subjects ?? []) {
    if (s.kind === 'User' && user.name === s.name) return s
    if (s.kind === 'Group' && user.groups.includes(s.name)) return s
    if (s.kind === 'ServiceAccount') {
      const ns = s.namespace || namespace
      if (ns && user.name === `system:serviceaccount:${ns}:${s.name}`) return s
    }
  }
  return undefined
}

function selectorMatches(sel: any, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) if (labels[k] !== v) return false
  for (const e of sel?.matchExpressions ?? []) {
    const has = e.key in labels
    const vals: string[] = e.values ?? []
    if (e.operator === 'In' && !(has && vals.includes(labels[e.key]))) return false
    if (e.operator === 'NotIn' && has && vals.includes(labels[e.key])) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}

/** The rules a ClusterRole grants: its own, or for an aggregated one, the union of those of the roles its selectors pick. */
export function clusterRoleRules(role: any, all: any[]): PolicyRule[] {
  const selectors = role?.aggregationRule?.clusterRoleSelectors
  if (!Array.isArray(selectors)) return role?.rules ?? []
  const out: PolicyRule[] = []
  const seen = new Set<string>()
  for (const sel of selectors)
    for (const other of [...all].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
      if (other.metadata.name === role.metadata.name || !selectorMatches(sel, other.metadata.labels)) continue
      for (const r of other.rules ?? []) {
        const k = JSON.stringify(r)
        if (!seen.has(k)) {
          seen.add(k)
          out.push(r)
        }
      }
    }
  return out
}

/** VisitRulesFor and the decision: allowed, and by which binding (the reason kube-apiserver gives). */
export function rbacDecide(user: RbacUser, req: RbacRequest, o: RbacObjects): {allowed: boolean; reason?: string} {
  const ruleOf = (ref: any, namespace: string): PolicyRule[] => {
    if (ref?.kind === 'ClusterRole') {
      const role = o.clusterRoles.find(r => r.metadata?.name === ref.name)
      return role ? clusterRoleRules(role, o.clusterRoles) : []
    }
    if (ref?.kind === 'Role') return o.roles.find(r => r.metadata?.name === ref.name && r.metadata?.namespace === namespace)?.rules ?? []
    return []
  }
  const why = (kind: string, b: any, s: any, ns?: string) =>
    `RBAC: allowed by ${kind} "${b.metadata.name}${ns ? `/${ns}` : ''}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${s.kind} "${s.kind === 'ServiceAccount' ? `${s.namespace || ns}/${s.name}` : s.name}"`
  for (const b of o.clusterRoleBindings) {
    const s = appliesTo(user, b.subjects, '')
    if (s && ruleOf(b.roleRef, '').some(r => ruleAllows(req, r))) return {allowed: true, reason: why('ClusterRoleBinding', b, s)}
  }
  if (req.namespace)
    for (const b of o.roleBindings.filter(x => x.metadata?.namespace === req.namespace)) {
      const s = appliesTo(user, b.subjects, req.namespace)
      if (s && ruleOf(b.roleRef, req.namespace).some(r => ruleAllows(req, r)))
        return {allowed: true, reason: why('RoleBinding', b, s, req.namespace)}
    }
  return {allowed: false}
}
