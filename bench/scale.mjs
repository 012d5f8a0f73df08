// `npm run bench:scale`: the plugin on a large cluster. The simulated cluster holds KServe v0.20.0, SCALE_NAMESPACES
// namespaces (200), SCALE_ISVCS InferenceServices (5,000) and SCALE_PODS model pods (100,000; ~3 KB each, with env and
// annotations like real ones), generated here (not committed). Each command's wall time and peak memory (GNU time)
// side by side with `kubectl get pods -A -l serving.kserve.io/inferenceservice -o name` on the same cluster, and a
// fleet validate over SCALE_CONTEXTS clusters (30, each a simulator SCALE_LATENCY ms away) against the slowest one
// alone. Prints each target met or not, and exits 1 when a command failed.
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, createWriteStream, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse, stringify} from 'yaml'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const NS = Number(process.env.SCALE_NAMESPACES ?? 200)
const ISVCS = Number(process.env.SCALE_ISVCS ?? 5000)
const PODS = Number(process.env.SCALE_PODS ?? 100000)
const CONTEXTS = Number(process.env.SCALE_CONTEXTS ?? 30)
const dir = mkdtempSync(join(tmpdir(), 'storage-init-scale-'))
const kubeconfig = join(dir, 'kubeconfig')
const pad = (n, w) => String(n).padStart(w, '0')

