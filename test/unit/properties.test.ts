/**
 * Property tests of the pure core, with a fixed seed so CI is repeatable. Run longer with
 * PROPERTY_RUNS=20000 npm test -- test/unit/properties.test.ts (and PROPERTY_SEED=n for another seed).
 */
import fc from 'fast-check'

import {editFields} from '../../src/domain/json-edit.js'
import {parseImage, formatImage} from '../../src/domain/image.js'
import {parseQuantity} from '../../src/domain/quantity.js'
import {safe} from '../../src/render/table.js'

const runs = Number(process.env.PROPERTY_RUNS ?? 300)
const seed = Number(process.env.PROPERTY_SEED ?? 20261125)
const params = {numRuns: runs, seed}

const key = fc.oneof(fc.constantFrom('image', 'cpuLimit', 'memoryRequest', 'x-custom'), fc.string({unit: 'binary', maxLength: 12}))
const value = fc.jsonValue({maxDepth: 3})
const ws = fc.constantFrom('', ' ', '\n', '\n    ', '\t', '\r\n  ')

/** A JSON object document with random keys (duplicates allowed), values and whitespace. */
const doc = fc.array(fc.tuple(key, value, ws, ws, ws), {maxLength: 8}).map(members => {
  const body = members.map(([k, v, a, b, c]) => `${a}${JSON.stringify(k)}${b}:${c}${JSON.stringify(v)}`).join(',')
  return `{${body}\n}`
})

test('editing one field changes that field and nothing else', () => {
  fc.assert(
    fc.property(doc, key, fc.jsonValue({maxDepth: 2}), (text, k, v) => {
      if (v === undefined) return
      const out = editFields(text, {[k]: v})
      const before = JSON.parse(text)
      const after = JSON.parse(out)
      expect(after[k]).toEqual(JSON.parse(JSON.stringify(v)))
      const {[k]: _a, ...restBefore} = before
      const {[k]: _b, ...restAfter} = after
      expect(restAfter).toEqual(restBefore)
      // and setting the old value back restores the document byte for byte when the key existed
      if (Object.prototype.hasOwnProperty.call(before, k))
        expect(editFields(out, {[k]: before[k]})).toBe(editFields(text, {[k]: before[k]}))
    }),
    params,
  )
})

test('an edit that sets the current value is a no-op on the text', () => {
  fc.assert(
    fc.property(doc, text => {
      const parsed = JSON.parse(text)
      for (const [k, v] of Object.entries(parsed)) {
        const last = editFields(text, {[k]: v})
        expect(JSON.parse(last)).toEqual(parsed)
      }
    }),
    params,
  )
})

test('image references: parse and format round-trip', () => {
  const comp = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, {maxLength: 12})
  const ref = fc.record({
    registry: fc.option(fc.constantFrom('registry.example.com', 'localhost:5000', 'quay.io', '10.0.0.1:443'), {nil: undefined}),
    path: fc.array(comp, {minLength: 1, maxLength: 3}),
    tag: fc.option(fc.stringMatching(/^[\w][\w.-]{0,20}$/), {nil: undefined}),
    digest: fc.option(
      fc.stringMatching(/^[0-9a-f]{64}$/).map(h => `sha256:${h}`),
      {nil: undefined},
    ),
  })
  fc.assert(
    fc.property(ref, r => {
      const text = `${r.registry ? r.registry + '/' : ''}${r.path.join('/')}${r.tag ? ':' + r.tag : ''}${r.digest ? '@' + r.digest : ''}`
      const parsed = parseImage(text)
      expect(parsed).toBeDefined()
      expect(formatImage(parsed!)).toBe(text)
    }),
    params,
  )
})

test('known-good and known-bad image references (the distribution grammar, after its reference_test.go)', () => {
  const hex = 'f'.repeat(64)
  for (const good of [
    'test_com',
    'test.com:tag',
    'test.com:5000',
    'test.com/repo:tag',
    'test:5000/repo',
    'test:5000/repo:tag',
    `test:5000/repo@sha256:${hex}`,
    `test:5000/repo:tag@sha256:${hex}`,
    'lowercase:Uppercase',
    'sub-dom1.foo.com/bar/baz/quux',
    'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
    'b.gcr.io/test.example.com/my-app:test.example.com',
    'xn--n3h.com/myimage:xn--n3h.com',
    'foo_bar.com:8080',
    'foo/foo_bar.com:8080',
    'localhost:5000/kserve/storage-initializer:v0.20.0',
    'kserve/storage-initializer',
    'a/b__c/d-e.f',
    `${'a'.repeat(10)}:${'t'.repeat(128)}`,
  ])
    expect({good, ok: parseImage(good) !== undefined}).toEqual({good, ok: true})
  for (const bad of [
    '',
    ':justtag',
    `@sha256:${hex}`,
    `repo@sha256:${'f'.repeat(63)}`,
    'repo@sha256:xyz',
    'test:5000/Uppercase/lowercase:tag',
    'Uppercase:tag',
    'aa/asdf$$^/aa',
    `validname@invaliddigest:${'e'.repeat(64)}`,
    `repo@sha256:${'F'.repeat(64)}`,
    'a//b',
    'a/',
    '/a',
    'repo:',
    'repo:-tag',
    `repo:${'t'.repeat(129)}`,
    'repo:tag:tag',
    'foo/__bar',
    'foo/bar_',
    '-foo/bar',
    'foo bar',
    'foo\tbar',
  ])
    expect({bad, ok: parseImage(bad) === undefined}).toEqual({bad, ok: true})
})

test('known-good and known-bad quantities (Kubernetes grammar)', () => {
  for (const good of [
    '0',
    '1',
    '100m',
    '1.5',
    '.5',
    '1e3',
    '1E-3',
    '128Ki',
    '1Gi',
    '2Ti',
    '5Pi',
    '1Ei',
    '500n',
    '10u',
    '+1',
    '-1',
    '1k',
    '1M',
    '1G',
    '1T',
    '1P',
    '1E',
  ])
    expect({good, ok: parseQuantity(good) !== undefined}).toEqual({good, ok: true})
  for (const bad of ['', 'm', 'Gi', '1gi', '1GB', '1 Gi', '1.2.3', '--1', '1e', 'e3', '1KiB', '0x10', 'one', '1Mi ', ' 1'])
    expect({bad, ok: parseQuantity(bad) === undefined}).toEqual({bad, ok: true})
  fc.assert(
    fc.property(fc.nat(1e9), fc.constantFrom('', 'm', 'Ki', 'Mi', 'Gi', 'k', 'M', 'G'), (n, suffix) => {
      expect(parseQuantity(`${n}${suffix}`)).toBeGreaterThanOrEqual(0)
    }),
    params,
  )
})

test('cluster data never reaches the terminal with control characters or escapes', () => {
  fc.assert(
    fc.property(fc.string({unit: 'binary', maxLength: 60}), s => {
      expect(safe(s)).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    }),
    params,
  )
})
