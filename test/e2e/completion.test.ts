/** Completion through kubectl's own plugin completion, and --version. */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'

import {exec, plugin, ROOT, startCluster, type Started} from '../helpers.js'

let s: Started
let dir: string
let env: Record<string, string>
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'si-compl-'))
  const r = await plugin(['completion', '--install', '--dir', dir])
  expect(r.code).toBe(0)
  env = {PATH: [dir, join(ROOT, 'bin'), process.env.PATH].join(delimiter), KUBECONFIG: s.kubeconfig}
})
afterAll(() => s.cluster.stop())

const complete = async (...words: string[]) =>
  (await exec('kubectl', ['__complete', 'storage-init', ...words], env)).stdout.split('\n').filter(Boolean)

test('commands', async () => {
  expect(await complete('set-')).toEqual(['set-image', 'set-resources', 'set-security-context', ':4'])
})

test('flags, each with its description (Cobra: NAME<TAB>DESCRIPTION)', async () => {
  const got = await complete('set-image', '--tar')
  expect(got.map(l => l.split('\t')[0])).toEqual(['--target', ':4'])
  expect(got[0]).toMatch(/^--target\tWhere to apply: /)
  // a global flag before the command: global flags
  expect((await complete('--kubec')).map(l => l.split('\t')[0])).toEqual(['--kubeconfig', ':4'])
})

test('namespaces after -n; files after -f and --kubeconfig; a global flag before the command takes its value', async () => {
  expect(await complete('get', '-n', '')).toEqual(expect.arrayContaining(['kserve', 'ml', ':4']))
  expect(await complete('validate', '-f', '')).toEqual([':0'])
  expect(await complete('get', '--kubeconfig', '')).toEqual([':0'])
  expect(await complete('--context', 'sim-r')).toEqual(['sim-readonly', ':4'])
  expect(await complete('-n', 'm')).toEqual(['ml', ':4'])
})

test('live names: storage containers, InferenceServices, contexts, revisions', async () => {
  expect(await complete('set-image', '--target', '')).toEqual(['configmap', 'all', 'storage-container/default', ':4'])
  expect(await complete('get', '-n', 'ml', '--isvc', '')).toEqual(['sklearn-iris', ':4'])
  expect(await complete('logs', '-n', 'ml', 'skl')).toEqual(['sklearn-iris', ':4'])
  expect(await complete('get', '--context', 'sim-r')).toEqual(['sim-readonly', ':4'])
  expect((await plugin(['set-image', '--tag', 'v0.20.1', '--kubeconfig', s.kubeconfig])).code).toBe(0)
  expect(await complete('rollback', '--to-revision', '')).toEqual(['1', ':4'])
  expect(await complete('rollback', '')).toEqual(['1', ':4'])
  expect(await complete('history', '--revision', '')).toEqual(['1', ':4'])
  expect(await complete('validate', '-o', '')).toEqual(['json', 'yaml', 'sarif', ':4'])
  expect(await complete('get', '-o', 'json')).toEqual(['json', 'jsonpath=', 'jsonpath-as-json=', 'jsonpath-file=', ':4'])
})

test('--version names the version and the commit', async () => {
  const r = await plugin(['--version'])
  expect(r.stdout).toMatch(
    /^kubectl-storage-init v\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)\) linux-x64 (npm node|standalone bun)-v\d+/,
  )
})
