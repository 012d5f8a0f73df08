// `npm run demo`: start the simulated cluster with a KServe scenario, run `get` and `get --isvc` against it, stop.
import {spawn, spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const scenario = process.argv[2] ?? join(root, 'test/cluster/scenarios/kserve-v0.20.0.yaml')
const kubeconfig = join(mkdtempSync(join(tmpdir(), 'storage-init-demo-')), 'kubeconfig')
const cluster = spawn(process.execPath, [join(root, 'dist/cluster.js'), '--scenario', scenario, '--kubeconfig', kubeconfig], {
  stdio: ['ignore', 'pipe', 'inherit'],
})
await new Promise((resolve, reject) => {
  let out = ''
  cluster.stdout.on('data', d => {
    out += d
    if (out.includes('kubeconfig:')) resolve()
  })
  cluster.on('exit', code => reject(new Error(`the simulated cluster exited with ${code}`)))
})
console.log(`simulated cluster up (scenario ${scenario.replace(root + '/', '')})\n`)
let failed = false
for (const args of [['get'], ['get', '--isvc', 'sklearn-iris', '-n', 'ml']]) {
  console.log(`$ kubectl storage-init ${args.join(' ')}`)
  const r = spawnSync(process.execPath, [join(root, 'bin/kubectl-storage_init'), ...args], {
    stdio: 'inherit',
    env: {...process.env, KUBECONFIG: kubeconfig},
  })
  failed ||= r.status !== 0
  console.log('')
}
cluster.kill('SIGTERM')
// the cluster is gone now: say how to keep one running rather than print a KUBECONFIG that points nowhere
console.log('The simulated cluster has stopped. To keep one running and try every command against it:')
console.log('  npm run cluster            # prints the KUBECONFIG to export in another terminal')
process.exit(failed ? 1 : 0)
