/** kubectl-style tables: upper-case headers, no borders, three spaces between columns. */
import Table from 'cli-table3'

import {escapeCell} from './terminal.js'

/** cli-table3's options for kubectl's look: no borders, three spaces after each column. */
export const KUBECTL_STYLE = {
  chars: Object.fromEntries(
    [
      'top',
      'top-mid',
      'top-left',
      'top-right',
      'bottom',
      'bottom-mid',
      'bottom-left',
      'bottom-right',
      'left',
      'left-mid',
      'mid',
      'mid-mid',
      'right',
      'right-mid',
      'middle',
    ].map(k => [k, '']),
  ),
  style: {head: [], border: [], 'padding-left': 0, 'padding-right': 3},
}

/** Rows rendered by one cli-table3 table: a long table is rendered in slices of this many, so memory stays flat. */
const SLICE = 100

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  // every cell escaped here: a value from the cluster cannot break a row, a column or the terminal
  const cells = (r: (string | number | null | undefined)[]) => r.map(c => (c === null || c === undefined ? '-' : escapeCell(String(c))))
  const render = (body: string[][], colWidths?: number[]) => {
    const t = new Table({
      head: head.map(h => h.toUpperCase()),
      ...KUBECTL_STYLE,
      ...(colWidths ? {colWidths} : {}),
    })
    for (const r of body) t.push(r)
    return t
      .toString()
      .split('\n')
      .map(l => l.trimEnd())
  }
  const ascii = (c: string) => /^[\x20-\x7e]*$/.test(c)
  // a long table of plain ASCII (Kubernetes names, images, reasons: nearly always) in slices, every slice with the widths
  // of the whole table (cli-table3's: the text's length plus the padding) and its header dropped after the first;
  // wide or combining characters are measured by cli-table3 over the whole table, in one go
  if (rows.length <= SLICE || !rows.every(r => cells(r).every(ascii))) return render(rows.map(cells)).join('\n')
  const widths = head.map(h => h.length)
  for (const r of rows) cells(r).forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)))
  const out: string[] = []
  for (let i = 0; i < rows.length; i += SLICE)
    out.push(
      ...render(
        rows.slice(i, i + SLICE).map(cells),
        widths.map(w => w + 3),
      ).slice(i === 0 ? 0 : 1),
    )
  return out.join('\n')
}

/** A cell of cluster data: every control character, line break and bidi control escaped (render/terminal.ts). */
export const safe = escapeCell
