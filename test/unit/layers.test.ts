/**
 * The layers, as docs/development.md draws them: commands -> core -> kube and domain, render beside; the domain is pure
 * (it imports only itself), kube talks to the cluster and knows no use case, core never renders (nor builds a request),
 * and render only reads core's types. Checked on every import of every source file.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import {ROOT} from '../helpers.js'

const SRC = join(ROOT, 'src')
const files = (dir: string): string[] =>
  readdirSync(dir, {withFileTypes: true}).flatMap(e =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )

/** The layer of a file under src/: its first directory, or the file's name for the top level. */
const layerOf = (file: string) =>
  relative(SRC, file)
    .split('/')[0]
    .replace(/\.[jt]s$/, '')

/** What each layer may import (besides itself, packages and node: built-ins); `type:` only as `import type`. */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  // trace: start-up timestamps (STORAGE_INIT_TRACE), a side channel like errors
  kube: ['domain', 'errors', 'trace'],
  core: ['domain', 'kube', 'errors', 'trace'],
  render: ['domain', 'errors', 'type:core'],
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/gm)].map(m => ({
    typeOnly: Boolean(m[2]),
    target: layerOf(join(file, '..', m[3] ?? m[4])),
  }))

test.each(Object.keys(ALLOWED))('%s imports only what its layer may', layer => {
  const bad: string[] = []
  const checked = files(join(SRC, layer))
  expect(checked.length).toBeGreaterThan(3)
  for (const f of checked)
    for (const i of imports(f)) {
      if (i.target === layer) continue
      const ok = ALLOWED[layer].includes(i.target) || (i.typeOnly && ALLOWED[layer].includes(`type:${i.target}`))
      if (!ok) bad.push(`${relative(ROOT, f)} imports ${i.typeOnly ? 'types of ' : ''}${i.target}`)
    }
  expect(bad).toEqual([])
})

test('core names what it reads and writes; only kube builds a request (paths, client calls)', () => {
  const bad = files(join(SRC, 'core')).flatMap(f =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((l, i) => (/\bapiPath\(|\bclient\.(get|request|stream)\(/.test(l) ? [`${relative(ROOT, f)}:${i + 1}: ${l.trim()}`] : [])),
  )
  expect(bad).toEqual([])
})

test('the check sees a forbidden import (it can fail)', () => {
  const sample = join(SRC, 'domain', 'x.ts')
  expect(layerOf(join(sample, '..', '../kube/client.js'))).toBe('kube')
  expect(layerOf(join(sample, '..', './plans/target.js'))).toBe('domain')
})
