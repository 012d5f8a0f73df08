import {unifiedDiff} from '../../src/domain/diff.js'
import {appendRecord, readRecords, stateAt, type RevisionRecord} from '../../src/domain/history.js'
import {editFields} from '../../src/domain/json-edit.js'
import {mergeDiff} from '../../src/domain/merge-patch.js'
import {parseQuantity} from '../../src/domain/quantity.js'
import {parseResourceList, requestsAboveLimits} from '../../src/domain/resources-arg.js'
import {applyImageChange, checkImageChange, isUnpinned} from '../../src/domain/image-change.js'

describe('editFields keeps everything it does not name', () => {
  const doc = '{\n    "image" : "a:1",\n    "x-unknown": {"nested": [1, 2]},\n\t"cpuLimit":"1"\n}'
  test('a value changes in place', () => {
    expect(editFields(doc, {image: 'b:2'})).toBe(doc.replace('"a:1"', '"b:2"'))
  })
  test('a new field takes the style of the document', () => {
    expect(editFields('{\n    "a": 1,\n    "b" : 2\n}', {c: '3'})).toBe('{\n    "a": 1,\n    "b" : 2,\n    "c" : "3"\n}')
    expect(editFields('{"a":1}', {b: 2})).toBe('{"a":1, "b":2}')
    expect(editFields('{}', {b: 2})).toBe('{"b": 2}')
  })
  test('removing a field', () => {
    expect(editFields('{"a": 1, "b": 2, "c": 3}', {b: undefined})).toBe('{"a": 1, "c": 3}')
    expect(editFields('{"a": 1, "b": 2}', {a: undefined})).toBe('{"b": 2}')
  })
  test('with duplicate keys, the effective (last) one changes', () => {
    const out = editFields('{"image": "a", "image": "b"}', {image: 'c'})
    expect(out).toBe('{"image": "a", "image": "c"}')
    expect(JSON.parse(out).image).toBe('c')
  })
  test('strings with escapes and braces are skipped correctly', () => {
    const d = '{"s": "x\\"}{,", "image": "a"}'
    expect(JSON.parse(editFields(d, {image: 'b'}))).toEqual({s: 'x"}{,', image: 'b'})
  })
})

test('mergeDiff turns before into after', () => {
  expect(mergeDiff({a: 1, b: {c: 1, d: 2}, e: 1}, {a: 2, b: {c: 1}, f: 3})).toEqual({a: 2, b: {d: null}, e: null, f: 3})
})

test('quantities', () => {
  expect(parseQuantity('500m')).toBe(0.5)
  expect(parseQuantity('1Gi')).toBe(1024 ** 3)
  expect(parseQuantity('1e3')).toBe(1000)
  for (const bad of ['1GB', 'abc', '', '1.2.3', 'Mi', '--1']) expect(parseQuantity(bad)).toBeUndefined()
})

test('resource lists in kubectl syntax', () => {
  expect(parseResourceList('limits', 'cpu=2,memory=4Gi')).toEqual({cpu: '2', memory: '4Gi'})
  expect(() => parseResourceList('limits', 'cpu')).toThrow('--limits: invalid argument syntax cpu, expected <resource>=<value>')
  expect(() => parseResourceList('requests', 'memory=4GB')).toThrow('--requests: memory=4GB is not a valid quantity')
  expect(() => parseResourceList('requests', 'gpu=1')).toThrow('unsupported resource "gpu"')
  expect(requestsAboveLimits({memory: '2Gi', cpu: '100m'}, {memory: '1Gi', cpu: '1'})).toEqual([
    'memory request 2Gi is above its limit 1Gi',
  ])
})

test('image changes', () => {
  expect(applyImageChange('kserve/storage-initializer:v0.15.2', {tag: 'v0.15.3'})).toBe('kserve/storage-initializer:v0.15.3')
  expect(applyImageChange('kserve/storage-initializer:v0.15.2', {registry: 'registry.example.com:5000/mirror'})).toBe(
    'registry.example.com:5000/mirror/kserve/storage-initializer:v0.15.2',
  )
  expect(applyImageChange('quay.io/kserve/si:v1', {tag: 'sha256:' + 'a'.repeat(64)})).toBe('quay.io/kserve/si@sha256:' + 'a'.repeat(64))
  expect(isUnpinned('kserve/si')).toBe(true)
  expect(isUnpinned('kserve/si:latest')).toBe(true)
  expect(isUnpinned('kserve/si:latest@sha256:' + 'a'.repeat(64))).toBe(false)
  expect(() => checkImageChange({image: 'Kserve/SI:1'})).toThrow('invalid image reference')
  expect(() => checkImageChange({tag: '-x'})).toThrow('--tag')
  expect(() => checkImageChange({registry: 'https://x'})).toThrow('--registry')
})

describe('history', () => {
  const r = (revision: number, targets: [string, unknown, unknown][]): RevisionRecord => ({
    revision,
    time: '',
    user: '',
    command: '',
    targets: targets.map(([target, before, after]) => ({target, before, after})),
  })
  const records = [r(1, [['configmap', 'A', 'B']]), r(2, [['storage-container/default', {i: 1}, {i: 2}]]), r(3, [['configmap', 'B', 'C']])]
  test('state at every revision', () => {
    expect(Object.fromEntries(stateAt(records, 0))).toEqual({configmap: 'A', 'storage-container/default': {i: 1}})
    expect(Object.fromEntries(stateAt(records, 1))).toEqual({configmap: 'B', 'storage-container/default': {i: 1}})
    expect(Object.fromEntries(stateAt(records, 2))).toEqual({configmap: 'B', 'storage-container/default': {i: 2}})
    expect(Object.fromEntries(stateAt(records, 3))).toEqual({configmap: 'C', 'storage-container/default': {i: 2}})
  })
  test('the limit keeps the newest records', () => {
    let data: Record<string, string> = {}
    for (const rec of records) {
      const patch = appendRecord(data, rec, 2)
      data = Object.fromEntries(Object.entries({...data, ...patch}).filter(([, v]) => v !== null)) as Record<string, string>
    }
    expect(readRecords(data).map(x => x.revision)).toEqual([2, 3])
  })
})

test('unified diff', () => {
  expect(unifiedDiff('a\nb\nc\n', 'a\nB\nc\n', 'x', 'y')).toBe('--- x\n+++ y\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n \n')
  expect(unifiedDiff('same', 'same', 'x', 'y')).toBe('')
})
