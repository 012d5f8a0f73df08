/** jsonSyntaxError finds and words a JSON syntax error as V8 does, for the standalone executable's engine, which does not say. */
import {jsonSyntaxError} from '../../src/domain/json-error.js'

const BAD = [
  '{"a":1,}',
  '{"a" 1}',
  '{"a":1',
  '[1 2]',
  '[1,]',
  '"abc',
  '"a\u0001"',
  '"\\x"',
  '"\\u12"',
  '-',
  '1.',
  '1e',
  '{"a":1} x',
  '',
  '  ',
  '{a:1}',
  'tru',
  '{"a":tr}',
  '01',
  '[',
  '{"a":',
  '{"a"',
  '{',
  '{"x": 1,\n "y": nul}',
  '-a',
  '[-]',
  '"\\u00zz"',
  '{"a":1}}',
  '[1,2',
  '{"a":"b",}',
  '{"a":"b" "c":1}',
  '{\n  "image": "kserve/storage-initializer:v0.20.0",\n  "memoryRequest": "100Mi",\n}',
]

test.each(BAD)('%j: the place and words of V8', text => {
  let v8 = ''
  try {
    JSON.parse(text)
  } catch (e) {
    v8 = (e as Error).message
  }
  const ours = jsonSyntaxError(text)!
  expect(v8.startsWith(ours.message)).toBe(true)
  const at = /at position (\d+)/.exec(v8)
  if (at) expect(ours.offset).toBe(Number(at[1]))
  else expect(ours.offset).toBe(/^Unexpected end/.test(v8) ? text.length : text.indexOf(/'(.)'/.exec(v8)![1], ours.offset))
})

test('valid JSON has no error', () => {
  for (const t of ['{}', '[]', '{"a":[1,{"b":"c\\u00e9\\n"}],"d":-0.5e+3,"e":true,"f":null}', ' 1 ', '"x"'])
    expect(jsonSyntaxError(t)).toBeUndefined()
})
