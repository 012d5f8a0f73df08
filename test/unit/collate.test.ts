/** src/collate.ts: the order it gives simple ids is ICU's root collation, as Node's localeCompare has it. */
import {compareIds, isSimpleId, withoutCollator} from '../../src/collate.js'
import {COMMANDS} from '../../src/commands.js'

const icu = (a: string, b: string) => Math.sign(a.localeCompare(b, 'und'))

test("the plugin's command ids sort as ICU sorts them", () => {
  const ids = [...Object.keys(COMMANDS), 'rollout status', 'a', 'a-b', 'a_b', 'a:b', 'ab', 'a0', 'a9', 'z', '']
  expect(ids.filter(isSimpleId).length).toBeGreaterThan(Object.keys(COMMANDS).length)
  for (const a of ids.filter(isSimpleId))
    for (const b of ids.filter(isSimpleId)) expect([a, b, compareIds(a, b)]).toEqual([a, b, icu(a, b)])
})

test('random strings of the simple alphabet sort as ICU sorts them', () => {
  const alphabet = 'ab09_-:z'
  let seed = 7
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const word = () => Array.from({length: Math.floor(rnd() * 6)}, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('')
  for (let i = 0; i < 3000; i++) {
    const [a, b] = [word(), word()]
    expect([a, b, compareIds(a, b)]).toEqual([a, b, icu(a, b)])
  }
})

test('withoutCollator answers simple ids itself, passes the rest to the real localeCompare, and puts it back', async () => {
  const real = String.prototype.localeCompare
  const seen = await withoutCollator(async () => [
    'set-image'.localeCompare('set:image'),
    'Zebra'.localeCompare('apple'),
    'a'.localeCompare('B', 'en', {sensitivity: 'base'}),
  ])
  expect(seen).toEqual([icu('set-image', 'set:image'), icu('Zebra', 'apple'), 'a'.localeCompare('B', 'en', {sensitivity: 'base'})])
  expect(String.prototype.localeCompare).toBe(real)
  await expect(
    withoutCollator(async () => {
      throw new Error('x')
    }),
  ).rejects.toThrow('x')
  expect(String.prototype.localeCompare).toBe(real)
})

test('overlapping withoutCollator calls: the real localeCompare is back only when the last one settles', async () => {
  const real = String.prototype.localeCompare
  let release!: () => void
  const first = withoutCollator(() => new Promise<void>(r => (release = r)))
  await withoutCollator(async () => undefined)
  expect(String.prototype.localeCompare).not.toBe(real)
  release()
  await first
  expect(String.prototype.localeCompare).toBe(real)
})
