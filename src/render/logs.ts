/** Log lines and status lines: kubectl's `[pod/NAME/CONTAINER] ` prefix, one colour per pod on a terminal, or JSON lines. */
import type {LogEvent} from '../core/logs.js'
import {safe} from './table.js'

const COLOURS = [31, 32, 33, 34, 35, 36, 91, 92, 93, 94, 95, 96]

function colourOf(name: string): number {
  let h = 0
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0
  return COLOURS[h % COLOURS.length]
}

export interface PrinterOptions {
  json: boolean
  prefix: boolean
  timestamps: boolean
  withNamespace: boolean
  color: boolean
}

/** Writes are whole lines, so parallel streams never interleave mid-line. */
export function makePrinter(o: PrinterOptions): (e: LogEvent) => void {
  return e => {
    if (o.json) {
      const {type, ...rest} = e
      process.stdout.write(JSON.stringify(type === 'line' ? {pod: e.pod, namespace: e.namespace, container: e.container, time: e.time, message: e.message} : {type, ...rest}) + '\n')
      return
    }
    let p = `[${o.withNamespace ? `${e.namespace}/` : ''}pod/${e.pod}/${e.container}] `
    if (o.color) p = `\x1b[${colourOf(e.pod)}m${p}\x1b[0m`
    if (!o.prefix) p = ''
    if (e.type === 'line') {
      process.stdout.write(`${p}${o.timestamps && e.time ? `${e.time} ` : ''}${safe(e.message)}\n`)
      return
    }
    const hint = 'hint' in e && e.hint ? ` (${e.hint})` : ''
    const what = e.type === 'done' ? safe(e.message) : e.type === 'resumed' ? safe(e.message) : `status: ${safe(e.message)}`
    process.stderr.write(`${o.prefix ? p : `[pod/${e.pod}/${e.container}] `}${what}${hint}\n`)
  }
}
