// npm's entry: dist/cli.cjs, through the code cache of bin/code-cache.cjs.
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const require = createRequire(import.meta.url)
const {runCached} = require('./code-cache.cjs')
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const file = join(root, 'dist', 'cli.cjs')
// oclif reads oclif.manifest.json from the package root
globalThis.__storageInitRoot = root
// the bytes, not a string: the cache's key is their sha256, cheaper to take of bytes
runCached(readFileSync(file), file, createRequire(file), 'npm')
