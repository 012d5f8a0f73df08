/** Users of the simulated cluster: bearer tokens mapped to RBAC-like rules. */
import {randomBytes} from 'node:crypto'

import {rbacDecide, type RbacObjects} from './rbac.js'

export interface Rule {
  verbs: string[] // '*' for all
  groups: string[] // '' core, '*' all
  resources: string[] // 'configmaps', 'pods/log', '*'
  namespaces?: string[] // undefined: every namespace and cluster scope
}

export interface User {
  name: string
  groups: string[]
  token: string
  rules: Rule[]
  expired?: boolean
}

export interface Attributes {
  verb: string
  group: string
  resource: string // plural, or plural/sub
  namespace?: string
  name?: string
}

const READ = ['get', 'list', 'watch']

export function defaultUsers(): Record<string, User> {
  const token = () => randomBytes(24).toString('hex')
  return {
    'sim-admin': {
      name: 'sim-admin',
      groups: ['system:masters', 'system:authenticated'],
      token: token(),
      rules: [{verbs: ['*'], groups: ['*'], resources: ['*']}],
    },
    // like the `view` ClusterRole plus read access to serving.kserve.io: no secrets
    'sim-readonly': {
      name: 'system:serviceaccount:kube-system:sim-readonly',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      token: token(),
      rules: [
        {
          verbs: READ,
          groups: [''],
          resources: ['configmaps', 'pods', 'pods/log', 'pods/status', 'namespaces', 'serviceaccounts', 'events'],
        },
        {verbs: READ, groups: ['apps', 'apiextensions.k8s.io', 'serving.kserve.io'], resources: ['*']},
      ],
    },
    // authenticated, but bound to nothing
    'sim-nobody': {
      name: 'system:serviceaccount:default:sim-nobody',
      groups: ['system:serviceaccounts', 'system:authenticated'],
      token: token(),
      rules: [],
    },
  }
}

/**
 * May the user do it: the built-in users' rules, else the RBAC objects stored in the cluster (rbac.ts, as kube-apiserver's
 * RBAC authorizer evaluates them). `rbac` reads them when needed.
 */
export function authorize(user: User, a: Attributes, rbac?: () => RbacObjects): boolean {
  return decide(user, a, rbac).allowed
}

export function decide(user: User, a: Attributes, rbac?: () => RbacObjects): {allowed: boolean; reason?: string} {
  if (builtinAllows(user, a)) return {allowed: true}
  if (!rbac) return {allowed: false}
  const [resource, subresource] = a.resource.split('/')
  return rbacDecide(
    user,
    {verb: a.verb, apiGroup: a.group, resource, subresource, name: a.name, namespace: a.namespace, resourceRequest: true},
    rbac(),
  )
}

function builtinAllows(user: User, a: Attributes): boolean {
  // every authenticated user may review itself, like the system:basic-user role
  if (a.verb === 'create' && (a.resource === 'selfsubjectaccessreviews' || a.resource === 'selfsubjectreviews')) return true
  return user.rules.some(
    r =>
      (r.verbs.includes('*') || r.verbs.includes(a.verb)) &&
      (r.groups.includes('*') || r.groups.includes(a.group)) &&
      (r.resources.includes('*') || r.resources.includes(a.resource)) &&
      (r.namespaces === undefined || (a.namespace !== undefined && r.namespaces.includes(a.namespace))),
  )
}

/**
 * Impersonation (`Impersonate-User`, `Impersonate-Group`, `Impersonate-Uid` headers, as kubectl --as/--as-group/--as-uid
 * send them): the requester needs the `impersonate` verb on users (and groups, uids); the request then runs as the named
 * user, whose rules are those bound to that name or to its groups. Recorded:
 * test/fixtures/apiserver/configmap-patch-impersonated-forbidden.json (the Status names the impersonated user).
 */
export function impersonate(
  requester: User,
  headers: Record<string, string | string[] | undefined>,
  users: Record<string, User>,
): {user: User} | {denied: {resource: string; name: string}} {
  const asUser = headers['impersonate-user']
  const groups = ([] as string[])
    .concat(headers['impersonate-group'] ?? [])
    .flatMap(g => g.split(',').map(s => s.trim()))
    .filter(Boolean)
  const uid = headers['impersonate-uid']
  if (asUser === undefined) {
    if (groups.length || uid !== undefined) return {denied: {resource: 'users', name: ''}}
    return {user: requester}
  }
  const name = String(asUser)
  if (!authorize(requester, {verb: 'impersonate', group: '', resource: 'users', name})) return {denied: {resource: 'users', name}}
  for (const g of groups)
    if (!authorize(requester, {verb: 'impersonate', group: '', resource: 'groups', name: g})) return {denied: {resource: 'groups', name: g}}
  if (
    uid !== undefined &&
    !authorize(requester, {verb: 'impersonate', group: 'authentication.k8s.io', resource: 'uids', name: String(uid)})
  )
    return {denied: {resource: 'uids', name: String(uid)}}
  const known = Object.values(users).find(u => u.name === name)
  const allGroups = [...new Set([...groups, 'system:authenticated'])]
  const rules = [...(known?.rules ?? []), ...(allGroups.includes('system:masters') ? users['sim-admin'].rules : [])]
  return {user: {name, groups: allGroups, token: '', rules}}
}
