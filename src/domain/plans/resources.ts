/**
 * What `set-resources` writes: the ConfigMap's cpuRequest/cpuLimit/memoryRequest/memoryLimit (or, with --modelcar,
 * cpuModelcar/memoryModelcar), a ClusterStorageContainer's `spec.container.resources`, or one model's container; new
 * values merged with the current ones, every request at or below its limit, and, since pods get a ClusterStorageContainer's
 * container merged over the ConfigMap's (container_merge.go@v0.20.0), never a merged container the API server rejects.
 * Pure: the caller has read the targets and writes what this returns.
 */
import type {Container} from '../container-merge.js'
import {decodeStorageInitializer} from '../go-json.js'
import {editFields} from '../json-edit.js'
import type {Release} from '../release.js'
import {parseResourceList, requestsAboveLimits} from '../resources-arg.js'
import {mergedViolations} from '../storage-containers.js'
import {resourceField} from '../storage-initializer.js'
import {PlanError, type Edit} from './plan-error.js'
import type {ConfigMapTarget, StorageContainerTarget} from './target.js'

type List = Record<string, string>

export interface ResourceChange {
  requests: List
  limits: List
  /** cpuModelcar / memoryModelcar instead */
  modelcar: boolean
}

const LIMIT_HINT = 'raise --limits too, or lower --requests'

/** The change the arguments ask for, in kubectl's syntax. */
export function resourceChangeOf(args: {
  requests?: string
  limits?: string
  modelcar?: boolean
  targets?: string[]
  perModel?: boolean
}): ResourceChange {
  if (args.requests === undefined && args.limits === undefined)
    throw new PlanError('Usage', 'you must specify an update to requests or limits (in the form of --requests/--limits)')
  let requests: List
  let limits: List
  try {
    requests = parseResourceList('requests', args.requests)
    limits = parseResourceList('limits', args.limits)
  } catch (e) {
    throw new PlanError('Usage', (e as Error).message)
  }
  if (args.modelcar) {
    for (const r of Object.keys(requests))
      if (limits[r] !== undefined && limits[r] !== requests[r])
        throw new PlanError('Usage', `--modelcar: the modelcar's ${r} request and limit are one value; got ${requests[r]} and ${limits[r]}`)
    if (args.targets?.some(t => t !== 'configmap'))
      throw new PlanError('Usage', '--modelcar applies to the ConfigMap only (--target configmap)')
    if (args.perModel) throw new PlanError('Usage', '--modelcar is a ConfigMap setting: it cannot be given per model')
  }
  return {requests, limits, modelcar: !!args.modelcar}
}

/** A container's resources with the change merged in, or why it cannot be. */
function merged(current: {requests?: List; limits?: List}, c: ResourceChange, who?: string): {requests: List; limits: List} {
  const next = {requests: {...current.requests, ...c.requests}, limits: {...current.limits, ...c.limits}}
  const bad = requestsAboveLimits(next.requests, next.limits)
  if (bad.length) throw new PlanError('Invalid', `${who ? `${who}: ` : ''}${bad.join('; ')}; nothing was changed`, LIMIT_HINT)
  return next
}

/** The resources the ConfigMap sets (parseResourceList takes no other). */
const RESOURCES = ['cpu', 'memory'] as const
const isResource = (r: string): r is (typeof RESOURCES)[number] => (RESOURCES as readonly string[]).includes(r)

/** The ConfigMap's current requests and limits, by resource name. */
function configMapResources(doc: Record<string, unknown>): {requests: List; limits: List} {
  const pick = (kind: 'requests' | 'limits') => {
    const out: List = {}
    for (const r of RESOURCES) {
      const v = doc[resourceField(kind, r)]
      if (typeof v === 'string' && v !== '') out[r] = v
    }
    return out
  }
  return {requests: pick('requests'), limits: pick('limits')}
}

/**
 * The edits for the selected targets. `doc` is the storageInitializer document as Go reads it; `serving` every
 * ClusterStorageContainer that serves pods (selected or not), whose merged container must stay valid.
 */
export function planResources<T extends ConfigMapTarget | StorageContainerTarget>(
  selected: T[],
  c: ResourceChange,
  ctx: {doc: Record<string, unknown>; configMap: ConfigMapTarget; serving: StorageContainerTarget[]; release?: Release},
): Edit<T | ConfigMapTarget>[] {
  if (c.modelcar) {
    const both = {...c.requests, ...c.limits}
    const fields: List = {}
    if (both.cpu) fields.cpuModelcar = both.cpu
    if (both.memory) fields.memoryModelcar = both.memory
    return [{target: ctx.configMap, after: editFields(ctx.configMap.value ?? '', fields), what: 'modelcar resource requirements'}]
  }
  const edits = selected.map((t): Edit<T> => {
    if (t.kind === 'ConfigMap') {
      merged(configMapResources(ctx.doc), c, t.display)
      const fields: List = {}
      for (const kind of ['requests', 'limits'] as const)
        for (const [r, v] of Object.entries(c[kind])) if (isResource(r)) fields[resourceField(kind, r)] = v
      return {target: t, after: editFields(t.value ?? '', fields), what: 'resource requirements'}
    }
    const container = t.value ?? {}
    const next = merged({...container.resources}, c, t.display)
    const resources = {
      ...container.resources,
      ...(Object.keys(c.requests).length ? {requests: next.requests} : {}),
      ...(Object.keys(c.limits).length ? {limits: next.limits} : {}),
    }
    return {target: t, after: {...container, resources}, what: 'resource requirements'}
  })
  // what pods get is a ClusterStorageContainer's container merged over the ConfigMap's: a change to either side must
  // not leave a request above a limit there (a violation already there is not this change's doing)
  const cmAfter = edits.find(e => e.target.kind === 'ConfigMap')?.after ?? ctx.configMap.value
  const config = decodeStorageInitializer(String(cmAfter), ctx.release).config
  const after = ctx.serving.map(t => ({name: t.display, container: (edits.find(e => e.target.id === t.id)?.after ?? t.value) as Container}))
  const before = new Set(
    mergedViolations(
      ctx.doc,
      ctx.serving.map(t => ({name: t.display, container: t.value as Container})),
      ctx.release,
    ).map(v => v.name),
  )
  const broken = mergedViolations(config, after, ctx.release).filter(v => !before.has(v.name))
  if (broken.length)
    throw new PlanError(
      'Invalid',
      `pods served by ${broken[0].name} would get ${broken[0].problems.join(', ')} (its container merged over the ConfigMap's): the API server would reject every one; nothing was changed`,
      `set that container's own values too (--target ${broken[0].name.replace(/^clusterstoragecontainer\.serving\.kserve\.io\//, 'storage-container/')}), or choose values that fit`,
    )
  return edits
}

/** One model's container with the change merged into its resources. */
export function modelResources(container: Container, c: ResourceChange): Container {
  const next = merged(container.resources ?? {}, c)
  return {
    ...container,
    resources: {
      ...(Object.keys(next.requests).length ? {requests: next.requests} : {}),
      ...(Object.keys(next.limits).length ? {limits: next.limits} : {}),
    },
  }
}
