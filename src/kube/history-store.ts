/**
 * The revision history in the cluster: the ConfigMap storage-initializer-history beside KServe's, one data key per
 * record (domain/history.ts reads and writes the records). Appending is conditional on the resourceVersion read, so a
 * record is never lost nor overwrites another writer's.
 */
import {CliError, isApiStatus} from '../errors.js'
import {
  HISTORY_CONFIGMAP,
  HISTORY_LABELS,
  nextRevision,
  planAppend,
  readHistoryData,
  RecordTooLargeError,
  type DamagedRecord,
  type History,
  type RevisionRecord,
  type RolloutRecord,
} from '../domain/history.js'
import type {KubeClient} from './client.js'
import {explain} from './explain.js'
import {apiPath} from './paths.js'
import {Attempts, isTransient, POLICIES} from './retry.js'

export interface StoredHistory {
  /** the ConfigMap (undefined: none yet) */
  object: any | undefined
  records: RevisionRecord[]
  damaged: DamagedRecord[]
  history: History
}

/** The history of KServe's namespace (empty when there is none yet). */
export async function readHistory(client: KubeClient, namespace: string): Promise<StoredHistory> {
  try {
    return await fetchHistory(client, namespace)
  } catch (e) {
    throw explain(e, client, {verb: 'get', resource: 'configmaps', namespace, name: HISTORY_CONFIGMAP})
  }
}

/**
 * readHistory, with the API server's errors as they are (a retry tells transient ones apart); `retry: false` when the
 * caller's own loop retries it (appendRevision), so that the two do not multiply.
 */
async function fetchHistory(client: KubeClient, namespace: string, retry = true): Promise<StoredHistory> {
  try {
    const object = await client.request('GET', apiPath('configmaps', {namespace, name: HISTORY_CONFIGMAP}), {retry})
    const history = readHistoryData(object.data)
    return {object, records: history.records, damaged: history.damaged, history}
  } catch (e) {
    if (isApiStatus(e, 404)) return {object: undefined, records: [], damaged: [], history: {records: [], damaged: []}}
    throw e
  }
}

/** A record appended: its revision, and the older ones dropped to keep the ConfigMap under its size limit. */
export interface Recorded {
  revision: number
  /** revisions dropped, oldest first, to stay under the 1 MiB ConfigMap limit (not those --history-limit ages out) */
  pruned: number[]
}

/** Append a record as the next revision; returns its number. Called after the change it records was applied. */
export async function appendRevision(
  client: KubeClient,
  namespace: string,
  rec: Omit<RevisionRecord, 'revision'>,
  limit: number,
): Promise<number> {
  return (await recordRevision(client, namespace, rec, limit)).revision
}

/** The bytes of a ConfigMap's binaryData, decoded (the API server counts them against the 1 MiB with data). */
function binaryBytes(binaryData: Record<string, string> | undefined): number {
  return Object.values(binaryData ?? {}).reduce((n, v) => n + Buffer.from(String(v), 'base64').length, 0)
}

/** The API server's refusal of an object over its size limits: 422 Too long (ValidateConfigMap), or etcd's (500). */
const overLimit = (e: unknown): boolean =>
  (isApiStatus(e, 422) && /\bToo long\b/.test(e.message)) ||
  (isApiStatus(e) && /request is too large|Request entity too large/i.test(e.message))

/**
 * appendRevision, saying also which older revisions were dropped to keep the history ConfigMap under the API server's
 * 1 MiB limit (domain/history.ts planAppend): the newest --history-limit records are kept as long as they fit.
 */
