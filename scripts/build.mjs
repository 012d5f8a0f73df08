// Bundles the plugin with esbuild into dist/cli.cjs: one CommonJS file, run by bin/kubectl-storage_init (npm, on Node);
// scripts/package.mjs builds the same bundle for the standalone executables (compiled by Bun). Also builds
// dist/commands.js (ESM, for `oclif manifest`) and the simulated cluster (dist/cluster.js).
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** the file oclif's explicit strategy require()s in dist/cli.cjs: the bundle's banner answers it with the command map */
const COMMANDS_SENTINEL = '__storage-init-commands__.cjs'

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
// only for a kubeconfig with a socks5:// proxy-url; ora only for a spinner on a terminal.
const LAZY = {
  tinyglobby: ['glob', 'globSync'],
  // the spinner, started only on a terminal after 300 ms; loading it builds an Intl.Segmenter (string-width), ~1.5 ms
  ora: 'export default function ora(...a) { return real().default(...a) }',
  'socks-proxy-agent': ['SocksProxyAgent'],
  // oclif's errors module requires these at start-up, to format an error or the help: loaded when one is formatted
  'clean-stack': 'export default function cleanStack(...a) { const r = real(); return (r.default ?? r)(...a) }',
  'indent-string': 'export default function indentString(...a) { const r = real(); return (r.default ?? r)(...a) }',
  'wrap-ansi': 'export default function wrapAnsi(...a) { const r = real(); return (r.default ?? r)(...a) }',
  // oclif asks it only whether this is WSL (is-wsl, a file read); the rest (child_process, PowerShell) only on Windows
  'wsl-utils': `import isWsl from 'is-wsl'
export {isWsl}
export function powerShellPath(...a) { return real().powerShellPath(...a) }`,
  // oclif logs through `debug`, which writes only when DEBUG is set: without it, silent loggers do
  debug: `const debug = ns => {
  if (process.env.DEBUG) return real()(ns)
  const f = Object.assign(() => {}, {enabled: false, namespace: ns, log: () => {}, destroy: () => true})
  f.extend = (sub, d = ':') => debug(ns + d + sub)
  return f
}
debug.enable = ns => real().enable(ns)
debug.disable = () => (m ? m.disable() : '')
debug.enabled = ns => Boolean(process.env.DEBUG) && real().enabled(ns)
export default debug`,
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
      const spec = LAZY[args.path]
      // a class stand-in returns the real instance from its constructor, so `new X(...)` works unchanged
      const body =
        typeof spec === 'string'
          ? [spec]
          : spec.map(n =>
              /^[A-Z]/.test(n)
                ? `export class ${n} { constructor(...a) { return new (real().${n})(...a) } }`
                : `export function ${n}(...a) { return real().${n}(...a) }`,
            )
      return {
        contents: `let m\nconst real = () => (m ??= require(${JSON.stringify(args.path)}))\n${body.join('\n')}\n`,
        resolveDir: args.pluginData,
        loader: 'js',
      }
    })
  },
}

/**
 * Inside oclif, four modules that a command's start loads for what it rarely does (#30): `Command` requires the
 * Config class for its static run() (the plugin runs commands without it: src/fast-path.ts), `Flags` requires the help
 * renderer for the `help` flag, and `handle` requires it to show help after an error; the help's utilities require
 * ejs for the help's templates (its loading compiles a `new Function`, ~1 ms on Bun). Each of these requires gets a
 * stand-in that loads the module at the first property read (they are read only as `mod.Name` where used; ejs, a
 * CommonJS module, through `__importDefault`, which asks for `__esModule` first: answered without loading it).
 */
