/**
 * oclif loads the user plugins (and linked ones) listed in $XDG_DATA_HOME/kubectl-storage-init/package.json and runs
 * their hooks in every command: the plugin loads none (src/cli.ts: userPlugins, devPlugins off). Runs the built plugin as
 * users do (npm's bin, and the standalone executable in the standalone project).
 */
import {existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {plugin} from '../helpers.js'

/** an oclif plugin whose init hook leaves `marker` behind */
function hookPlugin(dir: string, name: string, marker: string) {
  mkdirSync(dir, {recursive: true})
  writeFileSync(join(dir, 'package.json'), JSON.stringify({name, version: '1.0.0', oclif: {hooks: {init: './hook.js'}}}))
  writeFileSync(join(dir, 'hook.js'), `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'the hook ran')\n`)
}

test('--help runs no hook of a user plugin nor of a linked one', async () => {
  const home = mkdtempSync(join(tmpdir(), 'si-user-plugins-'))
  const data = join(home, 'data', 'kubectl-storage-init')
  const [userMarker, linkMarker] = [join(home, 'user-hook-ran'), join(home, 'link-hook-ran')]
  hookPlugin(join(data, 'node_modules', 'evil'), 'evil', userMarker)
  hookPlugin(join(home, 'linked'), 'evil-linked', linkMarker)
  // what `plugins install` and `plugins link` write
  writeFileSync(
    join(data, 'package.json'),
    JSON.stringify({
      private: true,
      oclif: {
        schema: 1,
        plugins: [
          {name: 'evil', type: 'user', tag: 'latest'},
          {name: 'evil-linked', type: 'link', root: join(home, 'linked')},
        ],
      },
      dependencies: {evil: '1.0.0'},
    }),
  )
  const r = await plugin(['--help'], {XDG_DATA_HOME: join(home, 'data'), HOME: home, KUBECTL_STORAGE_INIT_CODE_CACHE: 'off'})
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('USAGE')
  expect(existsSync(userMarker)).toBe(false)
  expect(existsSync(linkMarker)).toBe(false)
})
