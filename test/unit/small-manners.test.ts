/** Small manners (#27 item 13): a --registry that is no registry is said so; an alias bomb is named as one. */
import {registryWarning} from '../../src/domain/image-change.js'
import {validateFile} from '../../src/core/validate.js'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

test.each([
  ['mirror', true],
  ['mirror/kserve', true],
  ['registry.example.com', false],
  ['mirror:5000', false],
  ['localhost', false],
  ['localhost/team', false],
])('--registry %s: warned %s', (registry, warned) => {
  const w = registryWarning({registry})
  expect(w !== undefined).toBe(warned)
  if (w) expect(w).toContain(`docker.io/${registry}/`)
})

test('a YAML alias bomb is refused, and named as one (not "neither YAML nor JSON")', () => {
  const levels = ['a: &a [x, x, x, x, x, x, x, x, x]']
  for (const n of 'bcdefgh')
    levels.push(
      `${n}: &${n} [${Array(9)
        .fill(`*${String.fromCharCode(n.charCodeAt(0) - 1)}`)
        .join(', ')}]`,
    )
  levels.push('kind: ConfigMap')
  const file = join(mkdtempSync(join(tmpdir(), 'si-bomb-')), 'bomb.yaml')
  writeFileSync(file, levels.join('\n') + '\n')
  expect(() => validateFile(file)).toThrow(/is refused: its YAML aliases expand beyond any real manifest \(an alias bomb\)/)
})
