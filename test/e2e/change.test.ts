/** set-image, set-resources and rollback against the simulated cluster, with the real kubectl as the oracle. */
import {kubectl, plugin, startCluster, type Result, type Started} from '../helpers.js'

// @ts-expect-error: a plain .mjs module
import {RELEASES} from '../../scripts/make-scenarios.mjs'

const releases: string[] = RELEASES
const get = async (s: Started, args: string[]) => JSON.parse((await kubectl(s.kubeconfig, ['get', ...args, '-o', 'json'])).stdout)
const cm = (s: Started) => get(s, ['cm', 'inferenceservice-config', '-n', 'kserve'])
const csc = async (s: Started) =>
  (await kubectl(s.kubeconfig, ['get', 'crd', 'clusterstoragecontainers.serving.kserve.io'])).code === 0
    ? get(s, ['clusterstoragecontainers'])
    : {items: []}
const si = (o: any) => JSON.parse(o.data.storageInitializer)
const run = (s: Started, ...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])

/** The object without what every write changes. */
function stable(o: any) {
  const {resourceVersion: _rv, managedFields: _mf, ...meta} = o.metadata
  return {...o, metadata: meta}
}

function expectRefused(r: Result, text: string) {
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  const lines = r.stderr.trimEnd().split('\n')
  expect(lines[lines.length - 1]).toMatch(/^error: /)
  expect(r.stderr).toContain(text)
  expect(r.stderr).not.toMatch(/^\s+at /m)
}

