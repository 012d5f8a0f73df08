/**
 * kubectl manners: the habits a kubectl user brings (help, flag order, typos, connection flags, impersonation,
 * environment proxies, in-cluster configuration), each tried as a user would, against the simulated cluster.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {parse} from 'yaml'

import {connectProxy, exec, plugin, ROOT, startCluster, type Started} from '../helpers.js'

let s: Started
let dir: string
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'si-manners-'))
})
afterAll(() => s.cluster.stop())

const kc = () => ['--kubeconfig', s.kubeconfig]

describe('help, flag order, typos', () => {
  test('-h is --help, for the plugin and every command, also through kubectl', async () => {
    const top = await plugin(['-h'])
    expect(top.code).toBe(0)
    expect(top.stdout).toContain('USAGE')
    for (const cmd of ['get', 'set-image', 'set-resources', 'rollback', 'history', 'validate', 'logs']) {
      const r = await plugin([cmd, '-h'])
      expect([cmd, r.code]).toEqual([cmd, 0])
      expect(r.stdout).toContain(`$ kubectl storage-init ${cmd}`)
    }
    const k = await exec('kubectl', ['storage-init', 'logs', '-h'], {PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}`})
    expect(k.stdout).toContain('$ kubectl storage-init logs')
  })
  test('global flags before the command, as kubectl -n ml logs', async () => {
    const r = await plugin([
      '--kubeconfig',
      s.kubeconfig,
      '-n',
      'ml',
      '--context',
      'sim-readonly',
      'get',
      '--isvc',
      'sklearn-iris',
      '-o',
      'json',
    ])
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).inferenceService.namespace).toBe('ml')
    expect(JSON.parse(r.stdout).context).toBe('sim-readonly')
  })
  test('a typo gets kubectl\'s "Did you mean"; an extra argument is one usage line', async () => {
    const t = await plugin(['gte'])
    expect(t.code).toBe(1)
    expect(t.stderr).toBe(
      'error: unknown command "gte" for "kubectl storage-init"\n\nDid you mean this?\n\tget\n\nRun \'kubectl storage-init --help\' for usage.\n',
    )
    const x = await plugin(['get', 'extra-arg', ...kc()])
    expect(x.code).toBe(1)
    expect(x.stderr).toBe(
      'error: unexpected argument "extra-arg" for "kubectl storage-init get": it takes no arguments\nSee \'kubectl storage-init get -h\' for help and examples\n',
    )
  })
})

describe('connection flags', () => {
  test('--server and --token, with no kubeconfig at all; --insecure-skip-tls-verify or --certificate-authority', async () => {
    const caFile = join(dir, 'ca.crt')
    writeFileSync(caFile, s.cluster.certs!.caPem)
    const env = {KUBECONFIG: '', HOME: dir}
    const token = s.cluster.users['sim-readonly'].token
    const a = await plugin(['get', '-o', 'json', '--server', s.cluster.url, '--token', token, '--certificate-authority', caFile], env)
    expect(a.stderr).toBe('')
    expect(JSON.parse(a.stdout).configMap.name).toBe('inferenceservice-config')
    const b = await plugin(['get', '-o', 'json', '-s', s.cluster.url, '--token', token, '--insecure-skip-tls-verify'], env)
    expect(b.code).toBe(0)
    const c = await plugin(['get', '-s', s.cluster.url, '--token', token], env)
    expect(c.code).toBe(1)
    expect(c.stderr).toMatch(/^error: unable to connect to the server 127\.0\.0\.1:\d+: TLS certificate not trusted/)
    const bad = await plugin(['get', '-s', s.cluster.url, '--token', 'nope', '--insecure-skip-tls-verify'], env)
    expect(bad.code).toBe(1)
  })
  test("--user and --cluster pick kubeconfig entries; --token replaces the user's credentials", async () => {
    const r = await plugin(['set-image', '--tag', 'v0.20.1', '--dry-run=server', '--user', 'sim-readonly', ...kc()])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('forbidden')
    const t = await plugin(['get', '-o', 'json', '--token', s.cluster.users['sim-nobody'].token, ...kc()])
    expect(t.code).toBe(1)
    expect(t.stderr).toMatch(/forbidden/)
  })
  test('--as, --as-group and --as-uid reach the server as Impersonate-* headers', async () => {
    const as = s.cluster.users['sim-readonly'].name
    const before = s.cluster.requests.length
    const r = await plugin(['set-image', '--tag', 'v0.20.1', '--as', as, ...kc()])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('forbidden')
    expect(r.stderr).toContain(`"${as}"`)
    expect(
      s.cluster.requests
        .slice(before)
        .filter(q => q.method !== 'GET' || q.path.includes('configmaps'))
        .every(q => q.user === as),
    ).toBe(true)
    const g = await plugin([
      'get',
      '-o',
      'json',
      '--as',
      'someone',
      '--as-group',
      'system:masters',
      '--as-group',
      'team',
      '--as-uid',
      '42',
      ...kc(),
    ])
    expect(g.stderr).toBe('')
    expect(s.cluster.requests.slice(before).some(q => q.user === 'someone')).toBe(true)
  })
  test('-v 6 logs each request, as --debug', async () => {
    const r = await plugin(['get', '-o', 'json', '-v', '6', ...kc()])
    expect(r.stderr).toMatch(/^debug: GET \/api\/v1\/configmaps\?fieldSelector=metadata\.name%3Dinferenceservice-config 200 in \d+ms$/m)
  })
})

describe('environment', () => {
  test("HTTPS_PROXY is used for the API server unless NO_PROXY covers it; loopback is never proxied (Go's ProxyFromEnvironment)", async () => {
    const port = new URL(s.cluster.url).port
    // the proxy knows the name "sim.example" (no resolver here does)
    const proxy = await connectProxy()
    const tunnels = proxy.tunnels
    try {
      const real = parse(s.cluster.kubeconfig())
      const f = join(dir, 'named')
      writeFileSync(
        f,
        JSON.stringify({
          ...real,
          clusters: real.clusters.map((c: any) => ({
            ...c,
            cluster: {...c.cluster, server: `https://sim.example:${port}`, 'tls-server-name': 'localhost'},
          })),
        }),
      )
      const env = {HTTPS_PROXY: proxy.url}
      const r = await plugin(['get', '-o', 'json', '--kubeconfig', f], env)
      expect(r.stderr).toBe('')
      expect(tunnels[0]).toBe(`sim.example:${port}`)
      const n = tunnels.length
      const skipped = await plugin(['get', '-o', 'json', '--kubeconfig', f, '--request-timeout', '3s'], {...env, NO_PROXY: '.example'})
      expect(skipped.code).toBe(1)
      expect(tunnels.length).toBe(n)
      const loop = await plugin(['get', '-o', 'json', ...kc()], env)
      expect(loop.code).toBe(0)
      expect(tunnels.length).toBe(n)
    } finally {
      proxy.close()
    }
  })
  test('in a pod with no kubeconfig: the service account (token, CA, namespace) and KUBERNETES_SERVICE_HOST', async () => {
    const sa = join(dir, 'sa')
    mkdirSync(sa, {recursive: true})
    writeFileSync(join(sa, 'token'), s.cluster.users['sim-readonly'].token + '\n')
    writeFileSync(join(sa, 'ca.crt'), s.cluster.certs!.caPem)
    writeFileSync(join(sa, 'namespace'), 'ml')
    const u = new URL(s.cluster.url)
    const env = {
      KUBECONFIG: '',
      HOME: join(dir, 'nohome'),
      KUBERNETES_SERVICE_HOST: u.hostname,
      KUBERNETES_SERVICE_PORT: u.port,
      STORAGE_INIT_SERVICEACCOUNT_DIR: sa,
    }
    const r = await plugin(['get', '--isvc', 'sklearn-iris', '-o', 'json'], env)
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout)).toMatchObject({context: 'in-cluster', inferenceService: {namespace: 'ml'}})
  })
})

describe('logs as kubectl logs and stern', () => {
  test('a missing model, namespace or container is one line and exit 1; a name is a Kubernetes name', async () => {
    const m = await plugin(['logs', 'nope', '-n', 'ml', ...kc()])
    expect([m.code, m.stderr]).toEqual([
      1,
      'error: inferenceservice "nope" not found in namespace "ml" (nor an llminferenceservice) (list them with: kubectl get inferenceservices,llminferenceservices -n ml)\n',
    ])
    const f = await plugin(['logs', 'nope', '-n', 'ml', '-f', ...kc()])
    expect(f.code).toBe(1)
    const ns = await plugin(['logs', '--all', '-n', 'nope', ...kc()])
    expect([ns.code, ns.stderr]).toEqual([1, 'error: namespaces "nope" not found\n'])
    const c = await plugin(['logs', 'sklearn-iris', '-n', 'ml', '-c', 'nope', ...kc()])
    expect([c.code, c.stderr.trim()]).toEqual([1, 'error: container nope is not valid for pod sklearn-iris-predictor-7d9c8b6f5-x2k4q'])
    const bad = await plugin(['logs', 'a,b=c', '-n', 'ml', ...kc()])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('is not a valid InferenceService name')
  })
  test('pod/NAME, --include/--exclude, --only-log-lines, --limit-bytes', async () => {
    const pod = (await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'jsonpath={.pods[0].name}', ...kc()])).stdout
    expect(pod).toMatch(/^sklearn-iris-predictor-/)
    const one = await plugin(['logs', `pod/${pod}`, '-n', 'ml', ...kc()])
    expect(one.code).toBe(0)
    const all = one.stdout.split('\n').filter(Boolean)
    expect(all.length).toBeGreaterThan(2)
    const inc = await plugin([
      'logs',
      'sklearn-iris',
      '-n',
      'ml',
      '--include',
      'Copying|Successfully',
      '--exclude',
      'Successfully',
      ...kc(),
    ])
    expect(inc.stdout.split('\n').filter(Boolean)).toEqual(all.filter(l => /Copying/.test(l)))
    const only = await plugin(['logs', 'sklearn-iris', '-n', 'ml', '--only-log-lines', ...kc()])
    expect(only.stderr).toBe('')
    const lim = await plugin(['logs', 'sklearn-iris', '-n', 'ml', '--limit-bytes', '40', '--no-prefix', ...kc()])
    expect(Buffer.byteLength(lim.stdout)).toBeLessThanOrEqual(41)
  })
  test('--color: decided per stream in auto (2>file gets no escapes), always colours, never does not', async () => {
    const auto = await plugin(['logs', 'sklearn-iris', '-n', 'ml', ...kc()], {NO_COLOR: undefined})
    expect(auto.stdout + auto.stderr).not.toContain('\x1b[')
    const always = await plugin(['logs', 'sklearn-iris', '-n', 'ml', '--color', 'always', '--highlight', 'Copying', ...kc()])
    expect(always.stdout).toMatch(/\x1b\[\d+m\[pod\//)
    expect(always.stdout).toContain('\x1b[1;31mCopying\x1b[0m')
    const never = await plugin(['logs', 'sklearn-iris', '-n', 'ml', '--color', 'never', ...kc()])
    expect(never.stdout).not.toContain('\x1b[')
  })
})

describe('output formats', () => {
  test('-o name, -o jsonpath and jsonpath-as-json, --no-headers; go-template is one clear line', async () => {
    const name = await plugin(['get', '-o', 'name', ...kc()])
    expect(name.stdout).toBe('configmap/inferenceservice-config\nclusterstoragecontainer.serving.kserve.io/default\n')
    const jp = await plugin([
      'get',
      '-o',
      'jsonpath={.storageInitializer.image}{"\\n"}{range .storageContainers.items[*]}{.name}={.image}{"\\n"}{end}',
      ...kc(),
    ])
    expect(jp.stdout).toBe('kserve/storage-initializer:v0.20.0\ndefault=kserve/storage-initializer:v0.20.0\n')
    const filter = await plugin(['get', '-o', 'jsonpath={.uriFormats[?(@.format=="s3://")].sourceName}', ...kc()])
    expect(filter.stdout).toBe('clusterstoragecontainer/default')
    const asJson = await plugin(['get', '-o', 'jsonpath-as-json={.storageContainers.items[*].name}', ...kc()])
    expect(JSON.parse(asJson.stdout)).toEqual(['default'])
    // as kubectl: a missing key prints nothing (--allow-missing-template-keys defaults to true), and =false makes it an error
    const missing = await plugin(['get', '-o', 'jsonpath={.nope}', ...kc()])
    expect([missing.code, missing.stdout, missing.stderr]).toEqual([0, '', ''])
    const strict = await plugin(['get', '-o', 'jsonpath={.nope}', '--allow-missing-template-keys=false', ...kc()])
    expect([strict.code, strict.stderr]).toEqual([1, 'error: error executing jsonpath "{.nope}": nope is not found\n'])
    const cols = await plugin(['get', '-o', 'custom-columns=NAME:.configMap.name,NS:.kserve.namespace', ...kc()])
    expect(cols.stdout).toBe('NAME                      NS\ninferenceservice-config   kserve\n')
    const gt = await plugin(['get', '-o', 'go-template={{.x}}', ...kc()])
    expect([gt.code, gt.stderr]).toEqual([
      1,
      "error: -o go-template is not supported: Go templates need Go; use -o jsonpath=… (kubectl's JSONPath) instead\n",
    ])
    const bad = await plugin(['get', '-o', 'xml', ...kc()])
    expect(bad.stderr).toBe(
      'error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,wide,yaml\n',
    )
    const nh = await plugin(['get', '--no-headers', ...kc()])
    expect(nh.stdout).not.toMatch(/^NAME\s{3,}IMAGE/m)
    expect(nh.stdout).toMatch(/^default\s{3,}kserve\/storage-initializer:v0\.20\.0/m)
  })
})

describe('progress', () => {
  test('a spinner on a terminal after 300 ms, saying what it waits for; none in a pipe or in CI', async () => {
    s.cluster.faults.add({verb: 'list', resource: 'configmaps', latencyMs: 1200, count: 2})
    // a pseudo-terminal (util-linux script), CI unset; asynchronously, since the simulated cluster shares this process
    const cmd = `stty cols 120 rows 40; env -u CI TERM=xterm ${process.execPath} ${join(ROOT, 'bin', 'kubectl-storage_init')} get --kubeconfig ${s.kubeconfig}`
    const tty = await exec('script', ['-qec', cmd, '/dev/null'])
    expect(tty.stdout).toContain('reading the storage-initializer configuration from https://127.0.0.1:')
    expect(tty.stdout).toContain('STORAGE INITIALIZER')
    s.cluster.faults.add({verb: 'list', resource: 'configmaps', latencyMs: 1200, count: 1})
    const pipe = await plugin(['get', ...kc()])
    expect(pipe.stderr).toBe('')
  })
})

describe('progress while following', () => {
  test('logs -f on a terminal: a spinner while no line arrives, saying what it waits for; none in a pipe', async () => {
    const bin = `${process.execPath} ${join(ROOT, 'bin', 'kubectl-storage_init')}`
    const cmd = `stty cols 120 rows 40; env -u CI TERM=xterm timeout -s INT 2.5 ${bin} logs -f -l app=not-yet -n ml --kubeconfig ${s.kubeconfig}`
    const tty = await exec('script', ['-qec', cmd, '/dev/null'])
    expect(tty.stdout).toContain('waiting for the storage-initializer of app=not-yet to start (Ctrl-C to stop)')
    const pipe = await exec('timeout', [
      '-s',
      'INT',
      '2.5',
      process.execPath,
      join(ROOT, 'bin', 'kubectl-storage_init'),
      'logs',
      '-f',
      '-l',
      'app=not-yet',
      '-n',
      'ml',
      ...kc(),
    ])
    expect(pipe.stderr).not.toContain('waiting for')
    expect(pipe.stdout).toBe('')
  })
})

describe('chunked lists', () => {
  test('pods are read in chunks of --chunk-size (500 by default, as kubectl), every page followed', async () => {
    for (let i = 0; i < 5; i++)
      s.cluster.seed({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {name: `chunk-${i}`, namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': 'chunky'}},
        spec: {containers: [{name: 'c', image: 'i'}]},
      })
    const before = s.cluster.requests.length
    const r = await plugin(['logs', '--summary', '-A', '-o', 'json', '--chunk-size', '2', ...kc()])
    const pages = s.cluster.requests
      .slice(before)
      .filter(q => q.path === '/api/v1/pods' && q.query.includes('inferenceservice') && !q.query.includes('part-of'))
    expect(pages.length).toBeGreaterThanOrEqual(3)
    expect(pages.every(q => new URLSearchParams(q.query).get('limit') === '2')).toBe(true)
    expect(pages.slice(1).every(q => new URLSearchParams(q.query).has('continue'))).toBe(true)
    expect(JSON.parse(r.stdout).items.find((x: any) => x.inferenceService === 'chunky').pods).toBe(5)
    const d = s.cluster.requests.length
    await plugin(['logs', '--summary', '-A', '-o', 'json', ...kc()])
    expect(
      s.cluster.requests
        .slice(d)
        .filter(q => q.path === '/api/v1/pods')
        .every(q => new URLSearchParams(q.query).get('limit') === '500'),
    ).toBe(true)
  })
})
