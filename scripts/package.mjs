// `npm run package`: the standalone executables (the plugin compiled by Bun, one per krew platform), their archives,
// and krew-manifest.yaml with the archives' sha256 sums.
//
//   node scripts/package.mjs [--platform linux-amd64 ...] [--out dist/release] [--manifest FILE] [--no-archive]
//
// Each executable is Bun's runtime for its platform with the plugin's bundle (as bytecode) inside, made by
// `bun build --compile`. Every runtime comes from the npm registry's `@oven/bun-*` package for its platform, pinned by
// version and integrity below, so the machine that builds needs nothing but the npm registry; the host's package is
// also the compiler. Each executable is checked before it is archived (scripts/executables.mjs): format, architecture,
// and for darwin the ad-hoc code signature Bun writes, every hash recomputed. Archives are reproducible: the same
// inputs give the same bytes, hence the same sums.
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {stringify} from 'yaml'

import {buildCli} from './build.mjs'
import {adhocSign, bunDefineArgs, codeSignatureProblems, executableProblems, sri512} from './executables.mjs'

export const BUN_VERSION = '1.4.5'
/**
 * krew platform → Bun's compile target and the npm package holding that runtime (sha512 integrity as the registry
 * publishes it). x86-64 takes Bun's "baseline" builds, which need no AVX2 (older CPUs, VMs that hide it, Rosetta).
 */
export const PLATFORMS = {
  'linux-amd64': {
    os: 'linux',
    arch: 'amd64',
    target: 'bun-linux-x64-baseline',
    pkg: '@oven/bun-linux-x64-baseline',
    integrity: 'sha512-s8yMwYcFnnrA178gji0gZbkE2WVDej/Ti1x770oPfihxyRxSMNhGhiAQNXV53aDeraZxksdvKV/RAdQBCd0qPA==',
  },
  'linux-arm64': {
    os: 'linux',
    arch: 'arm64',
    target: 'bun-linux-arm64',
    pkg: '@oven/bun-linux-aarch64',
    integrity: 'sha512-4BXmsSKnjOrlGWqZV4x/oWa7AVoR+B6lCXddMzOAXBIm3t50eslg9wb66gmtW1AamEQ1l1CDvmmruysEhqOWMg==',
  },
  'darwin-amd64': {
    os: 'darwin',
    arch: 'amd64',
    target: 'bun-darwin-x64-baseline',
    pkg: '@oven/bun-darwin-x64-baseline',
    integrity: 'sha512-zqfLA5A4B+hYMh5WYzYSot3uZ06FzhdP0OEwQisEzdirYtXGj5cQFlfy31BGfNsAsk1Gd/w/OxJ/jqqJ3cMclw==',
  },
  'darwin-arm64': {
    os: 'darwin',
    arch: 'arm64',
    target: 'bun-darwin-arm64',
    pkg: '@oven/bun-darwin-aarch64',
    integrity: 'sha512-4MIFXHmctH2EhAxLXm2/qxNtv17dFtLJylvaOCsrgq6KSqHTs6eW5YSrJjRbJxYUJaR901fsN8JfZOa+CsWpWQ==',
  },
  'windows-amd64': {
    os: 'windows',
    arch: 'amd64',
    target: 'bun-windows-x64-baseline',
    pkg: '@oven/bun-windows-x64-baseline',
    integrity: 'sha512-/U3Dc74uGqE6EUqef7mPtg9KwJs7iJH4JHRMfIZIn18MrJh6Xz4gVvWDXRvzCL2j8wPlTnJVyrO4n7Qq4uM7TQ==',
  },
}
/**
 * Bun's JIT tier-up thresholds, scaled (1 = Bun's default). Measured here (bench/): `get` starts 10-20% faster with 64
 * than with 1 (a command lives for milliseconds: compiling less of it to machine code pays), as fast as with 1000, and
 * `logs` over a million lines is as fast (hot loops still tier up).
 */
