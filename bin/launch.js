// Runs dist/cli.cjs with a V8 code cache, so that compiling the bundle does not cost every run (Node 20 has no
// built-in compile cache). The cache lives under $XDG_CACHE_HOME (or ~/.cache)/kubectl-storage-init, is keyed by the
// Node version and the bundle, is written after the first run of a build (holding what that run compiled), and is
// only an optimisation: any problem with it means compiling as usual.
import {mkdirSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {homedir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const file = join(root, 'dist', 'cli.cjs')
const source = readFileSync(file, 'utf8')
const st = statSync(file)
const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-storage-init')
const cacheFile = join(dir, `cli-${process.version}-${process.arch}-${st.size}-${Math.floor(st.mtimeMs)}.v8cache`)
let cachedData
try {
  cachedData = readFileSync(cacheFile)
} catch {
  // first run of this build
}
const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename: file, cachedData})
if (script.cachedDataRejected !== false && process.env.KUBECTL_STORAGE_INIT_CODE_CACHE !== 'off') {
  process.once('exit', () => {
    try {
      mkdirSync(dir, {recursive: true})
      const tmp = `${cacheFile}.${process.pid}`
      writeFileSync(tmp, script.createCachedData())
      renameSync(tmp, cacheFile)
    } catch {
      // read-only home, full disk: run uncached
    }
  })
}
globalThis.__storageInitRoot = root
const module = {exports: {}}
script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file))
