/**
 * The history ConfigMap against the API server's 1 MiB limit, in-process: changes of a large storageInitializer value
 * are recorded with the oldest revisions dropped to stay under it; a record that cannot fit even alone, or a server
 * that still refuses, gives one line saying the change was applied but not recorded.
 */
import {runChange} from '../../src/core/change.js'
import {imagePlanner} from '../../src/core/settings.js'
import {CONFIGMAP_DATA_LIMIT, HISTORY_CONFIGMAP, utf8Bytes} from '../../src/domain/history.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {readHistory, recordRevision} from '../../src/kube/history-store.js'
import {changeOptions, type InProcess, inProcess, liveConfig} from './harness.js'

let s: InProcess
beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
})
afterEach(() => s.stop())

const opts = changeOptions
const image = (tag: string) => imagePlanner(imageChangeOf({tag}, false), {allowUnpinned: false, warn: () => {}})
const history = () => s.cluster.store.get('/configmaps', 'kserve', HISTORY_CONFIGMAP)
const dataBytes = (o: any) => Object.values<string>(o?.data ?? {}).reduce((n, v) => n + utf8Bytes(v), 0)

/** Pad KServe's storageInitializer value with a field of `bytes` characters (kept byte for byte by every change). */
function padStorageInitializer(bytes: number): void {
  const o = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  o.data.storageInitializer = o.data.storageInitializer.replace(/^\s*\{/, `{\n    "padding": "${'x'.repeat(bytes)}",`)
  s.cluster.store.update('/configmaps', o)
}

test('changes of a ~400 KB value: each is recorded, older revisions are dropped, the history stays under 1 MiB', async () => {
  padStorageInitializer(400_000)
  for (const [i, tag] of ['v0.40.1', 'v0.40.2', 'v0.40.3'].entries()) {
    const out = await runChange(s.client, image(tag), opts())
    expect(out.revision).toBe(i + 1)
    expect(liveConfig(s).image).toBe(`kserve/storage-initializer:${tag}`)
    expect(dataBytes(history())).toBeLessThan(CONFIGMAP_DATA_LIMIT)
  }
  // a record holds the value before and after (~800 KB): only the newest fits
  const h = await readHistory(s.client, 'kserve')
  expect(h.records.map(r => r.revision)).toEqual([3])
  expect(h.records[0].targets.find(t => t.target === 'configmap')?.after).toContain('v0.40.3')
  // the revisions dropped, for the caller's note
  const rec = {time: new Date().toISOString(), user: 'u', command: 'c', targets: h.records[0].targets}
  expect(await recordRevision(s.client, 'kserve', rec, 10)).toEqual({revision: 4, pruned: [3]})
})

test('a ~700 KB value: the record alone (before and after) is over the limit; the change is applied, the error says it was not recorded', async () => {
  padStorageInitializer(700_000)
  const err = await runChange(s.client, image('v0.41.0'), opts()).catch(e => e)
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.41.0')
  expect(err).toBeInstanceOf(Error)
  expect(err.message).toMatch(
    /^the change was applied, but it could not be recorded in configmap kserve\/storage-initializer-history: the record alone is 14\d{5} bytes, over the 983040 bytes the history keeps under the 1 MiB ConfigMap limit$/,
  )
  expect(err.hint).toMatch(/rollback cannot undo this change/)
  expect(history()).toBeUndefined()
})

test('a server that still refuses the history as too long: one line, the change applied', async () => {
  padStorageInitializer(400_000)
  // a server stricter than the plugin's estimate
  s.cluster.limits.secretData = 600_000
  const err = await runChange(s.client, image('v0.42.0'), opts()).catch(e => e)
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.42.0')
  expect(err.message).toBe(
    `the change was applied, but recording it failed because configmap kserve/storage-initializer-history is over the API server's 1 MiB limit (ConfigMap "storage-initializer-history" is invalid: []: Too long: must have at most 600000 bytes)`,
  )
  expect(err.hint).toBe('lower --history-limit, or delete old revisions: kubectl edit configmap storage-initializer-history -n kserve')
})

test("etcd's request limit (a smaller --max-request-bytes): refused at once, not retried, in the same words", async () => {
  padStorageInitializer(400_000)
  s.cluster.store.maxRequestBytes = 700_000
  const started = Date.now()
  const err = await runChange(s.client, image('v0.43.0'), opts()).catch(e => e)
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.43.0')
  expect(err.message).toMatch(/^the change was applied, but recording it failed because .* \(etcdserver: request is too large\)$/)
  expect(s.cluster.requests.filter(r => r.method === 'POST' && r.path.endsWith('/configmaps'))).toHaveLength(1)
  expect(Date.now() - started).toBeLessThan(5000)
})