export const JIT_POLICY = 64
/** this machine's platform, in krew's words (its Bun package is the compiler) */
export const HOST = {
  'linux-x64': 'linux-amd64',
  'linux-arm64': 'linux-arm64',
  'darwin-x64': 'darwin-amd64',
  'darwin-arm64': 'darwin-arm64',
  'win32-x64': 'windows-amd64',
}[`${process.platform}-${process.arch}`]
export const exeName = p => (PLATFORMS[p].os === 'windows' ? 'kubectl-storage_init.exe' : 'kubectl-storage_init')

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))

/** What the build is waiting for (each step takes seconds), on stderr; stdout keeps the list of archives. */
const step = text => process.stderr.write(`${text}…\n`)

/** Executables and archives for `wanted` platforms under `out` (emptied first). */
export async function packageAll(wanted, out) {
  const built = await buildExecutables(wanted, out)
  // imported here: notices.mjs, run on its own, imports this module for BUN_VERSION
  const {thirdPartyNotices} = await import('./notices.mjs')
  writeFileSync(join(out, 'THIRD_PARTY_NOTICES.md'), await thirdPartyNotices({bunVersion: BUN_VERSION, inputs: built.inputs}))
  const archives = []
  for (const {platform, exe} of built) {
    archives.push(archive(platform, exe, out))
    console.log(`built ${archives.at(-1).file} ${archives.at(-1).sha256}`)
  }
  return archives
}

/** `out/PLATFORM/kubectl-storage_init[.exe]` for each platform, checked. */
export async function buildExecutables(wanted, out) {
  rmSync(out, {recursive: true, force: true})
  mkdirSync(out, {recursive: true})
  const bundle = join(out, 'cli.cjs')
  const {inputs} = await buildCli(bundle, {standalone: true})
  // the entry, and the oclif manifest it embeds (as `npm run build` made it)
  const entry = join(out, 'main.mjs')
  copyFileSync(join(root, 'scripts', 'standalone-main.mjs'), entry)
  copyFileSync(join(root, 'oclif.manifest.json'), join(out, 'oclif.manifest.json'))
  // the help into a pipe, rendered by this source's own Node bundle (scripts/render-help.mjs), embedded beside it
  const nodeCli = join(out, 'help-cli.cjs')
  await buildCli(nodeCli)
  const launcher = join(out, 'help-launcher.cjs')
  writeFileSync(launcher, `globalThis.__storageInitRoot = ${JSON.stringify(root)}\nrequire(${JSON.stringify(nodeCli)})\n`)
  const {renderHelp} = await import('./render-help.mjs')
  await renderHelp([launcher], join(out, 'help.json'))
  for (const f of [nodeCli, launcher]) rmSync(f)
  const bun = await bunRuntime(HOST)
  /** with the files the bundle holds, for the notices */
  const built = Object.assign([], {inputs})
  for (const p of wanted) {
    const dir = join(out, p)
    mkdirSync(dir, {recursive: true})
    const exe = join(dir, exeName(p))
    step(`compiling ${p}`)
    execFileSync(
      bun,
      [
        'build',
        // NODE_ENV is production in the executable, whatever the shell that builds it says (Bun inlines it)
        ...bunDefineArgs(),
        '--compile',
        '--bytecode',
        '--format=esm',
        '--minify',
        `--target=${PLATFORMS[p].target}`,
        `--compile-executable-path=${await bunRuntime(p)}`,
        // embedded files keep their names (the manifest must be oclif.manifest.json)
        '--asset-naming=[name].[ext]',
        // the plugin reads no .env or bunfig.toml from the directory it runs in, as on Node
        '--no-compile-autoload-dotenv',
        '--no-compile-autoload-bunfig',
        // oclif's optional require of typescript (never taken: there are no .ts sources) must not pull node_modules in
        '--external',
        'typescript',
        '--external',
        'ts-node',
        `--compile-jit-policy=${JIT_POLICY}`,
        entry,
        '--outfile',
        exe,
      ],
      {cwd: out, stdio: ['ignore', 'ignore', 'inherit'], env: {...process.env, NO_COLOR: '1'}},
    )
    // Bun re-signs darwin-arm64 executables ad hoc, but leaves darwin-x64 ones with the runtime's Developer ID
    // signature, which no longer matches: a broken signature is worse than none, so those are signed here.
    if (PLATFORMS[p].os === 'darwin' && codeSignatureProblems(readFileSync(exe)).length)
      writeFileSync(exe, adhocSign(readFileSync(exe), 'kubectl-storage_init'))
    chmodSync(exe, 0o755)
    const problems = executableProblems(p, readFileSync(exe))
    if (problems.length) throw new Error(`${exe} is not a valid ${p} executable:\n  ${problems.join('\n  ')}`)
    built.push({platform: p, exe})
  }
  return built
}

