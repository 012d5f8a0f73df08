/**
 * Every change is one pipeline: read (with resourceVersions) -> plan (pure) -> show -> apply (each write conditional on
 * the resourceVersion read; on 409 re-read and re-plan, bounded) -> record the revision -> report.
 * Order: the configuration is written first and the revision recorded after it. A crash in between leaves a change
 * with no record; the next rollback sees the live configuration differ from the last record and says so (drift).
 */
import {CliError, isApiStatus} from '../errors.js'
import {isTransient, type KubeClient} from '../kube/client.js'
import {explain} from '../kube/explain.js'
import {CONFIGMAP, KEY} from '../kube/kserve.js'
import {helmOwnership, type HelmOwnership} from '../domain/helm.js'
import {appendRecord, HISTORY_CONFIGMAP, HISTORY_LABELS, nextRevision, readRecords, sameValue, type RevisionRecord, type TargetChange} from '../domain/history.js'
import {imageName} from '../domain/image.js'
import {mergeDiff} from '../domain/merge-patch.js'
import type {Release} from '../domain/release.js'
import {fromResource, selectInjection} from '../domain/storage-containers.js'
import {parseStorageInitializer} from '../domain/storage-initializer.js'
import {inspect} from './inspect.js'

export type DryRun = 'none' | 'client' | 'server'
const CSC_PATH = '/apis/serving.kserve.io/v1alpha1/clusterstoragecontainers'

export interface Target {
  /** configmap | storage-container/NAME */
  id: string
  /** kubectl's name for it: configmap/inferenceservice-config */
  display: string
  kind: 'ConfigMap' | 'ClusterStorageContainer'
  path: string
  object: any
  /** ConfigMap: the storageInitializer text; storage container: spec.container */
  value: unknown
  /** storage container: enabled, and an init container */
  serving: boolean
}

export interface Live {
  namespace: string
  doc: Record<string, unknown>
  release?: Release
  version: string | null
  helm?: HelmOwnership
  targets: Target[]
}

export interface Planned {
  target: Target
  after: unknown
  /** what changes, for the report line: image, resource requirements */
  what: string
}

export type Planner = (live: Live) => Planned[]

export interface ChangeOptions {
  kserveNamespace?: string
  dryRun: DryRun
  fieldManager: string
  historyLimit: number
  command: string
  rollbackTo?: number
}

export interface Outcome {
  live: Live
  planned: Planned[]
  changed: Planned[]
  /** the resulting objects (server answers, or local results for a client dry run) */
  objects: any[]
  revision?: number
  /** running model pods whose storage-initializer differs from what they would get now, by namespace */
  stalePods?: Record<string, number>
}

export async function readLive(client: KubeClient, kserveNamespace?: string): Promise<Live> {
  const loaded = await inspect(client, kserveNamespace)
  const ns = loaded.inspection.kserve.namespace
  const cm = loaded.configMapObject
  const targets: Target[] = [
    {id: 'configmap', display: `configmap/${CONFIGMAP}`, kind: 'ConfigMap', path: `/api/v1/namespaces/${ns}/configmaps/${CONFIGMAP}`, object: cm, value: cm.data[KEY], serving: true},
    ...loaded.storageContainerObjects.map(o => {
      const sc = fromResource(o)
      return {
        id: `storage-container/${sc.name}`,
        display: `clusterstoragecontainer.serving.kserve.io/${sc.name}`,
        kind: 'ClusterStorageContainer' as const,
        path: `${CSC_PATH}/${encodeURIComponent(sc.name)}`,
        object: o,
        value: o.spec?.container ?? {},
        serving: !sc.disabled && sc.workloadType === 'initContainer',
      }
    }),
  ]
  return {namespace: ns, doc: loaded.doc, release: loaded.release, version: loaded.inspection.kserve.version, helm: helmOwnership(cm.metadata), targets}
}

