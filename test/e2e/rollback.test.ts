/**
 * Undo you can trust (issue #15), against the simulated cluster with the built plugin; edits made outside the plugin
 * are made with the real kubectl. Each numbered case of the issue has a test here, with the three-way drift cases,
 * `history`, and changes made on top of a configuration with errors.
 */
import {kubectl, plugin, startCluster, type Result, type Started} from '../helpers.js'

const get = async (s: Started, args: string[]) => JSON.parse((await kubectl(s.kubeconfig, ['get', ...args, '-o', 'json'])).stdout)
const cm = (s: Started) => get(s, ['cm', 'inferenceservice-config', '-n', 'kserve'])
const text = async (s: Started): Promise<string> => (await cm(s)).data.storageInitializer
const si = async (s: Started) => JSON.parse(await text(s))
const csc = (s: Started) => get(s, ['clusterstoragecontainer', 'default'])
const history = (s: Started) => get(s, ['cm', 'storage-initializer-history', '-n', 'kserve'])
const run = (s: Started, ...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])

/** an outside edit of the storageInitializer text, as kubectl edit would make it */
async function editText(s: Started, edit: (t: string) => string): Promise<void> {
  const r = await kubectl(s.kubeconfig, [
    'patch',
    'cm',
    'inferenceservice-config',
    '-n',
    'kserve',
    '--type=merge',
    '-p',
    JSON.stringify({data: {storageInitializer: edit(await text(s))}}),
  ])
  expect(r.stderr).toBe('')
}

async function editRecord(s: Started, n: number, edit: (r: any) => unknown): Promise<void> {
  const key = `revision-${String(n).padStart(6, '0')}`
  const h = await history(s)
  const next = edit(JSON.parse(h.data[key]))
  const r = await kubectl(s.kubeconfig, [
    'patch',
    'cm',
    'storage-initializer-history',
    '-n',
    'kserve',
    '--type=merge',
    '-p',
    JSON.stringify({data: {[key]: typeof next === 'string' ? next : JSON.stringify(next)}}),
  ])
  expect(r.stderr).toBe('')
}

function ok(r: Result): Result {
  expect({code: r.code, stderr: r.code === 0 ? '' : r.stderr}).toEqual({code: 0, stderr: ''})
  return r
}

/** exit 1, nothing on stdout, and the last stderr line is the one error line (no stack trace) */
function refused(r: Result, text: string | RegExp): void {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines[lines.length - 1]).toMatch(/^error: /)
  expect(lines.filter(l => l.startsWith('error: '))).toHaveLength(1)
  if (typeof text === 'string') expect(lines[lines.length - 1]).toContain(text)
  else expect(lines[lines.length - 1]).toMatch(text)
  expect(r.stderr).not.toMatch(/^\s+at /m)
  expect(r.stderr).not.toContain('Cannot read properties')
}

const writes = (s: Started) => s.cluster.requests.filter(q => q.method !== 'GET' && !q.path.includes('selfsubject')).length

