/**
 * Distribution: `npm run package` builds the standalone executables (the plugin compiled by Bun) for the five krew
 * platforms, their archives and krew-manifest.yaml. Each executable is checked for its format and architecture, the
 * darwin ones for a valid ad-hoc code signature (every CodeDirectory hash recomputed); the linux-amd64 one runs here with
 * no Node.js on PATH, through kubectl's plugin discovery and completion. (The e2e suites run against it too: jest's
 * `standalone` project.)
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {delimiter, dirname, join} from 'node:path'
import {parse} from 'yaml'

import {exec, plugin, ROOT, startCluster, type Started} from '../helpers.js'
import {krewProblems} from '../krew.js'

const PLATFORMS = ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64']
const FILES = ['LICENSE', 'README.md', 'THIRD_PARTY_NOTICES.md']
let s: Started
let out: string
let manifest: any
let bin: string
let env: Record<string, string>
let pkg: any
let executables: any

const sha256 = (f: string | Buffer) =>
  createHash('sha256')
    .update(typeof f === 'string' ? readFileSync(f) : f)
    .digest('hex')
const version = () => JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
const archiveOf = (p: string) => join(out, `kubectl-storage-init_v${version()}_${p.replace('-', '_')}.tar.gz`)
const exeOf = (p: string) => join(out, p, p.startsWith('windows') ? 'kubectl-storage_init.exe' : 'kubectl-storage_init')

let packLog = ''

beforeAll(async () => {
  pkg = await import(join(ROOT, 'scripts', 'package.mjs'))
  executables = await import(join(ROOT, 'scripts', 'executables.mjs'))
  out = mkdtempSync(join(tmpdir(), 'si-release-'))
  // the real packaging run (Bun's runtimes come from the npm registry, cached under ~/.cache after the first run)
  const r = await exec(
    process.execPath,
    [join(ROOT, 'scripts/package.mjs'), '--out', out, '--manifest', join(out, 'krew-manifest.yaml')],
    {},
    undefined,
    580_000,
  )
  if (r.code !== 0) throw new Error(`npm run package failed:\n${r.stdout}\n${r.stderr}`)
  packLog = r.stderr
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

test("the committed krew-manifest.yaml passes krew's rules, lists the five platforms, and says what the plugin reads and writes", () => {
  const committed = parse(readFileSync(join(ROOT, 'krew-manifest.yaml'), 'utf8'))
  expect(krewProblems(committed)).toEqual([])
  expect(committed.metadata.name).toBe('storage-init')
  expect(committed.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}-${p.selector.matchLabels.arch}`)).toEqual(PLATFORMS)
  expect(committed.spec.caveats).toBe(pkg.CAVEATS)
  expect(committed.spec.caveats).toMatch(/clusterstoragecontainer\/default/)
  expect(committed.spec.caveats).toMatch(/inferenceservices and pods in\s+all namespaces/)
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
  bad.spec.platforms[4].bin = 'kubectl-storage_init'
  bad.spec.platforms[0].uri = 'https://example.com/x.tar'
  expect(krewProblems(bad)).toEqual([
    'apiVersion: krew.googlecontainertools.github.com/v1alpha1',
    'spec.version: 0.1.0 is not v-prefixed semver',
    'spec.shortDescription: one line of at most 50 characters (62)',
    'spec.shortDescription: must not say "kubectl plugin" or "Kubernetes"',
    'spec.platforms[0].uri: an https .tar.gz or .zip (https://example.com/x.tar)',
    'spec.platforms[1].selector: overlaps another platform (linux/amd64)',
    'spec.platforms[2].sha256: lowercase hex sha256 (ABC)',
    'spec.platforms[4].bin: must end in .exe on Windows',
  ])
})

test("npm run package writes a valid manifest and SHA256SUMS whose sums are the archives', each archive holding bin, licence and notices", () => {
  expect(krewProblems(manifest)).toEqual([])
  expect(manifest.spec.platforms.map((p: any) => `${p.selector.matchLabels.os}-${p.selector.matchLabels.arch}`)).toEqual(PLATFORMS)
  const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8')
  for (const p of manifest.spec.platforms) {
    const {os, arch} = p.selector.matchLabels
    const file = archiveOf(`${os}-${arch}`)
    const name = file.split('/').pop()!
    expect(p.uri).toBe(`https://github.com/kubectl-storage-init/kubectl-storage-init/releases/download/v${version()}/${name}`)
    expect(p.sha256).toBe(sha256(file))
    expect(sums).toContain(`${p.sha256}  ${name}\n`)
    const entries = execFileSync('tar', ['tzf', file], {encoding: 'utf8'}).split('\n').filter(Boolean).sort()
    expect(entries).toEqual([...FILES, p.bin].sort())
  }
})

test('the archives hold the full Apache-2.0 text and the notices of the runtime and of every bundled package, from the lockfile', async () => {
  const licence = execFileSync('tar', ['xzOf', archiveOf('darwin-arm64'), 'LICENSE'], {encoding: 'utf8'})
  expect(licence).toContain('TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION')
  expect(licence).toContain('END OF TERMS AND CONDITIONS')
  expect(licence.length).toBeGreaterThan(11000)
  const notices = execFileSync('tar', ['xzOf', archiveOf('windows-amd64'), 'THIRD_PARTY_NOTICES.md'], {encoding: 'utf8'})
  expect(notices).toContain(`## Bun v${pkg.BUN_VERSION}`)
  expect(notices).toMatch(/JavaScriptCore .*LGPL/)
  expect(notices).toContain('GNU LESSER GENERAL PUBLIC LICENSE')
  // every package the bundle holds, at its locked version, with its licence text
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'))
  const bundled = (await import(join(ROOT, 'scripts', 'notices.mjs'))).bundledPackages
  const {buildCli} = await import(join(ROOT, 'scripts', 'build.mjs'))
  const {inputs} = await buildCli(join(out, 'again.cjs'), {standalone: true})
  const packages = bundled(inputs)
  expect(packages.map((p: any) => p.name)).toEqual(expect.arrayContaining(['@kubernetes/client-node', '@oclif/core', 'js-yaml', 'yaml']))
  for (const p of packages) {
    expect(
      lock.packages[Object.keys(lock.packages).find(k => k.endsWith(`node_modules/${p.name}`) && lock.packages[k].version === p.version)!],
    ).toBeDefined()
    expect(notices).toContain(`### ${p.name} ${p.version} (${p.license})`)
    expect(notices).toContain(p.files[0].text.split('\n')[0])
  }
})

test('the packaging run says what it is waiting for, platform by platform, on stderr', () => {
  for (const p of ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64'])
    expect(packLog).toContain(`compiling ${p}…\n`)
})

test('archives are reproducible: packing the same files again gives the same bytes', async () => {
  const again = mkdtempSync(join(tmpdir(), 'si-again-'))
  mkdirSync(join(again, 'linux-amd64'))
  copyFileSync(join(bin, 'kubectl-storage_init'), join(again, 'linux-amd64', 'kubectl-storage_init'))
  copyFileSync(join(out, 'THIRD_PARTY_NOTICES.md'), join(again, 'THIRD_PARTY_NOTICES.md'))
  const code = `import('${join(ROOT, 'scripts/package.mjs')}').then(m => console.log(m.archive('linux-amd64', '${join(again, 'linux-amd64', 'kubectl-storage_init')}', '${again}').sha256))`
  const r = await exec(process.execPath, ['-e', code])
  expect(r.stderr).toBe('')
  expect(r.stdout.trim()).toBe(sha256(archiveOf('linux-amd64')))
})

test('every executable is the plugin, in the format and for the architecture of its platform', () => {
  for (const p of PLATFORMS) {
    const data = readFileSync(exeOf(p))
    expect([p, executables.executableProblems(p, data)]).toEqual([p, []])
    // the plugin's bundle is inside, and nothing from node_modules that the bundle leaves out (oclif's optional typescript)
    expect(data.includes('storage-initializer-history')).toBe(true)
    expect(data.includes('Debug Failure.')).toBe(false)
    // and only the right one passes
    const other = p === 'linux-amd64' ? 'linux-arm64' : 'linux-amd64'
    expect(executables.executableProblems(other, data).length).toBeGreaterThan(0)
  }
})

test('the darwin executables carry a valid ad-hoc signature: every CodeDirectory hash recomputed, and a changed byte caught', () => {
  for (const p of ['darwin-amd64', 'darwin-arm64']) {
    const data = readFileSync(exeOf(p))
    const {signature, segments} = executables.machoLayout(data)
    // the signature is the last thing in the file and in __LINKEDIT
    expect(signature.dataoff + signature.datasize).toBe(data.length)
    const linkedit = segments.find((x: any) => x.name === '__LINKEDIT')
    expect(linkedit.fileoff + linkedit.filesize).toBe(data.length)
    expect(executables.codeSignatureProblems(data)).toEqual([])
    // one byte of code changed, or bytes after the signature: no longer valid
    const changed = Buffer.from(data)
    changed[0x2000] ^= 0xff
    expect(executables.codeSignatureProblems(changed)).toEqual([expect.stringMatching(/^1 of \d+ page hashes \(sha256\) do not match$/)])
    expect(executables.codeSignatureProblems(Buffer.concat([data, Buffer.from('x')]))).toEqual(['1 bytes after the signature'])
  }
})

test('the signer re-signs what it is given: a broken signature becomes a valid one over the same code', () => {
  const data = readFileSync(exeOf('darwin-arm64'))
  const broken = Buffer.from(data)
  broken[0x3000] ^= 0x01
  expect(executables.codeSignatureProblems(broken)).not.toEqual([])
  const signed = executables.adhocSign(broken, 'kubectl-storage_init')
  expect(executables.codeSignatureProblems(signed)).toEqual([])
  // the code is what it was given; only the load commands' sizes and the signature change
  expect(signed[0x3000]).toBe(broken[0x3000])
  expect(signed.length - data.length).toBe(
    executables.machoLayout(signed).signature.datasize - executables.machoLayout(data).signature.datasize,
  )
})

test('with no Node.js on PATH, the unpacked executable runs get against the simulated cluster, as the npm build does', async () => {
  expect((await exec('/bin/sh', ['-c', 'command -v node'], env)).code).not.toBe(0)
  const v = await exec('kubectl-storage_init', ['--version'], env)
  expect(v.stdout).toMatch(
    new RegExp(`^kubectl-storage-init v${version()} \\(commit [0-9a-f]{12}\\) linux-x64 standalone bun-v${pkg.BUN_VERSION}\n$`),
  )
  // the commit it was built from (HEAD then; someone may have committed since)
  const commit = /commit ([0-9a-f]{12})/.exec(v.stdout)![1]
  expect(() => execFileSync('git', ['merge-base', '--is-ancestor', commit, 'HEAD'], {cwd: ROOT, stdio: 'ignore'})).not.toThrow()
  const r = await exec('kubectl-storage_init', ['get', '-o', 'json'], env)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  const ours = JSON.parse(r.stdout)
  const npm = await plugin(['get', '-o', 'json'], {KUBECONFIG: s.kubeconfig})
  expect(ours).toEqual(JSON.parse(npm.stdout))
  expect(ours.kserve.version).toBe('v0.20.0')
})

test('it reads no .env or bunfig.toml from the directory it runs in (Node does not)', async () => {
  const cwd = mkdtempSync(join(tmpdir(), 'si-cwd-'))
  writeFileSync(join(cwd, '.env'), 'KUBECONFIG=/nonexistent/kubeconfig\nNO_COLOR=\n')
  writeFileSync(join(cwd, 'bunfig.toml'), 'preload = ["./nonexistent.ts"]\n')
  const r = await exec('/bin/sh', ['-c', `cd '${cwd}' && kubectl-storage_init get -o json`], env)
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
})

test("the manifest's caveats name every resource each command requests (set-image and rollback included)", async () => {
  const requested = new Set<string>()
  for (const args of [
    ['get'],
    ['get', '--isvc', 'sklearn-iris', '-n', 'ml'],
    ['validate'],
    ['set-image', '--tag', 'v0.20.1'],
    ['set-resources', '--limits', 'memory=2Gi'],
    ['history'],
    ['rollback'],
    ['logs', '--all', '-n', 'ml'],
    ['logs', '-A', '--summary'],
    ['diagnose', '-A'],
    ['diagnose', 'sklearn-iris', '-n', 'ml'],
    ['set-security-context', '--pod-security', 'restricted', '--dry-run=server'],
  ]) {
    const r = await exec('kubectl-storage_init', [...args, '--debug'], env)
    for (const m of r.stderr.matchAll(/^debug: (GET|POST|PATCH|PUT|DELETE) (\S+?)(\?\S*)? \d+ in/gm)) {
      const parts = m[2].split('/').filter(Boolean)
      // /api/v1/namespaces/NS/pods/NAME/log -> pods/log; .../configmaps/NAME -> configmaps; /api/v1/namespaces/NS -> namespaces
      const rest = parts.slice(parts[0] === 'api' ? 2 : 3)
      const at = rest[0] === 'namespaces' && rest.length > 2 ? rest.slice(2) : rest
      requested.add(at.length > 2 ? `${at[0]}/${at[2]}` : at[0])
    }
  }
  expect([...requested].sort()).toEqual(expect.arrayContaining(['clusterstoragecontainers', 'configmaps', 'pods', 'pods/log']))
  const caveats = pkg.CAVEATS.replace(/\s+/g, ' ').toLowerCase()
  for (const resource of requested)
    expect([resource, caveats.includes(resource) || caveats.includes(resource.replace(/s$/, ''))]).toEqual([resource, true])
})

test("kubectl storage-init finds it, and its errors and help are the same as the npm build's", async () => {
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
  const complete = async (...words: string[]) =>
    (await exec('kubectl', ['__complete', 'storage-init', ...words], env)).stdout.split('\n').filter(Boolean)
  expect(await complete('set-')).toEqual(['set-image', 'set-resources', 'set-security-context', ':4'])
  // flags carry their descriptions (Cobra's NAME<TAB>DESCRIPTION)
  expect((await complete('logs', '--summ')).map(l => l.split('\t')[0])).toEqual(['--summary', ':4'])
  expect(await complete('get', '-n', 'ml', '--isvc', '')).toEqual(['sklearn-iris', ':4'])
  expect(await complete('set-image', '--target', '')).toEqual(['configmap', 'all', 'storage-container/default', ':4'])
})

test("npm run release tags first, then builds from a clone of the tag: the sums are those of executables that name the tag's commit", async () => {
  // a repository holding this working tree as its last commit
  const repo = mkdtempSync(join(tmpdir(), 'si-repo-'))
  const git = (...args: string[]) => execFileSync('git', args, {cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {cwd: ROOT, encoding: 'utf8'})
    .split('\0')
    .filter(f => f && existsSync(join(ROOT, f)))
  for (const f of files) {
    mkdirSync(dirname(join(repo, f)), {recursive: true})
    copyFileSync(join(ROOT, f), join(repo, f))
  }
  git('init', '-q')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '-A')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'release test')
  const release = (...args: string[]) =>
    exec(
      process.execPath,
      [join(repo, 'scripts', 'release.mjs'), '--node-modules', join(ROOT, 'node_modules'), '--platform', 'linux-amd64', ...args],
      {GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com'},
      undefined,
      300_000,
    )
  // a change not committed is refused, and nothing is tagged
  writeFileSync(join(repo, 'README.md'), 'changed\n')
  const dirty = await release()
  expect(dirty.code).toBe(1)
  expect(dirty.stderr).toMatch(/working tree has changes/)
  expect(git('tag')).toBe('')
  git('checkout', '-q', 'README.md')
  const r = await release()
  expect(r.stderr).not.toMatch(/release: |Error/)
  expect(r.code).toBe(0)
  const commit = git('rev-parse', '--short=12', `v${version()}^{commit}`)
  expect(commit).toBe(git('rev-parse', '--short=12', 'HEAD'))
  const built = parse(readFileSync(join(repo, 'krew-manifest.yaml'), 'utf8'))
  const archive = join(repo, 'dist', 'release', `kubectl-storage-init_v${version()}_linux_amd64.tar.gz`)
  expect(built.spec.platforms[0].sha256).toBe(sha256(archive))
  const unpacked = mkdtempSync(join(tmpdir(), 'si-unpacked-'))
  execFileSync('tar', ['xzf', archive, '-C', unpacked])
  expect(execFileSync(join(unpacked, 'kubectl-storage_init'), ['--version'], {encoding: 'utf8'})).toContain(`(commit ${commit})`)
  // the same tag again is refused
  git('checkout', '-q', 'krew-manifest.yaml')
  expect((await release()).stderr).toMatch(/tag v\d+\.\d+\.\d+ exists already/)
}, 300_000)
