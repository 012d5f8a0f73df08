/** The resource types the simulated API server serves, and the discovery documents built from them. */

export interface ResourceType {
  group: string // '' for the core group
  version: string
  plural: string
  singular: string
  kind: string
  listKind: string
  namespaced: boolean
  shortNames?: string[]
  categories?: string[]
  subresources: string[] // 'status', 'log'
  /** custom resources accept JSON merge and JSON patches only, not strategic merge */
  custom: boolean
  /** a custom resource's openAPIV3Schema (pruning, defaulting, validation) */
  schema?: any
}

const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    listKind: `${kind}List`,
    namespaced,
    subresources: [],
    custom: false,
    ...extra,
  }
}

export const BUILTIN_TYPES: ResourceType[] = [
  builtin('', 'v1', 'Namespace', 'namespaces', false, {shortNames: ['ns'], subresources: ['status']}),
  builtin('', 'v1', 'ConfigMap', 'configmaps', true, {shortNames: ['cm']}),
  builtin('', 'v1', 'Secret', 'secrets', true),
  builtin('', 'v1', 'ServiceAccount', 'serviceaccounts', true, {shortNames: ['sa']}),
  builtin('', 'v1', 'Pod', 'pods', true, {shortNames: ['po'], categories: ['all'], subresources: ['status', 'log']}),
  builtin('', 'v1', 'Event', 'events', true, {shortNames: ['ev']}),
  builtin('apps', 'v1', 'Deployment', 'deployments', true, {shortNames: ['deploy'], categories: ['all'], subresources: ['status']}),
  builtin('apps', 'v1', 'ReplicaSet', 'replicasets', true, {shortNames: ['rs'], categories: ['all'], subresources: ['status']}),
  builtin('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  builtin('admissionregistration.k8s.io', 'v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'Role', 'roles', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings', true),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
  builtin('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', 'clusterrolebindings', false),
  builtin('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, {
    shortNames: ['crd', 'crds'],
    subresources: ['status'],
  }),
]

/** Types that are only requests (create-only, never stored). */
export const REVIEW_TYPES: ResourceType[] = [
  builtin('authorization.k8s.io', 'v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false),
  builtin('authentication.k8s.io', 'v1', 'SelfSubjectReview', 'selfsubjectreviews', false),
]

export function gvPath(group: string, version: string): string {
  return group ? `/apis/${group}/${version}` : `/api/${version}`
}

export function apiVersionOf(rt: {group: string; version: string}): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version
}

/** A CustomResourceDefinition object turned into the types it serves (one per served version). */
export function typesFromCRD(crd: any): ResourceType[] {
  const spec = crd?.spec ?? {}
  const names = spec.names ?? {}
  return (spec.versions ?? [])
    .filter((v: any) => v.served !== false)
    .map((v: any) => ({
      group: spec.group,
      version: v.name,
      plural: names.plural,
      singular: names.singular ?? String(names.kind).toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames,
      categories: names.categories,
      subresources: v.subresources?.status ? ['status'] : [],
      custom: true,
      schema: v.schema?.openAPIV3Schema,
    }))
}

export class Registry {
  private types: ResourceType[] = []

  constructor() {
    this.types.push(...BUILTIN_TYPES, ...REVIEW_TYPES)
  }

  setCustom(types: ResourceType[]): void {
    this.types = [...BUILTIN_TYPES, ...REVIEW_TYPES, ...types]
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find(t => t.group === group && t.version === version && t.plural === plural)
  }

  /** Every stored type keyed by group/plural (one storage for all versions of a custom type). */
  storageKey(rt: ResourceType): string {
    return `${rt.group}/${rt.plural}`
  }

  all(): ResourceType[] {
    return this.types
  }

  apiVersions() {
    return {kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443'}]}
  }

  groups() {
    const order: string[] = []
    const versions = new Map<string, string[]>()
    for (const t of this.types) {
      if (!t.group) continue
      if (!versions.has(t.group)) {
        versions.set(t.group, [])
        order.push(t.group)
      }
      const vs = versions.get(t.group)!
      if (!vs.includes(t.version)) vs.push(t.version)
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: order.map(g => {
        const vs = sortVersions(versions.get(g)!)
        return {
          name: g,
          versions: vs.map(v => ({groupVersion: `${g}/${v}`, version: v})),
          preferredVersion: {groupVersion: `${g}/${vs[0]}`, version: vs[0]},
        }
      }),
    }
  }

  group(name: string) {
    return this.groups().groups.find(g => g.name === name)
  }

  resourceList(group: string, version: string) {
    const types = this.types.filter(t => t.group === group && t.version === version)
    if (types.length === 0) return undefined
    const resources: any[] = []
    for (const t of types) {
      const review = REVIEW_TYPES.includes(t)
      const own = review ? ['create'] : t.kind === 'Namespace' ? verbs.filter(v => v !== 'deletecollection') : verbs
      const r: any = {name: t.plural, singularName: t.custom ? t.singular : '', namespaced: t.namespaced, kind: t.kind, verbs: own}
      if (t.shortNames?.length) r.shortNames = t.shortNames
      if (t.categories?.length) r.categories = t.categories
      resources.push(r)
      for (const sub of t.subresources) {
        resources.push({
          name: `${t.plural}/${sub}`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: sub === 'log' ? ['get'] : ['get', 'patch', 'update'],
        })
      }
    }
    return {kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({group, version}), resources}
  }
}

/** Kubernetes version priority: GA > beta > alpha, higher numbers first. */
export function sortVersions(vs: string[]): string[] {
  const rank = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v)
    if (!m) return [0, 0, 0]
    const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1
    return [stage, Number(m[1]), Number(m[3] ?? 0)]
  }
  return [...vs].sort((a, b) => {
    const ra = rank(a)
    const rb = rank(b)
    for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i] - ra[i]
    return 0
  })
}
