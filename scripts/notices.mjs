// THIRD_PARTY_NOTICES.md: every npm package bundled into the plugin (esbuild's metafile says which), at the version
// package-lock.json pins, with the licence and notice files of the installed package; for the standalone executables,
// Bun's runtime (with the libraries it links) first. scripts/package.mjs puts the executables' text into every archive;
// scripts/build.mjs writes the npm package's into dist/ (the package bundles the same libraries into dist/cli.cjs).
//
//   node scripts/notices.mjs [--out FILE]     (the executables' text)
import {readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/**
 * What Bun's runtime statically links, after Bun's own LICENSE.md for the pinned release (re-read it when BUN_VERSION
 * in scripts/package.mjs changes): [name, licence, where its source and full licence are].
 */
const BUN_LINKED = [
  ['JavaScriptCore and WebKit (patched by Oven)', 'LGPL-2.0-or-later and BSD-2-Clause, per file', 'https://github.com/oven-sh/WebKit'],
  ['BoringSSL', 'ISC, OpenSSL and SSLeay licences', 'https://boringssl.googlesource.com/boringssl/'],
  ['brotli', 'MIT', 'https://github.com/google/brotli'],
  ['libarchive', 'BSD-2-Clause and others', 'https://github.com/libarchive/libarchive'],
  ['lol-html', 'BSD-3-Clause', 'https://github.com/cloudflare/lol-html'],
  ['ls-hpack', 'MIT', 'https://github.com/litespeedtech/ls-hpack'],
  ['ls-qpack', 'MIT', 'https://github.com/litespeedtech/ls-qpack'],
  ['lsquic', 'MIT (parts BSD-3-Clause, from Chromium)', 'https://github.com/litespeedtech/lsquic'],
  ['mimalloc', 'MIT', 'https://github.com/microsoft/mimalloc'],
  ['picohttpparser', 'MIT or Perl licence', 'https://github.com/h2o/picohttpparser'],
  ['zstd', 'BSD-3-Clause or GPL-2.0', 'https://github.com/facebook/zstd'],
  ['simdutf', 'Apache-2.0 or MIT', 'https://github.com/simdutf/simdutf'],
  ['tinycc', 'LGPL-2.1', 'https://github.com/tinycc/tinycc'],
  ['uSockets and a fork of uWebSockets', 'Apache-2.0', 'https://github.com/uNetworking/uSockets'],
  ['zlib-ng', 'Zlib', 'https://github.com/zlib-ng/zlib-ng'],
  ['c-ares', 'MIT', 'https://github.com/c-ares/c-ares'],
  ['ICU', 'Unicode-3.0 (ICU licence)', 'https://github.com/unicode-org/icu'],
  ['libbase64', 'BSD-2-Clause', 'https://github.com/aklomp/base64'],
  ['libuv (Windows only)', 'MIT', 'https://github.com/libuv/libuv'],
  ['libdeflate', 'MIT', 'https://github.com/ebiggers/libdeflate'],
  ['libjpeg-turbo', 'BSD-3-Clause, IJG and Zlib', 'https://github.com/libjpeg-turbo/libjpeg-turbo'],
  ['libspng', 'BSD-2-Clause', 'https://github.com/randy408/libspng'],
  ['libwebp', 'BSD-3-Clause', 'https://github.com/webmproject/libwebp'],
  ['highway', 'Apache-2.0 or BSD-3-Clause', 'https://github.com/google/highway'],
  ['uucode', 'MIT', 'https://github.com/jacobsandlund/uucode'],
  ["parts of TigerBeetle's I/O code", 'Apache-2.0', 'https://github.com/tigerbeetle/tigerbeetle'],
  ["LLVM libc++abi's __cxa_thread_atexit fallback", 'Apache-2.0 WITH LLVM-exception', 'https://github.com/llvm/llvm-project'],
  [
    'Node.js polyfills (acorn, assert, buffer, events, punycode, url, util and the other browserify modules)',
    'MIT',
    'https://www.npmjs.com/',
  ],
]

const LICENCE_FILE = /^(licen[cs]e|copying|notice)([.-].*)?$/i

/** The packages under node_modules/ that `inputs` (bundled files, relative to the root) come from, by lockfile key. */
export function bundledPackages(inputs) {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'))
  const keys = new Set()
  for (const f of inputs) {
    // from the first node_modules/ on (a symlinked node_modules makes esbuild name files by their real path)
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(f.includes('node_modules/') ? f.slice(f.indexOf('node_modules/')) : '')
    if (m) keys.add(m[1])
  }
  return [...keys].sort().map(key => {
    const locked = lock.packages[key]
    if (!locked) throw new Error(`${key} is bundled but not in package-lock.json`)
    const dir = join(root, key)
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    if (pkg.version !== locked.version)
      throw new Error(`${key}: installed ${pkg.version}, package-lock.json has ${locked.version} (run npm ci)`)
    const files = readdirSync(dir)
      .filter(f => LICENCE_FILE.test(f))
      .sort()
    if (!files.some(f => !/^notice/i.test(f)))
      throw new Error(`${key}@${pkg.version} (${locked.license ?? pkg.license}) has no licence file to reproduce`)
    return {
      name: pkg.name,
      version: pkg.version,
      license: locked.license ?? pkg.license,
      homepage: pkg.homepage,
      files: files.map(f => ({name: f, text: readFileSync(join(dir, f), 'utf8').trim()})),
    }
  })
}

/** The npm packages' part of the notices: a table, then each package's licence and notice files. */
function packageSections(packages) {
  const out = ['| package | version | licence |', '|---|---|---|', ...packages.map(p => `| ${p.name} | ${p.version} | ${p.license} |`), '']
  for (const p of packages) {
    out.push(`### ${p.name} ${p.version} (${p.license})`, '')
    for (const f of p.files) out.push(`${f.name}:`, '', '```', f.text.replace(/```/g, "'''"), '```', '')
  }
  return out
}

/** The notices of the npm package: the packages that `inputs` (the files dist/cli.cjs holds) come from. */
export function npmPackageNotices(inputs) {
  const packages = bundledPackages(inputs)
  return [
    '<!-- Third-party notices of the kubectl storage-init npm package: generated by scripts/build.mjs, do not edit. -->',
    '# Third-party notices',
    '',
    'kubectl storage-init is licensed under the Apache License 2.0 (LICENSE). Its one JavaScript file, dist/cli.cjs, also',
    'holds the npm packages listed below, each under its own licence, reproduced here.',
    '',
    `## npm packages bundled into the plugin (${packages.length}, versions from package-lock.json)`,
    '',
    ...packageSections(packages),
  ].join('\n')
}

/** The notices document of the executables, for the npm packages that `inputs` come from (default: those of a fresh standalone bundle). */
export async function thirdPartyNotices({bunVersion, inputs}) {
  if (!inputs) {
    // imported here: build.mjs imports this module for the npm package's notices
    const {buildCli} = await import('./build.mjs')
    const tmp = join(tmpdir(), `si-notices-${process.pid}.cjs`)
    inputs = (await buildCli(tmp, {standalone: true})).inputs
    rmSync(tmp, {force: true})
  }
  const packages = bundledPackages(inputs)
  const out = [
    '<!-- Third-party notices of the kubectl storage-init executables: generated by scripts/notices.mjs, do not edit. -->',
    '# Third-party notices',
    '',
    "kubectl storage-init is licensed under the Apache License 2.0 (LICENSE). Each executable also holds Bun's runtime",
    `(v${bunVersion}) and the npm packages listed below, each under its own licence, reproduced here.`,
    '',
    `## Bun v${bunVersion}`,
    '',
    'Bun (https://bun.com, source: https://github.com/oven-sh/bun), by Oven and the Bun contributors, is licensed',
    'under the MIT License (its text is the same as in the MIT-licensed packages below). Bun links these statically:',
    '',
    '| component | licence | source |',
    '|---|---|---|',
    ...BUN_LINKED.map(([n, l, s]) => `| ${n} | ${l} | ${s} |`),
    '',
    'JavaScriptCore and tinycc are under the GNU Lesser General Public License (LGPL); its version 2.1 text follows at',
    "the end. The LGPL lets you modify these libraries and relink: Bun's source names the exact WebKit commit it",
    `builds (WEBKIT_VERSION at tag bun-v${bunVersion} of https://github.com/oven-sh/bun), and building Bun from that`,
    'source with your modified JavaScriptCore gives a runtime that runs this plugin: the plugin itself is the',
    'JavaScript bundle embedded in the executable, which `bun build --compile` (scripts/package.mjs) embeds again.',
    '',
    `## npm packages bundled into the plugin (${packages.length}, versions from package-lock.json)`,
    '',
    ...packageSections(packages),
  ]
  out.push(
    '## GNU Lesser General Public License, version 2.1',
    '',
    '```',
    readFileSync(join(root, 'scripts', 'notices', 'LGPL-2.1.txt'), 'utf8').trimEnd(),
    '```',
    '',
  )
  return out.join('\n')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const {values} = parseArgs({options: {out: {type: 'string'}}})
  const {BUN_VERSION} = await import('./package.mjs')
  const text = await thirdPartyNotices({bunVersion: BUN_VERSION})
  if (values.out) writeFileSync(values.out, text)
  else process.stdout.write(text)
}
