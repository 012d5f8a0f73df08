/** Long tables are rendered in slices with the whole table's widths: the text is the same as in one go. */
import Table from 'cli-table3'

import {KUBECTL_STYLE, table} from '../../src/render/table.js'

/** cli-table3 over every row at once, as table() renders short tables */
function whole(head: string[], rows: (string | number | null)[][]): string {
  const t = new Table({
    head: head.map(h => h.toUpperCase()),
    ...KUBECTL_STYLE,
  })
  for (const r of rows) t.push(r.map(c => (c === null ? '-' : String(c))))
  return t
    .toString()
    .split('\n')
    .map(l => l.trimEnd())
    .join('\n')
}

test('a long table reads exactly as if rendered in one go, the widest cell anywhere setting its column', () => {
  const rows = Array.from({length: 1234}, (_, i) => [
    `team-${i % 7}`,
    `inferenceservice/m-${i}`,
    i,
    i % 3 ? null : 'OOMKilled',
    i === 1100 ? 'registry.example.com:5000/mirror/kserve/storage-initializer:v0.20.0' : 'kserve/storage-initializer:v0.20.0',
  ])
  const head = ['namespace', 'model', 'pods', 'failed', 'image']
  const got = table(head, rows)
  expect(got).toBe(whole(head, rows))
  expect(got.split('\n')).toHaveLength(1235)
  expect(got.split('\n')[0]).toMatch(/^NAMESPACE {3}MODEL {3,}PODS {3,}FAILED {3,}IMAGE$/)
})

test('wide characters anywhere: one go, measured by cli-table3', () => {
  const rows = Array.from({length: 600}, (_, i) => [i === 599 ? 'モデル' : `m-${i}`, 'x'])
  expect(table(['name', 'v'], rows)).toBe(whole(['name', 'v'], rows))
})
