/**
 * `rollout` and `rollout status` (#31) on the simulated cluster with its Deployment, ReplicaSet, webhook and kubelet
 * controllers running (test/cluster/controllers.ts): after set-image, one command brings each selected model's pods
 * onto the new storage-initializer, shows it happening, records it beside the change, and stops with a clear account
 * when a model's download fails.
 */
import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {readFileSync} from 'node:fs'
import {parse, stringify} from 'yaml'

import {FIXTURES, kubectl, plugin, ROOT, startCluster, type Started} from '../helpers.js'

let s: Started
const env = {STORAGE_INIT_POLL_MS: '50'}
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig], env)
const STANDARD = {'serving.kserve.io/deploymentMode': 'Standard'}
const model = (name: string, annotations: Record<string, string> = STANDARD) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {name, namespace: 'ml', annotations},
  spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: `gs://bucket/${name}`}}},
})
const deployment = (name: string, replicas: number, strategy?: object) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: `${name}-predictor`, namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': name}},
  spec: {
    replicas,
    ...(strategy ? {strategy} : {}),
    selector: {matchLabels: {app: `isvc.${name}-predictor`}},
    template: {
      metadata: {
        labels: {app: `isvc.${name}-predictor`, 'serving.kserve.io/inferenceservice': name, component: 'predictor'},
        annotations: {'internal.serving.kserve.io/storage-initializer-sourceuri': `gs://bucket/${name}`},
      },
      spec: {containers: [{name: 'kserve-container', image: 'kserve/sklearnserver:v0.20.0'}]},
    },
  },
})
async function create(name: string, replicas: number, annotations: Record<string, string> = STANDARD, strategy?: object): Promise<void> {
  const r = await kubectl(
    s.kubeconfig,
    ['apply', '-f', '-'],
    [model(name, annotations), deployment(name, replicas, strategy)].map(d => stringify(d)).join('---\n'),
  )
  expect([r.code, r.stderr]).toEqual([0, ''])
  const ready = await kubectl(s.kubeconfig, ['rollout', 'status', `deployment/${name}-predictor`, '-n', 'ml', '--timeout=20s'])
  expect(ready.code).toBe(0)
}
const initImages = async (name: string) =>
  JSON.parse(
    (await kubectl(s.kubeconfig, ['get', 'pods', '-n', 'ml', '-l', `serving.kserve.io/inferenceservice=${name}`, '-o', 'json'])).stdout,
  ).items.map((p: any) => p.spec.initContainers?.[0]?.image)
const history = async () =>
  JSON.parse((await kubectl(s.kubeconfig, ['get', 'cm', 'storage-initializer-history', '-n', 'kserve', '-o', 'json'])).stdout).data

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  s.cluster.controllers.tickMs = 20
  s.cluster.controllers.start()
  // the scenario's own model has a pod no Deployment owns: not part of these rollouts
  await kubectl(s.kubeconfig, ['delete', 'inferenceservice', 'sklearn-iris', '-n', 'ml'])
  await kubectl(s.kubeconfig, ['delete', 'pod', '--all', '-n', 'ml'])
})
afterEach(() => s.cluster.stop())

const lines = (text: string) => text.split('\n').filter(Boolean)
const events = (text: string) => lines(text).map(l => JSON.parse(l))
const newestRecord = async () => {
  const data = await history()
  const key = Object.keys(data)
    .filter(k => k.startsWith('revision-'))
    .sort((a, b) => Number(a.slice(9)) - Number(b.slice(9)))
    .pop()!
  return JSON.parse(data[key])
}
const annotations = async (name: string) =>
  JSON.parse((await kubectl(s.kubeconfig, ['get', 'inferenceservice', name, '-n', 'ml', '-o', 'json'])).stdout).metadata.annotations ?? {}