const LAZY_OCLIF = {
  'lib/command.js': ['./config'],
  'lib/flags.js': ['./help'],
  'lib/errors/handle.js': ['../help/index'],
  'lib/help/util.js': ['ejs'],
}
/** the stand-ins for CommonJS modules, which have no `__esModule` */
const LAZY_OCLIF_COMMONJS = ['ejs']
/** every spec LAZY_OCLIF names, exactly */
const LAZY_OCLIF_SPECS = new RegExp(
  `^(${[...new Set(Object.values(LAZY_OCLIF).flat())].map(p => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})$`,
)
const lazyOclifParts = {
  name: 'lazy-oclif-parts',
  setup(b) {
    b.onResolve({filter: LAZY_OCLIF_SPECS}, args => {
      if (args.pluginData === 'real') return undefined
      const importer = args.importer.replaceAll('\\', '/')
      const hit = Object.entries(LAZY_OCLIF).find(([file, paths]) => importer.endsWith(`/@oclif/core/${file}`) && paths.includes(args.path))
      if (!hit) return undefined
      return {path: `${importer}::${args.path}`, namespace: 'lazy-oclif', pluginData: {dir: dirname(args.importer), spec: args.path}}
    })
    b.onLoad({filter: /.*/, namespace: 'lazy-oclif'}, args => ({
      contents: `let m\nconst real = () => (m ??= require(${JSON.stringify(args.pluginData.spec)}))\nmodule.exports = new Proxy({}, {get: (_, k) => ${LAZY_OCLIF_COMMONJS.includes(args.pluginData.spec) ? "k === '__esModule' ? undefined : " : ''}real()[k], has: (_, k) => k in real()})\n`,
      resolveDir: args.pluginData.dir,
      loader: 'js',
    }))
    // the stand-in's own require gets the real module
    b.onResolve({filter: LAZY_OCLIF_SPECS, namespace: 'lazy-oclif'}, args =>
      b.resolve(args.path, {kind: args.kind, resolveDir: args.resolveDir, pluginData: 'real'}),
    )
  },
}

/**
 * re2js (2.10) compiles each literal rune with `if (runes.length !== 1 || Unicode.simpleFold(runes[0]) === runes[0])
 * flags &= ~FOLD_CASE`: the fold is asked for even when the flags hold no FOLD_CASE, and its first use decodes the whole
 * Unicode case-orbit table, 3-5 ms of the first ClusterStorageContainer regex a command compiles (#30). With no
 * FOLD_CASE the statement changes nothing, so the fold is asked for only when the flag is set: the same program, the
 * table decoded only for a regex that folds (`(?i)`, or a class such as `[gG]` that the parser makes a folded letter, as
 * Go's does). The build stops if re2js no longer reads this way.
 */
const RE2JS_FOLD = 'if (runes.length !== 1 || Unicode.simpleFold(runes[0]) === runes[0]) flags &= ~RE2Flags.FOLD_CASE;'
const re2jsFoldOnlyWhenAsked = {
  name: 're2js-fold-only-when-asked',
  setup(b) {
    b.onLoad({filter: /[\\/]node_modules[\\/]re2js[\\/]build[\\/]index\.c?js$/}, args => {
      const text = readFileSync(args.path, 'utf8')
      const n = text.split(RE2JS_FOLD).length - 1
      if (n !== 1)
        throw new Error(
          `${args.path}: expected the compiler's fold test once, found it ${n} times (re2js changed: see re2jsFoldOnlyWhenAsked)`,
        )
      return {contents: text.replace(RE2JS_FOLD, `if ((flags & RE2Flags.FOLD_CASE) === 0 || ${RE2JS_FOLD.slice(4)}`), loader: 'js'}
    })
  },
}

/** esbuild options shared by every build of the plugin */
export function buildOptions() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim()
  } catch {
    // not a git checkout
  }
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version
  return {
    define: {__COMMIT__: JSON.stringify(commit), __VERSION__: JSON.stringify(version)},
    plugins: [pureClientNode, lazyModules, lazyOclifParts, re2jsFoldOnlyWhenAsked],
    alias: {'node-fetch': './scripts/shims/node-fetch.mjs'},
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: 'linked',
    logLevel: 'warning',
    absWorkingDir: root,
  }
}

// The standalone executables run on Bun, which has no `node:sea`: there, the plugin's one question to it (am I the
// standalone executable?) is answered at build time.
const standaloneSea = {
  name: 'standalone-sea',
  setup(b) {
    b.onResolve({filter: /^node:sea$/}, () => ({path: 'node:sea', namespace: 'standalone-sea'}))
    b.onLoad({filter: /.*/, namespace: 'standalone-sea'}, () => ({contents: 'module.exports = {isSea: () => true}', loader: 'js'}))
  },
}

