/**
 * Interrupts (Ctrl-C, SIGTERM, a closed terminal's SIGHUP) while a change writes. Before the first write an interrupt
 * ends the command at once (nothing was written). From the first write until its record is in the history it is held:
 * the target in flight is finished, no further target is started, and what was written is recorded (as incomplete
 * when targets are left), so that an interrupted change never leaves an unrecorded half-state. A third interrupt
 * while held exits at once, saying what may be left unrecorded.
 */
export interface InterruptGuard {
  /** writes begin: hold interrupts until release() */
  hold(): void
  /** the record is written (or the change ended): interrupts end the command again */
  release(): void
  /** the signal received while held, if any */
  readonly requested: NodeJS.Signals | undefined
  /** the exit status it calls for (128 + its number) */
  readonly exitCode: number
  /** stop listening (the command ended) */
  dispose(): void
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP']
/** the shell's exit status for a command ended by a signal: 128 + its number */
const SIGNAL_EXIT: Record<string, number> = {SIGHUP: 129, SIGINT: 130, SIGTERM: 143}

/** Listen for interrupts; `say` writes one line on stderr (it must not throw: the terminal may be gone). */
export function guardInterrupts(say: (line: string) => void): InterruptGuard {
  let held = false
  let requested: NodeJS.Signals | undefined
  let count = 0
  const quiet = (line: string) => {
    try {
      say(line)
    } catch {
      // a closed terminal: nobody to tell
    }
  }
  // a closed terminal fails writes with EIO or EPIPE: the change must still finish and be recorded
  const ignore = () => {}
  process.stdout.on('error', ignore)
  process.stderr.on('error', ignore)
  const on = (signal: NodeJS.Signals) => {
    if (!held) process.exit(SIGNAL_EXIT[signal] ?? 1)
    count++
    requested ??= signal
    if (count === 1)
      quiet(`${signal}: finishing the write in flight and recording what was written (interrupt twice more to exit at once, unrecorded)`)
    else if (count >= 3) {
      quiet(`${signal}: exiting now; what was written may not be recorded: see kubectl storage-init history and validate`)
      process.exit(SIGNAL_EXIT[signal] ?? 1)
    }
  }
  for (const s of SIGNALS) process.on(s, on)
  return {
    hold: () => void (held = true),
    release: () => void (held = false),
    get requested() {
      return requested
    },
    get exitCode() {
      return requested ? (SIGNAL_EXIT[requested] ?? 1) : 0
    },
    dispose() {
      for (const s of SIGNALS) process.off(s, on)
      process.stdout.off('error', ignore)
      process.stderr.off('error', ignore)
    },
  }
}
