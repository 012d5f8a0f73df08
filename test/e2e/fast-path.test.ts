/**
 * #30's start-up paths, held to what they replace: a command line that names a command runs without oclif's
 * configuration (src/fast-path.ts), `get` sends its first GETs while the plugin loads (src/prefetch.ts), and the help
 * into a pipe is the one rendered at build time (src/help-text.ts). Each command line below must print and exit
 * exactly as it does through oclif's own run (STORAGE_INIT_OCLIF=1), and a prefetch must never make a request the
 * command would not have made, nor answer with another client's reads.
 */
import {spawn} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'

import {exec, plugin, pluginCommand, ROOT, startCluster, type Started} from '../helpers.js'

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterAll(() => s.cluster.stop())

const run = (args: string[], env: Record<string, string> = {}) => plugin([...args, '--kubeconfig', s.kubeconfig], env)
// what changes from one run to the next: none of these outputs hold times, but a history record would
const same = (r: {code: number; stdout: string; stderr: string}) => ({code: r.code, stdout: r.stdout, stderr: r.stderr})

test.each([
  {args: ['get', '-o', 'json']},
  {args: ['get', '-o', 'yaml', '--context', 'sim-readonly']},
  {args: ['get']},
  {args: ['get', '--no-headers', '-o', 'wide']},
  {args: ['get', '-o=jsonpath={.kserve.namespace}']},
  {args: ['get', '-n=ml', '-o', 'json']},
  {args: ['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json']},
  {args: ['get', '--isvc', 'nope', '-n', 'ml']},
  {args: ['get', '--bogus']},
  {args: ['get', '-o']},
  {args: ['get', '-o', 'xml']},
  {args: ['get', '--token', 'not-a-token', '-o', 'json']},
  {args: ['get', '--context', 'sim-nobody', '-o', 'json']},
  {args: ['get', '--kserve-namespace', 'elsewhere', '-o', 'json']},
  {args: ['-n', 'ml', 'get', '--isvc', 'sklearn-iris']},
  {args: ['validate', '-o', 'json']},
  {args: ['history', '-o', 'json']},
  {args: ['rollout']},
  {args: ['rollout', 'status', 'sklearn-iris', '-n', 'ml', '--watch=false']},
  {args: ['set-image']},
  {args: ['set-image', '--tag', 'v0.20.1', '--dry-run', '-o', 'json']},
  {args: ['set-resources', '--limits', 'cpu=abc']},
  {args: ['diagnose', 'nope', '-n', 'ml']},
  {args: ['logs', 'sklearn-iris', '-n', 'ml', '--since', '0s']},
  {args: ['completion', 'bash']},
])('$args: as through oclif', async ({args}) => {
  const [fast, oclif] = [await run(args), await run(args, {STORAGE_INIT_OCLIF: '1'})]
  expect(same(fast)).toEqual(same(oclif))
})

test('get sends its first GETs while it loads, and makes no request twice', async () => {
  const count = async (args: string[]) => {
    const from = s.cluster.requests.length
    const r = await run(['get', '-o', 'json', ...args], {STORAGE_INIT_TRACE: '1'})
    expect(r.stderr.includes('prefetch started')).toBe(args.length === 0)
    expect(r.code).toBe(0)
    return s.cluster.requests
      .slice(from)
      .map(q => `${q.method} ${q.path}${q.query}`)
      .sort()
  }
  const prefetched = await count([])
  // -v=0 is a flag the prefetch does not read: nothing is sent ahead
  const plain = await count(['--v=0'])
  expect(prefetched).toEqual(plain)
  expect(prefetched.length).toBeGreaterThanOrEqual(4)
})

test("a prefetch made for other flags than oclif's reading of them is closed, and the command reads for itself", async () => {
  // -n=ml: read here as namespace ml; the command's own reading decides, and only its reads count
  const r = await run(['get', '-n=ml', '-o', 'jsonpath={.context}'], {STORAGE_INIT_TRACE: '1'})
  expect(r.code).toBe(0)
  expect(r.stdout).toBe('sim-admin')
  // another context than the kubeconfig's: the prefetch is made with it, and the answer is that context's
  const ro = await run(['get', '--context', 'sim-readonly', '-o', 'jsonpath={.context}'], {STORAGE_INIT_TRACE: '1'})
  expect([ro.code, ro.stdout]).toEqual([0, 'sim-readonly'])
  expect(ro.stderr).toMatch(/^trace [\d.]+ ms prefetch started$/m)
  // a flag the prefetch does not read: none
  const v = await run(['get', '-o', 'json', '--v=0'], {STORAGE_INIT_TRACE: '1'})
  expect(v.code).toBe(0)
  expect(v.stderr).not.toContain('prefetch started')
})