describe('1: undo never loses an edit made outside the plugin', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.15.2.yaml')
  })
  afterEach(() => s.cluster.stop())

  test('set-image, kubectl edit, set-image, rollback: the hand edit stays, and the second change reported it', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    await editText(s, t => t.replace('"cpuLimit": "1"', '"cpuLimit": "2"'))
    const second = ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.2'))
    expect(second.stderr).toContain(
      'Warning: changed outside kubectl storage-init since revision 1 (the last recorded): configmap/inferenceservice-config (cpuLimit); this change starts from the live values and records them as its "before"\n',
    )
    const rec2 = JSON.parse((await history(s)).data['revision-000002'])
    expect(JSON.parse(rec2.targets[0].before).cpuLimit).toBe('2')
    expect(rec2.drift).toEqual(['configmap'])
    const live = await text(s)
    const back = ok(await run(s, 'rollback'))
    expect(back.stdout).toBe(
      'configmap/inferenceservice-config rolled back to the state before revision 2\n' +
        '  image: "kserve/storage-initializer:v0.15.2" -> "kserve/storage-initializer:v0.15.1"\n' +
        'clusterstoragecontainer.serving.kserve.io/default rolled back to the state before revision 2\n' +
        '  image: "kserve/storage-initializer:v0.15.2" -> "kserve/storage-initializer:v0.15.1"\n',
    )
    // the state before revision 2, byte for byte: the hand edit included
    expect(await text(s)).toBe(live.replace('v0.15.2', 'v0.15.1'))
    expect((await si(s)).cpuLimit).toBe('2')
    expect((await csc(s)).spec.container.image).toBe('kserve/storage-initializer:v0.15.1')
  })

  test('--to-revision N restores the state at N, and names the hand edits between records that it reverts', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    await editText(s, t => t.replace('"cpuLimit": "1"', '"cpuLimit": "2"'))
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.2'))
    const r = ok(await run(s, 'rollback', '--to-revision', '1'))
    expect(r.stderr).toContain(
      'Warning: rolling back to revision 1 also reverts changes made outside kubectl storage-init after it, which later revisions recorded as their "before": configmap cpuLimit (made between revisions 1 and 2)\n',
    )
    expect(await si(s)).toMatchObject({image: 'kserve/storage-initializer:v0.15.1', cpuLimit: '1'})
  })

  test('an edit after the newest record, of another field, is kept and named', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    await editText(s, t => t.replace('"memoryLimit": "1Gi"', '"memoryLimit": "2Gi"'))
    const r = ok(await run(s, 'rollback'))
    expect(r.stderr).toContain(
      'Warning: changed outside kubectl storage-init since revision 1 (the last recorded): configmap/inferenceservice-config (memoryLimit)',
    )
    expect(r.stderr).toContain(
      'Warning: keeping the changes made outside kubectl storage-init since revision 1: configmap/inferenceservice-config (memoryLimit); undoing revision 1 sets only the fields it changes\n',
    )
    expect(await si(s)).toMatchObject({image: 'kserve/storage-initializer:v0.15.2', memoryLimit: '2Gi'})
    // the record tells the truth: before is the live value with the edit
    const rec = JSON.parse((await history(s)).data['revision-000002'])
    expect(rec).toMatchObject({undo: 1, drift: ['configmap']})
    expect(JSON.parse(rec.targets[0].before).memoryLimit).toBe('2Gi')
  })

  test('rolling back to the newest revision keeps outside edits of fields no revision changed, and says so', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    await editText(s, t => t.replace('"memoryLimit": "1Gi"', '"memoryLimit": "2Gi"'))
    const r = ok(await run(s, 'rollback', '1'))
    expect(r.stdout).toBe(
      'configmap/inferenceservice-config already matches\nclusterstoragecontainer.serving.kserve.io/default already matches\n',
    )
    expect(r.stderr).toContain(
      'skipped rollback (what rolling back to revision 1 restores is already there; the changes made outside kubectl storage-init since revision 1 are kept: configmap memoryLimit; change them with set-image or set-resources)\n',
    )
    expect((await si(s)).memoryLimit).toBe('2Gi')
  })

  test('a ClusterStorageContainer merges field by field: the rollback resets what it changed, keeps the rest', async () => {
    ok(await run(s, 'set-resources', '--limits', 'memory=4Gi', '--target', 'storage-container/default'))
    ok(
      await kubectl(s.kubeconfig, [
        'patch',
        'clusterstoragecontainer',
        'default',
        '--type=merge',
        '-p',
        JSON.stringify({spec: {container: {resources: {requests: {cpu: '250m'}}}}}),
      ]),
    )
    ok(await run(s, 'rollback'))
    expect((await csc(s)).spec.container.resources).toEqual({requests: {cpu: '250m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}})
  })

  test('a second rollback undoes the first (like kubectl rollout undo)', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    ok(await run(s, 'rollback'))
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.15.2')
    const again = ok(await run(s, 'rollback'))
    expect(again.stdout).toContain('configmap/inferenceservice-config rolled back to revision 1\n')
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.15.1')
  })

  test('a rollback that failed half-way is finished by the same command', async () => {
    ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.15.1'))
    s.cluster.faults.add({verb: 'patch', resource: 'clusterstoragecontainers', status: 422, count: 1})
    const half = await run(s, 'rollback')
    refused(
      half,
      /changed: configmap, recorded as revision 2; not changed: storage-container\/default \(run the same command again to finish\)$/,
    )
    const rest = ok(await run(s, 'rollback'))
    expect(rest.stdout).toBe(
      'configmap/inferenceservice-config already matches\nclusterstoragecontainer.serving.kserve.io/default rolled back to revision 0\n' +
        '  image: "kserve/storage-initializer:v0.15.1" -> "kserve/storage-initializer:v0.15.2"\n',
    )
    expect((await csc(s)).spec.container.image).toBe('kserve/storage-initializer:v0.15.2')
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.15.2')
    const list = JSON.parse(ok(await run(s, 'history', '-o', 'json')).stdout)
    expect(list.items.map((i: any) => [i.revision, i.status, i.undo, i.incomplete])).toEqual([
      [1, 'superseded', undefined, undefined],
      [2, 'incomplete', 1, ['storage-container/default']],
      [3, 'current', 1, undefined],
    ])
  })
})

