/**
 * Log lines and status lines: kubectl's `[pod/NAME/CONTAINER] ` prefix, one colour per pod on a terminal, or JSON lines;
 * while following, a spinner saying what is awaited; and the line said when no pod was found.
 */
import type {LogEvent, PodSelection} from '../core/logs.js'
import {colourFor} from './colour.js'
import {escapeCell, escapeTerminal} from './terminal.js'

/** the pods' colours: no red (31, 91), which --highlight uses */
export const COLOURS = [32, 33, 34, 35, 36, 92, 93, 94, 95, 96]

export function colourOf(name: string): number {
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
  /** where log lines (and JSON lines) go */
  out: (text: string) => void
  /** where status, end and resume lines go */
  err: (text: string) => void
}

/** --color auto|always|never, decided for one stream (auto: render/colour.ts's NO_COLOR, FORCE_COLOR, TERM=dumb, a terminal). */
export function useColor(mode: string | undefined, stream: {isTTY?: boolean}, env = process.env): boolean {
  return colourFor(mode, stream, env)
}

/** Writes are whole lines, so parallel streams never interleave mid-line. */
export function makePrinter(o: PrinterOptions): (e: LogEvent) => void {
  const {out, err} = o
  const prefix = (e: LogEvent, color: boolean) => {
    const p = escapeCell(`[${o.withNamespace ? `${e.namespace}/` : ''}pod/${e.pod}/${e.container}]`) + ' '
    return color ? `\x1b[${colourOf(e.pod)}m${p}\x1b[0m` : p
  }
  const mark = (text: string) =>
    o.color.stdout && o.highlight?.length
      ? o.highlight.reduce(
          (t, re) => t.replace(new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'), m => `\x1b[1;31m${m}\x1b[0m`),
          text,
        )
      : text
  return e => {
    if (e.type === 'line') {
      if (o.include?.length && !o.include.some(re => re.test(e.message))) return
      if (o.exclude?.some(re => re.test(e.message))) return
    } else if (o.onlyLogLines) return
    if (o.json) {
      const {type, ...rest} = e
      out(
        escapeTerminal(
          JSON.stringify(
            type === 'line'
              ? {pod: e.pod, namespace: e.namespace, container: e.container, time: e.time, message: e.message}
              : {type, ...rest},
          ),
        ) + '\n',
      )
      return
    }
    if (e.type === 'line') {
      out(`${o.prefix ? prefix(e, o.color.stdout) : ''}${o.timestamps && e.time ? `${e.time} ` : ''}${mark(escapeTerminal(e.message))}\n`)
      return
    }
    const hint = 'hint' in e && e.hint ? ` (${e.hint})` : ''
    const what = e.type === 'done' || e.type === 'resumed' ? e.message : `status: ${e.message}`
    err(`${prefix(e, o.color.stderr)}${escapeCell(what + hint)}\n`)
  }
}

/** Who is followed, as the spinner says it: the pod, the model, or the label selectors. */
function following(sel: PodSelection, model?: string): string {
  return sel.pod ? `pod ${sel.pod}` : model ? model : sel.labelSelectors.join(' or ') || 'pods'
}

/**
 * Following, on a terminal: `print` wrapped so that a spinner shows while nothing arrives (taken down before each line),
 * saying how many storage-initializer logs are live (a container's first line makes it live, its end line not).
 */
export async function withIdleSpinner(
  print: (e: LogEvent) => void,
  sel: PodSelection,
  model?: string,
): Promise<{emit: (e: LogEvent) => void; stop(): void}> {
  const {whileIdle} = await import('./progress.js')
  const live = new Set<string>()
  const what = following(sel, model)
  const idle = whileIdle(() =>
    live.size === 0
      ? `waiting for the storage-initializer of ${what} to start (Ctrl-C to stop)`
      : `following ${live.size} storage-initializer log(s); waiting for lines or new pods (Ctrl-C to stop)`,
  )
  return {
    emit(e) {
      idle.touch()
      const id = `${e.namespace}/${e.pod}/${e.container}`
      if (e.type === 'line') live.add(id)
      else if (e.type === 'done') live.delete(id)
      print(e)
    },
    stop: () => idle.stop(),
  }
}

/** Said (on stderr) when nothing was selected and nothing was followed. */
export function noPodsFound(sel: PodSelection): string {
  return `No storage-initializer pods found${sel.namespace ? ` in namespace ${sel.namespace}` : ''} (selector ${sel.pod ? `pod ${sel.pod}` : sel.labelSelectors.join(' or ')}).\n`
}