/**
 * Bun's runtime for platform `p`, from its npm package. The package is cached under ~/.cache after the first download
 * and checked against its pinned integrity at every use, not only when fetched (a cache is a file anyone with this
 * account could have replaced): a mismatch deletes it and fetches it again. The runtime is compared with the one in the
 * checked package, and taken out of it again when it differs.
 */
export async function bunRuntime(p) {
  const {pkg, os, integrity} = PLATFORMS[p]
  const cache = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'kubectl-storage-init',
    'bun',
    `${pkg.replace('/', '+')}-${BUN_VERSION}`,
  )
  const exe = os === 'windows' ? 'bin/bun.exe' : 'bin/bun'
  const bin = join(cache, exe)
  const tgz = join(cache, 'package.tgz')
  if (!existsSync(tgz) || sri512(readFileSync(tgz)) !== integrity) {
    const tmp = `${cache}.${process.pid}`
    rmSync(tmp, {recursive: true, force: true})
    mkdirSync(tmp, {recursive: true})
    step(`fetching ${pkg}@${BUN_VERSION} from the npm registry`)
    const [{filename}] = JSON.parse(
      execFileSync('npm', ['pack', `${pkg}@${BUN_VERSION}`, '--json', '--pack-destination', tmp], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    )
    const got = sri512(readFileSync(join(tmp, filename)))
    if (got !== integrity) throw new Error(`${pkg}@${BUN_VERSION}: integrity ${got}, pinned ${integrity}`)
    renameSync(join(tmp, filename), join(tmp, 'package.tgz'))
    rmSync(cache, {recursive: true, force: true})
    renameSync(tmp, cache)
  }
  const packaged = execFileSync('tar', ['xzOf', tgz, `package/${exe}`], {maxBuffer: 1 << 30})
  if (!existsSync(bin) || !readFileSync(bin).equals(packaged)) {
    mkdirSync(dirname(bin), {recursive: true})
    const tmpBin = `${bin}.${process.pid}`
    writeFileSync(tmpBin, packaged, {mode: 0o755})
    chmodSync(tmpBin, 0o755)
    renameSync(tmpBin, bin)
  }
  return bin
}

