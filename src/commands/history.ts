/** `history`: the recorded revisions (Helm's `history`), or one of them with what it changed. */
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'

export const historyFlags = {
  output: Flags.string({
    char: 'o',
    description:
      'Output format: json, yaml (a RevisionList, or a Revision with --revision), name (revision/N, one line per revision shown), jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE, jsonpath-file=FILE (over that RevisionList or Revision), custom-columns=HEADER:PATH,… or custom-columns-file=FILE (a row per revision)',
  }),
  revision: Flags.integer({description: 'Show this revision: its record and what it changed in each target, as a diff', min: 0}),
  max: Flags.integer({description: 'Show at most this many of the newest revisions', min: 1}),
  'no-headers': Flags.boolean({description: 'Print the table (and -o custom-columns) without the column headers'}),
  'allow-missing-template-keys': Flags.boolean({
    description:
      'With -o jsonpath: a field that is missing prints nothing (as kubectl); --allow-missing-template-keys=false makes it an error',
    default: true,
    allowNo: true,
  }),
}

export default class History extends BaseCommand<typeof History> {
  static override summary = 'List the recorded revisions, or show one'
  static override description =
    "Revisions are recorded in the cluster (configmap storage-initializer-history in KServe's namespace) by set-image, set-resources and rollback. STATUS: current (the newest, and the live configuration is what it left), drifted (the newest, but changed outside kubectl storage-init since), superseded, incomplete (failed half-way), damaged (the entry cannot be read; it is never written back). --revision N shows one record with the before and after of each target."
  static override examples = [
    '<%= config.bin %> history',
    '<%= config.bin %> history --revision 3',
    '<%= config.bin %> history -o json',
    '<%= config.bin %> history -o custom-columns=REVISION:.revision,STATUS:.status,COMMAND:.command',
    "<%= config.bin %> history -o jsonpath='{.items[-1:].revision}'",
  ]
  static override flags = historyFlags

  async run(): Promise<void> {
    const f = this.flags
    // -o checked before anything is read, as kubectl
    const {parseOutput} = await import('../render/output.js')
    const {HISTORY_OUTPUTS} = await import('../render/history.js')
    const output = parseOutput(f.output, HISTORY_OUTPUTS, {
      allowMissingKeys: f['allow-missing-template-keys'],
      noHeaders: f['no-headers'],
    })
    const {client} = await this.connect()
    const {loadHistory, historyItem} = await import('../core/rollback.js')
    const {renderHistory, renderRevision} = await import('../render/history.js')
    const {live, items} = await loadHistory(client, f['kserve-namespace'])
    if (f.revision !== undefined) return this.print(await renderRevision(live.namespace, historyItem(live, items, f.revision), output))
    const printed = await renderHistory(live.namespace, items, {output, max: f.max, noHeaders: f['no-headers']})
    this.print(printed.stdout)
    if (printed.stderr) this.printErr(printed.stderr)
  }
}
