/**
 * The npm package carries what it runs: `npm pack`, installed globally into an empty prefix with no network and no
 * other packages, runs `kubectl storage-init get` through kubectl. The bundle needs only Node's built-ins, so the
 * package has no dependencies to install.
 */
import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'

import {exec, startCluster, type Started} from '../helpers.js'

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
})
afterAll(() => s.cluster.stop())

test('npm pack, npm install -g of the tarball alone (offline), then kubectl storage-init get', async () => {
  const work = mkdtempSync(join(tmpdir(), 'si-npm-'))
  const pack = await exec('npm', ['pack', '--json', '--pack-destination', work], {}, undefined, 120_000)
  expect(pack.code).toBe(0)
  const [{filename, files}] = JSON.parse(pack.stdout)
  const paths = files.map((f: {path: string}) => f.path).sort()
  expect(paths).toEqual([
    'LICENSE',
    'README.md',
    'bin/code-cache.cjs',
    'bin/kubectl-storage_init',
    'bin/launch.js',
    'dist/THIRD_PARTY_NOTICES.md',
    'dist/cli.cjs',
    'dist/help.json',
    'oclif.manifest.json',
    'package.json',
  ])
  const prefix = join(work, 'prefix')
  const install = await exec(
    'npm',
    ['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(work, filename)],
    {npm_config_cache: join(work, 'cache')},
    undefined,
    120_000,
  )
  expect([install.code, install.stderr]).toEqual([0, ''])
  // nothing but the package itself: no dependency was installed
  expect(readdirSync(join(prefix, 'lib', 'node_modules'))).toEqual(['kubectl-storage-init'])
  const own = join(prefix, 'lib', 'node_modules', 'kubectl-storage-init')
  expect(readdirSync(own)).not.toContain('node_modules')
  // the notices name every library the bundle holds, with its licence text
  const notices = readFileSync(join(own, 'dist', 'THIRD_PARTY_NOTICES.md'), 'utf8')
  for (const lib of ['@oclif/core', '@kubernetes/client-node', 'cli-table3', 'yaml', 'ora'])
    expect(notices).toMatch(new RegExp(`^### ${lib.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+ \\(`, 'm'))
  expect(notices).toMatch(/Permission is hereby granted/)
  const env = {PATH: [join(prefix, 'bin'), process.env.PATH].join(delimiter), KUBECONFIG: s.kubeconfig}
  const r = await exec('kubectl', ['storage-init', 'get', '-o', 'json'], env)
  expect(r.stderr).toBe('')
  expect(JSON.parse(r.stdout).configMap.namespace).toBe('kserve')
}, 240_000)
