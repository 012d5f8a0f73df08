/**
 * The three-way merge of a storageInitializer text on the keys as KServe (Go's encoding/json) reads them (issue #26
 * item 3): a key set twice or in another case, a case-only rename and Unicode simple case folding (`ſ` is `s`) are
 * merged field by field, and what the merge writes decodes, in Go's view, to the merged value.
 */
import fc from 'fast-check'

import {decodeStorageInitializer} from '../../src/domain/go-json.js'
import {documentOf, fieldDiff, merge3} from '../../src/domain/history.js'
import {editFields, goFieldOf, goFoldEqual} from '../../src/domain/json-edit.js'

/** What KServe reads from a text: field -> value (the last key that folds to it). */
const go = (text: unknown) => decodeStorageInitializer(text as string).config

describe("Go's key folding (encoding/json fold.go: Unicode simple case folding)", () => {
  test('case variants, the long s and the Kelvin sign fold; the Turkish dotted and dotless i do not', () => {
    expect(goFoldEqual('cpuLimit', 'CPULIMIT')).toBe(true)
    expect(goFoldEqual('cpuRequest', 'cpuRequeſt')).toBe(true)
    expect(goFoldEqual('storageSpecSecretName', 'ſtorageSpecSecretName')).toBe(true)
    expect(goFoldEqual('key', '\u212Aey')).toBe(true)
    expect(goFoldEqual('image', 'ımage')).toBe(false)
    expect(goFoldEqual('image', 'İmage')).toBe(false)
    expect(goFoldEqual('image', 'imagE ')).toBe(false)
    // beyond ASCII, whole orbits: µ (micro sign), Μ and μ are one; ß and ẞ too, but not "ss"
    expect(goFoldEqual('µ', 'Μ') && goFoldEqual('Μ', 'μ')).toBe(true)
    expect(goFoldEqual('ß', 'ẞ')).toBe(true)
    expect(goFoldEqual('ss', 'ß')).toBe(false)
    // regular expression syntax in a key is literal
    expect(goFoldEqual('a.b', 'axb')).toBe(false)
  })

  test('the only non-ASCII characters that fold to an ASCII letter are ſ (s) and the Kelvin sign (k)', () => {
    const found: string[] = []
    for (let c = 0x80; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue
      const ch = String.fromCodePoint(c)
      for (const letter of 'abcdefghijklmnopqrstuvwxyz') if (goFoldEqual(letter, ch)) found.push(`${letter}=${ch}`)
    }
    expect(found).toEqual(['s=ſ', 'k=\u212A'])
  })

  test('a key sets the field Go matches it to; the decoder uses the same folding', () => {
    expect(goFieldOf('cpuRequeſt')).toBe('cpuRequest')
    expect(goFieldOf('IMAGE')).toBe('image')
    expect(goFieldOf('ımage')).toBeUndefined()
    expect(go('{"cpuRequeſt": "2", "ımage": "x"}')).toEqual({cpuRequest: '2'})
    expect(decodeStorageInitializer('{"cpuRequeſt": "2"}').folded).toEqual([{key: 'cpuRequeſt', field: 'cpuRequest'}])
  })
})

describe('the field-level view of a text is Go’s', () => {
  test('the last key that folds to a field is the field; other keys as JSON.parse reads them', () => {
    expect(documentOf('json-text', '{"image": "a", "x": 1, "Image": "b", "x": 2, "X": 3}')).toEqual({image: 'b', x: 2, X: 3})
    expect(documentOf('json-text', '{"CPULimit": "1", "cpuRequeſt": "2"}')).toEqual({cpuLimit: '1', cpuRequest: '2'})
    expect(Object.keys(documentOf('json-text', '{"__proto__": 1, "constructor": 2}')!)).toEqual(['__proto__', 'constructor'])
  })
  test('a case-only rename is no change of the field', () => {
    expect(fieldDiff('json-text', '{"cpuLimit": "1"}', '{"CPULimit": "1"}')).toEqual([])
    expect(fieldDiff('json-text', '{"image": "a"}', '{"image": "a", "Image": "b"}')).toEqual([{path: 'image', a: 'a', b: 'b'}])
  })
})