describe('2: what rollback writes is checked; a damaged record is never written', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
  })
  afterEach(() => s.cluster.stop())

  test('a record whose storageInitializer was edited into invalid JSON is refused, nothing written, nothing recorded', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    await editRecord(s, 1, r => ({
      ...r,
      targets: r.targets.map((t: any) => (t.target === 'configmap' ? {...t, before: t.before.replace('{', '{,')} : t)),
    }))
    const before = await cm(s)
    const n = writes(s)
    const r = await run(s, 'rollback')
    refused(
      r,
      /^error: undoing revision 1 would write a configuration KServe rejects: SI001 configmap\/inferenceservice-config:data\.storageInitializer: invalid JSON: .*; nothing was changed \(KServe would refuse the pods it concerns until it is fixed; to write it anyway: --allow-rejected-config\)$/,
    )
    expect(await cm(s)).toEqual(before)
    expect(writes(s)).toBe(n)
    expect(Object.keys((await history(s)).data)).toEqual(['revision-000001'])
  })

  test('a record that is not valid JSON is reported as damaged, never written, and never overwritten', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    await editRecord(s, 1, () => '{"revision": 1, "targets": [')
    const before = await cm(s)
    const r = await run(s, 'rollback', '--force')
    refused(
      r,
      /^error: revision 1 in configmap storage-initializer-history is damaged: not valid JSON \(.*\); it cannot be undone \(see kubectl storage-init history/,
    )
    expect(await cm(s)).toEqual(before)
    refused(await run(s, 'rollback', '--to-revision', '0', '--force'), 'revision 1 in configmap storage-initializer-history is damaged')
    // shown, not refused: what is damaged, what the entry holds, how to repair it
    expect(ok(await run(s, 'history', '--revision', '1')).stdout).toMatch(/^Revision: +1\nStatus: +damaged\nDamaged: +not valid JSON/)
    const table = ok(await run(s, 'history'))
    expect(table.stdout).toMatch(/^1\s+-\s+-\s+damaged\s+damaged: not valid JSON/m)
    // the next change warns, and records after it instead of over it
    const next = ok(await run(s, 'set-image', '--tag', 'v0.20.2'))
    expect(next.stderr).toContain('Warning: revision 1 in configmap storage-initializer-history is damaged: not valid JSON')
    expect(next.stderr).toContain('recorded as revision 2 in configmap kserve/storage-initializer-history')
    expect((await history(s)).data['revision-000001']).toBe('{"revision": 1, "targets": [')
    refused(await run(s, 'rollback', '--to-revision', '0'), /revision 1 .* is damaged: .*rolling back past it is not safe/)
    ok(await run(s, 'rollback'))
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.20.1')
  })

  test('a record with missing fields is damaged', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    await editRecord(s, 1, r => ({...r, targets: [{target: 'configmap', after: r.targets[0].after}]}))
    refused(
      await run(s, 'rollback'),
      'revision 1 in configmap storage-initializer-history is damaged: targets[0] (configmap) has no "before"; it cannot be undone',
    )
  })

  test('a revision whose configuration has errors (request above limit, missing quantity) is refused, unless --allow-rejected-config', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1', '--target', 'configmap'))
    await editRecord(s, 1, r => ({
      ...r,
      targets: [{...r.targets[0], before: JSON.stringify({...JSON.parse(r.targets[0].before), cpuRequest: '2'})}],
    }))
    refused(
      await run(s, 'rollback'),
      /^error: undoing revision 1 would write a configuration KServe rejects: SI021 configmap\/inferenceservice-config:data\.storageInitializer\.cpuRequest: .*; nothing was changed \(KServe would refuse the pods it concerns until it is fixed; to write it anyway: --allow-rejected-config\)$/,
    )
    await editRecord(s, 1, r => ({
      ...r,
      targets: [
        {...r.targets[0], before: JSON.stringify({...JSON.parse(r.targets[0].before), cpuRequest: '100m', memoryLimit: undefined})},
      ],
    }))
    refused(await run(s, 'rollback', '--dry-run=server'), /SI005 configmap\/inferenceservice-config:data\.storageInitializer\.memoryLimit/)
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.20.1')
    // --force overrides outside edits, not KServe's rules
    refused(await run(s, 'rollback', '--force'), /SI005 /)
    const forced = ok(await run(s, 'rollback', '--allow-rejected-config'))
    expect(forced.stderr).toMatch(/^Warning: --allow-rejected-config: writing a configuration KServe rejects .*SI005 /m)
    expect((await si(s)).memoryLimit).toBeUndefined()
  })

  test('a restore that only carries errors already there elsewhere is not blamed for them', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1', '--target', 'configmap'))
    ok(
      await kubectl(s.kubeconfig, [
        'patch',
        'clusterstoragecontainer',
        'default',
        '--type=merge',
        '-p',
        JSON.stringify({spec: {container: {resources: {requests: {cpu: '3'}}}}}),
      ]),
    )
    const r = ok(await run(s, 'rollback'))
    expect(r.stderr).toMatch(
      /^Warning: the configuration has 1 error\(s\) that this change does not fix .*SI021 clusterstoragecontainer\/default:spec\.container\.resources\.requests\.cpu/m,
    )
    refused(
      await run(s, 'rollback', '--strict'),
      /^error: --strict: the configuration has 1 error\(s\) that this change does not fix: SI021 /,
    )
  })
})

