// The standalone executables' entry, compiled by Bun (scripts/package.mjs): oclif.manifest.json is embedded beside the
// plugin's bundle, so that oclif reads the commands' flags from it instead of loading every command at start-up (npm's
// install reads the same file from the package root).
import {dirname} from 'node:path'

import manifest from './oclif.manifest.json' with {type: 'file'}

globalThis.__storageInitRoot = dirname(manifest)
await import('./cli.cjs')