/** Which targets a change applies to: default, every place that serves the ConfigMap's image repository today. */
export function selectTargets(live: Live, spec: string[] | undefined): Target[] {
  const cm = live.targets[0]
  if (!spec || spec.length === 0) {
    const repo = typeof live.doc.image === 'string' ? imageName(live.doc.image) : undefined
    return [cm, ...live.targets.slice(1).filter(t => t.serving && typeof (t.value as any)?.image === 'string' && imageName((t.value as any).image) === repo)]
  }
  const out: Target[] = []
  for (const s of spec.flatMap(x => x.split(',')).map(x => x.trim()).filter(Boolean)) {
    if (s === 'all') out.push(...live.targets)
    else if (s === 'configmap') out.push(cm)
    else if (s.startsWith('storage-container/')) {
      const t = live.targets.find(x => x.id === s)
      if (!t) {
        const known = live.targets.slice(1).map(x => x.id)
        throw new CliError('NotFound', `--target ${s}: no such ClusterStorageContainer`, {hint: known.length ? `known: ${known.join(', ')}` : 'the cluster has none'})
      }
      out.push(t)
    } else throw new CliError('Usage', `--target ${s}: expected configmap, storage-container/NAME or all`)
  }
  return [...new Set(out)]
}

function withValue(t: Target, after: unknown): any {
  const o = structuredClone(t.object)
  if (t.kind === 'ConfigMap') o.data = {...o.data, [KEY]: after}
  else o.spec = {...o.spec, container: after}
  return o
}

function resource(t: Target): {resource: string; namespace?: string; group: string} {
  return t.kind === 'ConfigMap' ? {resource: 'configmaps', namespace: t.object.metadata.namespace, group: ''} : {resource: 'clusterstoragecontainers', group: 'serving.kserve.io'}
}

async function write(client: KubeClient, p: Planned, opts: ChangeOptions): Promise<any> {
  const t = p.target
  const body =
    t.kind === 'ConfigMap'
      ? {metadata: {resourceVersion: t.object.metadata.resourceVersion}, data: {[KEY]: p.after}}
      : {metadata: {resourceVersion: t.object.metadata.resourceVersion}, spec: {container: mergeDiff(t.value, p.after)}}
  return client.request('PATCH', t.path, {
    body,
    contentType: 'application/merge-patch+json',
    query: {fieldManager: opts.fieldManager, dryRun: opts.dryRun === 'server' ? 'All' : undefined},
  })
}

/** Ask the API server, before writing anything, whether every write is allowed; refuse with one line if not. */
async function preflight(client: KubeClient, changed: Planned[], historyNamespace: string): Promise<void> {
  const checks: {verb: string; resource: string; group: string; namespace?: string; why: string}[] = changed.map(p => ({verb: 'patch', ...resource(p.target), why: `to change ${p.target.display}`}))
  checks.push({verb: 'create', resource: 'configmaps', group: '', namespace: historyNamespace, why: `to record the revision in configmap/${HISTORY_CONFIGMAP}`})
  checks.push({verb: 'patch', resource: 'configmaps', group: '', namespace: historyNamespace, why: `to record the revision in configmap/${HISTORY_CONFIGMAP}`})
  const answers = await Promise.all(
    checks.map(c =>
      client
        .request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
          body: {apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: {resourceAttributes: {verb: c.verb, resource: c.resource, group: c.group, namespace: c.namespace}}},
        })
        .then(r => r?.status?.allowed !== false)
        .catch(() => true), // no answer: let the write itself decide
    ),
  )
  const denied = checks.find((_, i) => !answers[i])
  if (denied) {
    const res = denied.group ? `${denied.resource}.${denied.group}` : denied.resource
    throw new CliError('Forbidden', `forbidden: user "${client.context.user}" cannot ${denied.verb} ${res}${denied.namespace ? ` in namespace "${denied.namespace}"` : ''} (needed ${denied.why}); nothing was changed`, {
      hint: `try: kubectl auth can-i ${denied.verb} ${res}${denied.namespace ? ` -n ${denied.namespace}` : ''}`,
    })
  }
}