test('after set-image, rollout brings the model onto the new storage-initializer, shows it, and records it', async () => {
  await create('roll', 3)
  expect(await initImages('roll')).toEqual(Array(3).fill('kserve/storage-initializer:v0.20.0'))
  const set = await run('set-image', '--tag', 'v0.20.1')
  expect(set.code).toBe(0)
  expect(set.stderr).toContain('Roll them, and follow them to the end, with: kubectl storage-init rollout --all -n ml')
  // rollout status, before: one look says what is left
  const before = await run('rollout', 'status', 'roll', '-n', 'ml', '--watch=false')
  expect([before.code, before.stdout]).toEqual([
    1,
    'inferenceservice/roll -n ml: 3/3 pod(s) run the previous storage-initializer; waiting for them to be replaced\n',
  ])
  // --dry-run: what would be done, and nothing done
  const dry = await run('rollout', 'roll', '-n', 'ml', '--dry-run')
  expect([dry.code, dry.stdout, dry.stderr]).toEqual([
    0,
    'inferenceservice/roll -n ml: 3/3 pod(s) run the previous storage-initializer; would annotate it so that KServe rolls its Deployment by its own strategy\n',
    '1 model(s) would be rolled (--dry-run: nothing was changed)\n',
  ])
  expect(await initImages('roll')).toEqual(Array(3).fill('kserve/storage-initializer:v0.20.0'))
  expect(await annotations('roll')).not.toHaveProperty(['storage-init.kserve.io/restartedAt'])
  const r = await run('rollout', 'roll', '-n', 'ml', '--timeout', '60s')
  expect(r.code).toBe(0)
  const out = lines(r.stdout)
  expect(out[0]).toBe(
    'inferenceservice/roll -n ml: 3/3 pod(s) run the previous storage-initializer; will annotate it so that KServe rolls its Deployment by its own strategy',
  )
  expect(out[1]).toMatch(
    /^inferenceservice\/roll -n ml: started: annotated inferenceservice\/roll -n ml storage-init\.kserve\.io\/restartedAt=\S+Z: KServe rolls its Deployment/,
  )
  expect(out[out.length - 1]).toMatch(
    /^inferenceservice\/roll -n ml: done: rolled out: 3\/3 pod\(s\) on the new storage-initializer, 3 ready, download \d+(-\d+)?s$/,
  )
  // progress in between, each line a new state, counts never going back
  const counts = out.slice(2, -1).map(l => Number(/: (\d)\/\d pod/.exec(l)![1]))
  expect(counts).toEqual([...counts].sort())
  expect(r.stderr).toBe(
    '1 of 1 model(s) run the new storage-initializer\nrecorded beside the newest revision in configmap kserve/storage-initializer-history\n',
  )
  expect(await initImages('roll')).toEqual(Array(3).fill('kserve/storage-initializer:v0.20.1'))
  // KServe's own rollout: the Deployment rolled by its strategy, through a new ReplicaSet
  expect(Object.keys(await annotations('roll'))).toContain('storage-init.kserve.io/restartedAt')
  // recorded beside the change that caused it
  const rec = await newestRecord()
  expect(rec.command).toMatch(/^kubectl storage-init set-image --tag v0\.20\.1/)
  expect(rec.rollouts).toEqual([
    {
      time: expect.any(String),
      user: expect.any(String),
      command: expect.stringMatching(/^kubectl storage-init rollout roll -n ml --timeout 60s/),
      models: [{model: 'inferenceservice/roll -n ml', state: 'done'}],
    },
  ])
  // and history shows the record as before (the rollout is not a revision of its own)
  const h = await run('history')
  expect(h.code).toBe(0)
  // rollout status, after: nothing to wait for
  const after = await run('rollout', 'status', 'roll', '-n', 'ml')
  expect([after.code, after.stdout]).toEqual([
    0,
    'inferenceservice/roll -n ml: done: every pod runs the storage-initializer the configuration gives\n',
  ])
  // a second rollout has nothing to do, and records nothing
  const again = await run('rollout', 'roll', '-n', 'ml')
  expect([again.code, again.stderr]).toEqual([0, '1 of 1 model(s) run the new storage-initializer\n'])
})

