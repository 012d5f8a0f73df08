/** `history`: the recorded revisions (Helm's `history`), or one of them with what it changed. */
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'

export const historyFlags = {
  output: Flags.string({char: 'o', description: 'Output format', options: ['json', 'yaml']}),
  revision: Flags.integer({description: 'Show this revision: its record and what it changed in each target, as a diff', min: 0}),
  max: Flags.integer({description: 'Show at most this many of the newest revisions', min: 1}),
}

export default class History extends BaseCommand<typeof History> {
  static override summary = 'List the recorded revisions, or show one'
  static override description =
    "Revisions are recorded in the cluster (configmap storage-initializer-history in KServe's namespace) by set-image, set-resources and rollback. STATUS: current (the newest, and the live configuration is what it left), drifted (the newest, but changed outside kubectl storage-init since), superseded, incomplete (failed half-way), damaged (the entry cannot be read; it is never written back). --revision N shows one record with the before and after of each target."
  static override examples = ['<%= config.bin %> history', '<%= config.bin %> history --revision 3', '<%= config.bin %> history -o json']
  static override flags = historyFlags

  async run(): Promise<void> {
    const f = this.flags
    const {client} = await this.connect()
    const {loadHistory, historyItem} = await import('../core/rollback.js')
    const {renderHistory, renderRevision} = await import('../render/history.js')
    const {live, items} = await loadHistory(client, f['kserve-namespace'])
    if (f.revision !== undefined) return this.print(await renderRevision(live.namespace, historyItem(live, items, f.revision), f.output))
    const printed = await renderHistory(live.namespace, items, f)
    this.print(printed.stdout)
    if (printed.stderr) this.printErr(printed.stderr)
  }
}