describe.each(releases)('KServe %s', release => {
  let s: Started
  beforeAll(async () => {
    s = await startCluster(`kserve-${release}.yaml`)
  })
  afterAll(() => s.cluster.stop())

  test('set-image changes only the image; rollback restores the data byte for byte', async () => {
    const before = await cm(s)
    const beforeCsc = await csc(s)
    const image = 'registry.example.com/kserve/storage-initializer:v9.9.9'
    const r = await run(s, 'set-image', image)
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('configmap/inferenceservice-config image updated\n')
    const after = await cm(s)
    // the only difference in the ConfigMap: the image inside storageInitializer
    expect(si(after)).toEqual({...si(before), image})
    expect(after.data.storageInitializer).toBe(before.data.storageInitializer.replace(/("image"\s*:\s*)"[^"]*"/, `$1"${image}"`))
    expect(stable({...after, data: {...after.data, storageInitializer: ''}})).toEqual(
      stable({...before, data: {...before.data, storageInitializer: ''}}),
    )
    // the default ClusterStorageContainer runs the same repository: it follows
    const afterCsc = await csc(s)
    for (const [i, c] of beforeCsc.items.entries()) {
      expect(afterCsc.items[i].spec).toEqual({...c.spec, container: {...c.spec.container, image}})
      expect(r.stdout).toContain(`clusterstoragecontainer.serving.kserve.io/${c.metadata.name} image updated`)
    }
    const back = await run(s, 'rollback')
    expect(back.code).toBe(0)
    expect(back.stdout).toContain('configmap/inferenceservice-config rolled back to revision 0')
    const restored = await cm(s)
    expect(restored.data).toEqual(before.data)
    expect(restored.data.storageInitializer).toBe(before.data.storageInitializer)
    expect((await csc(s)).items.map((c: any) => c.spec)).toEqual(beforeCsc.items.map((c: any) => c.spec))
  })

  test('set-resources merges with the current values', async () => {
    const before = await cm(s)
    const r = await run(s, 'set-resources', '--requests', 'cpu=200m,memory=512Mi', '--limits', 'memory=4Gi')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('configmap/inferenceservice-config resource requirements updated')
    expect(si(await cm(s))).toEqual({...si(before), cpuRequest: '200m', memoryRequest: '512Mi', memoryLimit: '4Gi'})
    for (const c of (await csc(s)).items)
      expect(c.spec.container.resources).toEqual({requests: {cpu: '200m', memory: '512Mi'}, limits: {cpu: '1', memory: '4Gi'}})
    expect((await run(s, 'rollback')).code).toBe(0)
    expect((await cm(s)).data).toEqual(before.data)
  })
})

describe('changes', () => {
  let s: Started
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
  })
  afterEach(() => s.cluster.stop())

  test('a write made by another client between our read and our write survives', async () => {
    // when our patch arrives, kubectl writes first; our write, conditional on what we read, gets 409, re-reads and re-plans
    let theirs: Result | undefined
    s.cluster.faults.add({
      verb: 'patch',
      resource: 'configmaps',
      name: 'inferenceservice-config',
      count: 1,
      before: async () => {
        theirs = await kubectl(s.kubeconfig, [
          'patch',
          'cm',
          'inferenceservice-config',
          '-n',
          'kserve',
          '--type=merge',
          '-p',
          '{"data":{"theirs":"kept"},"metadata":{"labels":{"team":"ml"}}}',
        ])
      },
    })
    const r = await run(s, 'set-image', 'kserve/storage-initializer:v0.20.1', '--target', 'configmap')
    expect(theirs?.code).toBe(0)
    expect(r.code).toBe(0)
    const after = await cm(s)
    expect(after.data.theirs).toBe('kept')
    expect(after.metadata.labels.team).toBe('ml')
    expect(si(after).image).toBe('kserve/storage-initializer:v0.20.1')
    // ours (409), theirs, ours again
    expect(s.cluster.requests.filter(q => q.method === 'PATCH' && q.path.endsWith('/inferenceservice-config')).map(q => q.user)).toEqual([
      'sim-admin',
      'sim-admin',
      'sim-admin',
    ])
    expect(r.stdout).toBe('configmap/inferenceservice-config image updated\n')
  })

  test('--dry-run=server and --dry-run=client change nothing', async () => {
    const before = await cm(s)
    const sr = await run(s, 'set-image', '--tag', 'v0.20.1', '--dry-run=server')
    expect(sr.code).toBe(0)
    expect(sr.stdout).toBe(
      'configmap/inferenceservice-config image updated (server dry run)\nclusterstoragecontainer.serving.kserve.io/default image updated (server dry run)\n',
    )
    expect(s.cluster.requests.some(q => q.method === 'PATCH' && q.query.includes('dryRun=All'))).toBe(true)
    const cr = await run(s, 'set-image', '--tag', 'v0.20.1', '--dry-run=client', '-o', 'json')
    const list = JSON.parse(cr.stdout)
    expect(list.kind).toBe('List')
    expect(si(list.items[0]).image).toBe('kserve/storage-initializer:v0.20.1')
    expect(cr.stderr).toContain('configmap/inferenceservice-config image updated (dry run)')
    expect(await cm(s)).toEqual(before)
    expect((await kubectl(s.kubeconfig, ['get', 'cm', 'storage-initializer-history', '-n', 'kserve'])).code).toBe(1)
  })

  test('--diff shows a unified diff per target', async () => {
    const r = await run(s, 'set-image', '--tag', 'v0.20.1', '--diff', '--dry-run=client')
    expect(r.stdout).toContain(
      '--- configmap/inferenceservice-config (live) data.storageInitializer\n+++ configmap/inferenceservice-config (after)\n',
    )
    expect(r.stdout).toContain(
      '-    "image" : "kserve/storage-initializer:v0.20.0",\n+    "image" : "kserve/storage-initializer:v0.20.1",\n',
    )
    expect(r.stdout).toContain('-image: kserve/storage-initializer:v0.20.0\n+image: kserve/storage-initializer:v0.20.1\n')
  })

  test('nothing to change: nothing written, no revision', async () => {
    const r = await run(s, 'set-image', 'kserve/storage-initializer:v0.20.0')
    expect(r.code).toBe(0)
    expect(r.stdout).toBe(
      'configmap/inferenceservice-config image unchanged\nclusterstoragecontainer.serving.kserve.io/default image unchanged\n',
    )
    expect(r.stderr).toContain('nothing to change')
    expect(s.cluster.requests.filter(q => q.method !== 'GET').length).toBe(0)
  })

  test('a read-only user changes nothing and is told which permission is missing', async () => {
    const before = await cm(s)
    const r = await plugin(['set-image', '--tag', 'v0.20.1', '--kubeconfig', s.kubeconfig, '--context', 'sim-readonly'])
    expectRefused(
      r,
      'error: forbidden: user "sim-readonly" cannot patch configmaps in namespace "kserve" (needed to change configmap/inferenceservice-config); nothing was changed (try: kubectl auth can-i patch configmaps -n kserve --context sim-readonly)',
    )
    expect(r.stderr.trim().split('\n')).toHaveLength(2) // the version warning, then the error
    expect(await cm(s)).toEqual(before)
    expect(s.cluster.requests.filter(q => q.method === 'PATCH').length).toBe(0)
  })

  test('every validation failure exits 1 with one line, and writes nothing', async () => {
    const cases: [string[], string][] = [
      [['set-image', 'Kserve/Storage:V1'], 'invalid image reference "Kserve/Storage:V1"'],
      [['set-image', 'kserve/storage-initializer'], 'is not pinned'],
      [['set-image', 'kserve/storage-initializer:latest'], 'is not pinned'],
      [['set-image'], 'set-image needs an IMAGE, --tag TAG or --registry HOST'],
      [['set-image', 'a/b:1', '--tag', 'v2'], 'give only one of IMAGE, --tag and --registry'],
      [['set-image', '--tag', '.bad'], '--tag ".bad"'],
      [['set-image', '--registry', 'https://x.io'], '--registry "https://x.io"'],
      [
        ['set-image', '--tag', 'v1', '--target', 'storage-container/nope'],
        '--target storage-container/nope: no such ClusterStorageContainer',
      ],
      [['set-image', '--tag', 'v1', '--target', 'pods'], '--target pods: expected configmap, storage-container/NAME or all'],
      [['set-resources'], 'you must specify an update to requests or limits'],
      [['set-resources', '--limits', 'memory=4GB'], '--limits: memory=4GB is not a valid quantity'],
      [['set-resources', '--requests', 'cpu'], 'invalid argument syntax cpu, expected <resource>=<value>'],
      [['set-resources', '--requests', 'memory=8Gi'], 'memory request 8Gi is above its limit 1Gi; nothing was changed'],
      [['set-resources', '--requests', 'cpu=2', '--limits', 'cpu=1'], 'cpu request 2 is above its limit 1'],
      [['set-resources', '--modelcar', '--requests', 'cpu=1', '--limits', 'cpu=2'], "the modelcar's cpu request and limit are one value"],
      [['set-image', '--tag', 'v1', '--dry-run=maybe'], 'maybe'],
    ]
    for (const [args, text] of cases) {
      const r = await run(s, ...args)
      expect({args, code: r.code}).toEqual({args, code: 1})
      expect(r.stderr).toContain(text)
      expect(r.stderr).not.toMatch(/^\s+at /m)
    }
    expect(s.cluster.requests.filter(q => q.method !== 'GET').length).toBe(0)
  })

  test('--target narrows and widens; --registry keeps name and tag', async () => {
    const r = await run(s, 'set-image', '--registry', 'mirror.example.com:5000/kserve-mirror', '--target', 'storage-container/default')
    expect(r.stdout).toBe('clusterstoragecontainer.serving.kserve.io/default image updated\n')
    expect((await csc(s)).items[0].spec.container.image).toBe('mirror.example.com:5000/kserve-mirror/kserve/storage-initializer:v0.20.0')
    expect(si(await cm(s)).image).toBe('kserve/storage-initializer:v0.20.0')
    // the CSC now runs another repository: by default only the ConfigMap follows
    const d = await run(s, 'set-image', '--tag', 'v0.20.1')
    expect(d.stdout).toBe('configmap/inferenceservice-config image updated\n')
  })

  test('set-resources on a ClusterStorageContainer and for the modelcar', async () => {
    const r = await run(s, 'set-resources', '--limits', 'memory=16Gi', '--target', 'storage-container/default')
    expect(r.code).toBe(0)
    expect((await csc(s)).items[0].spec.container.resources).toEqual({
      requests: {cpu: '100m', memory: '100Mi'},
      limits: {cpu: '1', memory: '16Gi'},
    })
    const m = await run(s, 'set-resources', '--modelcar', '--limits', 'cpu=50m,memory=64Mi')
    expect(m.stdout).toBe('configmap/inferenceservice-config modelcar resource requirements updated\n')
    expect(si(await cm(s))).toMatchObject({cpuModelcar: '50m', memoryModelcar: '64Mi', cpuRequest: '100m'})
  })

  test('history: list, limit, to-revision, skipped rollback, and a rollback is recorded', async () => {
    for (const t of ['v0.20.1', 'v0.20.2', 'v0.20.3']) expect((await run(s, 'set-image', '--tag', t, '--history-limit', '3')).code).toBe(0)
    const list = JSON.parse((await run(s, 'rollback', '--list', '-o', 'json')).stdout)
    expect(list.items.map((r: any) => r.revision)).toEqual([1, 2, 3])
    expect(list.items[0]).toMatchObject({user: 'sim-admin'})
    expect(list.items[0].command).toMatch(/^kubectl storage-init set-image --tag v0.20.1 --history-limit 3 /)
    expect(list.items[0].targets.map((t: any) => t.target)).toEqual(['configmap', 'storage-container/default'])
    const table = await run(s, 'rollback', '--list')
    expect(table.stdout).toMatch(/^REVISION\s+UPDATED\s+RECORDED AS\s+STATUS\s+COMMAND\s+DESCRIPTION\n1\s+/)
    expect(table.stdout).toBe((await run(s, 'history')).stdout) // --list is the history command
    const to1 = await run(s, 'rollback', '--to-revision', '1', '--history-limit', '3')
    expect(to1.stdout).toContain('configmap/inferenceservice-config rolled back to revision 1')
    expect(si(await cm(s)).image).toBe('kserve/storage-initializer:v0.20.1')
    const again = await run(s, 'rollback', '--to-revision', '1')
    expect(again.code).toBe(0)
    expect(again.stderr).toContain('skipped rollback (current configuration already matches revision 1)')
    const missing = await run(s, 'rollback', '--to-revision', '42')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('unable to find specified revision 42 in history')
    const after = JSON.parse((await run(s, 'rollback', '--list', '-o', 'json', '--history-limit', '3')).stdout)
    expect(after.items.map((r: any) => r.revision)).toEqual([2, 3, 4])
    expect(after.items[2].rollbackTo).toBe(1)
  })

  test('rollback refuses when the live config drifted in a field it changes, shows the difference, and --force overrides that field only', async () => {
    expect((await run(s, 'set-image', '--tag', 'v0.20.1')).code).toBe(0)
    const doc = si(await cm(s))
    await kubectl(s.kubeconfig, [
      'patch',
      'cm',
      'inferenceservice-config',
      '-n',
      'kserve',
      '--type=merge',
      '-p',
      JSON.stringify({data: {storageInitializer: JSON.stringify({...doc, image: 'someone/else:v1', memoryLimit: '2Gi'})}}),
    ])
    const r = await run(s, 'rollback')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('--- configmap (recorded)')
    expect(r.stderr).toContain('the live configuration differs from what revision 1 recorded (configmap)')
    expect(r.stderr).toContain('configmap image (live "someone/else:v1", rollback "kserve/storage-initializer:v0.20.0")')
    expect(si(await cm(s)).memoryLimit).toBe('2Gi')
    const f = await run(s, 'rollback', '--force')
    expect(f.code).toBe(0)
    expect(f.stderr).toContain('Warning: --force: overwriting changes made outside kubectl storage-init since revision 1: configmap image')
    expect(f.stderr).toContain(
      'Warning: keeping the changes made outside kubectl storage-init since revision 1: configmap/inferenceservice-config (memoryLimit)',
    )
    expect(si(await cm(s))).toEqual({...doc, image: 'kserve/storage-initializer:v0.20.0', memoryLimit: '2Gi'})
  })

  test('drift on a ClusterStorageContainer is shown as YAML of the recorded and live containers', async () => {
    expect((await run(s, 'set-image', '--tag', 'v0.20.1')).code).toBe(0)
    await kubectl(s.kubeconfig, [
      'patch',
      'clusterstoragecontainer',
      'default',
      '--type=json',
      '-p',
      JSON.stringify([{op: 'replace', path: '/spec/container/image', value: 'someone/else:v1'}]),
    ])
    const r = await run(s, 'rollback')
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('--- storage-container/default (recorded)')
    expect(r.stderr).toMatch(/^-\s*image: kserve\/storage-initializer:v0.20.1$/m)
    expect(r.stderr).toMatch(/^\+\s*image: someone\/else:v1$/m)
    expect((await csc(s)).items[0].spec.container.image).toBe('someone/else:v1')
  })

  test('a rollback over two targets that fails half-way says what was restored and how to finish', async () => {
    expect((await run(s, 'set-image', '--tag', 'v0.20.1')).code).toBe(0)
    s.cluster.faults.add({verb: 'patch', resource: 'clusterstoragecontainers', status: 422, count: 1})
    const r = await run(s, 'rollback')
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /changed: configmap, recorded as revision 2; not changed: storage-container\/default \(run the same command again to finish\)/,
    )
    expect(si(await cm(s)).image).toBe('kserve/storage-initializer:v0.20.0')
    expect((await csc(s)).items[0].spec.container.image).toBe('kserve/storage-initializer:v0.20.1')
    const again = await run(s, 'rollback', '--to-revision', '0')
    expect(again.code).toBe(0)
    expect(again.stdout).toBe(
      'configmap/inferenceservice-config already matches\nclusterstoragecontainer.serving.kserve.io/default rolled back to revision 0\n' +
        '  image: "kserve/storage-initializer:v0.20.1" -> "kserve/storage-initializer:v0.20.0"\n',
    )
    expect((await csc(s)).items[0].spec.container.image).toBe('kserve/storage-initializer:v0.20.0')
  })

  test('writes name their field manager', async () => {
    expect((await run(s, 'set-image', '--tag', 'v0.20.1', '--field-manager', 'platform-team')).code).toBe(0)
    expect(
      s.cluster.requests
        .filter(q => q.method === 'PATCH' && q.path.includes('inferenceservice-config'))
        .every(q => q.query.includes('fieldManager=platform-team')),
    ).toBe(true)
  })

  test('rollback with no history', async () => {
    expectRefused(await run(s, 'rollback'), 'no revision history')
  })

  test('the count of pods still on the old init container, and how to roll them', async () => {
    const r = await run(s, 'set-image', '--tag', 'v0.20.1')
    expect(r.stderr).toContain('1 pod(s) of 1 model(s) in 1 namespace(s) still run the previous storage-initializer.')
    expect(r.stderr).toMatch(/^ml\s+inferenceservice\/sklearn-iris\s+1\/1\s+replace-pods$/m)
    // the scenario's model runs under Knative (the release's default deployment mode): new pods pass the webhook again
    expect(r.stderr).toContain(`kubectl delete pod -n "$ns" -l 'serving.kserve.io/inferenceservice in (sklearn-iris)'`)
  })
})

test('Helm-managed: a warning, and the values that make it last', async () => {
  const s = await startCluster('kserve-helm.yaml')
  try {
    const r = await run(s, 'set-image', '--tag', 'v0.15.3', '--show-helm-values')
    expect(r.code).toBe(0)
    expect(r.stderr).toContain(
      'Warning: configmap kserve/inferenceservice-config is managed by Helm release "kserve" (namespace kserve): the next helm upgrade will undo this change',
    )
    // the v0.15 chart renders the image from kserve.storage.image and .tag (test/fixtures/kserve/v0.15.2/helm-configmap-template.yaml:653)
    expect(r.stdout).toContain('kserve:\n  storage:\n    image: kserve/storage-initializer\n    tag: "v0.15.3"\n')
    const res = await run(s, 'set-resources', '--limits', 'memory=2Gi', '--show-helm-values')
    expect(res.stdout).toContain('hard-codes the storage-initializer resources (kserve/kserve#5412)')
    expect(res.stdout).toContain('#         memory: "2Gi"')
  } finally {
    await s.cluster.stop()
  }
})