test("a download that fails: the rollout stops for that model with diagnose's finding and its fix, the old pods keep serving", async () => {
  await create('broken', 2)
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  s.cluster.controllers.failing.add('gs://bucket/broken')
  const r = await run('rollout', 'broken', '-n', 'ml', '--timeout', '60s')
  expect(r.code).toBe(1)
  const failed = lines(r.stdout).find(l => l.includes(': failed: '))
  expect(failed).toMatch(
    /^inferenceservice\/broken -n ml: failed: pod broken-predictor-\S+: storage-initializer (exited 1|CrashLoopBackOff).*: DG\d+ /,
  )
  expect(r.stderr).toMatch(/^0 of 1 model\(s\) run the new storage-initializer; failed: inferenceservice\/broken -n ml$/m)
  expect(r.stderr).toMatch(/^inferenceservice\/broken -n ml: fix: /m)
  // maxUnavailable 25% of 2 is 0: both old pods still serve
  const pods = JSON.parse((await kubectl(s.kubeconfig, ['get', 'pods', '-n', 'ml', '-o', 'json'])).stdout).items
  expect(pods.filter((p: any) => p.status.phase === 'Running' && p.spec.initContainers[0].image.endsWith(':v0.20.0'))).toHaveLength(2)
  expect((await newestRecord()).rollouts[0].models).toEqual([
    {model: 'inferenceservice/broken -n ml', state: 'failed', reason: expect.stringContaining('storage-initializer')},
  ])
})

test('--all, one model at a time (--max-parallel 1), as JSON events', async () => {
  await create('alpha', 1)
  await create('beta', 2)
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  const r = await run('rollout', '--all', '-n', 'ml', '-o', 'json', '--timeout', '60s')
  expect([r.code, r.stderr]).toEqual([0, expect.any(String)])
  const ev = events(r.stdout)
  const at = (type: string, name: string) => ev.findIndex(e => e.type === type && e.model?.name === name)
  expect(ev.filter(e => e.type === 'planned').map(e => e.model.name)).toEqual(['alpha', 'beta'])
  // beta starts only once alpha is done
  expect(at('done', 'alpha')).toBeLessThan(at('started', 'beta'))
  expect(ev[ev.length - 1]).toEqual({
    type: 'finished',
    time: expect.any(String),
    message: '2 of 2 model(s) run the new storage-initializer',
  })
  for (const e of ev.filter(e => e.model))
    expect(e).toEqual(
      expect.objectContaining({time: expect.any(String), model: {kind: 'InferenceService', namespace: 'ml', name: e.model.name}}),
    )
  // two at a time: both start before either is done
  const first = (await annotations('beta'))['storage-init.kserve.io/restartedAt']
  expect((await run('set-image', '--tag', 'v0.20.2')).code).toBe(0)
  const second = await run('rollout', '--all', '-n', 'ml', '-o', 'json', '--max-parallel', '2', '--timeout', '60s')
  expect([second.code, second.stderr]).toEqual([0, expect.any(String)])
  const both = events(second.stdout)
  const at2 = (type: string, name: string) => both.findIndex(e => e.type === type && e.model?.name === name)
  expect(at2('started', 'beta')).toBeLessThan(at2('done', 'alpha'))
  // a rollout within the same second as the last one still changes the annotation (milliseconds): an equal value
  // would be no change, and KServe would have nothing to reconcile
  const again = (await annotations('beta'))['storage-init.kserve.io/restartedAt']
  expect([first, again]).toEqual([expect.stringMatching(/\.\d{3}Z$/), expect.stringMatching(/\.\d{3}Z$/)])
  expect(again).not.toBe(first)
}, 60_000)