// objects in etcd key order (namespace, then name), so the simulator's sorted index only ever appends
const objects = join(dir, 'objects.jsonl')
const out = createWriteStream(objects)
const write = o => new Promise(r => (out.write(JSON.stringify(o) + '\n') ? r() : out.once('drain', r)))
const perNs = Math.ceil(ISVCS / NS)
const podsPerIsvc = Math.max(1, Math.floor(PODS / ISVCS))
for (let n = 0; n < NS; n++) await write({apiVersion: 'v1', kind: 'Namespace', metadata: {name: `team-${pad(n, 3)}`}})
for (let n = 0; n < NS; n++) {
  const ns = `team-${pad(n, 3)}`
  for (let i = 0; i < perNs && n * perNs + i < ISVCS; i++)
    await write({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: `m-${pad(i, 3)}`, namespace: ns, annotations: {'serving.kserve.io/deploymentMode': 'Standard'}},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: `s3://models/${ns}/m-${pad(i, 3)}`}}},
    })
}
const env = Array.from({length: 12}, (_, k) => ({name: `SETTING_${k}`, value: 'x'.repeat(40)}))
for (let n = 0; n < NS; n++) {
  const ns = `team-${pad(n, 3)}`
  const pods = []
  for (let i = 0; i < perNs && n * perNs + i < ISVCS; i++)
    for (let p = 0; p < podsPerIsvc; p++) {
      const model = `m-${pad(i, 3)}`
      const uri = `s3://models/${ns}/${model}`
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${model}-predictor-${pad(p, 3)}`,
          namespace: ns,
          labels: {'serving.kserve.io/inferenceservice': model, component: 'predictor', app: `isvc.${model}-predictor`},
          annotations: {
            'internal.serving.kserve.io/storage-initializer-sourceuri': uri,
            'serving.kserve.io/deploymentMode': 'Standard',
            'prometheus.io/scrape': 'true',
            'kubectl.kubernetes.io/restartedAt': '2026-11-20T10:00:00Z',
          },
        },
        spec: {
          nodeName: `node-${pad(p % 50, 2)}`,
          initContainers: [
            {
              name: 'storage-initializer',
              image: 'kserve/storage-initializer:v0.20.0',
              args: [uri, '/mnt/models'],
              resources: {requests: {cpu: '100m', memory: '100Mi'}, limits: {cpu: '1', memory: '1Gi'}},
              env,
              volumeMounts: [{name: 'kserve-provision-location', mountPath: '/mnt/models'}],
            },
          ],
          containers: [{name: 'kserve-container', image: 'kserve/sklearnserver:v0.20.0', env, ports: [{containerPort: 8080}]}],
        },
        status: {
          phase: 'Running',
          initContainerStatuses: [
            {
              name: 'storage-initializer',
              restartCount: 0,
              state: {
                terminated: {exitCode: 0, reason: 'Completed', startedAt: '2026-11-20T10:00:00Z', finishedAt: '2026-11-20T10:00:07Z'},
              },
            },
          ],
          containerStatuses: [
            {name: 'kserve-container', ready: true, restartCount: 0, state: {running: {startedAt: '2026-11-20T10:00:08Z'}}},
          ],
        },
      })
    }
  pods.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
  for (const p of pods) await write(p)
}
await new Promise(r => out.end(r))

const cluster = spawn(
  process.execPath,
  [
    '--max-old-space-size=8192',
    join(root, 'dist/cluster.js'),
    '--scenario',
    join(root, 'test/cluster/scenarios/kserve-v0.20.0.yaml'),
    '--objects',
    objects,
    '--kubeconfig',
    kubeconfig,
  ],
  {stdio: ['ignore', 'pipe', 'inherit']},
)
await new Promise(r => cluster.stdout.on('data', d => String(d).includes('kubeconfig:') && r()))
// the fleet: SCALE_CONTEXTS clusters of their own (one simulator process each, KServe v0.20.0 and its example model),
// each answering after SCALE_LATENCY ms (50), a remote API server's round trip. Contexts on the one large simulator
// would measure that single process serving 30 clusters' requests in turn, not the plugin's parallelism.
const LATENCY = Number(process.env.SCALE_LATENCY ?? 50)
const fleetClusters = await Promise.all(
  Array.from({length: CONTEXTS}, async (_, i) => {
    const file = join(dir, `fleet-${i}.kubeconfig`)
    const p = spawn(
      process.execPath,
      [
        join(root, 'dist/cluster.js'),
        '--scenario',
        join(root, 'test/cluster/scenarios/kserve-v0.20.0.yaml'),
        '--latency',
        String(LATENCY),
        '--kubeconfig',
        file,
      ],
      {stdio: ['ignore', 'pipe', 'inherit']},
    )
    await new Promise(r => p.stdout.on('data', d => String(d).includes('kubeconfig:') && r()))
    return {p, kc: parse(readFileSync(file, 'utf8'))}
  }),
)
const fleet = join(dir, 'fleet')
const name = i => `c${pad(i, 2)}`
writeFileSync(
  fleet,
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: fleetClusters.map(({kc}, i) => ({...kc.clusters.find(c => c.name === 'sim'), name: name(i)})),
    users: fleetClusters.map(({kc}, i) => ({...kc.users.find(u => u.name === 'sim-admin'), name: name(i)})),
    contexts: fleetClusters.map((_, i) => ({name: name(i), context: {cluster: name(i), user: name(i)}})),
    'current-context': name(0),
  }),
)

/** Wall seconds and peak RSS (MB) of one command, by GNU time. */
function measure(cmd, args, e = {}) {
  const t0 = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {
    env: {...process.env, KUBECONFIG: kubeconfig, ...e},
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  })
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const rss = Number(r.stderr.trim().split('\n').pop()) / 1024
  return {wall, rss, status: r.status, stderr: r.stderr}
}
// a private copy of the build, so a rebuild during the run (minutes at this size) cannot pull it away
const app = join(dir, 'app')
for (const f of ['bin', 'dist/cli.cjs', 'oclif.manifest.json', 'package.json']) cpSync(join(root, f), join(app, f), {recursive: true})
const plugin = join(app, 'bin/kubectl-storage_init')
// and the standalone executable krew installs (Bun: JavaScriptCore's memory does not follow V8's collection hints)
const {HOST: host, exeName} = await import('../scripts/package.mjs')
spawnSync(
  process.execPath,
  [join(root, 'scripts/package.mjs'), '--platform', host, '--out', join(dir, 'release'), '--manifest', join(dir, 'release', 'krew.yaml')],
  {stdio: ['ignore', 'ignore', 'inherit']},
)
const standalone = join(dir, 'release', host, exeName(host))
const builds = [
  ['npm', process.execPath, [plugin]],
  ['standalone', standalone, []],
]
if (process.env.SCALE_HOLD) {
  // for profiling one command by hand: the cluster stays up until Ctrl-C
  console.log(`cluster up: KUBECONFIG=${kubeconfig} (fleet: ${fleet}); plugin copy: ${plugin}`)
  await new Promise(r => process.once('SIGINT', r))
  cluster.kill('SIGTERM')
  for (const {p} of fleetClusters) p.kill('SIGTERM')
  process.exit(0)
}
const kubectl = measure('kubectl', ['get', 'pods', '-A', '-l', 'serving.kserve.io/inferenceservice', '-o', 'name'])
const rows = [['kubectl get pods -A -l serving.kserve.io/inferenceservice -o name', kubectl]]
/** A run that failed is reported and fails the targets: a fast failure is not a fast command. */
const failed = []
const check = (label, m, ok = [0]) => {
  if (!ok.includes(m.status)) failed.push(`${label}: exit ${m.status}: ${m.stderr.split('\n').slice(0, -2).join(' ').slice(0, 400)}`)
  return m
}
/** Each command in both builds, one after the other (set-image, then the rollback that undoes it, per build). */
const run = (label, args, ok) =>
  builds.map(([b, cmd, pre]) => {
    const m = check(`${label} (${b})`, measure(cmd, [...pre, ...args]), ok)
    rows.push([`${label} (${b})`, m])
    return m
  })
check('kubectl', kubectl)
run('get', ['get'])
run('validate', ['validate', '-o', 'json'], [0, 1])
run('get --isvc m-001 -n team-001', ['get', '--isvc', 'm-001', '-n', 'team-001'])
const setImage = []
const rollback = []
for (const [b, cmd, pre] of builds) {
  const label = `set-image --tag v0.20.1 (counts stale pods cluster-wide) (${b})`
  setImage.push(check(label, measure(cmd, [...pre, 'set-image', '--tag', 'v0.20.1'])))
  rows.push([label, setImage.at(-1)])
  const undo = `rollback (counts them again) (${b})`
  rollback.push(check(undo, measure(cmd, [...pre, 'rollback'])))
  rows.push([undo, rollback.at(-1)])
}
const summary = run('logs --summary -A', ['logs', '--summary', '-A'])
// the slowest one alone
const single = fleetClusters
  .map((_, i) =>
    check(
      `validate ${name(i)}`,
      measure(process.execPath, [plugin, 'validate', '-o', 'json', '--kubeconfig', fleet, '--context', name(i)]),
      [0, 1],
    ),
  )
  .reduce((a, b) => (b.wall > a.wall ? b : a))
const many = check(
  'validate --all-contexts',
  measure(process.execPath, [plugin, 'validate', '-o', 'json', '--kubeconfig', fleet, '--all-contexts']),
  [0, 1],
)
rows.push([`validate --all-contexts (${CONTEXTS} clusters, ${LATENCY} ms away)`, many])
cluster.kill('SIGTERM')
for (const {p} of fleetClusters) p.kill('SIGTERM')

console.log(`\n${PODS} pods, ${ISVCS} InferenceServices, ${NS} namespaces\n`)
console.log(`${'command'.padEnd(74)} ${'wall'.padStart(8)} ${'peak RSS'.padStart(10)}`)
for (const [label, m] of rows) console.log(`${label.padEnd(74)} ${m.wall.toFixed(2).padStart(7)}s ${m.rss.toFixed(0).padStart(7)} MB`)
const targets = [
  ['peak memory of every command below 150 MB', rows.slice(1).every(([, m]) => m.rss < 150)],
  ['set-image with the stale-pod count within kubectl get pods -o name', setImage.every(m => m.wall <= kubectl.wall)],
  ['rollback with the stale-pod count within kubectl get pods -o name', rollback.every(m => m.wall <= kubectl.wall)],
  ['logs --summary -A within kubectl get pods -o name', summary.every(m => m.wall <= kubectl.wall)],
  [`fleet validate over ${CONTEXTS} clusters within 3x the slowest alone (${single.wall.toFixed(2)}s)`, many.wall <= 3 * single.wall],
]
console.log('')
for (const [what, ok] of targets) console.log(`${ok && failed.length === 0 ? 'met    ' : 'NOT met'}  ${what}`)
for (const f of failed) console.log(`FAILED   ${f}`)
if (failed.length) process.exitCode = 1
