// Bundles the plugin (and the simulated cluster) with esbuild. The Kubernetes client lives in a lazily imported chunk,
// so `--help` and `--version` never load it. scripts/package.mjs reuses buildOptions() for the standalone executable.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** the file name oclif's explicit strategy require()s inside the standalone executable (answered from the bundle) */
export const SEA_COMMANDS_SENTINEL = '__storage-init-commands__.cjs'

// client-node does not declare itself free of side effects; it is, and saying so lets esbuild drop the generated API
// classes that KubeConfig's module imports but the plugin never uses.
const pureClientNode = {
  name: 'pure-client-node',
  setup(b) {
    b.onResolve({filter: /.*/}, async args => {
      if (args.pluginData === 'pure' || !/client-node/.test(args.importer + args.path)) return undefined
      const r = await b.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'pure'})
      if (r.errors.length || !r.path.includes('@kubernetes/client-node/dist/')) return undefined
      return {path: r.path, sideEffects: false}
    })
  },
}

// Modules that dependencies import at start-up but use only on rare paths: a stand-in loads the real module on first
// use. oclif globs command files only for its `pattern` strategy (ours is explicit); client-node's SOCKS agent is needed
// only for a kubeconfig with a socks5:// proxy-url.
const LAZY = {
  tinyglobby: ['glob', 'globSync'],
  'socks-proxy-agent': ['SocksProxyAgent'],
}
const lazyModules = {
  name: 'lazy-modules',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).join('|')})$`)
    b.onResolve({filter}, args => {
      if (args.pluginData === 'real') return undefined
      // the stand-in's own require() gets the real module
      if (args.namespace === 'lazy') return b.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real'})
      return {path: args.path, namespace: 'lazy', pluginData: args.resolveDir}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy'}, args => {
      const names = LAZY[args.path]
      // a class stand-in returns the real instance from its constructor, so `new X(...)` works unchanged
      const body = names.map(n => /^[A-Z]/.test(n)
        ? `export class ${n} { constructor(...a) { return new (real().${n})(...a) } }`
        : `export function ${n}(...a) { return real().${n}(...a) }`)
      return {contents: `let m\nconst real = () => (m ??= require(${JSON.stringify(args.path)}))\n${body.join('\n')}\n`, resolveDir: args.pluginData, loader: 'js'}
    })
  },
}

/** esbuild options shared by every build of the plugin */
export function buildOptions() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
  } catch {
    // not a git checkout
  }
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  return {define: {__COMMIT__: JSON.stringify(commit), __VERSION__: JSON.stringify(version)}, plugins: [pureClientNode, lazyModules], alias: {'node-fetch': './scripts/shims/node-fetch.mjs'},
    bundle: true, platform: 'node', target: 'node20', format: 'esm', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  rmSync(join(root, 'dist'), {recursive: true, force: true})
  // a require() for the CommonJS dependencies bundled into ESM
  const common = {...buildOptions(), banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"}}
  // oclif loads typescript only for a development root with a tsconfig; it must not be in the bundle
  await build({...common, entryPoints: {main: 'src/main.ts', commands: 'src/commands.ts'}, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]', external: ['typescript', 'ts-node']})
  await build({...common, entryPoints: {cluster: 'test/cluster/main.ts'}, outdir: 'dist'})
}
