/**
 * Rollback in-process against the simulated cluster when the live storageInitializer sets a key twice or in another
 * case (issue #26 item 3): it merges on the keys as KServe (Go) reads them, where it used to call the text "not a JSON
 * object" and, with --force, replace the whole value, losing an outside edit of another field.
 */
import {runChange} from '../../src/core/change.js'
import type {RollbackRequest} from '../../src/core/rollback.js'
import {imagePlanner, resourcesPlanner} from '../../src/core/settings.js'
import {decodeStorageInitializer} from '../../src/domain/go-json.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {resourceChangeOf} from '../../src/domain/plans/resources.js'
import {readHistory} from '../../src/kube/history-store.js'
import {changeOptions, inProcess, type InProcess, liveConfig, rollbackIn} from './harness.js'

let s: InProcess
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

const liveText = (): string => s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config').data.storageInitializer
/** what KServe reads from the live ConfigMap */
const goView = () => decodeStorageInitializer(liveText()).config

/** `kubectl edit` outside the plugin: fields changed, then `"Image"` added after `"image"` with the same value */
function editOutside(fields: Record<string, string>): string {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const doc = {...JSON.parse(cm.data.storageInitializer), ...fields}
  const text = JSON.stringify(doc, null, 4).replace(/\n}$/, `,\n    "Image": ${JSON.stringify(doc.image)}\n}`)
  s.cluster.store.update('/configmaps', {...cm, data: {...cm.data, storageInitializer: text}})
  return text
}

const rollback = (req: Partial<RollbackRequest> = {}) => rollbackIn(s, req)

test('"Image" after "image" and an outside edit of another field: the rollback merges, keeps the edit and sets the image where Go reads it', async () => {
  const edited = editOutside({cpuLimit: '3'})
  const {warnings} = await rollback({toRevision: 0})
  expect(goView()).toEqual({...decodeStorageInitializer(JSON.stringify(original)).config, cpuLimit: '3'})
  // the last key, the one Go takes, holds the restored image; every other byte of the outside edit stays
  expect(liveText()).toBe(
    edited
      .replace(/("memoryLimit": )"2Gi"/, `$1${JSON.stringify(original.memoryLimit)}`)
      .replace(/("Image": )"[^"]*"/, `$1${JSON.stringify(original.image)}`),
  )
  expect(warnings).toContain(
    'keeping the changes made outside kubectl storage-init since revision 2: configmap/inferenceservice-config (cpuLimit); rolling back to revision 0 sets only the fields it changes',
  )
  expect((await readHistory(s.client, 'kserve')).records[2]).toMatchObject({revision: 3, rollbackTo: 0, drift: ['configmap']})
})

test('--force with "Image" after "image" overwrites only the field in conflict: the outside edit of another field is not lost', async () => {
  editOutside({memoryLimit: '3Gi', cpuLimit: '3'})
  // without --force: refused on memoryLimit alone, not on "the whole value (the live value is not a JSON object)"
  const err = await rollback().catch(e => e)
  expect(err.kind).toBe('Conflict')
  expect(err.message).toContain('in what undoing revision 2 changes: configmap memoryLimit (live "3Gi", rollback "1Gi");')
  expect(err.message).not.toContain('the whole value')

  const {warnings} = await rollback({force: true})
  expect(warnings).toContain(
    '--force: overwriting changes made outside kubectl storage-init since revision 2: configmap memoryLimit (live "3Gi", rollback "1Gi")',
  )
  expect(goView()).toMatchObject({image: 'kserve/storage-initializer:v0.30.1', memoryLimit: '1Gi', cpuLimit: '3'})
  expect(JSON.parse(liveText())).toMatchObject({image: 'kserve/storage-initializer:v0.30.1', Image: 'kserve/storage-initializer:v0.30.1'})
})
