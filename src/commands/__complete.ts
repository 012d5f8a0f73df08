import {GLOBAL_VALUE_FLAGS} from '../argv.js'
import {BaseCommand} from '../base-command.js'

/** Candidates for the last (partial) argument, one per line, then Cobra's directive (":4": no file completion; ":0": file names). */
export default class Complete extends BaseCommand<typeof Complete> {
  static override hidden = true
  static override strict = false
  static override summary = 'Completion candidates (run by kubectl_complete-storage_init)'

  /** The words are not flags to parse: they are the command line being completed. */
  public override async init(): Promise<void> {
    this.flags = {} as typeof this.flags
  }

  async run(): Promise<void> {
    const words = this.argv
    const partial = words[words.length - 1] ?? ''
    const before = words.slice(0, -1)
    const prev = before[before.length - 1] ?? ''
    const commands = this.config.commands.filter(c => !c.hidden).map(c => c.id)
    const out: string[] = []
    // Cobra's directives: 4 (no file completion), 0 (the shell completes file names)
    let directive = 4
    const cmd = before.find(w => commands.includes(w))
    const {completeValue, FILE_FLAGS} = await import('../core/complete.js')
    const flag = (name: string) => {
      const i = before.indexOf(name)
      return i >= 0 ? before[i + 1] : undefined
    }
    // a flag that takes a value, right before the word: its values (before the command too: --context '' …)
    const takesValue = (w: string) => w.startsWith('-') && !w.includes('=') && GLOBAL_VALUE_FLAGS.includes(w.replace(/^-+/, ''))
    const owner = cmd ? this.config.findCommand(cmd) : undefined
    const valueFlag =
      prev.startsWith('-') &&
      !prev.includes('=') &&
      (takesValue(prev) ||
        Object.entries(owner?.flags ?? {}).some(
          ([n, f]) => (prev === `--${n}` || prev === `-${(f as {char?: string}).char}`) && f.type === 'option',
        ))
    if (valueFlag && FILE_FLAGS.includes(prev)) directive = 0
    else if (valueFlag || (cmd && !partial.startsWith('-'))) out.push(...(await completeValue(cmd ?? '', prev, flag).catch(() => [])))
    else if (partial.startsWith('-')) {
      // flags, each with its description (Cobra's NAME<TAB>DESCRIPTION): the command's, or the global ones
      const flags = owner?.flags ?? this.config.findCommand(commands[0])?.flags ?? {}
      for (const [name, f] of Object.entries(flags)) {
        if (!owner && (f as {helpGroup?: string}).helpGroup !== 'GLOBAL') continue
        const d = String((f as {summary?: string; description?: string}).summary ?? (f as {description?: string}).description ?? '')
          .split('\n')[0]
          .replace(/\s+/g, ' ')
        const desc = d.length > 80 ? `${d.slice(0, 79)}…` : d
        out.push(desc ? `--${name}\t${desc}` : `--${name}`)
        const char = (f as {char?: string}).char
        if (char) out.push(desc ? `-${char}\t${desc}` : `-${char}`)
      }
    } else if (!cmd) out.push(...commands)
    const shown = out.filter(x => x.startsWith(partial))
    this.print(shown.join('\n') + (shown.length ? '\n' : '') + `:${directive}\n`)
  }
}