const ids = Object.keys(JSON.parse(readFileSync(join(ROOT, 'oclif.manifest.json'), 'utf8')).commands).filter(id => !id.startsWith('_'))

test.each([
  {args: [] as string[], built: true},
  {args: ['-h'], built: true},
  {args: ['--help'], built: true},
  {args: ['help'], built: true},
  {args: ['help', 'get'], built: true},
  {args: ['help', 'rollout'], built: true},
  {args: ['rollout', 'status', '-h'], built: true},
  ...ids.map(id => ({args: [...id.split(':'), '--help'], built: true})),
  // not the plainest forms: oclif renders them
  {args: ['get', '--help', '-o', 'json'], built: false},
  {args: ['help', 'nope'], built: false},
  {args: ['-n', 'ml', '--help'], built: false},
])('help $args: as oclif renders it into a pipe', async ({args, built}) => {
  // no --kubeconfig: the help needs none, and the plainest forms have nothing else
  const [fast, oclif] = [await plugin(args, {STORAGE_INIT_TRACE: '1'}), await plugin(args, {STORAGE_INIT_OCLIF: '1'})]
  expect({code: fast.code, stdout: fast.stdout}).toEqual({code: oclif.code, stdout: oclif.stdout})
  expect(fast.stderr.includes('help printed')).toBe(built)
  if (built) expect([fast.code, fast.stdout]).toEqual([0, expect.stringContaining('USAGE\n  $ kubectl storage-init')])
})

test('the help on a terminal is not the built one: oclif renders it for the terminal (its width)', async () => {
  // a pseudo-terminal 150 columns wide (util-linux script); the built help is wrapped at 80
  const {cmd, args} = pluginCommand(['get', '--help'])
  const line = (env: string) => `stty cols 150 rows 40; env -u CI ${env} TERM=dumb ${[cmd, ...args].join(' ')}`
  const [fast, oclif] = [
    await exec('script', ['-qec', line('STORAGE_INIT_TRACE=1'), '/dev/null']),
    await exec('script', ['-qec', line('STORAGE_INIT_OCLIF=1'), '/dev/null']),
  ]
  expect(fast.stdout).not.toContain('help printed')
  expect(fast.stdout.replace(/^trace .*\r?\n/gm, '')).toBe(oclif.stdout)
  expect(Math.max(...fast.stdout.split(/\r?\n/).map(l => l.length))).toBeGreaterThan(80)
})

test('a credential plugin runs only for a command line oclif accepts, once: get sends nothing ahead for it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-exec-'))
  const calls = join(dir, 'calls')
  const script = join(dir, 'cred.sh')
  const credential = JSON.stringify({
    apiVersion: 'client.authentication.k8s.io/v1',
    kind: 'ExecCredential',
    status: {token: s.cluster.users['sim-admin'].token},
  })
  writeFileSync(script, `#!/bin/sh\necho call >> ${calls}\ncat <<'EOF'\n${credential}\nEOF\n`)
  chmodSync(script, 0o755)
  const kc = parse(readFileSync(s.kubeconfig, 'utf8'))
  kc.users.find((u: any) => u.name === 'sim-admin').user = {
    exec: {apiVersion: 'client.authentication.k8s.io/v1', command: script, interactiveMode: 'Never'},
  }
  const file = join(dir, 'kubeconfig')
  writeFileSync(file, stringify(kc))
  const count = () => readFileSync(calls, 'utf8').split('\n').filter(Boolean).length
  const ok = await plugin(['get', '-o', 'json', '--kubeconfig', file], {STORAGE_INIT_TRACE: '1'})
  expect([ok.code, ok.stderr.includes('prefetch started')]).toEqual([0, false])
  expect(count()).toBe(1)
  // refused by get's own parsing: the plugin is not run
  const bad = await plugin(['get', '-o', 'xml', '--kubeconfig', file])
  expect(bad.code).toBe(1)
  expect(count()).toBe(1)
})

test('the help into a pipe whose reader has gone ends quietly, as through oclif', async () => {
  const {cmd, args} = pluginCommand(['--help'])
  const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
  child.stdout.destroy()
  let stderr = ''
  child.stderr.on('data', d => (stderr += d))
  const code = await new Promise<number | null>(r => child.on('close', r))
  expect([code, stderr]).toEqual([0, ''])
})
