/** `rollout status`: follow the models' pods onto the storage-initializer the configuration gives, restarting nothing. */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {RolloutCommand, rolloutFlags} from '../../rollout-command.js'

export default class RolloutStatus extends RolloutCommand<typeof RolloutStatus> {
  static override summary = 'Follow the models onto the new storage-initializer, restarting nothing'
  static override description =
    "As kubectl rollout status: waits until every selected model runs the storage-initializer the configuration gives now (judged as get --isvc judges it), showing pods replaced, downloads and failures (with diagnose's finding). Exit 0 when all do, 1 otherwise. --watch=false looks once."
  static override examples = ['<%= config.bin %> rollout status my-model -n ml', '<%= config.bin %> rollout status -A --watch=false']
  static override args = {name: Args.string({description: 'The InferenceService (or LLMInferenceService)'})}
  static override flags = {
    ...rolloutFlags,
    watch: Flags.boolean({char: 'w', description: 'Wait for the rollout to end (--watch=false: look once)', default: true, allowNo: true}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RolloutStatus)
    await this.roll(args.name, {
      statusOnly: true,
      watch: flags.watch,
      dryRun: false,
      maxParallel: Infinity,
      includeOwned: true,
      ignoreMaxUnavailable: false,
      fieldManager: 'kubectl-storage-init',
    })
  }
}
