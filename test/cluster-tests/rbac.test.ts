/**
 * The simulated cluster's RBAC authorizer (test/cluster/rbac.ts) against Kubernetes' own tables, ported as data in
 * test/cluster/rbac-cases/ (plugin/pkg/auth/authorizer/rbac/rbac_test.go TestRuleMatches, TestAuthorizer, TestAppliesTo,
 * TestDefaultRuleResolver; the clusterrole-aggregation controller's TestSyncClusterRole; k8s.io/apiserver TestForbidden;
 * and cases derived from the code, each naming its file and line).
 */
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {aggregate, rbacDecide, ruleAllows, type PolicyRule} from '../cluster/rbac.js'
import {errors} from '../cluster/status.js'

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'cluster', 'rbac-cases')
const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'))
const rules = load('rule-matching.json')
const authz = load('authorizer.json')
const agg = load('aggregation.json')

test('the tables are all here', () => {
  expect(rules.cases.length).toBeGreaterThanOrEqual(99)
  expect(authz.cases.length).toBeGreaterThanOrEqual(73)
  expect(agg.cases.length).toBeGreaterThanOrEqual(15)
})

describe('RuleAllows (pkg/apis/rbac/v1/evaluation_helpers.go)', () => {
  test.each(rules.cases.map((c: any) => [c.name, c]) as [string, any][])('%s', (_n, c: any) => {
    expect(ruleAllows(c.request, c.rule)).toBe(c.allowed)
  })
})

describe('the authorizer (VisitRulesFor, appliesTo; rbac.go)', () => {
  test.each(authz.cases.map((c: any) => [c.name, c]) as [string, any][])('%s', (_n, c: any) => {
    const d = rbacDecide(c.user, c.request, {
      roles: c.roles ?? [],
      roleBindings: c.roleBindings ?? [],
      clusterRoles: c.clusterRoles ?? [],
      clusterRoleBindings: c.clusterRoleBindings ?? [],
    })
    expect(d.allowed).toBe(c.allowed)
    if (c.expectedReason) expect(d.reason).toBe(c.expectedReason)
    if (c.expectedDenyReason) expect(d.reason).toBe(c.expectedDenyReason)
    const r = c.request
    if (c.expectedForbiddenMessage && r.resourceRequest) {
      const e = errors.forbidden(
        c.user.name,
        r.verb,
        {plural: r.resource, group: r.apiGroup, sub: r.subresource || undefined},
        r.namespace || undefined,
        r.name || undefined,
        d.reason,
      )
      expect(e.status.message).toBe(c.expectedForbiddenMessage)
    }
  })
})

describe('ClusterRole aggregation (clusterroleaggregation_controller.go)', () => {
  const same = (a: PolicyRule[]) =>
    a.map(r => JSON.stringify(['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'].map(k => (r as any)[k] ?? [])))
  test.each(agg.cases.map((c: any) => [c.name, c]) as [string, any][])('%s', (_n, c: any) => {
    expect(same(aggregate(c.clusterRoles).get(c.aggregated) ?? [])).toEqual(same(c.expectedRules))
  })
})

describe('the Forbidden Status (k8s.io/apiserver responsewriters TestForbidden), resource requests', () => {
  const cases = (authz.forbiddenMessages as any[]).filter(c => c.request.resourceRequest)
  test.each(cases.map(c => [c.name, c]) as [string, any][])('%s', (_n, c: any) => {
    const r = c.request
    const e = errors.forbidden(
      c.user.name,
      r.verb,
      {plural: r.resource, group: r.apiGroup, sub: r.subresource || undefined},
      r.namespace || undefined,
      r.name || undefined,
      c.reason || undefined,
    )
    expect(e.status.message).toBe(c.expectedStatus.message)
  })
})
