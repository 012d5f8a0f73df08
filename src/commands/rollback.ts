/** `rollback`: undo the newest change, or return to a recorded revision, without losing edits made outside the plugin. */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags} from '../change-flags.js'
import {CliError} from '../errors.js'

export default class Rollback extends ChangeCommand<typeof Rollback> {
  static override summary = 'Undo the last change, or return to any recorded revision'
  static override description =
    "Without a revision, undoes the newest recorded change: each target it changed gets back the value it had before (like kubectl rollout undo; a second rollback undoes the first). With a revision (REVISION or --to-revision N), every recorded target returns to its state right after revision N (0: before the oldest recorded one). Edits made outside kubectl storage-init since the newest record are kept when they touch other fields than the rollback changes; when they touch the same fields, rollback shows the difference and refuses, unless --force. What it would write is checked like any change (validate's errors are refused unless --allow-rejected-config); a damaged history entry is never written. It works when the live storageInitializer is not valid JSON (with --force, since that is an outside edit). Revisions are recorded in configmap storage-initializer-history in KServe's namespace; see the history command."
  static override examples = [
    '<%= config.bin %> rollback',
    '<%= config.bin %> rollback 3 --diff --dry-run=server',
    '<%= config.bin %> rollback --to-revision 3 --target configmap',
    '<%= config.bin %> rollback --force            # the live storageInitializer is broken: restore the last recorded one',
  ]
  static override args = {revision: Args.integer({description: 'The revision to return to (same as --to-revision)', min: 0})}
  static override flags = {
    ...changeFlags,
    'to-revision': Flags.integer({description: 'The revision to return to (0: before the oldest recorded one)', min: 0}),
    target: Flags.string({
      description:
        'Roll back only these: configmap or storage-container/NAME (repeatable or comma-separated; default: every target the rollback covers)',
      multiple: true,
    }),
    force: Flags.boolean({
      description:
        "Roll back even over edits made outside kubectl storage-init to the same fields (they get the rollback's values), or with a target that no longer exists (skipped)",
    }),
    'allow-rejected-config': Flags.boolean({
      description:
        "Write what the rollback restores even when KServe rejects it (validate's errors: invalid JSON, a missing quantity, a storageContainerName naming no usable container): KServe refuses the pods it concerns, every model pod for a broken ConfigMap, until it is fixed",
    }),
    list: Flags.boolean({description: 'List the recorded revisions (same as the history command)'}),
    'allow-field': Flags.string({
      description:
        "Let the rollback write this field although kubectl storage-init's own changes never write it (a history record can be forged by anyone who may write the history ConfigMap: check the values first; repeatable or comma-separated; all: any field)",
      multiple: true,
    }),
    'history-version': Flags.string({
      description:
        'Roll back only if the history is still at this resourceVersion (the one a --dry-run preview printed), so that what runs is what was previewed',
    }),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Rollback)
    const f = this.flags
    if (f.list) {
      const {client} = await this.connect()
      const {loadHistory} = await import('../core/rollback.js')
      const {renderHistory} = await import('../render/history.js')
      const {live, items} = await loadHistory(client, f['kserve-namespace'])
      const printed = await renderHistory(live.namespace, items, {output: f.output})
      this.print(printed.stdout)
      if (printed.stderr) this.printErr(printed.stderr)
      return
    }
    if (args.revision !== undefined && f['to-revision'] !== undefined && args.revision !== f['to-revision'])
      throw new CliError('Usage', `give the revision once: REVISION ${args.revision} and --to-revision ${f['to-revision']} differ`)
    const rollback = await import('../core/rollback.js')
    const targets = rollback.parseTargets(f.target)
    const {client} = await this.connect()
    const {unifiedDiff} = await import('../domain/diff.js')
    const {valueText} = await import('../render/diff.js')
    let info: import('../core/rollback.js').RollbackPlan | undefined
    const outcome = await this.change(
      client,
      live => {
        info = rollback.planRollback(
          live,
          {
            toRevision: args.revision ?? f['to-revision'],
            targets,
            force: f.force,
            allowFields: (f['allow-field'] ?? [])
              .flatMap(x => x.split(','))
              .map(x => x.trim())
              .filter(Boolean),
            historyVersion: f['history-version'],
          },
          {
            warn: text => this.warnOnce(text),
            diff: (target, recorded, now) =>
              this.printErr(unifiedDiff(valueText(target, recorded), valueText(target, now), `${target} (recorded)`, `${target} (live)`)),
          },
        )
        return info
      },
      {requireDoc: false, allowRejected: f['allow-rejected-config']},
    )
    const {configHelmValues} = await import('../core/settings.js')
    await this.report(outcome, {
      verb: info!.verb,
      nothing: info!.nothing,
      details: info!.details,
      helmValues: () => configHelmValues(outcome),
    })
    if (f['dry-run'] !== 'none' && outcome.changed.length && info!.historyVersion)
      this.note(`to apply exactly this preview, add --history-version=${info!.historyVersion} (refused if the history changes meanwhile)`)
  }
}
