// Runs a CommonJS bundle with a V8 code cache, so that compiling it does not cost every run (Node 20 has no built-in
// compile cache). Used by npm's bin (bin/launch.js); the standalone executables need none (Bun compiles their bundle to
// bytecode when they are built). The cache lives under $XDG_CACHE_HOME (or ~/.cache)/kubectl-storage-init, is keyed by the
// Node version and a sha256 of the bundle's source, is written after the first run of a build (holding what that run
// compiled), and is only an optimisation: any problem with it means compiling as usual. KUBECTL_STORAGE_INIT_CODE_CACHE=off
// turns it off.
//
// V8 checks a code cache against its source's length only, and runs what the cache holds: a cache that is not exactly
// ours is never handed to it. So each file starts with the sha256 of the source it was made from and the sha256 of the
// V8 data that follows, both checked before use; the directory (0700) and the files (0600) must be ours and writable by
// nobody else, or they are not read (a refused file is deleted, a refused directory left alone and not written to); and
// a marker beside the cache, present only while a run that uses it starts, tells the next run when that one died (a
// cache V8 crashes on would otherwise crash every run): that cache is deleted.
'use strict'
const {createHash} = require('node:crypto')
const fs = require('node:fs')
const {homedir} = require('node:os')
const {join} = require('node:path')
const vm = require('node:vm')

/** bytes of a sha256; a cache file is sha256(source), sha256(data), data */
const HASH = 32
const HEADER = 2 * HASH
/** a marker older than this is a run that died, whatever became of its process id (start-up takes well under a second) */
const MARKER_MAX_AGE_MS = 10_000
const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0

const sha256 = data => createHash('sha256').update(data).digest()

/** Ours and writable by us alone (no owners nor modes to check on Windows). */
function trusted(st) {
  if (typeof process.getuid !== 'function') return true
  return st.uid === process.getuid() && (st.mode & 0o022) === 0
}

function alive(pid) {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return e.code === 'EPERM'
  }
}

/** The cache file's V8 data when it is ours, whole and made from `sourceHash`; undefined (and the file deleted) when not. */
function readCache(file, sourceHash) {
  let fd
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW)
  } catch {
    return {status: 'miss'}
  }
  let data
  try {
    const st = fs.fstatSync(fd)
    if (st.isFile() && trusted(st)) data = fs.readFileSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  if (
    data &&
    data.length > HEADER &&
    data.subarray(0, HASH).equals(sourceHash) &&
    sha256(data.subarray(HEADER)).equals(data.subarray(HASH, HEADER))
  )
    return {status: 'hit', data: data.subarray(HEADER)}
  fs.rmSync(file, {force: true})
  return {status: 'rejected'}
}

/**
 * Run `source` (a string, or the bundle's bytes: hashing bytes is cheaper than hashing a string) as the module
 * `filename`, with `requireFn` as its require(). `kind` names the install (npm); the caches of its older builds are
 * removed when a new one is written. Answers what became of the cache (status: off, refused, miss, hit, rejected,
 * crashed, busy), its file, and save(), which writes it when this run should (also done on exit; for tests).
 */
function runCached(source, filename, requireFn, kind) {
  const text = typeof source === 'string' ? source : source.toString('utf8')
  const result = {status: 'off', file: undefined, save: () => {}}
  let cachedData
  let marker
  let dir
  let sourceHash
  if (process.env.KUBECTL_STORAGE_INIT_CODE_CACHE !== 'off') {
    try {
      dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kubectl-storage-init')
      sourceHash = sha256(source)
      result.file = join(dir, `${kind}-${process.version}-${process.arch}-${sourceHash.toString('hex', 0, 16)}.v8cache`)
      let st
      try {
        st = fs.lstatSync(dir)
      } catch {
        // first run: save() makes it
      }
      if (st && !(st.isDirectory() && trusted(st))) result.status = 'refused'
      else if (st) {
        const r = readCache(result.file, sourceHash)
        result.status = r.status
        cachedData = r.data
      } else result.status = 'miss'
      if (cachedData) {
        marker = `${result.file}.starting`
        const m = markerState(marker)
        if (m === 'crashed') {
          fs.rmSync(result.file, {force: true})
          fs.rmSync(marker, {force: true})
        }
        if (m !== 'none') {
          // busy: another run is starting with this cache now, so its marker is not ours to take or remove
          result.status = m
          cachedData = undefined
          marker = undefined
        } else {
          fs.writeFileSync(marker, String(process.pid), {mode: 0o600})
        }
      }
    } catch {
      // an unreadable cache directory: compile as usual
      result.status = 'refused'
      cachedData = undefined
      marker = undefined
    }
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${text}\n})`, {filename, cachedData})
  if (script.cachedDataRejected === true) result.status = 'rejected'
  if (['miss', 'rejected', 'crashed'].includes(result.status)) {
    let saved = false
    result.save = () => {
      if (saved) return
      saved = true
      writeCache(dir, result.file, kind, sourceHash, script)
    }
    process.once('exit', result.save)
  }
  const module = {exports: {}}
  script.runInThisContext()(module.exports, requireFn, module, filename, join(filename, '..'))
  // started: the cache did not crash this run
  if (marker) fs.rmSync(marker, {force: true})
  return result
}

/** none: no run is starting with the cache; busy: one is, now; crashed: one died before it started. */
function markerState(marker) {
  let text
  let st
  try {
    text = fs.readFileSync(marker, 'utf8')
    st = fs.statSync(marker)
  } catch {
    return 'none'
  }
  const pid = Number(text)
  return Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid) && Date.now() - st.mtimeMs < MARKER_MAX_AGE_MS
    ? 'busy'
    : 'crashed'
}

function writeCache(dir, file, kind, sourceHash, script) {
  try {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700})
    const st = fs.lstatSync(dir)
    if (!st.isDirectory() || !trusted(st)) return
    // a directory made by an older version, or under a looser umask
    if (typeof process.getuid === 'function' && (st.mode & 0o077) !== 0) fs.chmodSync(dir, 0o700)
    const data = script.createCachedData()
    const tmp = `${file}.${process.pid}.tmp`
    fs.rmSync(tmp, {force: true})
    // created here (O_EXCL: never through a link someone left), 0600 whatever the umask allows beyond it
    const fd = fs.openSync(tmp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | O_NOFOLLOW, 0o600)
    try {
      fs.writeFileSync(fd, Buffer.concat([sourceHash, sha256(data), data]))
    } finally {
      fs.closeSync(fd)
    }
    fs.renameSync(tmp, file)
    // older builds' caches (and their leftovers): this build's own files all start with its cache's name
    const name = file.slice(dir.length + 1)
    for (const f of fs.readdirSync(dir)) if (f.startsWith(`${kind}-`) && !f.startsWith(name)) fs.rmSync(join(dir, f), {force: true})
  } catch {
    // read-only home, full disk: run uncached
  }
}

module.exports = {runCached}