async function whoAmI(client: KubeClient): Promise<string> {
  try {
    const r = await client.request('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {body: {apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview'}})
    return r?.status?.userInfo?.username || client.context.user
  } catch {
    return client.context.user
  }
}

export async function readHistory(client: KubeClient, namespace: string): Promise<{object: any | undefined; records: RevisionRecord[]}> {
  try {
    const object = await client.get(`/api/v1/namespaces/${namespace}/configmaps/${HISTORY_CONFIGMAP}`)
    return {object, records: readRecords(object.data)}
  } catch (e) {
    if (isApiStatus(e, 404)) return {object: undefined, records: []}
    throw explain(e, client, {verb: 'get', resource: 'configmaps', namespace, name: HISTORY_CONFIGMAP})
  }
}

async function record(client: KubeClient, namespace: string, rec: Omit<RevisionRecord, 'revision'>, limit: number): Promise<number> {
  let last: unknown
  for (let attempt = 0; attempt < 5; attempt++) {
    const {object, records} = await readHistory(client, namespace)
    // a write whose answer was lost may have happened: the same record is there already
    const mine = records.find(r => r.time === rec.time && r.user === rec.user && r.command === rec.command)
    if (mine) return mine.revision
    const revision = nextRevision(records)
    const full: RevisionRecord = {revision, ...rec}
    try {
      if (!object) {
        await client.request('POST', `/api/v1/namespaces/${namespace}/configmaps`, {
          body: {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: HISTORY_CONFIGMAP, namespace, labels: HISTORY_LABELS}, data: appendRecord({}, full, limit)},
        })
      } else {
        await client.request('PATCH', `/api/v1/namespaces/${namespace}/configmaps/${HISTORY_CONFIGMAP}`, {
          body: {metadata: {resourceVersion: object.metadata.resourceVersion}, data: appendRecord(object.data, full, limit)},
          contentType: 'application/merge-patch+json',
        })
      }
      return revision
    } catch (e) {
      // another writer's record (409), or a write that may not have happened: re-read and try again; the write is
      // conditional on the resourceVersion, so a record can neither be lost nor overwrite another
      last = e
      if (isApiStatus(e, 409)) continue
      if (isTransient(e)) {
        await new Promise(r => setTimeout(r, 200 * (attempt + 1)))
        continue
      }
      break
    }
  }
  const why = last && !isApiStatus(last, 409) ? explain(last, client, {verb: 'patch', resource: 'configmaps', namespace, name: HISTORY_CONFIGMAP}).message : 'it kept conflicting with other writers'
  throw new CliError('Server', `the change was applied, but recording it in configmap ${namespace}/${HISTORY_CONFIGMAP} failed: ${why}`, {
    hint: 'the next change or rollback reports the unrecorded difference as drift; kubectl storage-init rollback --list shows what was recorded',
  })
}

/** Model pods that run a different storage-initializer than they would get now, counted by namespace. */
async function stalePods(client: KubeClient, live: Live, applied: Planned[]): Promise<Record<string, number> | undefined> {
  let pods: any[]
  try {
    pods = (await client.get('/api/v1/pods', {labelSelector: 'serving.kserve.io/inferenceservice'})).items ?? []
  } catch {
    return undefined
  }
  const value = (t: Target) => applied.find(p => p.target === t)?.after ?? t.value
  const doc = parseStorageInitializer(value(live.targets[0]) as string)
  const containers = live.targets.slice(1).map(t => fromResource(withValue(t, value(t))))
  const out: Record<string, number> = {}
  for (const p of pods) {
    const init = (p.spec?.initContainers ?? []).find((c: any) => c.name === 'storage-initializer')
    const uri = p.metadata?.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri']
    if (!init || !uri) continue
    const want = selectInjection(uri, doc, containers, {release: live.release})
    const res = (k: 'requests' | 'limits', r: string) => init.resources?.[k]?.[r] ?? ''
    const stale =
      want.image !== undefined &&
      (init.image !== want.image || ['requests', 'limits'].some(k => ['cpu', 'memory'].some(r => res(k as 'requests', r) !== (want.resources?.[k as 'requests']?.[r] ?? ''))))
    if (stale) out[p.metadata.namespace] = (out[p.metadata.namespace] ?? 0) + 1
  }
  return out
}

