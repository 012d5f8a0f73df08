/**
 * The revision history in the cluster: the ConfigMap storage-initializer-history beside KServe's, one data key per
 * record (domain/history.ts reads and writes the records). Appending is conditional on the resourceVersion read, so a
 * record is never lost nor overwrites another writer's.
 */
import {CliError, isApiStatus} from '../errors.js'
import {
  appendRecord,
  HISTORY_CONFIGMAP,
  HISTORY_LABELS,
  nextRevision,
  readHistoryData,
  type DamagedRecord,
  type History,
  type RevisionRecord,
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

/** Append a record as the next revision; returns its number. Called after the change it records was applied. */
export async function appendRevision(
  client: KubeClient,
  namespace: string,
  rec: Omit<RevisionRecord, 'revision'>,
  limit: number,
): Promise<number> {
  const tries = new Attempts(POLICIES.record)
  let last: unknown
  let verb = 'get'
  for (;;) {
    try {
      verb = 'get'
      const {object, records, damaged} = await fetchHistory(client, namespace, false)
      // a write whose answer was lost may have happened: the same record is there already
      const mine = records.find(r => r.time === rec.time && r.user === rec.user && r.command === rec.command)
      if (mine) return mine.revision
      const revision = nextRevision(records, damaged)
      const full: RevisionRecord = {revision, ...rec}
      verb = object ? 'patch' : 'create'
      if (!object) {
        await client.request('POST', apiPath('configmaps', {namespace}), {
          body: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {name: HISTORY_CONFIGMAP, namespace, labels: HISTORY_LABELS},
            data: appendRecord({}, full, limit),
          },
        })
      } else {
        await client.request('PATCH', apiPath('configmaps', {namespace, name: HISTORY_CONFIGMAP}), {
          body: {metadata: {resourceVersion: object.metadata.resourceVersion}, data: appendRecord(object.data, full, limit)},
          contentType: 'application/merge-patch+json',
        })
      }
      return revision
    } catch (e) {
      // another writer's record (409), or a read or write that failed transiently: read again and try again
      last = e
      if (!(isApiStatus(e, 409) || isTransient(e)) || !(await tries.again(e))) break
    }
  }
  // whatever failed, the change itself was applied: say so, in one line
  const why = isApiStatus(last, 409)
    ? 'it kept conflicting with other writers'
    : explain(last, client, {verb, resource: 'configmaps', namespace, name: HISTORY_CONFIGMAP}).message
  throw new CliError('Server', `the change was applied, but recording it in configmap ${namespace}/${HISTORY_CONFIGMAP} failed: ${why}`, {
    hint: 'the next change or rollback reports the unrecorded difference as drift; kubectl storage-init history shows what was recorded',
  })
}