describe('3: rollback repairs a broken configuration', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
  })
  afterEach(() => s.cluster.stop())

  const breakIt = (t: string) => t.replace('"image"', 'image')

  test('set-* refuse with one line; rollback shows the difference and needs --force; --force restores', async () => {
    const original = await text(s)
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    await editText(s, breakIt)
    refused(
      await run(s, 'set-image', '--tag', 'v0.20.2'),
      /^error: the "storageInitializer" key of configmap kserve\/inferenceservice-config is not valid JSON: .* \(KServe rejects every InferenceService pod until it is fixed; kubectl storage-init rollback --to-revision 1 --target configmap --force brings back the value revision 1 recorded/,
    )
    const r = await run(s, 'rollback')
    refused(
      r,
      'the live configuration differs from what revision 1 recorded (configmap), in what undoing revision 1 changes: configmap: the whole value (the live value is not valid JSON)',
    )
    expect(r.stderr).toContain('--- configmap (recorded)\n+++ configmap (live)\n')
    const f = ok(await run(s, 'rollback', '--force'))
    expect(f.stdout).toBe(
      'configmap/inferenceservice-config rolled back to revision 0\n' +
        '  image: "kserve/storage-initializer:v0.20.1" -> "kserve/storage-initializer:v0.20.0"\n' +
        'clusterstoragecontainer.serving.kserve.io/default rolled back to revision 0\n' +
        '  image: "kserve/storage-initializer:v0.20.1" -> "kserve/storage-initializer:v0.20.0"\n',
    )
    expect(f.stderr).toContain(
      'Warning: --force: overwriting changes made outside kubectl storage-init since revision 1: configmap: the whole value (the live value is not valid JSON)',
    )
    expect(await text(s)).toBe(original)
    expect(ok(await run(s, 'validate')).code).toBe(0)
  })

  test('--to-revision N --force restores the state at N', async () => {
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    const at1 = await text(s)
    ok(await run(s, 'set-image', '--tag', 'v0.20.2'))
    await editText(s, breakIt)
    refused(await run(s, 'rollback', '2'), 'the live configuration differs from what revision 2 recorded (configmap)')
    ok(await run(s, 'rollback', '--to-revision', '1', '--force', '--target', 'configmap'))
    expect(await text(s)).toBe(at1)
    expect((await csc(s)).spec.container.image).toBe('kserve/storage-initializer:v0.20.2')
  })

  test('a missing storageInitializer key: set-* say so; rollback --force brings it back', async () => {
    const original = await text(s)
    ok(await run(s, 'set-image', '--tag', 'v0.20.1', '--target', 'configmap'))
    ok(
      await kubectl(s.kubeconfig, [
        'patch',
        'cm',
        'inferenceservice-config',
        '-n',
        'kserve',
        '--type=json',
        '-p',
        '[{"op":"remove","path":"/data/storageInitializer"}]',
      ]),
    )
    refused(await run(s, 'set-resources', '--limits', 'cpu=2'), 'configmap kserve/inferenceservice-config has no key "storageInitializer"')
    refused(await run(s, 'rollback'), 'configmap: the whole value (the key is missing)')
    ok(await run(s, 'rollback', '--force'))
    expect(await text(s)).toBe(original)
  })

  test('a cluster that was broken before any change has nothing to roll back to, in one line', async () => {
    const b = await startCluster('kserve-broken.yaml')
    try {
      refused(await run(b, 'rollback', '--force'), 'no revision history')
      refused(await run(b, 'set-image', '--tag', 'v0.20.1'), 'is not valid JSON')
    } finally {
      await b.cluster.stop()
    }
  })
})

