/**
 * What a command waits for, on a terminal: a spinner on stderr (ora) that appears only after 300 ms, so quick
 * commands show nothing; never in a pipe, in CI, with TERM=dumb, or for machine-readable output.
 */
import ora, {type Ora} from 'ora'

import {colourEnabled} from './colour.js'
import {escapeCell} from './terminal.js'

export interface Progress {
  text(t: string): void
  stop(): void
}

const NONE: Progress = {text: () => undefined, stop: () => undefined}

/** ora's options: the spinner is coloured only when colourEnabled says so (NO_COLOR, FORCE_COLOR, TERM=dumb). */
export function spinnerOptions(text: string, stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env) {
  return {text, stream, discardStdin: false, color: colourEnabled(stream, env) ? ('cyan' as const) : (false as const)}
}

/** A spinner may be shown: the caller allows it (human-readable output) and stderr is a real terminal outside CI. */
function allowed(enabled: boolean): boolean {
  const stream = process.stderr
  // a terminal that reports no width (some pseudo-terminals) would make ora clear lines without end
  return enabled && stream.isTTY && !!stream.columns && !process.env.CI && process.env.TERM !== 'dumb'
}

/** `enabled`: the caller's own conditions (human-readable output); the terminal checks are made here. */
export function progress(text: string, enabled = true, delayMs = 300): Progress {
  const stream = process.stderr
  if (!allowed(enabled)) return NONE
  let current = escapeCell(text)
  let spinner: Ora | undefined
  const timer = setTimeout(() => {
    spinner = ora(spinnerOptions(current, stream)).start()
  }, delayMs)
  timer.unref()
  return {
    text(t: string) {
      current = escapeCell(t)
      if (spinner) spinner.text = current
    },
    stop() {
      clearTimeout(timer)
      spinner?.stop()
    },
  }
}

/** Run `work` with a spinner saying `text`. */
export async function waitingFor<T>(text: string, work: Promise<T>, enabled = true): Promise<T> {
  const p = progress(text, enabled)
  try {
    return await work
  } finally {
    p.stop()
  }
}

/**
 * For a command that streams (logs -f): a spinner saying what it waits for, shown after `delayMs` without output and
 * taken down before each line is printed (`touch`), so it never mixes with the lines.
 */
export function whileIdle(text: () => string, enabled = true, delayMs = 1000): {touch(): void; stop(): void} {
  const stream = process.stderr
  if (!allowed(enabled)) return {touch: () => undefined, stop: () => undefined}
  let spinner: Ora | undefined
  let timer: NodeJS.Timeout | undefined
  let stopped = false
  const arm = () => {
    if (stopped) return
    timer = setTimeout(() => {
      spinner = ora(spinnerOptions(text(), stream)).start()
    }, delayMs)
    timer.unref()
  }
  arm()
  return {
    touch() {
      clearTimeout(timer)
      if (spinner) {
        spinner.stop()
        spinner = undefined
      }
      arm()
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      spinner?.stop()
    },
  }
}
