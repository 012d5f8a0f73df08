/**
 * Write safety (#26) in-process against the simulated cluster: --force overrides outside edits only; writing what KServe
 * rejects (invalid JSON from a record, a storageContainerName naming no usable container) needs its own flag.
 */
import {runChange} from '../../src/core/change.js'
import {historyItem, loadHistory, planRollback, type RollbackRequest} from '../../src/core/rollback.js'
import {renderRevision} from '../../src/render/history.js'
import {reportLines} from '../../src/render/change.js'
import {validateLive} from '../../src/core/validate.js'
import {imagePlanner, resourcesPlanner} from '../../src/core/settings.js'
import {resourceChangeOf} from '../../src/domain/plans/resources.js'
import {revisionKey, type RevisionRecord} from '../../src/domain/history.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {dedicatedName, exactRe2, planModelChange} from '../../src/domain/plans/model.js'
import {DEDICATED_LABELS, MODEL_ANNOTATION} from '../../src/domain/plans/target.js'
import {kubectl} from '../helpers.js'
import {changeOptions, forgeRecord, inProcess, type InProcess, rollbackIn} from './harness.js'

let s: InProcess
beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
  await runChange(s.client, imagePlanner(imageChangeOf({tag: 'v0.30.1'}, false), {allowUnpinned: false, warn: () => {}}), opts())
})
afterEach(() => s.stop())

const opts = changeOptions
const cm = () => s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')

const forge = (revision: number, edit: (r: RevisionRecord) => RevisionRecord) => forgeRecord(s, revision, edit)

const rollback = (req: Partial<RollbackRequest> = {}, allowRejected = false) => rollbackIn(s, req, {allowRejected})

test('a record whose before is not valid JSON: --force does not write it, --allow-rejected-config does, saying so first', async () => {
  forge(1, r => ({...r, targets: r.targets.map(t => (t.target === 'configmap' ? {...t, before: '{"image": "x:1",'} : t))}))
  const before = cm().data.storageInitializer
  for (const force of [false, true]) {
    const err = await rollback({force, allowFields: ['all']}).catch(e => e)
    expect(err.message).toMatch(/would write a configuration KServe rejects: SI001 .*; nothing was changed$/)
    expect(err.hint).toMatch(/KServe would refuse .*--allow-rejected-config/)
  }
  expect(cm().data.storageInitializer).toBe(before)
  const {warnings} = await rollback({allowFields: ['all']}, true)
  expect(cm().data.storageInitializer).toBe('{"image": "x:1",')
  expect(warnings.join('\n')).toMatch(/--allow-rejected-config: writing a configuration KServe rejects .*SI001/)
})

test('a storageContainerName naming a container that does not exist is refused (SI061): KServe would refuse the pods', async () => {
  // the record of a per-model change whose container is gone: undoing it would name the missing container
  const h = s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  const record: RevisionRecord = {
    revision: 2,
    time: new Date().toISOString(),
    user: 'sim-admin',
    command: 'kubectl storage-init set-image --isvc sklearn-iris -n ml --tag v1',
    targets: [{target: 'inferenceservice/ml/sklearn-iris', before: 'storage-init-ml-sklearn-iris', after: null}],
  }
  s.cluster.store.update('/configmaps', {...h, data: {...h.data, [revisionKey(2)]: JSON.stringify(record)}})
  await expect(rollback({force: true})).rejects.toThrow(
    /SI061 inferenceservice\/ml\/sklearn-iris:spec.predictor.storageContainerName: ml\/sklearn-iris: ClusterStorageContainer "storage-init-ml-sklearn-iris" not found/,
  )
  expect(
    s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'sklearn-iris').spec.predictor.storageContainerName,
  ).toBeUndefined()
})

