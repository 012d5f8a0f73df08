/**
 * The packaging's cache of Bun runtimes (scripts/package.mjs bunRuntime): the cached package is checked against its
 * pinned sha512 at every use, and fetched again when it does not match; the runtime taken from it is compared with the
 * package's. No network: `npm` is a stand-in on PATH that "packs" a small package made here.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {ROOT} from '../helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'si-bun-cache-'))
const RUNTIME = '#!/bin/sh\necho the pinned runtime\n'
const PKG = join(ROOT, 'scripts', 'package.mjs')
const npmCalls = join(dir, 'npm-calls')
const cache = join(dir, 'cache')
let executables: any
let tgz: string
let integrity: string
const calls = () => (existsSync(npmCalls) ? readFileSync(npmCalls, 'utf8').trim().split('\n').length : 0)

beforeAll(async () => {
  executables = await import(join(ROOT, 'scripts', 'executables.mjs'))
  // the package, as npm pack gives it: package/bin/bun
  mkdirSync(join(dir, 'src', 'package', 'bin'), {recursive: true})
  writeFileSync(join(dir, 'src', 'package', 'bin', 'bun'), RUNTIME, {mode: 0o755})
  tgz = join(dir, 'bun.tgz')
  execFileSync('tar', ['czf', tgz, '-C', join(dir, 'src'), 'package'])
  integrity = executables.sri512(readFileSync(tgz))
  // npm pack NAME --json --pack-destination DIR: the package into DIR, its name in JSON on stdout
  mkdirSync(join(dir, 'path'))
  writeFileSync(
    join(dir, 'path', 'npm'),
    `#!/bin/sh\necho "$*" >> '${npmCalls}'\nwhile [ "$1" != --pack-destination ]; do shift; done\ncp "$SI_FAKE_TGZ" "$2/bun.tgz"\necho '[{"filename": "bun.tgz"}]'\n`,
  )
  chmodSync(join(dir, 'path', 'npm'), 0o755)
})

/**
 * bunRuntime('linux-amd64') pinned to the package made here, in a process of its own (a child process started from
 * jest's sandbox would not see its PATH); a real npm would find no registry
 */
function bunRuntime(fetched = tgz): {bin?: string; error?: string} {
  const code = `const m = await import(${JSON.stringify(PKG)}); m.PLATFORMS['linux-amd64'].integrity = ${JSON.stringify(integrity)}
try { console.log(JSON.stringify({bin: await m.bunRuntime('linux-amd64')})) } catch (e) { console.log(JSON.stringify({error: e.message})) }`
  const env = {
    ...process.env,
    PATH: `${join(dir, 'path')}:${process.env.PATH}`,
    XDG_CACHE_HOME: cache,
    SI_FAKE_TGZ: fetched,
    npm_config_offline: 'true',
    npm_config_registry: 'http://127.0.0.1:9/',
  }
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  return JSON.parse(out.trim().split('\n').pop()!)
}

test('sri512 is the integrity npm publishes (sha512, base64)', () => {
  expect(executables.sri512(Buffer.from(''))).toBe(
    'sha512-z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==',
  )
})

test('fetched once, then reused while the cached package matches its pin; a tampered package is fetched again', () => {
  const {bin} = bunRuntime()
  expect(readFileSync(bin!, 'utf8')).toBe(RUNTIME)
  expect(calls()).toBe(1)
  expect(bunRuntime().bin).toBe(bin)
  expect(calls()).toBe(1)
  // the runtime replaced: taken out of the (checked) package again, no fetch
  writeFileSync(bin!, '#!/bin/sh\necho something else\n')
  expect(readFileSync(bunRuntime().bin!, 'utf8')).toBe(RUNTIME)
  expect(calls()).toBe(1)
  // the cached package replaced by one of the same length: deleted and fetched again
  const cached = join(bin!, '..', '..', 'package.tgz')
  const bytes = readFileSync(cached)
  bytes[bytes.length - 1] ^= 0xff
  writeFileSync(cached, bytes)
  writeFileSync(bin!, '#!/bin/sh\necho something else\n')
  expect(readFileSync(bunRuntime().bin!, 'utf8')).toBe(RUNTIME)
  expect(calls()).toBe(2)
  expect(executables.sri512(readFileSync(cached))).toBe(integrity)
})

test('a fetched package that does not match its pin is refused', () => {
  const other = join(dir, 'other.tgz')
  writeFileSync(other, Buffer.concat([readFileSync(tgz), Buffer.from([0])]))
  const cached = join(cache, 'kubectl-storage-init', 'bun')
  rmSync(cached, {recursive: true, force: true})
  expect(bunRuntime(other).error).toMatch(/integrity sha512-.*, pinned sha512-/)
})
