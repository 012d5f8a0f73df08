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

/** equality.Semantic.DeepEqual of two rules: field by field, lists in order, a missing list equal to an empty one. */
function sameRule(a: PolicyRule, b: PolicyRule): boolean {
  const keys: (keyof PolicyRule)[] = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs']
  return keys.every(k => JSON.stringify(a[k] ?? []) === JSON.stringify(b[k] ?? []))
}

/**
 * What the clusterrole-aggregation controller leaves in every aggregated ClusterRole once it has settled: for each
 * selector in order, the matching ClusterRoles by name (the role itself skipped), their rules appended unless already
 * there. Aggregated roles that select aggregated roles (admin > edit > view) settle over several passes, as the
 * controller's requeues do.
 */
export function aggregate(all: any[]): Map<string, PolicyRule[]> {
  const rules = new Map<string, PolicyRule[]>(all.map(r => [r.metadata.name, r.rules ?? []]))
  const sorted = [...all].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
  for (let pass = 0; pass < all.length + 1; pass++) {
    let changed = false
    for (const role of all) {
      const selectors = role.aggregationRule?.clusterRoleSelectors
      if (!role.aggregationRule || !Array.isArray(selectors)) continue
      const out: PolicyRule[] = []
      for (const sel of selectors)
        for (const other of sorted) {
          if (other.metadata.name === role.metadata.name || !selectorMatches(sel, other.metadata.labels)) continue
          for (const r of rules.get(other.metadata.name) ?? []) if (!out.some(x => sameRule(x, r))) out.push(r)
        }
      const before = rules.get(role.metadata.name) ?? []
      if (before.length !== out.length || before.some((r, i) => !sameRule(r, out[i]))) {
        rules.set(role.metadata.name, out)
        changed = true
      }
    }
    if (!changed) break
  }
  return rules
}

/** The rules a ClusterRole grants (an aggregated one: what the aggregation controller wrote). */
export function clusterRoleRules(role: any, all: any[]): PolicyRule[] {
  return aggregate(all).get(role?.metadata?.name) ?? role?.rules ?? []
}

/**
 * VisitRulesFor and the decision: allowed, with the reason kube-apiserver gives (`RBAC: allowed by …`), or denied, with
 * the errors of bindings that apply but whose role does not exist (`RBAC: role… "X" not found`; rbac.go:122-126).
 */
export function rbacDecide(user: RbacUser, req: RbacRequest, o: RbacObjects): {allowed: boolean; reason?: string} {
  let aggregated: Map<string, PolicyRule[]> | undefined
  const errors: string[] = []
  const ruleOf = (ref: any, namespace: string): PolicyRule[] => {
    if (ref?.kind === 'ClusterRole') {
      aggregated ??= aggregate(o.clusterRoles)
      const rules = aggregated.get(ref.name)
      if (!rules) errors.push(`clusterrole.rbac.authorization.k8s.io "${ref.name}" not found`)
      return rules ?? []
    }
    if (ref?.kind === 'Role') {
      const role = o.roles.find(r => r.metadata?.name === ref.name && r.metadata?.namespace === namespace)
      if (!role) errors.push(`role.rbac.authorization.k8s.io "${ref.name}" not found`)
      return role?.rules ?? []
    }
    errors.push(`unsupported role reference kind: "${ref?.kind ?? ''}"`)
    return []
  }
  const subject = (s: any, ns: string) =>
    s.kind === 'ServiceAccount' ? `ServiceAccount "${s.name}/${s.namespace || ns}"` : `${s.kind} "${s.name}"`
  for (const b of o.clusterRoleBindings) {
    const s = appliesTo(user, b.subjects, '')
    if (s && ruleOf(b.roleRef, '').some(r => ruleAllows(req, r)))
      return {
        allowed: true,
        reason: `RBAC: allowed by ClusterRoleBinding "${b.metadata.name}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject(s, '')}`,
      }
  }
  if (req.namespace)
    for (const b of o.roleBindings.filter(x => x.metadata?.namespace === req.namespace)) {
      const s = appliesTo(user, b.subjects, req.namespace)
      if (s && ruleOf(b.roleRef, req.namespace).some(r => ruleAllows(req, r)))
        return {
          allowed: true,
          reason: `RBAC: allowed by RoleBinding "${b.metadata.name}/${req.namespace}" of ${b.roleRef.kind} "${b.roleRef.name}" to ${subject(s, req.namespace)}`,
        }
    }
  const unique = [...new Set(errors)]
  return {allowed: false, ...(unique.length ? {reason: `RBAC: ${unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`}`} : {})}
}