test('a deleted ConfigMap: history stays readable, set-* say so, and a rollback recreates it (only if still absent)', async () => {
  const recorded = cm().data.storageInitializer
  const del = await kubectl(s.kubeconfig, ['delete', 'configmap', 'inferenceservice-config', '-n', 'kserve'])
  expect(del.code).toBe(0)
  // found through the history, with or without --kserve-namespace
  for (const ns of [undefined, 'kserve']) {
    const {live, items} = await loadHistory(s.client, ns)
    expect(live.namespace).toBe('kserve')
    expect(items.map(i => i.revision)).toEqual([1])
  }
  await expect(
    runChange(s.client, imagePlanner(imageChangeOf({tag: 'v0.30.2'}, false), {allowUnpinned: false, warn: () => {}}), opts()),
  ).rejects.toThrow(/configmap kserve\/inferenceservice-config does not exist \(deleted\?\); its history is still there/)
  const {outcome, warnings} = await rollback({toRevision: 1, targets: ['configmap']})
  expect(warnings.join('\n')).toMatch(/does not exist: rolling back to revision 1 recreates it .*KServe's other keys/)
  expect(outcome.changed.map(p => p.what)).toEqual(['recreated and rolled back'])
  expect(cm().data).toEqual({storageInitializer: recorded})
  // recorded like any change, and undone like one
  expect(outcome.revision).toBe(2)
})

test('per-model: another writer creates and names the container between our two reads: read again, no false "not found"', async () => {
  const ref = {kind: 'InferenceService' as const, namespace: 'ml', name: 'sklearn-iris'}
  const name = dedicatedName(ref)
  const isvc = () => s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'sklearn-iris')
  const uri = isvc().spec.predictor.model.storageUri
  // our containers list is read, then (the other writer: container first, then the field) then our model
  s.cluster.faults.add({
    verb: 'get',
    resource: 'inferenceservices',
    name: 'sklearn-iris',
    count: 1,
    before: () => {
      s.cluster.store.create('serving.kserve.io/clusterstoragecontainers', {
        apiVersion: 'serving.kserve.io/v1alpha1',
        kind: 'ClusterStorageContainer',
        metadata: {name, labels: {...DEDICATED_LABELS}, annotations: {[MODEL_ANNOTATION]: 'ml/sklearn-iris'}},
        spec: {
          container: {
            name: 'storage-initializer',
            image: 'kserve/storage-initializer:v0.30.1',
            resources: {requests: {memory: '1Gi'}, limits: {memory: '1Gi'}},
          },
          supportedUriFormats: [{regex: exactRe2(uri)}],
          workloadType: 'initContainer',
        },
      })
      const o = isvc()
      s.cluster.store.update('serving.kserve.io/inferenceservices', {
        ...o,
        spec: {...o.spec, predictor: {...o.spec.predictor, storageContainerName: name}},
      })
    },
  })
  const change = {
    what: 'resource requirements',
    apply: (c: any) => ({...c, resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}}),
  }
  await runChange(s.client, live => planModelChange(live, ref, change, () => {}), opts({models: [ref]}))
  expect(s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, name).spec.container.resources.limits.memory).toBe(
    '8Gi',
  )
  expect(isvc().spec.predictor.storageContainerName).toBe(name)
})