/**
 * dist/cli.cjs (with `standalone`, the bundle the standalone executables are compiled from). Node 20 runs an SEA's main script as CommonJS with a require() that knows only the built-ins, so
 * everything is in this one file; the banner routes oclif's require() of the command map to the bundled module. A module
 * imported lazily runs the top level of all it imports when bundled as CommonJS, used or not (for client-node: every
 * generated API model), so client-node's part is bundled alone first, as ESM, where esbuild drops what is unused.
 */
export async function buildCli(outfile = join(root, 'dist', 'cli.cjs'), {standalone = false} = {}) {
  const pjson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const inlinePjson = {
    name: pjson.name,
    version: pjson.version,
    oclif: {...pjson.oclif, commands: {strategy: 'explicit', target: `./${COMMANDS_SENTINEL}`, identifier: 'COMMANDS'}},
  }
  const banner = `
const __nodeRequire = require('node:module').createRequire(process.execPath);
require = Object.assign(function (id) {
  if (typeof id === 'string' && id.endsWith(${JSON.stringify(COMMANDS_SENTINEL)})) return globalThis.__storageInitCommands();
  return __nodeRequire(id);
}, {resolve: id => id.endsWith(${JSON.stringify(COMMANDS_SENTINEL)}) ? id : __nodeRequire.resolve(id), cache: __nodeRequire.cache});`
  const o = buildOptions()
  const vendor = `${outfile}.client-node.mjs`
  const vendored = await build({...o, entryPoints: ['src/kube/client-node.ts'], outfile: vendor, sourcemap: false, metafile: true})
  const useVendor = {name: 'client-node-prebundled', setup: b => b.onResolve({filter: /\/client-node\.js$/}, () => ({path: vendor}))}
  const main = await build({
    ...o,
    plugins: [...o.plugins, useVendor, ...(standalone ? [standaloneSea] : [])],
    entryPoints: ['src/cli.ts'],
    outfile,
    format: 'cjs',
    minify: true,
    sourcemap: false,
    banner: {js: banner},
    define: {...o.define, __PJSON__: JSON.stringify(inlinePjson)},
    external: ['typescript', 'ts-node'],
    metafile: true,
  })
  rmSync(vendor)
  // esbuild leaves a few non-ASCII characters in regular expression literals; one of them makes V8 hold the whole
  // source as a two-byte string, slower to read and to scan. \uXXXX means the same there and in strings.
  const text = readFileSync(outfile, 'utf8')
  const ascii = text.replace(/[^\x00-\x7f]/g, c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (ascii !== text) writeFileSync(outfile, ascii)
  // the files the bundle holds (for the third-party notices: scripts/notices.mjs)
  return {inputs: [...new Set([...Object.keys(vendored.metafile.inputs), ...Object.keys(main.metafile.inputs)])]}
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // only what this build writes: dist/ also holds the standalone builds (scripts/package.mjs, the standalone tests, bench)
  // help.json too: it is the help of the bundle it was rendered from (npm run build renders it again, render-help.mjs)
  for (const f of ['cli.cjs', 'commands.js', 'commands.js.map', 'cluster.js', 'cluster.js.map', 'THIRD_PARTY_NOTICES.md', 'help.json'])
    rmSync(join(root, 'dist', f), {force: true})
  const {inputs} = await buildCli()
  // the npm package's notices: the libraries dist/cli.cjs holds
  const {npmPackageNotices} = await import('./notices.mjs')
  writeFileSync(join(root, 'dist', 'THIRD_PARTY_NOTICES.md'), npmPackageNotices(inputs))
  // a require() for the CommonJS dependencies bundled into ESM
  const esm = {...buildOptions(), banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"}}
  // `oclif manifest` reads the commands from dist/commands.js (package.json's oclif.commands)
  await build({...esm, entryPoints: {commands: 'src/commands.ts'}, outdir: 'dist', external: ['typescript', 'ts-node']})
  await build({...esm, entryPoints: {cluster: 'test/cluster/main.ts'}, outdir: 'dist'})
}