export async function recordRevision(
  client: KubeClient,
  namespace: string,
  rec: Omit<RevisionRecord, 'revision'>,
  limit: number,
): Promise<Recorded> {
  const tries = new Attempts(POLICIES.record)
  let last: unknown
  let verb = 'get'
  for (;;) {
    try {
      verb = 'get'
      const {object, records, damaged} = await fetchHistory(client, namespace, false)
      // a write whose answer was lost may have happened: the same record is there already
      const mine = records.find(r => r.time === rec.time && r.user === rec.user && r.command === rec.command)
      if (mine) return {revision: mine.revision, pruned: []}
      const revision = nextRevision(records, damaged)
      const full: RevisionRecord = {revision, ...rec}
      const plan = planAppend(object?.data, full, limit, {otherBytes: binaryBytes(object?.binaryData)})
      verb = object ? 'patch' : 'create'
      if (!object) {
        await client.request('POST', apiPath('configmaps', {namespace}), {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {name: HISTORY_CONFIGMAP, namespace, labels: HISTORY_LABELS},
            data: plan.patch,
          },
        })
      } else {
        await client.request('PATCH', apiPath('configmaps', {namespace, name: HISTORY_CONFIGMAP}), {
          body: {metadata: {resourceVersion: object.metadata.resourceVersion}, data: plan.patch},
          contentType: 'application/merge-patch+json',
        })
      }
      return {revision, pruned: plan.pruned}
    } catch (e) {
      // another writer's record (409), or a read or write that failed transiently: read again and try again (an object
      // too large stays too large)
      last = e
      if (!(isApiStatus(e, 409) || isTransient(e)) || overLimit(e) || !(await tries.again(e))) break
    }
  }
  // whatever failed, the change itself was applied: say so, in one line
  const where = `configmap ${namespace}/${HISTORY_CONFIGMAP}`
  if (last instanceof RecordTooLargeError)
    throw new CliError('Server', `the change was applied, but it could not be recorded in ${where}: ${last.message}`, {
      hint:
        last.otherBytes > 0 && last.bytes <= last.budget
          ? `remove the keys that are not revisions from ${where}`
          : 'a record holds each changed value before and after; rollback cannot undo this change, so keep a copy of what it replaced, or keep the value smaller',
    })
  if (overLimit(last))
    throw new CliError(
      'Server',
      `the change was applied, but recording it failed because ${where} is over the API server's 1 MiB limit (${(last as Error).message})`,
      {hint: `lower --history-limit, or delete old revisions: kubectl edit configmap ${HISTORY_CONFIGMAP} -n ${namespace}`},
    )
  const why = isApiStatus(last, 409)
    ? 'it kept conflicting with other writers'
    : explain(last, client, {verb, resource: 'configmaps', namespace, name: HISTORY_CONFIGMAP}).message
  throw new CliError('Server', `the change was applied, but recording it in ${where} failed: ${why}`, {
    hint: 'the next change or rollback reports the unrecorded difference as drift; kubectl storage-init history shows what was recorded',
  })
}

/**
 * Note a rollout beside the newest change (the one it brought to the models): its record gets the rollout appended,
 * conditional on the history's resourceVersion (another writer: read again). Undefined: recorded; else why not, in one
 * line (no change recorded yet, or the newest record is damaged).
 */
export async function recordRollout(client: KubeClient, namespace: string, rollout: RolloutRecord): Promise<string | undefined> {
  const tries = new Attempts(POLICIES.record)
  for (;;) {
    const {object, records, damaged} = await fetchHistory(client, namespace, false)
    const newest = records[records.length - 1]
    if (!newest) return `the rollout is not recorded: configmap ${namespace}/${HISTORY_CONFIGMAP} holds no change to record it beside`
    if (damaged.some(d => d.revision > newest.revision))
      return `the rollout is not recorded: the newest revision in configmap ${namespace}/${HISTORY_CONFIGMAP} is damaged`
    const updated: RevisionRecord = {...newest, rollouts: [...(newest.rollouts ?? []), rollout].slice(-10)}
    try {
      await client.request('PATCH', apiPath('configmaps', {namespace, name: HISTORY_CONFIGMAP}), {
        body: {
          metadata: {resourceVersion: object.metadata.resourceVersion},
          data: {[`revision-${newest.revision}`]: JSON.stringify(updated)},
        },
        contentType: 'application/merge-patch+json',
      })
      return undefined
    } catch (e) {
      if (!(isApiStatus(e, 409) || isTransient(e)) || !(await tries.again(e))) throw e
    }
  }
}

/**
 * The namespace of the one history ConfigMap in the cluster, when KServe's ConfigMap cannot be found (deleted): the
 * history stays readable, and a rollback can recreate the ConfigMap from it. Undefined when there is none, several, or
 * the list is forbidden.
 */
export async function findHistoryNamespace(client: KubeClient): Promise<string | undefined> {
  try {
    const list = await client.get(apiPath('configmaps'), {fieldSelector: `metadata.name=${HISTORY_CONFIGMAP}`})
    const items: any[] = list.items ?? []
    return items.length === 1 ? items[0].metadata.namespace : undefined
  } catch (e) {
    if (isApiStatus(e, 403)) return undefined
    throw explain(e, client, {verb: 'list', resource: 'configmaps'})
  }
}
