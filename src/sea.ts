// Entry of the standalone executable (a Node single-executable application). Node 20 runs an SEA's main script as
// CommonJS with a require() that knows only the built-ins, so everything is in this one bundle, and the build's banner
// (scripts/sea.mjs) routes oclif's require() of the command map to the bundled module below.
import {isVersionCall, versionLine} from './version.js'

declare const __PJSON__: Record<string, unknown>
declare const require: (id: string) => any

// oclif's explicit strategy require()s this; the banner answers the sentinel path with it (evaluated on first use).
;(globalThis as any).__storageInitCommands = () => require('./commands.js')

if (isVersionCall(process.argv)) {
  process.stdout.write(versionLine('standalone'))
} else {
  const {dirname} = require('node:path')
  const {execute} = require('@oclif/core/execute')
  // there are no TypeScript sources to look for, whatever NODE_ENV says
  require('@oclif/core/settings').settings.enableAutoTranspile = false
  execute({args: process.argv.slice(2), loadOptions: {root: dirname(process.execPath), pjson: __PJSON__, isRoot: true}})
}
