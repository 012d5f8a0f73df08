/**
 * Distribution: `npm run package` builds the standalone executables (Node single-executable applications), their
 * archives and krew-manifest.yaml. The linux-amd64 one runs here with no Node.js on PATH, through kubectl's plugin
 * discovery and completion; the others are checked for what can be checked without their platform.
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, join} from 'node:path'
import {parse} from 'yaml'

import {exec, plugin, ROOT, startCluster, type Started} from '../helpers.js'
import {krewProblems} from '../krew.js'

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'
const BUILDABLE = ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'windows-amd64']
let s: Started
let out: string
let manifest: any
let bin: string
let env: Record<string, string>

const sha256 = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex')
const archiveOf = (p: string) => join(out, `kubectl-storage-init_v${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}_${p.replace('-', '_')}.tar.gz`)

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'si-release-'))
  // the real packaging run (Node binaries come from the npm registry, cached under ~/.cache after the first run)
  const r = await exec(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', out, '--manifest', join(out, 'krew-manifest.yaml')], {}, undefined, 580_000)
  if (r.code !== 0) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`)
  manifest = parse(readFileSync(join(out, 'krew-manifest.yaml'), 'utf8'))
  // a PATH with the unpacked plugin and kubectl, and no node
  bin = join(out, 'unpacked')
  const tools = join(out, 'tools')
  mkdirSync(bin)
  mkdirSync(tools)
  execFileSync('tar', ['xzf', archiveOf('linux-amd64'), '-C', bin])
  symlinkSync(execFileSync('sh', ['-c', 'command -v kubectl'], {encoding: 'utf8'}).trim(), join(tools, 'kubectl'))
  s = await startCluster('kserve-v0.20.0.yaml')
  env = {PATH: [bin, tools].join(delimiter), KUBECONFIG: s.kubeconfig, HOME: out}
}, 600_000)
afterAll(() => s?.cluster.stop())

test('the committed krew-manifest.yaml passes krew\'s rules and lists every platform that can be built', () => {
  const committed = parse(readFileSync(join(ROOT, 'krew-manifest.yaml'), 'utf8'))
  expect(krewProblems(committed)).toEqual([])
  expect(committed.metadata.name).toBe('storage-init')
  expect(committed.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}-${p.selector.matchLabels.arch}`)).toEqual(BUILDABLE)
  expect(committed.spec.caveats).toMatch(/configmaps/)
  expect(committed.spec.caveats).toMatch(/completion --install/)
})

test('the schema check catches what krew rejects', () => {
  const good = parse(readFileSync(join(ROOT, 'krew-manifest.yaml'), 'utf8'))
  const bad = structuredClone(good)
  bad.apiVersion = 'krew.googlecontainertools.github.com/v1alpha1'
  bad.spec.version = '0.1.0'
  bad.spec.shortDescription = 'A kubectl plugin for Kubernetes storage initializers in KServe'
  bad.spec.platforms[1].selector.matchLabels = {os: 'linux', arch: 'amd64'}
  bad.spec.platforms[2].sha256 = 'ABC'
  bad.spec.platforms[3].bin = 'kubectl-storage_init'
  bad.spec.platforms[0].uri = 'https://example.com/x.tar'
  expect(krewProblems(bad)).toEqual([
    'apiVersion: krew.googlecontainertools.github.com/v1alpha1',
    'spec.version: 0.1.0 is not v-prefixed semver',
    'spec.shortDescription: one line of at most 50 characters (62)',
    'spec.shortDescription: must not say "kubectl plugin" or "Kubernetes"',
    'spec.platforms[0].uri: an https .tar.gz or .zip (https://example.com/x.tar)',
    'spec.platforms[1].selector: overlaps another platform (linux/amd64)',
    'spec.platforms[2].sha256: lowercase hex sha256 (ABC)',
    'spec.platforms[3].bin: must end in .exe on Windows',
  ])
})

test('npm run package writes a valid manifest whose sums are the archives\' sums, each archive holding bin and a licence', () => {
  expect(krewProblems(manifest)).toEqual([])
  expect(manifest.spec.platforms).toHaveLength(BUILDABLE.length)
  for (const p of manifest.spec.platforms) {
    const {os, arch} = p.selector.matchLabels
    const file = archiveOf(`${os}-${arch}`)
    expect(p.uri.endsWith('/' + file.split('/').pop())).toBe(true)
    expect(p.sha256).toBe(sha256(file))
    const entries = execFileSync('tar', ['tzf', file], {encoding: 'utf8'}).split('\n').filter(Boolean).sort()
    expect(entries).toEqual(['LICENSE', 'README.md', p.bin].sort())
  }
})

test('archives are reproducible: packing the same files again gives the same bytes', async () => {
  const again = mkdtempSync(join(tmpdir(), 'si-again-'))
  mkdirSync(join(again, 'linux-amd64'))
  copyFileSync(join(bin, 'kubectl-storage_init'), join(again, 'linux-amd64', 'kubectl-storage_init'))
  const code = `import('${join(ROOT, 'scripts/package.mjs')}').then(m => console.log(m.archive('linux-amd64', '${join(again, 'linux-amd64', 'kubectl-storage_init')}', '${again}').sha256))`
  const r = await exec(process.execPath, ['-e', code])
  expect(r.stderr).toBe('')
  expect(r.stdout.trim()).toBe(sha256(archiveOf('linux-amd64')))
})

test('every executable carries the application for its platform', async () => {
  const {unsign} = await import('macho-unsign')
  const {signatureGet} = await import('portable-executable-signature')
  for (const p of BUILDABLE) {
    const exe = join(out, p, p.startsWith('windows') ? 'kubectl-storage_init.exe' : 'kubectl-storage_init')
    const data = readFileSync(exe)
    // postject flips the fuse when it injects the blob; the blob holds our bundle
    expect(data.includes(`${FUSE}:1`)).toBe(true)
    expect(data.includes('storage-initializer-history')).toBe(true)
    if (p.startsWith('linux')) {
      expect(data.subarray(0, 4).toString('latin1')).toBe('\x7fELF')
      expect(data.readUInt16LE(18)).toBe(p.endsWith('arm64') ? 0xb7 : 0x3e)
    }
    if (p.startsWith('darwin')) {
      expect(data.readUInt32LE(0)).toBe(0xfeedfacf)
      expect(data.readUInt32LE(4)).toBe(0x01000007)
      // Node's signature is removed (a broken one is worse than none)
      expect(unsign(data)).toBeNull()
    }
    if (p.startsWith('windows')) {
      expect(data.subarray(0, 2).toString('latin1')).toBe('MZ')
      expect(signatureGet(data)).toBeNull()
    }
  }
  expect(readdirSync(out).filter(f => f.startsWith('darwin-arm64'))).toEqual([])
})

test('with no Node.js on PATH, the unpacked executable runs get against the simulated cluster', async () => {
  expect((await exec('/bin/sh', ['-c', 'command -v node'], env)).code).not.toBe(0)
  const version = await exec('kubectl-storage_init', ['--version'], env)
  expect(version.stdout).toMatch(/^kubectl-storage-init v\d+\.\d+\.\d+ \(commit ([0-9a-f]{12}|unknown)\) linux-x64 standalone node-v20\./)
  const r = await exec('kubectl-storage_init', ['get', '-o', 'json'], env)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const ours = JSON.parse(r.stdout)
  // the same answer as the npm build
  const npm = await plugin(['get', '-o', 'json'], {KUBECONFIG: s.kubeconfig})
  expect(ours).toEqual(JSON.parse(npm.stdout))
  expect(ours.kserve.version).toBe('v0.20.0')
})

test('kubectl storage-init finds it, and its errors and help are the same as the npm build\'s', async () => {
  const list = await exec('kubectl', ['plugin', 'list'], env)
  expect(list.stdout).toContain(join(bin, 'kubectl-storage_init'))
  const r = await exec('kubectl', ['storage-init', 'get'], env)
  expect(r.code).toBe(0)
  expect(r.stdout).toMatch(/^Context: +sim-admin$/m)
  const help = await exec('kubectl', ['storage-init', 'set-image', '--help'], env)
  expect(help.stdout).toContain('kubectl storage-init set-image')
  const bad = await exec('kubectl', ['storage-init', 'set-resources', '--limits', 'cpu=lots'], env)
  expect(bad.code).toBe(1)
  expect(bad.stderr).not.toMatch(/\n\s+at /)
  const npmBad = await plugin(['set-resources', '--limits', 'cpu=lots'], {KUBECONFIG: s.kubeconfig})
  expect(bad.stderr).toBe(npmBad.stderr)
})

test('completion answers through kubectl for commands, flags and live names', async () => {
  const install = await exec('kubectl', ['storage-init', 'completion', '--install', '--dir', bin], env)
  expect(install.code).toBe(0)
  const complete = async (...words: string[]) => (await exec('kubectl', ['__complete', 'storage-init', ...words], env)).stdout.split('\n').filter(Boolean)
  expect(await complete('set-')).toEqual(['set-image', 'set-resources', ':4'])
  expect(await complete('logs', '--summ')).toEqual(['--summary', ':4'])
  expect(await complete('get', '-n', 'ml', '--isvc', '')).toEqual(['sklearn-iris', ':4'])
  expect(await complete('set-image', '--target', '')).toEqual(['configmap', 'all', 'storage-container/default', ':4'])
})
