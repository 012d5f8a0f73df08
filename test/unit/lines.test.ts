/** The line splitter that log streams and pod watches share (src/domain/lines.ts): chunks cut anywhere, lines whole. */
import fc from 'fast-check'

import {LineSplitter, streamBytes} from '../../src/domain/lines.js'

/** Every line `chunks` complete, decoded, and the tail left. */
function feed(chunks: (Buffer | string)[]): {lines: string[]; tail: string} {
  const s = new LineSplitter()
  const lines = chunks.flatMap(c => s.lines(c))
  return {lines, tail: s.tail}
}

test('a line split across chunks comes out once, whole; several lines in one chunk come out in order', () => {
  expect(feed(['hel', 'lo\nwor', 'ld\n'])).toEqual({lines: ['hello', 'world'], tail: ''})
  expect(feed(['a\nb\nc\n'])).toEqual({lines: ['a', 'b', 'c'], tail: ''})
  expect(feed(['a\n', '\n', 'b\n'])).toEqual({lines: ['a', '', 'b'], tail: ''})
})

test('what follows the last newline is kept: the tail of a stream that ends mid-line', () => {
  const s = new LineSplitter()
  expect(s.lines('one\ntw')).toEqual(['one'])
  expect(s.tail.toString()).toBe('tw')
  expect(s.lines('o')).toEqual([])
  expect(s.tail.toString()).toBe('two')
  expect(s.lines('\n')).toEqual(['two'])
  expect(s.tail.length).toBe(0)
})

test('only \\n ends a line: a \\r before it stays part of the line, as the stream had it', () => {
  expect(feed(['a\r\nb\r', '\n'])).toEqual({lines: ['a\r', 'b\r'], tail: ''})
})

test('a multi-byte character split between chunks is decoded whole', () => {
  const text = 'Copying 40 GB… naïve 模型 🚀\n'
  const bytes = Buffer.from(text)
  // every place the bytes can be cut, including inside each character
  for (let i = 1; i < bytes.length; i++) expect(feed([bytes.subarray(0, i), bytes.subarray(i)]).lines).toEqual([text.slice(0, -1)])
  // one byte at a time
  expect(feed([...bytes].map(b => Buffer.from([b]))).lines).toEqual([text.slice(0, -1)])
})

test('a line counts the bytes it took in the stream, its newline included (what limitBytes counts)', () => {
  const s = new LineSplitter()
  const [line] = s.lines(Buffer.from('é🚀\n'))
  expect(line).toBe('é🚀')
  expect(streamBytes(line)).toBe(2 + 4 + 1)
})

test('any cut of any text: the lines and the tail are what splitting the whole text gives', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', ' ', 'é', '…', '🚀', '\r', '\n')), fc.array(fc.nat(), {maxLength: 8}), (chars, cuts) => {
      const bytes = Buffer.from(chars.join(''))
      const points = [...new Set(cuts.map(c => c % (bytes.length + 1)))].sort((a, b) => a - b)
      const chunks = [0, ...points].map((p, i, all) => bytes.subarray(p, all[i + 1] ?? bytes.length))
      const parts = bytes.toString('utf8').split('\n')
      expect(feed(chunks)).toEqual({lines: parts.slice(0, -1), tail: parts.at(-1)})
    }),
  )
})
