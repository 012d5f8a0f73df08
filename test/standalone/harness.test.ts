/** The standalone project's harness: every way the e2e suites start the plugin runs the standalone executable. */
import {execFileSync} from 'node:child_process'
import {delimiter, join} from 'node:path'

import {exec, plugin, ROOT} from '../helpers.js'

const STANDALONE = /^kubectl-storage-init v\S+ \(commit \S+\) \S+ standalone bun-v\d+\.\d+\.\d+\n$/

test("plugin(), a spawn of npm's bin and kubectl's plugin dispatch all run the standalone executable", async () => {
  expect(process.env.SI_PLUGIN_BIN).toBeTruthy()
  expect((await plugin(['--version'])).stdout).toMatch(STANDALONE)
  expect((await exec(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), '--version'])).stdout).toMatch(STANDALONE)
  const viaKubectl = await exec('kubectl', ['storage-init', '--version'], {PATH: `${join(ROOT, 'bin')}${delimiter}${process.env.PATH}`})
  expect(viaKubectl.stdout).toMatch(STANDALONE)
  // anything else still runs on Node.js
  expect(execFileSync(process.execPath, ['-p', 'process.release.name'], {encoding: 'utf8'}).trim()).toBe('node')
})