/** Run a change through the pipeline. Validation errors thrown by the planner leave the cluster untouched. */
export async function runChange(client: KubeClient, plan: Planner, opts: ChangeOptions): Promise<Outcome> {
  const applied = new Map<string, TargetChange>()
  const results = new Map<string, any>()
  let userP: Promise<string> | undefined
  let checked = false
  for (let attempt = 0; attempt < 5; attempt++) {
    const live = await readLive(client, opts.kserveNamespace)
    const planned = plan(live)
    const changed = planned.filter(p => !sameValue(p.target.value, p.after))
    if (changed.length === 0 && applied.size === 0) return {live, planned, changed, objects: planned.map(p => p.target.object)}
    if (opts.dryRun === 'client') return {live, planned, changed, objects: planned.map(p => withValue(p.target, p.after))}
    if (opts.dryRun === 'none' && !checked) {
      userP = whoAmI(client)
      await preflight(client, changed, live.namespace)
      checked = true
    }
    let conflict = false
    for (const p of changed) {
      try {
        results.set(p.target.id, await write(client, p, opts))
        const prev = applied.get(p.target.id)
        applied.set(p.target.id, {target: p.target.id, before: prev ? prev.before : p.target.value, after: p.after})
      } catch (e) {
        // a conflict, or a write that may not have happened (throttled, server error, reset): re-read and re-plan;
        // the write is conditional on the resourceVersion, so it can never apply twice or over someone else's change
        if (isApiStatus(e, 409) || isTransient(e)) {
          conflict = true
          // a busy writer: back off, with jitter, so that competing writers do not collide in step
          await new Promise(r => setTimeout(r, (isTransient(e) ? 200 : 50) * (attempt + 1) * (0.5 + Math.random())))
          break
        }
        const done = [...applied.keys()]
        const err = explain(e, client, {verb: 'patch', ...resource(p.target), name: p.target.object.metadata.name})
        if (done.length === 0 || opts.dryRun !== 'none') throw err
        // what was written is recorded, so that rollback can undo it
        let recorded = ''
        try {
          const n = await record(client, live.namespace, {time: new Date().toISOString(), user: await (userP ?? whoAmI(client)), command: `${opts.command} (incomplete: ${p.target.id} failed)`, targets: [...applied.values()], ...(opts.rollbackTo !== undefined ? {rollbackTo: opts.rollbackTo} : {})}, opts.historyLimit)
          recorded = `, recorded as revision ${n}`
        } catch {
          recorded = ', not recorded'
        }
        const left = changed.slice(changed.indexOf(p)).map(x => x.target.id)
        throw new CliError((err as CliError).kind ?? 'Server', `${err.message}; changed: ${done.join(', ')}${recorded}; not changed: ${left.join(', ')}`, {
          hint: `run the same command again to finish`,
        })
      }
    }
    if (conflict) continue
    const objects = planned.map(p => results.get(p.target.id) ?? p.target.object)
    if (opts.dryRun === 'server') return {live, planned, changed, objects}
    const revision = await record(client, live.namespace, {time: new Date().toISOString(), user: await (userP ?? whoAmI(client)), command: opts.command, targets: [...applied.values()], ...(opts.rollbackTo !== undefined ? {rollbackTo: opts.rollbackTo} : {})}, opts.historyLimit)
    const stale = await stalePods(client, live, planned)
    return {live, planned, changed: planned.filter(p => applied.has(p.target.id)), objects, revision, stalePods: stale}
  }
  throw new CliError('Conflict', 'the configuration kept changing under us (5 attempts): another writer is busy; nothing of theirs was overwritten', {hint: 'try again in a moment'})
}
