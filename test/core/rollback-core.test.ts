/**
 * Rollback (src/core/rollback.ts over the change pipeline) in-process against the simulated cluster: two changes, one
 * undone; an outside edit of another field kept (three-way merge), one of the same field refused unless forced; the
 * history gaining the rollback's record, as `history` shows it.
 */
import {runChange} from '../../src/core/change.js'
import {historyItem, loadHistory, planRollback, type RollbackRequest} from '../../src/core/rollback.js'
import {imagePlanner, resourcesPlanner} from '../../src/core/settings.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {resourceChangeOf} from '../../src/domain/plans/resources.js'
import {readHistory} from '../../src/kube/history-store.js'
import {renderHistory, renderRevision} from '../../src/render/history.js'
import {changeOptions, inProcess, type InProcess, liveConfig, rollbackIn} from './harness.js'

let s: InProcess
/** the storageInitializer as first read, before any change */
let original: Record<string, unknown>
beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
  original = liveConfig(s)
  // revision 1: the image; revision 2: the ConfigMap's memory limit
  await runChange(s.client, imagePlanner(imageChangeOf({tag: 'v0.30.1'}, false), {allowUnpinned: false, warn: () => {}}), opts())
  await runChange(s.client, resourcesPlanner(resourceChangeOf({limits: 'memory=2Gi'}), ['configmap']), opts())
})
afterEach(() => s.stop())

const opts = changeOptions
const csc = () => s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')

/** an edit made outside the plugin (kubectl edit), of the storageInitializer's fields */
function editOutside(fields: Record<string, string>): void {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  s.cluster.store.update('/configmaps', {
    ...cm,
    data: {...cm.data, storageInitializer: JSON.stringify({...JSON.parse(cm.data.storageInitializer), ...fields}, null, 4)},
  })
}

/** Roll back as the command does: the plan's warnings and diffs collected, the plan kept for its report lines. */
const rollback = (req: Partial<RollbackRequest> = {}) => rollbackIn(s, req)

test('undoing the newest change restores what it changed, and only that', async () => {
  expect(liveConfig(s)).toMatchObject({image: 'kserve/storage-initializer:v0.30.1', memoryLimit: '2Gi'})
  const {outcome, plan} = await rollback()
  expect(plan.verb).toBe('to revision 1')
  expect(outcome.revision).toBe(3)
  expect(liveConfig(s)).toEqual({...original, image: 'kserve/storage-initializer:v0.30.1'})
  // the ClusterStorageContainer was not part of revision 2: untouched
  expect(csc().spec.container.image).toBe('kserve/storage-initializer:v0.30.1')
})

test('to revision 0: every recorded target back to its state before the oldest record, recorded as a rollback', async () => {
  const {plan} = await rollback({toRevision: 0})
  expect(plan.verb).toBe('to revision 0')
  expect(liveConfig(s)).toEqual(original)
  expect(csc().spec.container.image).toBe('kserve/storage-initializer:v0.20.0')
  expect((await readHistory(s.client, 'kserve')).records[2]).toMatchObject({revision: 3, rollbackTo: 0})
})

test('an outside edit of another field since the newest record is kept, and said', async () => {
  editOutside({cpuLimit: '3'})
  const {plan, said} = await rollback()
  expect(liveConfig(s)).toMatchObject({image: 'kserve/storage-initializer:v0.30.1', memoryLimit: original.memoryLimit, cpuLimit: '3'})
  expect(said.warnings).toContain(
    'keeping the changes made outside kubectl storage-init since revision 2: configmap/inferenceservice-config (cpuLimit); undoing revision 2 sets only the fields it changes',
  )
  // nothing was edited between revisions 1 and 2: the state before revision 2 is revision 1
  expect(plan.verb).toBe('to revision 1')
  const [, , record] = (await readHistory(s.client, 'kserve')).records
  expect(record).toMatchObject({revision: 3, undo: 2, drift: ['configmap']})
  expect(JSON.parse(record.targets[0].before as string).cpuLimit).toBe('3')
})

