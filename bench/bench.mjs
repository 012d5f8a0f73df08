// `npm run bench`: our commands and kubectl's, interleaved, against the same simulated cluster, for both installs (npm's
// bin on Node, and this machine's standalone executable). Prints medians, ratios (ours / kubectl), peak memory, whether
// each target is met, and the archive's size next to kubectl's. Needs kubectl and /usr/bin/time.
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const runs = Number(process.env.BENCH_RUNS ?? 20)
const pods = Number(process.env.BENCH_PODS ?? 100)
const lines = Number(process.env.BENCH_LINES ?? 10000)
const dir = mkdtempSync(join(tmpdir(), 'storage-init-bench-'))
const kubeconfig = join(dir, 'kubeconfig')

// a KServe v0.20.0 install plus `pods` model pods with `lines` log lines each
const scenario = [
  readFileSync(join(root, 'test/cluster/scenarios/kserve-v0.20.0.yaml'), 'utf8'),
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: bench}\n',
]
for (let i = 0; i < pods; i++) {
  scenario.push(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `m-${i}`,
        namespace: 'bench',
        labels: {'serving.kserve.io/inferenceservice': `m${i % 10}`},
        annotations: {
          'sim.storage-init.dev/logs': JSON.stringify({
            'storage-initializer': [
              {
                text: `2026-11-25 10:00:00.000 1 kserve INFO [storage.py:download():66] copied chunk {i} of s3://bucket/model-${i}`,
                repeat: lines,
              },
            ],
          }),
        },
      },
      spec: {
        initContainers: [{name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0'}],
        containers: [{name: 'kserve-container', image: 'k'}],
      },
      status: {
        phase: 'Running',
        initContainerStatuses: [
          {
            name: 'storage-initializer',
            state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: '2026-11-25T10:00:00Z', finishedAt: '2026-11-25T10:00:30Z'}},
          },
        ],
      },
    }) + '\n',
  )
}
const scenarioFile = join(dir, 'scenario.yaml')
writeFileSync(scenarioFile, scenario.join('---\n'))
const cluster = spawn(process.execPath, [join(root, 'dist/cluster.js'), '--scenario', scenarioFile, '--kubeconfig', kubeconfig], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
await new Promise(r => cluster.stdout.on('data', d => String(d).includes('kubeconfig:') && r()))
// the same cluster as a remote one: every answer BENCH_LATENCY ms late (default 20), like a round trip to a cloud's API
const latency = Number(process.env.BENCH_LATENCY ?? 20)
const remoteKubeconfig = join(dir, 'kubeconfig-remote')
const remote = spawn(
  process.execPath,
  [join(root, 'dist/cluster.js'), '--scenario', scenarioFile, '--kubeconfig', remoteKubeconfig, '--latency', String(latency)],
  {stdio: ['ignore', 'pipe', 'inherit']},
)
await new Promise(r => remote.stdout.on('data', d => String(d).includes('kubeconfig:') && r()))

// both ways of installing it: npm's bin (Node + dist/cli.cjs + code cache) and krew's archive for this machine
const {HOST: host, exeName} = await import('../scripts/package.mjs')
const release = join(root, 'dist', 'bench-release')
execFileSync(
  process.execPath,
  [join(root, 'scripts/package.mjs'), '--platform', host, '--out', release, '--manifest', join(release, 'krew-manifest.yaml')],
  {stdio: ['ignore', 'ignore', 'inherit']},
)
const variants = {npm: join(root, 'bin/kubectl-storage_init'), standalone: join(release, host, exeName(host))}
// the floor (bench/floor.mjs): a program compiled as the standalone executable is that reads the kubeconfig and makes
// the one GET; how far each of our commands is from it is reported beside kubectl's
const {bunRuntime, bunDefineArgs, JIT_POLICY} = {
  ...(await import('../scripts/package.mjs')),
  ...(await import('../scripts/executables.mjs')),
}
const floor = join(dir, 'floor')
execFileSync(
  await bunRuntime(host),
  [
    'build',
    ...bunDefineArgs(),
    '--compile',
    '--bytecode',
    '--format=esm',
    '--minify',
    `--compile-jit-policy=${JIT_POLICY}`,
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    join(root, 'bench/floor.mjs'),
    '--outfile',
    floor,
  ],
  {stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, NO_COLOR: '1'}},
)
// what kubectl's plugin dispatch finds on PATH for each install
const pathOf = Object.fromEntries(
  Object.entries(variants).map(([v, exe]) => {
    const d = join(dir, `path-${v}`)
    mkdirSync(d)
    symlinkSync(exe, join(d, 'kubectl-storage_init'))
    return [v, `${d}${delimiter}${process.env.PATH}`]
  }),
)

