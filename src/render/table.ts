/** kubectl-style tables: upper-case headers, no borders, three spaces between columns. */
import Table from 'cli-table3'

const NONE = {top: '', 'top-mid': '', 'top-left': '', 'top-right': '', bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '', left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '', middle: ''}

export function table(head: string[], rows: (string | number | null | undefined)[][]): string {
  const t = new Table({head: head.map(h => h.toUpperCase()), chars: NONE, style: {head: [], border: [], 'padding-left': 0, 'padding-right': 3}})
  for (const r of rows) t.push(r.map(c => (c === null || c === undefined ? '-' : String(c))))
  return t
    .toString()
    .split('\n')
    .map(l => l.trimEnd())
    .join('\n')
}

/** Strip control characters and terminal escapes from cluster data before it reaches a terminal. */
export function safe(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, c => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