test('an outside edit of the same field is refused without --force, with the difference shown; --force overwrites it and keeps the rest', async () => {
  editOutside({memoryLimit: '3Gi', cpuLimit: '3'})
  const err = await rollback().catch(e => e)
  expect(err.kind).toBe('Conflict')
  expect(err.message).toBe(
    'the live configuration differs from what revision 2 recorded (configmap), in what undoing revision 2 changes: configmap memoryLimit (live "3Gi", rollback "1Gi"); rolling back would overwrite that, so nothing was changed',
  )
  expect(liveConfig(s)).toMatchObject({memoryLimit: '3Gi', cpuLimit: '3'})
  expect((await readHistory(s.client, 'kserve')).records).toHaveLength(2)

  const forced = await rollback({force: true})
  expect(forced.said.warnings).toContain(
    '--force: overwriting changes made outside kubectl storage-init since revision 2: configmap memoryLimit (live "3Gi", rollback "1Gi")',
  )
  expect(liveConfig(s)).toMatchObject({memoryLimit: '1Gi', cpuLimit: '3', image: 'kserve/storage-initializer:v0.30.1'})
  expect((await readHistory(s.client, 'kserve')).records).toHaveLength(3)
})

test('the conflict check is per field: a refused rollback shows the diff of the target in conflict', async () => {
  editOutside({memoryLimit: '3Gi'})
  const said: string[] = []
  await expect(
    runChange(
      s.client,
      live => planRollback(live, {force: false}, {warn: () => {}, diff: target => said.push(target)}),
      opts({requireDoc: false}),
    ),
  ).rejects.toThrow(/^the live configuration differs from what revision 2 recorded/)
  expect(said).toEqual(['configmap'])
})

test('the history gains the rollback record; history shows it current and the others superseded', async () => {
  await rollback()
  const {live, items} = await loadHistory(s.client)
  expect(items.map(i => [i.revision, i.status])).toEqual([
    [1, 'superseded'],
    [2, 'superseded'],
    [3, 'current'],
  ])
  expect(items[2].description).toBe('Undo of revision 2: memoryLimit=1Gi (configmap)')
  expect(items[2].command).toBe('kubectl storage-init test')

  const table = await renderHistory(live.namespace, items, {max: 2})
  expect(table.stderr).toBe('')
  expect(table.stdout.split('\n')[0]).toMatch(/^REVISION\s+/)
  expect(table.stdout).not.toMatch(/^1\s/m)
  expect(table.stdout).toMatch(/^3\s.*current.*Undo of revision 2: memoryLimit=1Gi \(configmap\)/m)
  const list = JSON.parse((await renderHistory(live.namespace, items, {output: 'json'})).stdout)
  expect(list).toMatchObject({apiVersion: expect.any(String), kind: 'RevisionList', namespace: 'kserve'})
  expect(list.items.map((i: {revision: number}) => i.revision)).toEqual([1, 2, 3])
  const one = JSON.parse(await renderRevision(live.namespace, historyItem(live, items, 3), 'json'))
  expect(one).toMatchObject({kind: 'Revision', namespace: 'kserve', revision: 3, undo: 2, status: 'current'})
  expect(() => historyItem(live, items, 9)).toThrow('unable to find specified revision 9 in history')

  // a second undo undoes the first, like kubectl rollout undo
  await rollback()
  expect(liveConfig(s).memoryLimit).toBe('2Gi')
  expect((await readHistory(s.client, 'kserve')).records.map(r => r.undo)).toEqual([undefined, undefined, 2, 3])
})

test('with nothing recorded, history says so on stderr', async () => {
  const fresh = await inProcess('kserve-v0.15.2.yaml')
  try {
    const {live, items} = await loadHistory(fresh.client)
    expect(await renderHistory(live.namespace, items, {})).toEqual({
      stdout: '',
      stderr: 'No revisions recorded in configmap kserve/storage-initializer-history.\n',
    })
  } finally {
    fresh.stop()
  }
})
