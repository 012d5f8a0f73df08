/** Test harness: a simulated cluster in this process, and the built plugin (or real kubectl) run against it. */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {gzipSync} from 'node:zlib'

import {stringify} from 'yaml'

import {SimCluster} from './cluster/server.js'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
export const SCENARIOS = join(ROOT, 'test', 'cluster', 'scenarios')
/** Copies of ../shared/fixtures (scripts/sync-fixtures.mjs): no test reads outside the checkout. */
export const FIXTURES = join(ROOT, 'test', 'fixtures')

export interface Started {
  cluster: SimCluster
  kubeconfig: string
  dir: string
}

export async function startCluster(scenario?: string, opts: {kserveCRDs?: boolean} = {}): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'si-test-'))
  const kubeconfig = join(dir, 'kubeconfig')
  const text = scenario ? readFileSync(scenario.includes('/') ? scenario : join(SCENARIOS, scenario), 'utf8') : undefined
  const cluster = await SimCluster.start({kserveCRDs: opts.kserveCRDs, scenario: text, kubeconfig})
  return {cluster, kubeconfig, dir}
}

export interface Result {
  code: number
  stdout: string
  stderr: string
}

export function exec(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  input?: string,
  timeoutMs = 60_000,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {env: {...process.env, NO_COLOR: '1', ...env}, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', d => (stdout += d))
    child.stderr.on('data', d => (stderr += d))
    // a command that hangs must not keep the test run alive
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', code => {
      clearTimeout(timer)
      resolve({code: code ?? -1, stdout, stderr})
    })
    // a child that exits without reading its input is not an error
    child.stdin.on('error', () => {})
    child.stdin.end(input ?? '')
  })
}

/** The command line that runs the built plugin (for a test that spawns it itself). */
export function pluginCommand(args: string[]): {cmd: string; args: string[]} {
  const standalone = process.env.SI_PLUGIN_BIN
  return standalone ? {cmd: standalone, args} : {cmd: process.execPath, args: [join(ROOT, 'bin', 'kubectl-storage_init'), ...args]}
}

/** The built plugin, as a user runs it: npm's bin, or the standalone executable that SI_PLUGIN_BIN names. */
export function plugin(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<Result> {
  const standalone = process.env.SI_PLUGIN_BIN
  return standalone
    ? exec(standalone, args, env, input)
    : exec(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...args], env, input)
}

export function kubectl(kubeconfig: string, args: string[], input?: string): Promise<Result> {
  return exec('kubectl', args, {KUBECONFIG: kubeconfig}, input)
}

/**
 * A minimal HTTP CONNECT proxy on 127.0.0.1, recording each tunnel's target (`host:port`). Tunnels go to 127.0.0.1 at
 * the target's port, so a name no resolver knows (sim.example) still reaches the simulated cluster.
 */
export async function connectProxy(): Promise<{url: string; tunnels: string[]; close(): void}> {
  const {createServer, connect} = await import('node:net')
  const tunnels: string[] = []
  const proxy = createServer(sock =>
    sock.once('data', head => {
      const target = /^CONNECT ([^ ]+) /.exec(head.toString())?.[1]
      if (!target) return sock.destroy()
      tunnels.push(target)
      const up = connect(Number(target.split(':').pop()), '127.0.0.1', () => {
        sock.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        up.pipe(sock)
        sock.pipe(up)
      })
      up.on('error', () => sock.destroy())
    }),
  )
  await new Promise<void>(r => proxy.listen(0, '127.0.0.1', r))
  return {url: `http://127.0.0.1:${(proxy.address() as {port: number}).port}`, tunnels, close: () => proxy.close()}
}

/** `data.release` of a Helm release Secret: base64 (the Secret's) of base64 (Helm's) of the release JSON, gzipped or not. */
export function helmReleaseData(release: unknown, gzip = true): string {
  const json = Buffer.from(JSON.stringify(release))
  return Buffer.from((gzip ? gzipSync(json) : json).toString('base64')).toString('base64')
}

/**
 * Seed the deployed release Secret of Helm release "kserve" (revision 4) whose chart rendered the live ConfigMap with
 * `edit` applied to its storageInitializer: what validate's SI070 compares the live configuration with.
 */
export function seedHelmRelease(s: Started, edit: (storageInitializer: string) => string): void {
  const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const rendered = {...cm, data: {...cm.data, storageInitializer: edit(cm.data.storageInitializer)}}
  const manifest = `---\n# Source: kserve-resources/templates/configmap.yaml\n${stringify(rendered)}`
  s.cluster.seed({
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: {
      name: 'sh.helm.release.v1.kserve.v4',
      namespace: 'kserve',
      labels: {owner: 'helm', name: 'kserve', status: 'deployed', version: '4'},
    },
    data: {release: helmReleaseData({name: 'kserve', version: 4, manifest})},
  })
}
