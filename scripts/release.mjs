// `npm run release`: tags the release first, then builds the standalone executables and archives from a clean clone of
// that tag, so that the archives' sums in krew-manifest.yaml belong to the commit their `--version` prints.
//
//   node scripts/release.mjs [--existing-tag] [--node-modules DIR] [--platform P ...]
//
// 1. refuses a working tree with changes (they would not be in the tag);
// 2. tags HEAD as v<package.json version> (annotated), unless --existing-tag rebuilds from a tag already there;
// 3. clones the tag into a temporary directory, installs its package-lock.json there (`npm ci`; --node-modules DIR uses
//    an installed tree instead: tests) and runs scripts/package.mjs there;
// 4. checks that the executable for this machine says the tag's commit, then copies the archives and SHA256SUMS to
//    dist/release/ and the manifest to krew-manifest.yaml here, and says what to publish.
import {execFileSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {values} = parseArgs({
  options: {
    'existing-tag': {type: 'boolean', default: false},
    'node-modules': {type: 'string'},
    platform: {type: 'string', multiple: true},
  },
})
const git = (args, cwd = root) => execFileSync('git', args, {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
const fail = msg => {
  console.error(`release: ${msg}`)
  process.exit(1)
}

const {version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const tag = `v${version}`
const dirty = git(['status', '--porcelain', '--untracked-files=no'])
if (dirty) fail(`the working tree has changes that the tag would not hold; commit or drop them first:\n${dirty}`)
const tagged = git(['tag', '--list', tag]) === tag
if (values['existing-tag'] && !tagged) fail(`--existing-tag: there is no tag ${tag}`)
if (!values['existing-tag']) {
  if (tagged) fail(`tag ${tag} exists already: raise the version in package.json, or rebuild it with --existing-tag`)
  git(['tag', '-a', tag, '-m', `kubectl storage-init ${tag}`])
  console.log(`tagged ${git(['rev-parse', '--short=12', `${tag}^{commit}`])} as ${tag}`)
}
const commit = git(['rev-parse', '--short=12', `${tag}^{commit}`])

const work = mkdtempSync(join(tmpdir(), `storage-init-release-${tag}-`))
try {
  git(['clone', '--quiet', '--branch', tag, '--depth', '1', `file://${root}`, work], tmpdir())
  if (git(['rev-parse', '--short=12', 'HEAD'], work) !== commit) fail(`the clone of ${tag} is not at ${commit}`)
  if (values['node-modules']) symlinkSync(resolve(values['node-modules']), join(work, 'node_modules'), 'dir')
  else execFileSync('npm', ['ci', '--no-audit', '--no-fund'], {cwd: work, stdio: 'inherit'})
  execFileSync(process.execPath, [join(work, 'scripts', 'package.mjs'), ...(values.platform ?? []).flatMap(p => ['--platform', p])], {
    cwd: work,
    stdio: 'inherit',
  })
  const {HOST, exeName} = await import(join(work, 'scripts', 'package.mjs'))
  const exe = join(work, 'dist', 'release', HOST, exeName(HOST))
  if (existsSync(exe)) {
    const said = execFileSync(exe, ['--version'], {encoding: 'utf8'})
    if (!said.includes(`v${version} (commit ${commit})`)) fail(`the executable built from ${tag} says: ${said}`)
  }
  const out = join(root, 'dist', 'release')
  rmSync(out, {recursive: true, force: true})
  cpSync(join(work, 'dist', 'release'), out, {recursive: true, filter: f => !/\.cjs$/.test(f)})
  cpSync(join(work, 'krew-manifest.yaml'), join(root, 'krew-manifest.yaml'))
} finally {
  rmSync(work, {recursive: true, force: true})
}
console.log(`built ${tag} (commit ${commit}) into dist/release/ and krew-manifest.yaml. To publish:
  git push origin ${tag}
  upload dist/release/*.tar.gz and dist/release/SHA256SUMS to the release ${tag}
  commit krew-manifest.yaml, and submit it to krew-index as plugins/storage-init.yaml`)
