/**
 * One colour decision for every stream (render/colour.ts): NO_COLOR, FORCE_COLOR as Node and supports-color read it,
 * TERM=dumb, then the terminal. The spinner (ora's `color`) and the logs' --color auto both take it; the pods' colours
 * leave red to --highlight. Also the standalone compile's build-time NODE_ENV (scripts/executables.mjs).
 */
import {join} from 'node:path'

import {colourEnabled, colourFor} from '../../src/render/colour.js'
import {COLOURS, colourOf, useColor} from '../../src/render/logs.js'
import {spinnerOptions} from '../../src/render/progress.js'
import {ROOT} from '../helpers.js'

const tty = {isTTY: true}
const pipe = {isTTY: false}

test.each([
  [tty, {}, true],
  [pipe, {}, false],
  [tty, {NO_COLOR: '1'}, false],
  [tty, {NO_COLOR: ''}, true],
  [tty, {NO_COLOR: '1', FORCE_COLOR: '1'}, false],
  [tty, {TERM: 'dumb'}, false],
  [pipe, {FORCE_COLOR: ''}, true],
  [pipe, {FORCE_COLOR: '1'}, true],
  [pipe, {FORCE_COLOR: '2'}, true],
  [pipe, {FORCE_COLOR: '3'}, true],
  [pipe, {FORCE_COLOR: 'true'}, true],
  [pipe, {FORCE_COLOR: '1', TERM: 'dumb'}, true],
  [tty, {FORCE_COLOR: '0'}, false],
  [tty, {FORCE_COLOR: 'false'}, false],
  [tty, {FORCE_COLOR: 'maybe'}, true],
  [pipe, {FORCE_COLOR: 'maybe'}, false],
])('%j with %j: %p', (stream, env, want) => {
  expect(colourEnabled(stream, env)).toBe(want)
  expect(colourFor('auto', stream, env)).toBe(want)
  expect(useColor('auto', stream, env)).toBe(want)
  expect(useColor(undefined, stream, env)).toBe(want)
})

test('--color always and never are the user’s word, whatever the environment says', () => {
  expect(useColor('always', pipe, {NO_COLOR: '1'})).toBe(true)
  expect(useColor('never', tty, {FORCE_COLOR: '1'})).toBe(false)
})

test('the spinner is coloured only when the decision says so', () => {
  const stream = {isTTY: true} as NodeJS.WriteStream
  expect(spinnerOptions('x', stream, {}).color).toBe('cyan')
  expect(spinnerOptions('x', stream, {NO_COLOR: '1'}).color).toBe(false)
  expect(spinnerOptions('x', stream, {TERM: 'dumb'}).color).toBe(false)
  expect(spinnerOptions('x', {isTTY: false} as NodeJS.WriteStream, {FORCE_COLOR: '1'}).color).toBe('cyan')
})

test('no pod is red: red is what --highlight marks', () => {
  expect(COLOURS).not.toContain(31)
  expect(COLOURS).not.toContain(91)
  for (let i = 0; i < 500; i++) expect([31, 91]).not.toContain(colourOf(`model-predictor-${i.toString(36)}`))
  // and the pods still get several colours
  expect(new Set(Array.from({length: 50}, (_, i) => colourOf(`p-${i}`))).size).toBeGreaterThan(5)
})

describe("the standalone executable's build-time NODE_ENV", () => {
  let executables: any
  beforeAll(async () => {
    executables = await import(join(ROOT, 'scripts', 'executables.mjs'))
  })

  test('bun build is told NODE_ENV is production', () => {
    expect(executables.BUN_DEFINES['process.env.NODE_ENV']).toBe('"production"')
    expect(executables.bunDefineArgs()).toEqual(['--define', 'process.env.NODE_ENV="production"'])
  })
})
