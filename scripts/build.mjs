// Bundles the plugin (and the simulated cluster) with esbuild. The Kubernetes client lives in a lazily imported chunk,
// so `--help` and `--version` never load it.
import {build} from 'esbuild'
import {execFileSync} from 'node:child_process'
import {readFileSync, rmSync} from 'node:fs'

rmSync('dist', {recursive: true, force: true})
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
let commit = 'unknown'
try {
  commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
} catch {
  // not a git checkout
}
const version = JSON.parse(readFileSync('package.json', 'utf8')).version
const common = {define: {__COMMIT__: JSON.stringify(commit), __VERSION__: JSON.stringify(version)}, plugins: [pureClientNode], alias: {'node-fetch': './scripts/shims/node-fetch.mjs'}, bundle: true, platform: 'node', target: 'node20', format: 'esm', sourcemap: 'linked', logLevel: 'warning',
  // a require() for the CommonJS dependencies bundled into ESM
  banner: {js: "import {createRequire as __cr} from 'node:module'; const require = __cr(import.meta.url);"}}
// oclif loads typescript only for a development root with a tsconfig; it must not be in the bundle
await build({...common, entryPoints: {main: 'src/main.ts', commands: 'src/commands.ts'}, outdir: 'dist', splitting: true, chunkNames: 'chunks/[name]-[hash]', external: ['typescript', 'ts-node']})
await build({...common, entryPoints: {cluster: 'test/cluster/main.ts'}, outdir: 'dist'})