describe('4: a ClusterStorageContainer deleted after it was recorded', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    ok(await kubectl(s.kubeconfig, ['delete', 'clusterstoragecontainer', 'default']))
  })
  afterEach(() => s.cluster.stop())

  test('rollback says so in one line and changes nothing; --target rolls back the others; --force skips it', async () => {
    const before = await cm(s)
    refused(
      await run(s, 'rollback'),
      'error: storage-container/default, which undoing revision 1 would restore, no longer exists (deleted outside kubectl storage-init); nothing was changed (roll back the others with --target configmap, or pass --force to skip it)',
    )
    refused(
      await run(s, 'rollback', '--to-revision', '0'),
      'storage-container/default, which rolling back to revision 0 would restore, no longer exists',
    )
    expect(await cm(s)).toEqual(before)
    const t = ok(await run(s, 'rollback', '--target', 'configmap'))
    expect(t.stdout).toBe(
      'configmap/inferenceservice-config rolled back to revision 0\n  image: "kserve/storage-initializer:v0.20.1" -> "kserve/storage-initializer:v0.20.0"\n',
    )
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.20.0')
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    const f = ok(await run(s, 'rollback', '--to-revision', '0', '--force'))
    expect(f.stdout).toBe(
      'configmap/inferenceservice-config rolled back to revision 0\n  image: "kserve/storage-initializer:v0.20.1" -> "kserve/storage-initializer:v0.20.0"\n',
    )
    expect(f.stderr).toContain(
      'Warning: --force: skipping storage-container/default: it no longer exists, so rolling back to revision 0 cannot restore it\n',
    )
    expect((await si(s)).image).toBe('kserve/storage-initializer:v0.20.0')
  })

  test('--target names only what the revision covers', async () => {
    refused(
      await run(s, 'rollback', '--target', 'storage-container/other'),
      '--target storage-container/other: revision 1 did not change it (it changed configmap, storage-container/default)',
    )
    refused(await run(s, 'rollback', '--target', 'pods'), '--target pods: expected configmap or storage-container/NAME')
    refused(
      await run(s, 'rollback', '--to-revision', '0', '--target', 'storage-container/other'),
      '--target storage-container/other: no recorded revision changed it',
    )
  })

  test('history and set-* still work', async () => {
    expect(ok(await run(s, 'history')).stdout).toMatch(/^1\s+\S+\s+sim-admin\s+current\s+set-image --tag v0\.20\.1/m)
    ok(await run(s, 'set-image', '--tag', 'v0.20.2'))
  })
})

