// jest globalSetup of the `standalone` project: builds this machine's standalone executable (unless SI_PLUGIN_BIN names
// one), and the `node` stand-in through which the e2e suites' own spawns of npm's bin reach it (see setup.mjs).
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const STATE = join(root, 'dist', 'standalone-test', 'state.json')

export default async function globalSetup() {
  const dir = dirname(STATE)
  let exe = process.env.SI_PLUGIN_BIN
  if (!exe) {
    const {HOST, exeName} = await import('../../scripts/package.mjs')
    execFileSync(
      process.execPath,
      [join(root, 'scripts', 'package.mjs'), '--platform', HOST, '--no-archive', '--out', join(dir, 'build')],
      {stdio: ['ignore', 'ignore', 'inherit']},
    )
    exe = join(dir, 'build', HOST, exeName(HOST))
  }
  // `node` for the suites: npm's bin is run as the standalone executable (exec: the same process, signals and all),
  // anything else (the simulated cluster, scripts) by this Node.js
  const q = s => `'${s.replace(/'/g, "'\\''")}'`
  const shim = join(dir, 'shim', 'node')
  mkdirSync(dirname(shim), {recursive: true})
  writeFileSync(
    shim,
    [
      '#!/bin/sh',
      "# `node` for the e2e suites of jest's standalone project (test/standalone/global-setup.mjs): npm's bin runs as the standalone executable",
      `if [ "$1" = ${q(join(root, 'bin', 'kubectl-storage_init'))} ]; then shift; exec ${q(resolve(exe))} "$@"; fi`,
      `exec ${q(process.execPath)} "$@"`,
      '',
    ].join('\n'),
  )
  chmodSync(shim, 0o755)
  writeFileSync(STATE, JSON.stringify({exe: resolve(exe), shim}))
}
