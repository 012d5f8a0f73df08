// jest setupFiles of the `standalone` project: in each e2e suite, every way of starting the plugin reaches the standalone
// executable instead of npm's bin: plugin() (test/helpers.ts) through SI_PLUGIN_BIN; the suites' own
// `spawn(process.execPath, [bin/kubectl-storage_init, ...])` and kubectl's plugin dispatch (whose `#!/usr/bin/env node`
// finds `node` on PATH) through the stand-in `node` that global-setup.mjs wrote.
import {readFileSync} from 'node:fs'
import {delimiter, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const {exe, shim} = JSON.parse(
  readFileSync(join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'dist', 'standalone-test', 'state.json'), 'utf8'),
)
process.env.SI_PLUGIN_BIN = exe
process.execPath = shim
process.env.PATH = `${dirname(shim)}${delimiter}${process.env.PATH}`