/**
 * Wall seconds and peak RSS (MB, from /usr/bin/time) of one run. The wall time is measured here, to the microsecond,
 * minus what starting a process costs this script (measured below with `true`, as hyperfine subtracts its shell's).
 */
let overhead = 0
function measure(cmd, args, extraEnv = {}) {
  // without NODE_EXTRA_CA_CERTS (set on this project's machine): Bun loads it for every TLS context whatever the
  // kubeconfig says (5-10 ms), kubectl ignores it, and most kubectl users do not set it
  const {NODE_EXTRA_CA_CERTS, ...rest} = process.env
  void NODE_EXTRA_CA_CERTS
  const env = {...rest, KUBECONFIG: kubeconfig, NO_COLOR: '1', ...extraEnv}
  const started = process.hrtime.bigint()
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], {env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30})
  const wall = Number(process.hrtime.bigint() - started) / 1e9 - overhead
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`)
  const kb = Number(r.stderr.toString().trim().split('\n').pop())
  return {wall, mb: kb / 1024}
}
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
overhead = median(Array.from({length: 20}, () => measure('/bin/true', []).wall))

const getCm = ['kubectl', ['get', 'configmap', 'inferenceservice-config', '-n', 'kserve', '-o', 'json']]
const versionClient = ['kubectl', ['version', '--client']]
/**
 * each case: our command, kubectl's counterpart, and the target ratio (ours / kubectl wall time) for the standalone
 * executable, what krew installs; npm's install (Node's own start is 60 ms or more) is measured for comparison
 */
const cases = [
  {name: 'get -o json', ours: ['get', '-o', 'json'], theirs: getCm, target: 0.6, floor: true},
  // no target: the same against a cluster whose answers come BENCH_LATENCY ms late
  {name: `get -o json, ${latency} ms round trip`, ours: ['get', '-o', 'json'], theirs: getCm, floor: true, kubeconfig: remoteKubeconfig},
  {name: 'kubectl storage-init get -o json', dispatch: true, ours: ['storage-init', 'get', '-o', 'json'], theirs: getCm, target: 1.5},
  {name: '--help', ours: ['--help'], theirs: versionClient, target: 0.35},
  {name: '--version', ours: ['--version'], theirs: versionClient, target: 0.35},
  // they do more work (the model, its pods, the emulation; every rule): no target, reported beside kubectl's nearest
  {
    name: 'get --isvc sklearn-iris -n ml -o json',
    ours: ['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json'],
    theirs: ['kubectl', ['get', 'inferenceservice', 'sklearn-iris', '-n', 'ml', '-o', 'json']],
  },
  {
    name: 'validate (live)',
    ours: ['validate', '-o', 'json'],
    theirs: ['kubectl', ['get', 'cm', '-n', 'kserve', '-o', 'json']],
  },
  // at least twice kubectl's throughput: at most half its time
  {
    name: `logs --all, ${pods} pods x ${lines} lines`,
    ours: ['logs', '--all', '-n', 'bench', '--max-log-requests', '100'],
    theirs: [
      'kubectl',
      [
        'logs',
        '-l',
        'serving.kserve.io/inferenceservice',
        '-n',
        'bench',
        '--prefix',
        '--max-log-requests',
        '100',
        '--tail=-1',
        '-c',
        'storage-initializer',
      ],
    ],
    target: 0.5,
    memory: 150,
  },
]
console.log(
  `machine: ${execFileSync('uname', ['-srm'], {encoding: 'utf8'}).trim()}, ${execFileSync('nproc', {encoding: 'utf8'}).trim()} cores, node ${process.version}, ${execFileSync('kubectl', ['version', '--client'], {encoding: 'utf8'}).split('\n')[0]}; ${runs} runs each after a warm-up, interleaved; process start-up overhead subtracted: ${(overhead * 1000).toFixed(1)} ms`,
)
console.log(['case', 'install', 'ours (s)', 'kubectl (s)', 'ratio', 'target', 'ours peak MB', 'kubectl peak MB', 'met'].join('\t'))
let allMet = true
for (const c of cases) {
  const n = c.name.startsWith('logs') ? Math.max(3, Math.floor(runs / 3)) : runs
  const names = [...Object.keys(variants), ...(c.floor ? ['floor'] : [])]
  const at = c.kubeconfig ? {KUBECONFIG: c.kubeconfig} : {}
  const ours = v =>
    v === 'floor'
      ? measure(floor, [], at)
      : c.dispatch
        ? measure('kubectl', c.ours, {PATH: pathOf[v], ...at})
        : measure(variants[v], c.ours, at)
  const theirs = () => measure(c.theirs[0], c.theirs[1], at)
  // warm-up (also writes npm's code cache), then ours (each install) and kubectl's in turn
  for (const v of names) ours(v)
  theirs()
  const a = Object.fromEntries(names.map(v => [v, []]))
  const b = []
  for (let i = 0; i < n; i++) {
    for (const v of names) a[v].push(ours(v))
    b.push(theirs())
  }
  const wb = median(b.map(x => x.wall))
  for (const v of names) {
    const wa = median(a[v].map(x => x.wall))
    const ratio = wa / Math.max(wb, 0.001)
    const mem = Math.max(...a[v].map(x => x.mb))
    const judged = v === 'standalone' && c.target !== undefined
    const met = ratio <= c.target && (c.memory === undefined || mem < c.memory)
    if (judged) allMet &&= met
    const target = judged ? `<= ${c.target}x${c.memory ? `, < ${c.memory} MB` : ''}` : '-'
    console.log(
      [
        c.name,
        v,
        wa.toFixed(3),
        wb.toFixed(3),
        ratio.toFixed(2),
        target,
        mem.toFixed(0),
        Math.max(...b.map(x => x.mb)).toFixed(0),
        judged ? (met ? 'yes' : 'NO') : '-',
      ].join('\t'),
    )
  }
  if (c.floor) {
    const wf = median(a.floor.map(x => x.wall))
    console.log(
      `${c.name}: the floor (a Bun program that reads the kubeconfig and makes the one GET) ${wf.toFixed(3)} s; standalone ${(median(a.standalone.map(x => x.wall)) / wf).toFixed(2)}x the floor, npm ${(median(a.npm.map(x => x.wall)) / wf).toFixed(2)}x`,
    )
  }
}
cluster.kill('SIGTERM')
remote.kill('SIGTERM')

// sizes: our archive and executable for this machine, next to kubectl's executable (and what it gzips to)
const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const archive = join(release, `kubectl-storage-init_v${version}_${host.replace('-', '_')}.tar.gz`)
const kubectl = execFileSync('sh', ['-c', 'readlink -f "$(command -v kubectl)"'], {encoding: 'utf8'}).trim()
const mb = n => `${(n / 1e6).toFixed(1)} MB`
console.log(
  `size (${host}): archive ${mb(statSync(archive).size)}, executable ${mb(statSync(variants.standalone).size)}; kubectl: executable ${mb(statSync(kubectl).size)}, gzipped ${mb(gzipSync(readFileSync(kubectl)).length)}`,
)
console.log(allMet ? 'standalone: every target met' : 'standalone: some targets NOT met')
process.exit(allMet ? 0 : 1)