describe('merge3 on the keys as Go reads them', () => {
  const base = '{\n    "image" : "a:2",\n    "cpuLimit": "1",\n    "memoryLimit": "1Gi"\n}'
  const goal = '{\n    "image" : "a:1",\n    "cpuLimit": "1",\n    "memoryLimit": "1Gi"\n}'

  test('"Image" after "image" in live and an outside edit of another field: merged, the edit kept, the image set via the last key', () => {
    const live = '{\n    "image" : "a:2",\n    "cpuLimit": "2",\n    "memoryLimit": "1Gi",\n    "Image": "a:2"\n}'
    const m = merge3('json-text', base, goal, live)
    expect(m).toMatchObject({state: 'merged', reverted: ['image'], kept: ['cpuLimit'], conflicts: []})
    expect(m.value).toBe(live.replace('"Image": "a:2"', '"Image": "a:1"'))
    expect(go(m.value)).toEqual({image: 'a:1', cpuLimit: '2', memoryLimit: '1Gi'})
  })

  test('a field changed by a later case-variant key is an outside edit of that field', () => {
    // Go reads b:9: an edit of image, kept when the rollback does not touch image
    const live = base.replace('\n}', ',\n    "Image": "b:9"\n}')
    const cpu = base.replace('"cpuLimit": "1"', '"cpuLimit": "3"')
    const kept = merge3('json-text', base, cpu, live)
    expect(kept).toMatchObject({state: 'merged', reverted: ['cpuLimit'], kept: ['image'], conflicts: []})
    expect(go(kept.value)).toEqual({image: 'b:9', cpuLimit: '3', memoryLimit: '1Gi'})
    // and a conflict of that field when the rollback changes it too; forced, the rollback's value lands where Go reads it
    const m = merge3('json-text', base, goal, live)
    expect(m.state).toBe('conflict')
    expect(m.conflicts).toEqual([{path: 'image', base: 'a:2', goal: 'a:1', live: 'b:9'}])
    expect(go(m.value)).toEqual({image: 'a:1', cpuLimit: '1', memoryLimit: '1Gi'})
    expect(m.value).toBe(live.replace('"b:9"', '"a:1"'))
  })

  test('a repeated exact key: the last one is set, the first left as it is', () => {
    const live = '{"image": "a:2", "cpuLimit": "5", "memoryLimit": "1Gi", "image": "a:2"}'
    const m = merge3('json-text', base, goal, live)
    expect(m).toMatchObject({state: 'merged', kept: ['cpuLimit'], conflicts: []})
    expect(m.value).toBe('{"image": "a:2", "cpuLimit": "5", "memoryLimit": "1Gi", "image": "a:1"}')
    expect(JSON.parse(m.value as string).image).toBe('a:1')
  })

  test('a case-only rename (CPULimit) is no conflict: the field is set under its live spelling', () => {
    const b = '{"image": "a:2", "cpuLimit": "1"}'
    const g = '{"image": "a:1", "cpuLimit": "2"}'
    const live = '{"image": "a:2", "CPULimit": "1"}'
    const m = merge3('json-text', b, g, live)
    expect(m).toMatchObject({state: 'merged', reverted: ['image', 'cpuLimit'], kept: [], conflicts: []})
    expect(m.value).toBe('{"image": "a:1", "CPULimit": "2"}')
    // renamed and already the goal: nothing to do
    expect(merge3('json-text', b, g, '{"IMAGE": "a:1", "CPULimit": "2"}')).toMatchObject({state: 'unchanged', conflicts: []})
  })

  test('Unicode folding: a key with ſ is the field it folds to, a key with ı is not', () => {
    const b = '{"image": "a:2", "cpuRequest": "1"}'
    const g = '{"image": "a:2", "cpuRequest": "2"}'
    // same value under the ſ spelling: the rollback sets it there
    const same = merge3('json-text', b, g, '{"image": "a:2", "cpuRequeſt": "1"}')
    expect(same).toMatchObject({state: 'merged', reverted: ['cpuRequest'], conflicts: []})
    expect(same.value).toBe('{"image": "a:2", "cpuRequeſt": "2"}')
    // another value under it, after the plain key: Go reads that one, an outside edit in conflict
    const edited = merge3('json-text', b, g, '{"image": "a:2", "cpuRequest": "1", "cpuRequeſt": "3"}')
    expect(edited.conflicts).toEqual([{path: 'cpuRequest', base: '1', goal: '2', live: '3'}])
    expect(go(edited.value)).toEqual({image: 'a:2', cpuRequest: '2'})
    // a dotless ı is no i to Go: "ımage" is a key of its own, kept, and the image is not touched through it
    const dotless = merge3('json-text', b, g, '{"image": "a:2", "cpuRequest": "1", "ımage": "x"}')
    expect(dotless).toMatchObject({state: 'merged', reverted: ['cpuRequest'], kept: ['ımage'], conflicts: []})
    expect(dotless.value).toBe('{"image": "a:2", "cpuRequest": "2", "ımage": "x"}')
  })

  test('a field the goal lacks loses every key Go would read it from', () => {
    const b = '{"image": "a:2", "cpuLimit": "1"}'
    const g = '{"image": "a:2"}'
    const m = merge3('json-text', b, g, '{"cpuLimit": "1", "image": "a:2", "x": 1, "CPULIMIT": "1"}')
    expect(m).toMatchObject({state: 'merged', reverted: ['cpuLimit'], kept: ['x']})
    expect(m.value).toBe('{"image": "a:2", "x": 1}')
    expect(go(m.value)).toEqual({image: 'a:2'})
  })

  test('keys that match no field are merged by their exact text, as JSON.parse reads them', () => {
    const b = '{"image": "a:2", "x": 1}'
    const g = '{"image": "a:2", "x": 2}'
    // "X" is another key than "x": not an edit of x
    const m = merge3('json-text', b, g, '{"image": "a:2", "x": 1, "X": 7}')
    expect(m).toMatchObject({state: 'merged', reverted: ['x'], kept: ['X']})
    expect(m.value).toBe('{"image": "a:2", "x": 2, "X": 7}')
  })

  test('the whole value is a conflict only when a side really is not a JSON object', () => {
    for (const live of ['{"image": ', '["image"]', '"image"', 'null'])
      expect(merge3('json-text', base, goal, live).conflicts).toEqual([{path: '', base, goal, live}])
    const dup = '{"image": "a:2", "IMAGE": "a:2", "image": "a:2", "cpuLimit": "1", "memoryLimit": "1Gi"}'
    expect(merge3('json-text', base, goal, dup).conflicts).toEqual([])
    expect(merge3('json-text', dup, goal, dup)).toMatchObject({state: 'restored', value: goal})
  })
})

