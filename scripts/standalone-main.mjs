// The standalone executables' entry, compiled by Bun (scripts/package.mjs): oclif.manifest.json is embedded beside the
// plugin's bundle, so that oclif reads the commands' flags from it instead of loading every command at start-up (npm's
// install reads the same file from the package root).
import {dirname} from 'node:path'

import manifest from './oclif.manifest.json' with {type: 'file'}
// the help as oclif renders it into a pipe, rendered at build time (scripts/render-help.mjs, src/help-text.ts)
import help from './help.json' with {type: 'file'}

globalThis.__storageInitRoot = dirname(manifest)
globalThis.__storageInitHelp = help
await import('./cli.cjs')
