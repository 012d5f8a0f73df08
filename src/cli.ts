// The plugin's entry point, bundled into dist/cli.cjs: run by bin/kubectl-storage_init (through its code cache) and
// by the standalone executable. The build's banner routes oclif's require() of the command map to the module below.
import {mark} from './trace.js'
import {isVersionCall, versionLine} from './version.js'

declare const __PJSON__: Record<string, unknown>
declare const require: (id: string) => any
declare global {
  /** the command map, loaded on first use (the bundle's banner answers oclif's require() of it with this) */
  var __storageInitCommands: () => {COMMANDS: Record<string, unknown>}
  /** where oclif.manifest.json is: set by npm's launcher and by the standalone executable's entry */
  var __storageInitRoot: string | undefined
}

// oclif's explicit strategy require()s this; the banner answers the sentinel path with it (evaluated on first use).
globalThis.__storageInitCommands = () => require('./commands.js')
mark('bundle evaluated')

const standalone: boolean = require('node:sea').isSea()
const builtHelp = require('./help-text.js')
if (isVersionCall(process.argv)) {
  process.stdout.write(versionLine(standalone ? 'standalone' : 'npm'))
} else if (
  // the help into a pipe, as oclif renders it there, rendered at build time (help-text.ts)
  builtHelp.printBuiltHelp(
    process.argv.slice(2),
    builtHelp.builtHelpFile(globalThis.__storageInitRoot),
    process.env,
    () => !!process.stdout.isTTY,
  )
) {
  mark('help printed')
} else {
  // `get …`: its reads go out now, while the rest loads; the command takes them if its flags make the same (prefetch.ts)
  const prefetch = require('./prefetch.js')
  const sent = process.argv[2] === 'get' && prefetch.startGetPrefetch(process.argv.slice(3), process.env)
  const run = () => {
    const {normaliseArgv} = require('./argv.js')
    const commands = globalThis.__storageInitCommands().COMMANDS
    const n = normaliseArgv(process.argv.slice(2), commands)
    const fast = 'error' in n ? undefined : require('./fast-path.js').fastCommand(n.argv, commands, process.env)
    if ('error' in n) {
      process.stderr.write(`error: ${n.error}\n${n.hint ? `${n.hint}\n` : ''}`)
      process.exitCode = 1
      prefetch.dropPrefetch()
    } else if (fast)
      // a command line that names a command: run as oclif runs it, without building oclif's configuration (fast-path.ts)
      require('./fast-path.js').runFast(fast, n.argv, __PJSON__, commands).finally(prefetch.dropPrefetch)
    else {
      prefetch.dropPrefetch()
      const {dirname} = require('node:path')
      const {execute} = require('@oclif/core/execute')
      // there are no TypeScript sources to look for, whatever NODE_ENV says
      require('@oclif/core/settings').settings.enableAutoTranspile = false
      // the help's VERSION line (oclif's userAgent) says `node-${process.version}`; on Bun that is the Node version Bun
      // claims to be, not the runtime: name the runtime as --version does
      // oclif's configuration sorts the commands by id with localeCompare, which builds ICU's collator: not for our ids
      const {Config} = require('@oclif/core/config')
      const {withoutCollator} = require('./collate.js')
      mark('oclif loaded')
      const load = Config.prototype.load
      Config.prototype.load = async function (this: {userAgent: string}, ...a: unknown[]) {
        await withoutCollator(() => load.apply(this, a))
        mark('oclif configured')
        if (process.versions.bun) this.userAgent = this.userAgent.replace(/ node-v\S+$/, ` bun-v${process.versions.bun}`)
      }
      // where oclif.manifest.json is (npm's launcher: the package root; the standalone entry: beside the embedded bundle)
      const root = globalThis.__storageInitRoot ?? dirname(process.execPath)
      // no plugins but ours: oclif would otherwise load (and run the hooks of) the user plugins listed in
      // $XDG_DATA_HOME/kubectl-storage-init/package.json, and dev plugins, in every command, --help included
      execute({args: n.argv, loadOptions: {root, pjson: __PJSON__, isRoot: true, userPlugins: false, devPlugins: false, jitPlugins: false}})
    }
  }
  // the GETs sent ahead leave only once the promises that make them have run: before the rest loads (synchronously)
  if (sent) setImmediate(run)
  else run()
}