describe('editFields writes where Go reads', () => {
  test('removing keys next to each other, at the start, at the end, with separators of any length', () => {
    expect(editFields('{"image":"a", "Image":"b","c":1}', {image: undefined})).toBe('{"c":1}')
    expect(editFields('{"image":"a","Image":"b"}', {image: undefined})).toBe('{}')
    expect(editFields('{"c":1,"image":"a",  "IMAGE":"b"}', {image: undefined})).toBe('{"c":1}')
    expect(editFields('{"image":"a","c":1,"Image":"b"}', {image: undefined})).toBe('{"c":1}')
  })
  test('every key removed and others added: the new ones take their place', () => {
    expect(editFields('{\n    "image": "a",\n    "Image": "b"\n}', {image: undefined, cpuLimit: '1', memoryLimit: '2Gi'})).toBe(
      '{\n    "cpuLimit": "1",\n    "memoryLimit": "2Gi"\n}',
    )
    expect(editFields('{"image":"a"}', {image: undefined, cpuLimit: '1'})).toBe('{"cpuLimit":"1"}')
  })
  test('an escaped key keeps the colon style of the document when a field is appended', () => {
    expect(editFields('{"\\u0069mage" : "a"}', {cpuLimit: '1'})).toBe('{"\\u0069mage" : "a", "cpuLimit" : "1"}')
  })
})

/** Spellings Go reads as one field. */
const SPELLINGS: Record<string, string[]> = {
  image: ['image', 'Image', 'IMAGE'],
  cpuLimit: ['cpuLimit', 'CPULimit', 'cpulimit'],
  cpuRequest: ['cpuRequest', 'cpuRequeſt', 'CPUREQUEST'],
  memoryLimit: ['memoryLimit', 'MemoryLimit'],
}
const FIELD = Object.keys(SPELLINGS)
/** A document: a list of (key, value), keys in any of the spellings Go reads as one field, repeats allowed. */
const members = fc.array(
  fc
    .tuple(fc.constantFrom(...FIELD), fc.nat(2), fc.constantFrom('1', '2', '3'))
    .map(([f, i, v]) => [SPELLINGS[f][i % SPELLINGS[f].length], v]),
  {maxLength: 7},
)
const text = (ms: string[][]) => `{${ms.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')}}`

test('property: a merge without conflicts writes what Go reads as the merged fields; no case or repeat is a whole-value conflict', () => {
  fc.assert(
    fc.property(members, members, members, (mb, mg, ml) => {
      const [b, g, l] = [text(mb), text(mg), text(ml)]
      const m = merge3('json-text', b, g, l)
      expect(m.conflicts.every(c => c.path !== '')).toBe(true)
      const [gb, gg, gl] = [go(b), go(g), go(l)]
      const out = go(m.value)
      for (const f of FIELD) {
        // the rollback's field when it changes it (and, in conflict, forced), else what is live
        const want = gg[f] !== gb[f] ? gg[f] : gl[f]
        if (m.state === 'restored') expect(out[f]).toBe(gg[f])
        else expect(out[f]).toBe(want)
        const conflict = m.conflicts.some(c => c.path === f)
        expect(conflict).toBe(m.state !== 'restored' && gg[f] !== gb[f] && gl[f] !== gb[f] && gl[f] !== gg[f])
      }
    }),
    {numRuns: Number(process.env.PROPERTY_RUNS ?? 300), seed: Number(process.env.PROPERTY_SEED ?? 20261126)},
  )
})