test('history --revision N of a damaged entry shows what is damaged, and how to repair it', async () => {
  const h = s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
  s.cluster.store.update('/configmaps', {...h, data: {...h.data, [revisionKey(2)]: '{"revision": 2, "targets": ['}})
  const {live, items} = await loadHistory(s.client)
  const out = await renderRevision(live.namespace, historyItem(live, items, 2))
  expect(out).toMatch(/^Revision: {5}2\nStatus: {7}damaged\nDamaged: {6}not valid JSON \(.*\)\nStored: {7}\{"revision": 2, "targets": \[\n/)
  expect(out).toContain('Repair:       kubectl edit configmap storage-initializer-history -n kserve (key revision-000002)')
  expect(JSON.parse(await renderRevision(live.namespace, historyItem(live, items, 2), 'json'))).toMatchObject({
    status: 'damaged',
    stored: '{"revision": 2, "targets": [',
  })
})

test('per-model: a model sharing the URI makes a container for one alone impossible: refused, with a hint that works', async () => {
  const ref = {kind: 'InferenceService' as const, namespace: 'ml', name: 'sklearn-iris'}
  const isvc = s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'sklearn-iris')
  s.cluster.store.create('serving.kserve.io/inferenceservices', {...isvc, metadata: {name: 'twin', namespace: 'ml'}, status: undefined})
  const change = {
    what: 'resource requirements',
    apply: (c: any) => ({...c, resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}}),
  }
  const run = () => runChange(s.client, live => planModelChange(live, ref, change, () => {}), opts({models: [ref]}))
  const err = await run().catch(e => e)
  expect(err.message).toMatch(
    /^ml\/twin has the same storage URI as ml\/sklearn-iris \(gs:\/\/.*\): a container for sklearn-iris alone cannot exist, since the webhook would give it to it too; nothing was changed$/,
  )
  expect(err.hint).toContain(
    `kubectl patch inferenceservice twin -n ml --type=merge -p '{"spec":{"predictor":{"storageContainerName":"default"}}}'`,
  )
  expect(s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, dedicatedName(ref))).toBeUndefined()
  // what the hint says, then the change: twin keeps what it had, pinned; no SI058
  const twin = s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'twin')
  s.cluster.store.update('serving.kserve.io/inferenceservices', {
    ...twin,
    spec: {...twin.spec, predictor: {...twin.spec.predictor, storageContainerName: 'default'}},
  })
  await run()
  const report = await validateLive(s.client)
  expect(report.findings.filter(f => f.severity === 'error')).toEqual([])
})

test('per-model: undo of an undo brings back the container and the field naming it, container first', async () => {
  const ref = {kind: 'InferenceService' as const, namespace: 'ml', name: 'sklearn-iris'}
  const name = dedicatedName(ref)
  const change = {
    what: 'resource requirements',
    apply: (c: any) => ({...c, resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}}),
  }
  await runChange(s.client, live => planModelChange(live, ref, change, () => {}), opts({models: [ref]}))
  const made = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, name)
  const field = () => s.cluster.store.get('serving.kserve.io/inferenceservices', 'ml', 'sklearn-iris').spec.predictor.storageContainerName
  await rollback()
  expect(s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, name)).toBeUndefined()
  expect(field()).toBeUndefined()
  const {outcome} = await rollback()
  expect(outcome.changed.map(p => `${p.target.id} ${p.what}`)).toEqual([
    `storage-container/${name} recreated and rolled back`,
    'inferenceservice/ml/sklearn-iris rolled back',
  ])
  const again = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, name)
  expect(again.spec).toEqual(made.spec)
  expect(again.metadata.labels).toEqual(made.metadata.labels)
  expect(field()).toBe(name)
  expect((await validateLive(s.client)).findings.filter(f => f.severity === 'error')).toEqual([])
})

test('"already matches" says so when an outside edit put the value there', async () => {
  const c = cm()
  const doc = JSON.parse(c.data.storageInitializer)
  s.cluster.store.update('/configmaps', {
    ...c,
    data: {...c.data, storageInitializer: JSON.stringify({...doc, image: 'kserve/storage-initializer:v0.20.0'})},
  })
  let details: Record<string, string[]> = {}
  const outcome = await runChange(
    s.client,
    live => {
      const p = planRollback(live, {force: false}, {warn: () => {}, diff: () => {}})
      details = p.details
      return p
    },
    opts({requireDoc: false}),
  )
  const lines = reportLines(outcome, 'none', 'rolled back', details)
  expect(lines[0]).toBe('configmap/inferenceservice-config already matches')
  expect(lines[1]).toBe('  changed outside kubectl storage-init since revision 1, to what undoing revision 1 restores')
})

test('a conflict names the revision that recorded each target, not the newest one when it did not touch it', async () => {
  await runChange(s.client, resourcesPlanner(resourceChangeOf({limits: 'memory=2Gi'}), ['configmap']), opts())
  const c = s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')
  s.cluster.store.update('serving.kserve.io/clusterstoragecontainers', {
    ...c,
    spec: {...c.spec, container: {...c.spec.container, image: 'someone/else:v1'}},
  })
  await expect(rollback({toRevision: 0})).rejects.toThrow(
    /^the live configuration differs from what kubectl storage-init last recorded \(storage-container\/default at revision 1\), in what rolling back to revision 0 changes/,
  )
})
