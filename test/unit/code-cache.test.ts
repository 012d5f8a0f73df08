/**
 * npm's code cache (bin/code-cache.cjs): V8 runs whatever a cache of a same-length source holds, so a cache is used only
 * when it is exactly ours: made from this source, whole, in a directory and a file of ours that nobody else can write.
 */
import {spawnSync} from 'node:child_process'
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

const require = createRequire(import.meta.url)
const {runCached} = require('../../bin/code-cache.cjs') as {
  runCached: (
    source: string | Buffer,
    filename: string,
    requireFn: NodeJS.Require,
    kind: string,
  ) => {status: string; file: string; save: () => void}
}

// the bundle runs in Node's own context, not in jest's: it tells which code ran through the require() it is given
const A = 'require("A")'
const B = 'require("B")'
let ran: string | undefined
const requireFn = ((id: string) => (ran = id)) as unknown as NodeJS.Require
let cacheHome: string
let dir: string
const saved = {...process.env}

beforeEach(() => {
  cacheHome = mkdtempSync(join(tmpdir(), 'si-code-cache-'))
  dir = join(cacheHome, 'kubectl-storage-init')
  process.env.XDG_CACHE_HOME = cacheHome
  delete process.env.KUBECTL_STORAGE_INIT_CODE_CACHE
})
afterEach(() => {
  process.env = {...saved}
})

/** run `source` through the cache, write the cache as the exit would, and say what ran */
function run(source: string) {
  ran = undefined
  const r = runCached(source, join(cacheHome, 'bundle.cjs'), requireFn, 'npm')
  r.save()
  process.removeListener('exit', r.save)
  return {...r, ran}
}

const mode = (f: string) => statSync(f).mode & 0o777

test('a first run writes the cache, the next uses it; the directory is 0700 and the file 0600 whatever the umask', () => {
  const old = process.umask(0)
  try {
    const first = run(A)
    expect([first.status, first.ran]).toEqual(['miss', 'A'])
    expect(mode(dir)).toBe(0o700)
    expect(mode(first.file)).toBe(0o600)
  } finally {
    process.umask(old)
  }
  expect(run(A)).toMatchObject({status: 'hit', ran: 'A'})
  // no marker is left behind by a run that started
  expect(readdirSync(dir)).toHaveLength(1)
})

test('a cache with flipped bytes (same length) is rejected, deleted and replaced', () => {
  const {file} = run(A)
  const data = readFileSync(file)
  for (let i = data.length - 64; i < data.length; i++) data[i] ^= 0xff
  writeFileSync(file, data)
  expect(run(A)).toMatchObject({status: 'rejected', ran: 'A'})
  expect(readFileSync(file).equals(data)).toBe(false)
  expect(run(A)).toMatchObject({status: 'hit', ran: 'A'})
})

test('another source of the same length has its own key, and never runs the code of a cache made from the other', () => {
  const a = run(A)
  const b = run(B)
  expect(B.length).toBe(A.length)
  expect([b.status, b.ran]).toEqual(['miss', 'B'])
  expect(b.file).not.toBe(a.file)
  // the older build's cache is gone
  expect(existsSync(a.file)).toBe(false)
  // A's (valid) cache under B's name: B's code runs all the same
  run(A)
  writeFileSync(b.file, readFileSync(a.file), {mode: 0o600})
  expect(run(B)).toMatchObject({status: 'rejected', ran: 'B'})
})

test('a group-writable cache directory is neither read nor written', () => {
  const {file} = run(A)
  const before = readFileSync(file)
  chmodSync(dir, 0o770)
  const r = run(A)
  expect([r.status, r.ran]).toEqual(['refused', 'A'])
  expect(readFileSync(file).equals(before)).toBe(true)
  chmodSync(dir, 0o700)
  expect(run(A).status).toBe('hit')
})

test('a group-writable cache file is deleted and replaced', () => {
  const {file} = run(A)
  chmodSync(file, 0o660)
  expect(run(A)).toMatchObject({status: 'rejected', ran: 'A'})
  expect(mode(file)).toBe(0o600)
})

test("a cache file or directory that is not the user's is not used", () => {
  if (process.getuid?.() !== 0) return // only root can give a file away
  const {file} = run(A)
  chownSync(file, 12345, 12345)
  expect(run(A).status).toBe('rejected')
  chownSync(dir, 12345, 12345)
  expect(run(A).status).toBe('refused')
})

test('a cache that a run died with (its start-up marker left behind) is deleted; one another run is starting with is left alone', () => {
  const {file} = run(A)
  const dead = spawnSync(process.execPath, ['-e', '']).pid
  writeFileSync(`${file}.starting`, String(dead))
  expect(run(A)).toMatchObject({status: 'crashed', ran: 'A'})
  expect(existsSync(`${file}.starting`)).toBe(false)
  expect(run(A).status).toBe('hit')
  writeFileSync(`${file}.starting`, String(process.ppid))
  expect(run(A)).toMatchObject({status: 'busy', ran: 'A'})
  expect(existsSync(`${file}.starting`)).toBe(true)
})

test('KUBECTL_STORAGE_INIT_CODE_CACHE=off: no cache at all', () => {
  process.env.KUBECTL_STORAGE_INIT_CODE_CACHE = 'off'
  expect(run(A)).toMatchObject({status: 'off', ran: 'A'})
  expect(existsSync(dir)).toBe(false)
})

test('the bundle may be given as bytes (as bin/launch.js does): the same key as its text', () => {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const a = run(A)
  ran = undefined
  const r = runCached(Buffer.from(A), join(cacheHome, 'bundle.cjs'), requireFn, 'npm')
  process.removeListener('exit', r.save)
  expect([r.status, r.file, ran]).toEqual(['hit', a.file, 'A'])
})