describe('5: changes on top of a configuration with errors', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
  })
  afterEach(() => s.cluster.stop())

  test('request above limit: a warning naming the error; --strict refuses; a change that fixes it passes', async () => {
    await editText(s, t => t.replace('"cpuRequest": "100m"', '"cpuRequest": "2"'))
    const w = ok(await run(s, 'set-image', '--tag', 'v0.20.1', '--target', 'configmap'))
    expect(w.stderr).toMatch(
      /^Warning: the configuration has 1 error\(s\) that this change does not fix \(KServe rejects InferenceService pods until they are fixed\): SI021 configmap\/inferenceservice-config:data\.storageInitializer\.cpuRequest: cpu request 2 is above its limit 1; see kubectl storage-init validate$/m,
    )
    const n = writes(s)
    refused(
      await run(s, 'set-image', '--tag', 'v0.20.2', '--target', 'configmap', '--strict'),
      /^error: --strict: the configuration has 1 error\(s\) that this change does not fix: SI021 .*; nothing was changed \(fix them in the same change, or drop --strict\)$/,
    )
    expect(writes(s)).toBe(n)
    const fix = ok(await run(s, 'set-resources', '--limits', 'cpu=2', '--target', 'configmap', '--strict'))
    expect(fix.stderr).not.toContain('Warning: the configuration has')
  })

  test('an empty document: the missing quantities are named', async () => {
    await editText(s, () => '{}')
    const w = ok(await run(s, 'set-image', 'kserve/storage-initializer:v0.20.1', '--target', 'configmap'))
    expect(w.stderr).toMatch(
      /^Warning: the configuration has 4 error\(s\) that this change does not fix .*SI005 configmap\/inferenceservice-config:data\.storageInitializer\.cpuLimit/m,
    )
    expect(await text(s)).toBe('{"image": "kserve/storage-initializer:v0.20.1"}')
    refused(
      await run(s, 'set-image', 'kserve/storage-initializer:v0.20.2', '--target', 'configmap', '--strict'),
      /--strict: the configuration has 4 error\(s\)/,
    )
  })
})

