import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags} from '../change-flags.js'

export default class Rollback extends ChangeCommand<typeof Rollback> {
  static override summary = 'Undo a change: return to the state before the last one, or to any recorded revision'
  static override description =
    'Revisions are recorded in the cluster (configmap storage-initializer-history in KServe\'s namespace) by set-image, set-resources and rollback itself, so every operator sees the same history. --to-revision N returns to the configuration right after revision N (0: before the oldest recorded one). If the live configuration no longer matches the newest revision (a hand edit, a helm upgrade), rollback refuses and shows the difference, unless --force.'
  static override examples = ['<%= config.bin %> rollback --list', '<%= config.bin %> rollback', '<%= config.bin %> rollback --to-revision 3 --diff --dry-run=server']
  static override flags = {
    ...changeFlags,
    list: Flags.boolean({description: 'List the recorded revisions'}),
    'to-revision': Flags.integer({description: 'The revision to return to', min: 0}),
    force: Flags.boolean({description: 'Roll back even though the live configuration has drifted from the history'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const {client} = await this.connect()
    const {readHistory} = await import('../core/change.js')
    const {findConfigMap} = await import('../kube/kserve.js')
    const ns = (await findConfigMap(client, f['kserve-namespace'])).namespace
    const {records} = await readHistory(client, ns)
    const rb = await import('../core/rollback.js')
    if (f.list) {
      if (f.output === 'json' || f.output === 'yaml') {
        const {formatStructured} = await import('../render/output.js')
        return this.print(await formatStructured({apiVersion: 'storage-init.kserve.io/v1alpha1', kind: 'RevisionList', namespace: ns, items: records}, f.output))
      }
      if (records.length === 0) return this.note(`No revisions recorded in configmap ${ns}/storage-initializer-history.`)
      const {table} = await import('../render/table.js')
      this.print(table(['revision', 'time', 'user', 'targets', 'command'], records.map(r => [r.revision, r.time, r.user, rb.describeRecord(r), r.command])) + '\n')
      return
    }
    const n = rb.targetRevision(records, f['to-revision'])
    const {unifiedDiff} = await import('../domain/diff.js')
    const {toYaml} = await import('../render/yaml.js')
    const text = (v: unknown) => (typeof v === 'string' ? v + '\n' : toYaml(v))
    const outcome = await this.change(
      client,
      live =>
        rb.planRollback(records, n, live, f.force, drift => {
          for (const d of drift) process.stderr.write(unifiedDiff(text(d.recorded), text(d.live), `${d.target} (recorded)`, `${d.target} (live)`))
        }),
      {rollbackTo: n, kserveNamespace: ns},
    )
    await this.report(outcome, {verb: `to revision ${n}`, nothing: `skipped rollback (current configuration already matches revision ${n})`})
  }
}