test('a model Argo CD keeps is left alone (exit 1, said why); --include-owned replaces its pods within the strategy and edits nothing', async () => {
  await create('kept', 2, {...STANDARD, 'argocd.argoproj.io/tracking-id': 'models:serving.kserve.io/InferenceService:ml/kept'})
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  const r = await run('rollout', 'kept', '-n', 'ml')
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(
    /^inferenceservice\/kept -n ml: skipped: managed by Argo CD application models \(annotation argocd\.argoproj\.io\/tracking-id\); --include-owned replaces its pods instead, within its Deployment's strategy/m,
  )
  expect(r.stderr).toContain('0 of 1 model(s) run the new storage-initializer; not done: inferenceservice/kept -n ml')
  const before = await annotations('kept')
  // the Deployment's default strategy (25% of 2 replicas rounds down to 0 unavailable: it surges instead) allows no pod
  // to go: --include-owned alone leaves it, and says why
  const refused = await run('rollout', 'kept', '-n', 'ml', '--include-owned', '--timeout', '60s')
  expect(refused.code).toBe(1)
  expect(refused.stdout).toContain(
    'skipped: managed by Argo CD application models (annotation argocd.argoproj.io/tracking-id); deployment/kept-predictor allows no unavailable pod (maxUnavailable 25% of 2 replica(s) = 0: it surges instead (maxSurge 25%)); deleting a pod would take it below that: roll it from its owner, or pass --ignore-max-unavailable to replace one pod at a time anyway',
  )
  expect(refused.stdout).not.toContain('deleted pod/')
  expect(await initImages('kept')).toEqual(Array(2).fill('kserve/storage-initializer:v0.20.0'))
  // asked for by name: one pod at a time
  const owned = await run('rollout', 'kept', '-n', 'ml', '--include-owned', '--ignore-max-unavailable', '--timeout', '60s')
  expect([owned.code, owned.stderr]).toEqual([0, expect.any(String)])
  expect(lines(owned.stdout)[0]).toContain(
    "will replace its pods within their Deployment's strategy, which recreates them (deployment/kept-predictor: one at a time, beyond what it allows (maxUnavailable 25% of 2 replica(s) = 0: it surges instead (maxSurge 25%); --ignore-max-unavailable)); no object is edited",
  )
  const started = lines(owned.stdout).filter(l => l.includes(': started: '))
  expect(started).toEqual([
    expect.stringMatching(/started: deleted pod\/kept-predictor-[^,]+$/),
    expect.stringMatching(/started: deleted pod\/kept-predictor-[^,]+$/),
  ])
  expect(await initImages('kept')).toEqual(['kserve/storage-initializer:v0.20.1', 'kserve/storage-initializer:v0.20.1'])
  expect(await annotations('kept')).toEqual(before)
  // --ignore-max-unavailable belongs to --include-owned
  const alone = await run('rollout', 'kept', '-n', 'ml', '--ignore-max-unavailable')
  expect([alone.code, alone.stderr]).toEqual([
    1,
    expect.stringContaining('must be provided when using --ignore-max-unavailable: --include-owned'),
  ])
})