describe('history', () => {
  let s: Started
  beforeAll(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
    ok(await run(s, 'set-image', '--tag', 'v0.20.1'))
    ok(await run(s, 'set-resources', '--limits', 'memory=2Gi', '--target', 'configmap'))
    ok(await run(s, 'rollback', '1'))
  })
  afterAll(() => s.cluster.stop())

  test("Helm's columns, newest last", async () => {
    const r = ok(await run(s, 'history'))
    const lines = r.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^REVISION\s+UPDATED\s+RECORDED AS\s+STATUS\s+COMMAND\s+DESCRIPTION$/)
    expect(lines[1]).toMatch(
      /^1\s+\d{4}-\d\d-\d\dT\S+\s+sim-admin\s+superseded\s+set-image --tag v0\.20\.1 --kubeconfig \S+\s+image=kserve\/storage-initializer:v0\.20\.1 \(configmap, storage-container\/default\)$/,
    )
    expect(lines[2]).toMatch(/^2\s+.*superseded\s+set-resources --limits memory=2Gi --target configmap .*memoryLimit=2Gi \(configmap\)$/)
    expect(lines[3]).toMatch(/^3\s+.*current\s+rollback 1 .*Rollback to 1: memoryLimit=1Gi \(configmap\)$/)
    expect(
      ok(await run(s, 'history', '--max', '1'))
        .stdout.trimEnd()
        .split('\n'),
    ).toHaveLength(2)
    expect(ok(await run(s, 'rollback', '--list')).stdout).toBe(r.stdout)
  })

  test('-o json and -o yaml', async () => {
    const j = JSON.parse(ok(await run(s, 'history', '-o', 'json')).stdout)
    expect(j).toMatchObject({apiVersion: 'storage-init.kserve.io/v1alpha1', kind: 'RevisionList', namespace: 'kserve'})
    expect(j.items.map((i: any) => [i.revision, i.status, i.user, i.rollbackTo])).toEqual([
      [1, 'superseded', 'sim-admin', undefined],
      [2, 'superseded', 'sim-admin', undefined],
      [3, 'current', 'sim-admin', 1],
    ])
    expect(j.items[2].description).toBe('Rollback to 1: memoryLimit=1Gi (configmap)')
    const y = ok(await run(s, 'history', '-o', 'yaml')).stdout
    expect(y).toMatch(/^kind: RevisionList$/m)
  })

  test('--revision N: the record, and what it changed per target as a diff', async () => {
    const r = ok(await run(s, 'history', '--revision', '1'))
    expect(r.stdout).toMatch(
      /^Revision: {5}1\nUpdated: {6}\S+\nRecorded as: {2}sim-admin\nCommand: {6}kubectl storage-init set-image --tag v0\.20\.1 .*\nStatus: {7}superseded\nDescription: {2}image=/,
    )
    expect(r.stdout).toContain('configmap:\n--- configmap (before)\n+++ configmap (after)\n')
    expect(r.stdout).toContain(
      '-    "image" : "kserve/storage-initializer:v0.20.0",\n+    "image" : "kserve/storage-initializer:v0.20.1",\n',
    )
    expect(r.stdout).toContain(
      'storage-container/default:\n--- storage-container/default (before)\n+++ storage-container/default (after)\n',
    )
    expect(r.stdout).toContain('-image: kserve/storage-initializer:v0.20.0\n+image: kserve/storage-initializer:v0.20.1\n')
    expect(JSON.parse(ok(await run(s, 'history', '--revision', '3', '-o', 'json')).stdout)).toMatchObject({
      kind: 'Revision',
      revision: 3,
      rollbackTo: 1,
      status: 'current',
    })
    refused(await run(s, 'history', '--revision', '9'), 'unable to find specified revision 9 in history')
  })

  test('rollback N is rollback --to-revision N; both at once must agree', async () => {
    refused(await run(s, 'rollback', '1', '--to-revision', '2'), 'give the revision once: REVISION 1 and --to-revision 2 differ')
    const r = ok(await run(s, 'rollback', '1', '--to-revision', '1'))
    expect(r.stderr).toContain('skipped rollback (current configuration already matches revision 1)')
    const d = ok(await run(s, 'rollback', '0', '--dry-run=client', '--diff'))
    expect(d.stdout).toContain('+    "image" : "kserve/storage-initializer:v0.20.0",')
    expect(d.stdout).toContain('configmap/inferenceservice-config rolled back to revision 0 (dry run)')
  })

  test('STATUS says when the live configuration drifted from the newest record', async () => {
    await editText(s, t => t.replace('"cpuLimit": "1"', '"cpuLimit": "3"'))
    expect(ok(await run(s, 'history')).stdout).toMatch(/^3\s+.*\sdrifted\s/m)
  })
})

test('no history yet', async () => {
  const s = await startCluster('kserve-v0.20.0.yaml')
  try {
    const r = ok(await run(s, 'history'))
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('No revisions recorded in configmap kserve/storage-initializer-history.\n')
    refused(await run(s, 'rollback'), 'no revision history')
  } finally {
    await s.cluster.stop()
  }
})
