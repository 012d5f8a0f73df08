/** --kserve-version takes a release, or is one clear usage line (#27 item 13): it was accepted silently. */
import {join} from 'node:path'

import {FIXTURES, plugin} from '../helpers.js'

test('--kserve-version garbage is refused in one line; a release is taken', async () => {
  const file = join(FIXTURES, 'kserve', 'v0.20.0', 'inferenceservice-config.yaml')
  const bad = await plugin(['validate', '-f', file, '--kserve-version', 'garbage'])
  expect(bad.code).toBe(1)
  expect(bad.stderr).toBe('error: --kserve-version "garbage" is not a KServe release: expected vMAJOR.MINOR.PATCH, e.g. v0.20.0\n')
  const good = await plugin(['validate', '-f', file, '--kserve-version', 'v0.20.0', '-o', 'json'])
  expect(JSON.parse(good.stdout).kserve.version).toBe('v0.20.0')
})
