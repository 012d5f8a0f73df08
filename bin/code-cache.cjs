// Runs a CommonJS bundle with a V8 code cache, so that compiling it does not cost every run (Node 20 has no built-in
// compile cache). Used by npm's bin (bin/launch.js); the standalone executables need none (Bun compiles their bundle to
// bytecode when they are built). The cache lives under $XDG_CACHE_HOME (or ~/.cache)/kubectl-storage-init, is keyed by the
// Node version and the bundle, is written after the first run of a build (holding what that run compiled), and is only
// an optimisation: any problem with it means compiling as usual. KUBECTL_STORAGE_INIT_CODE_CACHE=off turns it off.
'use strict'
const {mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} = require('node:fs')
const {homedir} = require('node:os')
const {join} = require('node:path')
const vm = require('node:vm')

/**
 * Run `source` as the module `filename`, with `requireFn` as its require(). `kind` names the install (npm, standalone),
 * `key` this build of it; the caches of its older builds are removed when a new one is written.
 */
function runCached(source, filename, requireFn, kind, key) {
  const off = process.env.KUBECTL_STORAGE_INIT_CODE_CACHE === 'off'
  const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-storage-init')
  const prefix = `${kind}-`
  const name = `${prefix}${process.version}-${process.arch}-${key}.v8cache`
  const cacheFile = join(dir, name)
  let cachedData
  if (!off) {
    try {
      cachedData = readFileSync(cacheFile)
    } catch {
      // first run of this build
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {filename, cachedData})
  if (!off && script.cachedDataRejected !== false) {
    process.once('exit', () => {
      try {
        mkdirSync(dir, {recursive: true})
        const tmp = `${cacheFile}.${process.pid}`
        writeFileSync(tmp, script.createCachedData())
        renameSync(tmp, cacheFile)
        for (const f of readdirSync(dir))
          if (f.startsWith(prefix) && f.endsWith('.v8cache') && f !== name) rmSync(join(dir, f), {force: true})
      } catch {
        // read-only home, full disk: run uncached
      }
    })
  }
  const module = {exports: {}}
  script.runInThisContext()(module.exports, requireFn, module, filename, join(filename, '..'))
}

module.exports = {runCached}
