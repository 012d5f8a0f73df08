/**
 * The change pipeline (src/core/change.ts, settings.ts) in-process against the simulated cluster: what is written, what
 * is recorded, and what the error says when only part of a change could be applied or recorded.
 */
import {runChange} from '../../src/core/change.js'
import {imagePlanner, resourcesPlanner} from '../../src/core/settings.js'
import {readHistory} from '../../src/kube/history-store.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {resourceChangeOf} from '../../src/domain/plans/resources.js'
import {changeOptions, type InProcess, inProcess, liveConfig} from './harness.js'

let s: InProcess
beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
})
afterEach(() => s.stop())

const opts = changeOptions
const image = (tag: string) => imagePlanner(imageChangeOf({tag}, false), {allowUnpinned: false, warn: () => {}})
const cm = () => s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
const csc = () => s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')

test('set-image writes the ConfigMap and the ClusterStorageContainer serving its repository, leaves every other key byte for byte, and records one revision', async () => {
  const before = cm()
  const out = await runChange(s.client, image('v0.30.1'), opts())
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.30.1')
  expect(csc().spec.container.image).toBe('kserve/storage-initializer:v0.30.1')
  const after = cm()
  for (const k of Object.keys(before.data).filter(k => k !== 'storageInitializer')) expect(after.data[k]).toBe(before.data[k])
  expect(after.data.storageInitializer).toBe(
    before.data.storageInitializer.replace(/"image" *: *"[^"]*"/, (m: string) => m.replace(/:v[^"]*"$/, ':v0.30.1"')),
  )
  expect(out.revision).toBe(1)
  const h = await readHistory(s.client, 'kserve')
  expect(h.records.map(r => [r.revision, r.command, r.targets.map(t => t.target)])).toEqual([
    [1, 'kubectl storage-init test', ['configmap', 'storage-container/default']],
  ])
})

test('set-resources maps --requests cpu to cpuRequest; a server dry run stores nothing and records nothing', async () => {
  const change = resourceChangeOf({requests: 'cpu=250m'})
  const dry = await runChange(s.client, resourcesPlanner(change), opts({dryRun: 'server'}))
  expect(dry.changed.length).toBeGreaterThan(0)
  expect(liveConfig(s).cpuRequest).not.toBe('250m')
  expect((await readHistory(s.client, 'kserve')).records).toHaveLength(0)
  await runChange(s.client, resourcesPlanner(change, ['configmap']), opts())
  expect(liveConfig(s).cpuRequest).toBe('250m')
})

test('a conflict re-reads and re-plans: the outside edit made in between survives, and one revision is recorded', async () => {
  // another writer changes a different field between our read and our write
  s.cluster.faults.add({
    verb: 'patch',
    resource: 'configmaps',
    name: 'inferenceservice-config',
    count: 1,
    before: () => {
      const o = cm()
      o.data.storageInitializer = o.data.storageInitializer.replace(/"memoryLimit": *"[^"]*"/, '"memoryLimit": "3Gi"')
      s.cluster.store.update('/configmaps', o)
    },
  })
  await runChange(s.client, image('v0.30.2'), opts())
  expect(liveConfig(s)).toMatchObject({image: 'kserve/storage-initializer:v0.30.2', memoryLimit: '3Gi'})
  expect((await readHistory(s.client, 'kserve')).records).toHaveLength(1)
})

// test/e2e/concurrency.test.ts met this under load: after the write, every read of the history failed transiently until
// the retries were spent, and the error did not say that the change had been applied (a refusal takes the same path, fast)
test('when the write is applied but the history cannot be read to record it, the error says that the change was applied', async () => {
  const why = /failed: forbidden: cannot get configmaps "storage-initializer-history" in namespace "kserve"/
  s.cluster.faults.add({verb: 'get', resource: 'configmaps', name: 'storage-initializer-history', after: 1, status: 403})
  const err = await runChange(s.client, image('v0.30.3'), opts()).catch(e => e)
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.30.3')
  expect(err.message).toMatch(/^the change was applied, but recording it in configmap kserve\/storage-initializer-history failed: /)
  expect(err.message).toMatch(why)
}, 20_000)

test('a write refused half-way is recorded as incomplete, and the error names what was and was not changed', async () => {
  s.cluster.faults.add({verb: 'patch', resource: 'clusterstoragecontainers', status: 403, count: 1})
  const err = await runChange(s.client, image('v0.30.4'), opts()).catch(e => e)
  expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.30.4')
  expect(csc().spec.container.image).not.toBe('kserve/storage-initializer:v0.30.4')
  expect(err.message).toMatch(/; changed: configmap, recorded as revision 1; not changed: storage-container\/default$/)
  const [r] = (await readHistory(s.client, 'kserve')).records
  expect(r).toMatchObject({revision: 1, incomplete: ['storage-container/default'], targets: [{target: 'configmap'}]})
})

test('conflicts that never end after part of a change was written: refused, and what was written is recorded', async () => {
  s.cluster.faults.add({verb: 'patch', resource: 'clusterstoragecontainers', status: 409})
  const err = await runChange(s.client, image('v0.30.5'), opts()).catch(e => e)
  expect(err.message).toMatch(
    /^the configuration kept changing under us \(5 attempts\).*; changed: configmap, recorded as revision 1; not changed: storage-container\/default$/,
  )
  const [r] = (await readHistory(s.client, 'kserve')).records
  expect(r).toMatchObject({
    incomplete: ['storage-container/default'],
    targets: [{target: 'configmap', after: expect.stringContaining('v0.30.5')}],
  })
}, 20_000)
