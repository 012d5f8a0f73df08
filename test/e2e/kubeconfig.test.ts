/** KUBECONFIG with several files is merged exactly as kubectl merges it; kubectl finds the plugin on PATH. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {parse} from 'yaml'

import {connectProxy, exec, plugin, ROOT, startCluster, type Started} from '../helpers.js'

let s: Started
let dir: string
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'si-kc-'))
})
afterAll(() => s.cluster.stop())

function write(name: string, doc: unknown): string {
  const f = join(dir, name)
  writeFileSync(f, JSON.stringify(doc))
  return f
}

test('first file wins for duplicate names and for current-context; missing files are skipped', async () => {
  const real = parse(s.cluster.kubeconfig())
  // the first file: the real cluster and a context "shared" that points at it
  const first = write('first', {
    ...real,
    contexts: [...real.contexts, {name: 'shared', context: {cluster: 'sim', user: 'sim-readonly'}}],
    'current-context': 'shared',
  })
  // the second file: the same names pointing nowhere, and another current-context
  const second = write('second', {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: 'sim', cluster: {server: 'https://127.0.0.1:1'}}],
    users: [{name: 'sim-readonly', user: {token: 'wrong'}}],
    contexts: [{name: 'shared', context: {cluster: 'sim', user: 'sim-readonly'}}],
    'current-context': 'sim-admin',
  })
  const env = {KUBECONFIG: [first, join(dir, 'missing'), second].join(delimiter)}
  const r = await plugin(['get', '-o', 'json'], env)
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout).context).toBe('shared')
  // kubectl agrees
  const k = await exec('kubectl', ['config', 'current-context'], env)
  expect(k.stdout.trim()).toBe('shared')
  const ks = await exec('kubectl', ['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'], env)
  expect(ks.stdout).toBe(s.cluster.url)
})

test('kubectl finds the plugin on PATH: kubectl storage-init get', async () => {
  const r = await exec('kubectl', ['storage-init', 'get', '-o', 'json'], {
    PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}`,
    KUBECONFIG: s.kubeconfig,
  })
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout).kserve.version).toBe('v0.20.0')
  const list = await exec('kubectl', ['plugin', 'list', '--name-only'], {PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}`})
  expect(list.stdout).toContain('kubectl-storage_init')
})

test('help reads "kubectl storage-init"', async () => {
  const r = await plugin(['get', '--help'])
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('$ kubectl storage-init get')
})

describe('proxy-url', () => {
  test('an http:// proxy-url tunnels every request through CONNECT, as kubectl does', async () => {
    const proxy = await connectProxy()
    const tunnels = proxy.tunnels
    try {
      const real = parse(s.cluster.kubeconfig())
      const f = write('proxied', {
        ...real,
        clusters: real.clusters.map((c: any) => ({...c, cluster: {...c.cluster, 'proxy-url': proxy.url}})),
      })
      const r = await plugin(['get', '-o', 'json'], {KUBECONFIG: f})
      expect(r.stderr).toBe('')
      expect(JSON.parse(r.stdout).configMap.name).toBe('inferenceservice-config')
      expect(tunnels.length).toBeGreaterThan(0)
      expect(tunnels[0]).toBe(new URL(s.cluster.url).host)
    } finally {
      proxy.close()
    }
  })

  test('a socks5:// proxy-url goes to the SOCKS proxy (loaded on demand), and a dead one is one clear line', async () => {
    const {createServer} = await import('node:net')
    let greeted = false
    // answers the SOCKS5 greeting with "no acceptable methods", so the client gives up
    const socks = createServer(sock =>
      sock.once('data', d => {
        greeted = d[0] === 5
        sock.end(Buffer.from([5, 0xff]))
      }),
    )
    await new Promise<void>(r => socks.listen(0, '127.0.0.1', r))
    try {
      const real = parse(s.cluster.kubeconfig())
      const port = (socks.address() as {port: number}).port
      const f = write('socks', {
        ...real,
        clusters: real.clusters.map((c: any) => ({...c, cluster: {...c.cluster, 'proxy-url': `socks5://127.0.0.1:${port}`}})),
      })
      const r = await plugin(['get', '-o', 'json', '--request-timeout', '5s'], {KUBECONFIG: f})
      expect(greeted).toBe(true)
      expect(r.code).toBe(1)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).toMatch(/^error: unable to connect to the server .*(socks|SOCKS)/i)
    } finally {
      socks.close()
    }
  })
})