/** A reproducible .tar.gz: sorted names, fixed times and owners, no gzip timestamp. */
export function archive(p, exe, out) {
  const dir = join(out, p)
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'))
  copyFileSync(join(root, 'README.md'), join(dir, 'README.md'))
  copyFileSync(join(out, 'THIRD_PARTY_NOTICES.md'), join(dir, 'THIRD_PARTY_NOTICES.md'))
  const bin = exe.slice(dir.length + 1)
  const file = `kubectl-storage-init_v${pjson.version}_${p.replace('-', '_')}.tar.gz`
  const tar = execFileSync(
    'tar',
    [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mode=u+rw,go+r,a-s',
      '-cf',
      '-',
      '-C',
      dir,
      bin,
      'LICENSE',
      'README.md',
      'THIRD_PARTY_NOTICES.md',
    ],
    {maxBuffer: 1 << 30},
  )
  const gz = execFileSync('gzip', ['-n', '-6'], {input: tar, maxBuffer: 1 << 30})
  writeFileSync(join(out, file), gz)
  return {platform: p, ...PLATFORMS[p], bin, file, bytes: gz.length, sha256: createHash('sha256').update(gz).digest('hex')}
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
      description:
        [
          'Shows and safely changes the storage-initializer of KServe, the init container',
          "that downloads every InferenceService's model: which image and resources each",
          'storage URI really gets (from the ConfigMap or a ClusterStorageContainer).',
          'Changes are reviewed as a diff, recorded as revisions and can be rolled back;',
          "the configuration can be linted in CI, and the init container's logs tailed",
          'across many pods at once.',
        ].join('\n') + '\n',
      caveats: CAVEATS,
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

/** What the plugin reads and writes with the user's credentials (test/e2e/standalone.test.ts holds it to the requests). */
export const CAVEATS = `${[
  "This plugin acts with your kubeconfig's credentials. Each command but logs",
  'reads, cluster-wide: configmaps named inferenceservice-config (to find',
  "KServe), clusterstoragecontainers and llminferenceservices; in KServe's",
  'namespace (usually "kserve"): configmaps and the kserve-controller-manager',
  'deployment.',
  '  * get --isvc: that inferenceservice, its namespace and its pods.',
  '  * set-image, set-resources, set-security-context, rollback: read',
  '    inferenceservices and pods in all namespaces (which models a change',
  '    reaches); patch the',
  '    inferenceservice-config configmap and, by default, every',
  '    ClusterStorageContainer that serves models (on a stock install',
  '    clusterstoragecontainer/default; --target picks what to change);',
  '    create/patch the storage-initializer-history configmap; create',
  '    selfsubjectreviews and selfsubjectaccessreviews (checked before writing).',
  '  * history: reads the storage-initializer-history configmap.',
  '  * validate: reads inferenceservices, serviceaccounts and namespaces in',
  "    all namespaces; for a Helm-managed install, the release's secrets.",
  '  * diagnose: the model, its pods, pods/log, events, its namespace; for a',
  '    credential problem its serviceaccount and secrets (key names only, never',
  '    values); for a pod without a storage-initializer the',
  '    mutatingwebhookconfiguration inferenceservice.serving.kserve.io and the',
  '    endpointslices of its service. -A: all namespaces.',
  "  * logs: list/watch pods and get pods/log in the models' namespaces",
  '    (-A: all namespaces).',
  '  * rollout: reads what get --isvc reads for each model; patches an',
  '    annotation on an InferenceService (KServe copies it into the pod',
  '    template), deletes pods (--include-owned: reads their Deployment for',
  "    its strategy) or an LLMInferenceService's Deployment; notes the",
  '    rollout in the history.',
  "  * get and the changes, when an object carries Argo CD's or Flux's",
  '    tracking label or annotation: that Application (argoproj.io), or that',
  '    Kustomization or HelmRelease (toolkit.fluxcd.io). --emit writes nothing.',
  '',
  'Minimal roles for it ship in the repository (docs/rbac): view.yaml for get,',
  'validate, logs, history and diagnose; edit.yaml for the changes. Apply them',
  'and bind:',
  '  kubectl apply -f https://raw.githubusercontent.com/kubectl-storage-init/kubectl-storage-init/main/docs/rbac/view.yaml',
  '  kubectl create clusterrolebinding storage-init-view-$USER \\',
  '    --clusterrole=storage-init-view --user=$USER',
  '',
  'Shell completion (kubectl 1.26+, not on Windows) needs a helper on PATH:',
  '  kubectl storage-init completion --install',
].join('\n')}\n`

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({
    options: {
      platform: {type: 'string', multiple: true},
      out: {type: 'string', default: 'dist/release'},
      manifest: {type: 'string', default: 'krew-manifest.yaml'},
      'no-archive': {type: 'boolean', default: false},
    },
  })
  const wanted = values.platform ?? Object.keys(PLATFORMS)
  for (const p of wanted) if (!PLATFORMS[p]) throw new Error(`--platform ${p}: unknown; known: ${Object.keys(PLATFORMS).join(', ')}`)
  const out = resolve(root, values.out)
  if (values['no-archive']) {
    for (const {exe} of await buildExecutables(wanted, out)) console.log(`built ${exe}`)
  } else {
    const archives = await packageAll(wanted, out)
    writeFileSync(resolve(root, values.manifest), krewManifest(archives))
    writeFileSync(join(out, 'SHA256SUMS'), archives.map(a => `${a.sha256}  ${a.file}\n`).join(''))
    console.log(`wrote ${values.manifest} (${archives.length} platforms)`)
  }
}
