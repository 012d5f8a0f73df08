/**
 * The README's quick tour and docs/pictures are real runs: the same commands, run now against a fresh simulated
 * cluster, must give what is committed (regenerate with `node scripts/tour.mjs` after a change to the output).
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {ROOT} from '../helpers.js'

// scripts/tour.mjs is plain JavaScript shared with the generator
const load = () => import(join(ROOT, 'scripts/tour.mjs')) as Promise<any>

let steps: any[]
let mod: any
beforeAll(async () => {
  mod = await load()
  steps = await mod.tour()
}, 60_000)

test('every step runs as a user would run it: exit 0 (diagnose: 1, it found the problem)', () => {
  expect(steps.map(s => [s.name, s.code])).toEqual(mod.STEPS.map((s: any) => [s.name, s.exit ?? 0]))
  // a real change happened between the steps: the history has it, the rollback undid it
  expect(steps.find(s => s.name === 'history').text).toMatch(/^1\s+\S+\s+sim-admin\s+current\s+set-image --tag v0\.20\.1/m)
  expect(steps.find(s => s.name === 'rollback').text).toContain('configmap/inferenceservice-config rolled back')
})

test('docs/tour and docs/pictures hold what the commands print today', () => {
  for (const s of steps) {
    expect(`${s.name}: ${readFileSync(join(ROOT, 'docs/tour', `${s.name}.txt`), 'utf8')}`).toBe(
      `${s.name}: $ kubectl storage-init ${s.args.join(' ')}\n${s.text}`,
    )
    expect(`${s.name}: ${readFileSync(join(ROOT, 'docs/pictures', `${s.name}.svg`), 'utf8')}`).toBe(`${s.name}: ${mod.svg(s)}`)
  }
})

test('the README shows every step, as printed today', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  for (const s of steps) expect(readme).toContain(mod.block(s))
  expect(mod.withBlocks(readme, steps)).toBe(readme)
})
