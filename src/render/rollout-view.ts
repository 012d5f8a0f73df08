/**
 * The progress view of a rollout on a terminal: one row per model, redrawn in place as events arrive (pods on the new
 * storage-initializer / pods, ready, downloads, state and the last word). In a pipe, or with -o json, the command
 * prints the events as lines instead. Every cell is escaped (escapeCell): names and messages are cluster data.
 */
import type {ModelRef, RolloutEvent} from '../core/rollout.js'
import {escapeCell} from './terminal.js'

interface Row {
  model: string
  state: string
  pods: string
  ready: string
  download: string
  note: string
}

const HEAD: Row = {model: 'MODEL', state: 'STATE', pods: 'NEW/PODS', ready: 'READY', download: 'DOWNLOAD', note: 'LAST'}
const COLS: (keyof Row)[] = ['model', 'state', 'pods', 'ready', 'download', 'note']

/** The rows as text: columns padded to their widest cell, the last one cut to the terminal's width. */
export function viewLines(rows: Row[], width: number): string[] {
  const all = [HEAD, ...rows]
  const w = COLS.map(c => Math.max(...all.map(r => r[c].length)))
  return all.map(r => {
    const line = COLS.map((c, i) => (i === COLS.length - 1 ? r[c] : r[c].padEnd(w[i]))).join('   ')
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line
  })
}

const label = (m: ModelRef) => `${m.kind === 'InferenceService' ? 'isvc' : 'llmisvc'}/${m.namespace}/${m.name}`

export class RolloutView {
  private rows = new Map<string, Row>()
  private drawn = 0

  constructor(
    private readonly write: (raw: string) => void,
    private readonly width: () => number,
  ) {}

  /** Take an event into its model's row, and draw the view again. */
  event(e: RolloutEvent): void {
    if (!e.model) return
    const key = label(e.model)
    const p = e.progress
    const d = p?.downloads ?? []
    const row: Row = {
      model: escapeCell(key),
      state: e.type === 'planned' ? 'pending' : e.type === 'started' || e.type === 'progress' ? 'rolling' : e.type,
      pods: p ? `${p.current}/${p.pods}` : '',
      ready: p ? String(p.ready) : '',
      download: d.length ? `${Math.round(Math.min(...d))}-${Math.round(Math.max(...d))}s`.replace(/^(\d+)-\1s$/, '$1s') : '',
      note: escapeCell(e.message),
    }
    this.rows.set(key, row)
    this.draw()
  }

  private draw(): void {
    const lines = viewLines([...this.rows.values()], this.width())
    // back to the view's first line, clear to the end of the screen, and the view again
    this.write(`${this.drawn ? `\x1b[${this.drawn}F\x1b[J` : ''}${lines.join('\n')}\n`)
    this.drawn = lines.length
  }
}