test('--include-owned never has more pods unavailable than maxUnavailable allows, and takes as many as it allows', async () => {
  await create(
    'wide',
    4,
    {...STANDARD, 'meta.helm.sh/release-name': 'models'},
    {
      type: 'RollingUpdate',
      rollingUpdate: {maxUnavailable: 2, maxSurge: 0},
    },
  )
  await kubectl(s.kubeconfig, ['label', 'inferenceservice', 'wide', '-n', 'ml', 'app.kubernetes.io/managed-by=Helm'])
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  // watched while it rolls, in the simulator's own store: never fewer than 4 − 2 pods ready
  const ready = (p: any) =>
    !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status?.containerStatuses ?? []).every((c: any) => c.ready)
  const readyNow = () =>
    s.cluster.store.list('/pods', 'ml').filter(p => p.metadata.labels?.['serving.kserve.io/inferenceservice'] === 'wide' && ready(p)).length
  let fewest = readyNow()
  const watch = setInterval(() => (fewest = Math.min(fewest, readyNow())), 2)
  const r = await run('rollout', 'wide', '-n', 'ml', '--include-owned', '--timeout', '60s')
  clearInterval(watch)
  expect([r.code, r.stderr]).toEqual([0, expect.any(String)])
  expect(lines(r.stdout)[0]).toContain('(deployment/wide-predictor: at most 2 unavailable at once (maxUnavailable 2 of 4 replica(s) = 2))')
  const started = lines(r.stdout).filter(l => l.includes(': started: '))
  // two at once first (as many as it allows), never more than two a step, four in all
  const perStep = started.map(l => (l.match(/pod\//g) ?? []).length)
  expect([perStep[0], Math.max(...perStep), perStep.reduce((a, b) => a + b, 0)]).toEqual([2, 2, 4])
  expect(fewest).toBe(2)
  expect(await initImages('wide')).toEqual(Array(4).fill('kserve/storage-initializer:v0.20.1'))
})

test('Knative: an annotation makes KServe write a new revision; an owned Knative model has its pods replaced within the strategy', async () => {
  await create('kn', 2, {'serving.kserve.io/deploymentMode': 'Serverless'})
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  const r = await run('rollout', 'kn', '-n', 'ml', '--timeout', '60s')
  expect(r.code).toBe(0)
  expect(lines(r.stdout)[0]).toContain('will annotate it so that KServe writes a new revision (Knative)')
  expect(r.stdout).toContain('KServe writes a new revision, and Knative moves its traffic there')
  expect(await initImages('kn')).toEqual(Array(2).fill('kserve/storage-initializer:v0.20.1'))
  expect(Object.keys(await annotations('kn'))).toContain('storage-init.kserve.io/restartedAt')
  // owned: nothing is edited, the pods are replaced. Knative's revision Deployments set no strategy (the default,
  // 25%: none of 2 replicas may go), so only --ignore-max-unavailable replaces them, one at a time
  await create('kn-owned', 2, {'serving.kserve.io/deploymentMode': 'Serverless', 'meta.helm.sh/release-name': 'models'})
  await kubectl(s.kubeconfig, ['label', 'inferenceservice', 'kn-owned', '-n', 'ml', 'app.kubernetes.io/managed-by=Helm'])
  expect((await run('set-image', '--tag', 'v0.20.2')).code).toBe(0)
  const refused = await run('rollout', 'kn-owned', '-n', 'ml')
  expect([refused.code, refused.stdout]).toEqual([1, expect.stringContaining('skipped: managed by Helm release "models"')])
  const strict = await run('rollout', 'kn-owned', '-n', 'ml', '--include-owned')
  expect([strict.code, strict.stdout]).toEqual([1, expect.stringContaining('deployment/kn-owned-predictor allows no unavailable pod')])
  const before = await annotations('kn-owned')
  const owned = await run('rollout', 'kn-owned', '-n', 'ml', '--include-owned', '--ignore-max-unavailable', '--timeout', '60s')
  expect(owned.code).toBe(0)
  expect(lines(owned.stdout)[0]).toContain("will replace its pods within their Deployment's strategy, which recreates them")
  expect(lines(owned.stdout).filter(l => / started: deleted pod\//.test(l))).toHaveLength(2)
  expect(await initImages('kn-owned')).toEqual(Array(2).fill('kserve/storage-initializer:v0.20.2'))
  expect(await annotations('kn-owned')).toEqual(before)
})

test('storageUris: an annotation makes the controller write the workload again', async () => {
  const multi = {
    ...model('multi'),
    spec: {predictor: {model: {modelFormat: {name: 'huggingface'}}, storageUris: [{uri: 'hf://org/base', mountPath: '/mnt/models/base'}]}},
  }
  const dep = deployment('multi', 1)
  dep.spec.template.metadata.annotations = {} as any
  const r0 = await kubectl(s.kubeconfig, ['apply', '-f', '-'], [multi, dep].map(d => stringify(d)).join('---\n'))
  expect(r0.code).toBe(0)
  expect((await kubectl(s.kubeconfig, ['rollout', 'status', 'deployment/multi-predictor', '-n', 'ml', '--timeout=20s'])).code).toBe(0)
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  const r = await run('rollout', 'multi', '-n', 'ml', '--timeout', '60s')
  expect(lines(r.stdout)[0]).toContain('will annotate it so that the controller writes its workload again (storageUris)')
  expect(r.stdout).toMatch(
    /started: annotated inferenceservice\/multi -n ml storage-init\.kserve\.io\/reconciledAt=\S+: the controller writes its workload again/,
  )
  expect(r.code).toBe(0)
})

test('--timeout: what is not done in time is named, exit 1, and recorded as rolling', async () => {
  await create('slow', 1)
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  // nothing moves: the controllers are stopped
  s.cluster.controllers.stop()
  const r = await run('rollout', 'slow', '-n', 'ml', '--timeout', '1s')
  expect(r.code).toBe(1)
  expect(r.stdout).toMatch(/^inferenceservice\/slow -n ml: timeout: not done in time: 0\/1 pod\(s\) on the new storage-initializer$/m)
  expect(r.stderr).toContain('0 of 1 model(s) run the new storage-initializer; not done in time: inferenceservice/slow -n ml')
  expect((await newestRecord()).rollouts[0].models).toEqual([{model: 'inferenceservice/slow -n ml', state: 'rolling'}])
  const bad = await run('rollout', 'slow', '-n', 'ml', '--timeout', 'soon')
  expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^error: --timeout "soon" is not a duration/)])
  const both = await run('rollout', 'slow', '--all', '-n', 'ml')
  expect([both.code, both.stderr]).toEqual([1, expect.stringMatching(/^error: give a model's name or --all\/-A, not both/)])
})

test('Ctrl-C while following: it stops, says what is left, exits 130, and still records what was done', async () => {
  await create('stop', 1)
  expect((await run('set-image', '--tag', 'v0.20.1')).code).toBe(0)
  // nothing moves, so the rollout waits: it is interrupted once it has started
  s.cluster.controllers.stop()
  const bin = process.env.SI_PLUGIN_BIN
  const [cmd, argv] = bin ? [bin, []] : [process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init')]]
  const res = await new Promise<{code: number | null; stdout: string; stderr: string}>(resolve => {
    const child = spawn(cmd, [...argv, 'rollout', 'stop', '-n', 'ml', '--kubeconfig', s.kubeconfig], {
      env: {...process.env, ...env, NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    let sent = false
    child.stdout.on('data', d => {
      stdout += d
      if (!sent && stdout.includes('started: ')) {
        sent = true
        child.kill('SIGINT')
      }
    })
    child.stderr.on('data', d => (stderr += d))
    const hard = setTimeout(() => child.kill('SIGKILL'), 30_000)
    child.on('close', code => {
      clearTimeout(hard)
      resolve({code, stdout, stderr})
    })
  })
  expect(res.code).toBe(130)
  expect(res.stderr).toContain('0 of 1 model(s) run the new storage-initializer; not done (interrupted): inferenceservice/stop -n ml')
  expect(res.stderr).toContain('recorded beside the newest revision')
  expect((await newestRecord()).rollouts[0].models).toEqual([{model: 'inferenceservice/stop -n ml', state: 'rolling'}])
})

test('set-image --rollout: the change, then its rollout, followed to the end in one command', async () => {
  await create('both', 2)
  const bad = await run('set-image', '--tag', 'v0.20.1', '--rollout', '--rollout-timeout', 'later')
  expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^error: --rollout-timeout "later" is not a duration/)])
  expect(await initImages('both')).toEqual(Array(2).fill('kserve/storage-initializer:v0.20.0'))
  const r = await run('set-image', '--tag', 'v0.20.1', '--rollout')
  expect(r.code).toBe(0)
  expect(r.stdout).toMatch(/image updated/)
  expect(r.stderr).toMatch(/^inferenceservice\/both -n ml: done: rolled out: 2\/2 pod\(s\)/m)
  expect(r.stderr).toContain('1 of 1 model(s) run the new storage-initializer')
  expect(await initImages('both')).toEqual(Array(2).fill('kserve/storage-initializer:v0.20.1'))
  const rec = await newestRecord()
  expect([rec.command, rec.rollouts[0].command]).toEqual([
    expect.stringMatching(/^kubectl storage-init set-image --tag v0\.20\.1 --rollout/),
    expect.stringMatching(/^kubectl storage-init set-image --tag v0\.20\.1 --rollout .*\(its --rollout\)$/),
  ])
})

test('an LLMInferenceService: its Deployment made anew by the LLM controller, which keeps a running image', async () => {
  const sample = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'llminferenceservice-sample.yaml'), 'utf8'))
  const name = sample.metadata.name
  expect((await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(sample))).code).toBe(0)
  const ready = await kubectl(s.kubeconfig, ['rollout', 'status', `deployment/${name}-kserve`, '-n', 'ml', '--timeout=20s'])
  expect(ready.code).toBe(0)
  const images = async () =>
    JSON.parse(
      (await kubectl(s.kubeconfig, ['get', 'pods', '-n', 'ml', '-l', `app.kubernetes.io/name=${name}`, '-o', 'json'])).stdout,
    ).items.map((p: any) => p.spec.initContainers?.find((c: any) => c.name === 'storage-initializer')?.image)
  expect(await images()).toEqual(['kserve/storage-initializer:v0.20.0'])
  expect((await run('set-image', '--tag', 'v0.20.1', '--target', 'configmap')).code).toBe(0)
  const dry = await run('rollout', name, '-n', 'ml', '--llmisvc', '--dry-run')
  expect(dry.stdout).toContain('would delete its Deployment for the LLM controller to make anew')
  const r = await run('rollout', name, '-n', 'ml', '--llmisvc', '--timeout', '60s')
  expect(r.code).toBe(0)
  expect(r.stdout).toContain(`started: deleted deployment/${name}-kserve; the LLM controller makes it anew with the configuration's image`)
  expect(r.stdout).toMatch(/done: rolled out: 1\/1 pod\(s\)/)
  expect(await images()).toEqual(['kserve/storage-initializer:v0.20.1'])
})
