import {BaseCommand} from '../base-command.js'

/** Candidates for the last (partial) argument, one per line, then Cobra's ":4" (no file completion). */
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
    const commands = this.config.commands.filter(c => !c.hidden).map(c => c.id)
    const out: string[] = []
    const cmd = before.find(w => commands.includes(w))
    if (!cmd) out.push(...commands)
    else if (partial.startsWith('-')) {
      const c = this.config.findCommand(cmd)
      for (const [name, f] of Object.entries(c?.flags ?? {})) {
        out.push(`--${name}`)
        if ((f as {char?: string}).char) out.push(`-${(f as {char?: string}).char}`)
      }
    } else {
      const flag = (name: string) => {
        const i = before.indexOf(name)
        return i >= 0 ? before[i + 1] : undefined
      }
      const {completeValue} = await import('../core/complete.js')
      out.push(...(await completeValue(cmd, before[before.length - 1] ?? '', flag).catch(() => [])))
    }
    this.print(out.filter(x => x.startsWith(partial)).join('\n') + (out.length ? '\n' : '') + ':4\n')
  }
}
