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
  /** colour decided for each stream: a terminal on stdout does not mean one on stderr */
  color: {stdout: boolean; stderr: boolean}
  /** keep only lines matching one of these (stern's --include) */
  include?: RegExp[]
  /** drop lines matching one of these (stern's --exclude) */
  exclude?: RegExp[]
  /** colour what these match (stern's --highlight) */
  highlight?: RegExp[]
  /** no status lines (stern's --only-log-lines) */
  onlyLogLines?: boolean
  out?: (text: string) => void
  err?: (text: string) => void
}

/** --color auto|always|never, decided for one stream (NO_COLOR and TERM=dumb say never, in auto). */
export function useColor(mode: string | undefined, stream: {isTTY?: boolean}, env = process.env): boolean {
  if (mode === 'always') return true
  if (mode === 'never') return false
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb'
}

/** Writes are whole lines, so parallel streams never interleave mid-line. */
export function makePrinter(o: PrinterOptions): (e: LogEvent) => void {
  const out = o.out ?? ((t: string) => void process.stdout.write(t))
  const err = o.err ?? ((t: string) => void process.stderr.write(t))
  const prefix = (e: LogEvent, color: boolean) => {
    const p = `[${o.withNamespace ? `${e.namespace}/` : ''}pod/${e.pod}/${e.container}] `
    return color ? `\x1b[${colourOf(e.pod)}m${p}\x1b[0m` : p
  }
  const mark = (text: string) => (o.color.stdout && o.highlight?.length ? o.highlight.reduce((t, re) => t.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), m => `\x1b[1;31m${m}\x1b[0m`), text) : text)
  return e => {
    if (e.type === 'line') {
      if (o.include?.length && !o.include.some(re => re.test(e.message))) return
      if (o.exclude?.some(re => re.test(e.message))) return
    } else if (o.onlyLogLines) return
    if (o.json) {
      const {type, ...rest} = e
      out(JSON.stringify(type === 'line' ? {pod: e.pod, namespace: e.namespace, container: e.container, time: e.time, message: e.message} : {type, ...rest}) + '\n')
      return
    }
    if (e.type === 'line') {
      out(`${o.prefix ? prefix(e, o.color.stdout) : ''}${o.timestamps && e.time ? `${e.time} ` : ''}${mark(safe(e.message))}\n`)
      return
    }
    const hint = 'hint' in e && e.hint ? ` (${e.hint})` : ''
    const what = e.type === 'done' ? safe(e.message) : e.type === 'resumed' ? safe(e.message) : `status: ${safe(e.message)}`
    err(`${prefix(e, o.color.stderr)}${what}${hint}\n`)
  }
}
