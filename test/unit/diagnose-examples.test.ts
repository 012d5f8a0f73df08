/**
 * Every known cause carries an example (src/domain/diagnose-catalogue.ts): a line as a real run prints it. The example is
 * matched by its own cause, and by no cause before it of the same kind, so it really diagnoses to that cause (diagnose
 * takes the first cause in the catalogue's order that matches).
 */
import {CATALOGUE} from '../../src/domain/diagnose-catalogue.js'

const first = (where: string, text: string) => CATALOGUE.find(c => c.where === where && c.match.test(text))?.id

test.each(CATALOGUE.map(c => [c.id, c] as const))('%s: its example is matched by it', (_id, c) => {
  expect(c.example).toMatch(/\S/)
  expect(c.match.test(c.example)).toBe(true)
})

test.each(CATALOGUE.map(c => [c.id, c] as const))('%s: its example diagnoses to it (no earlier cause matches it)', (_id, c) => {
  expect(first(c.where, c.example)).toBe(c.id)
})

test('state and event examples are `REASON: message`, as diagnose builds them', () => {
  for (const c of CATALOGUE.filter(c => c.where === 'state' || c.where === 'event'))
    expect([c.id, /^[A-Z][A-Za-z]+: /.test(c.example)]).toEqual([c.id, true])
})

test('log examples are one line, as diagnose reads them', () => {
  for (const c of CATALOGUE.filter(c => c.where === 'log' || c.where === 'model-log'))
    expect([c.id, c.example.includes('\n')]).toEqual([c.id, false])
})

test('the README says how many causes the catalogue knows', async () => {
  const {readFileSync} = await import('node:fs')
  expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain(`**Known causes**: ${CATALOGUE.length} log lines`)
})
