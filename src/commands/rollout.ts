/** `rollout`: bring a storage-initializer change to the running models, and follow it to the end (core/rollout.ts). */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {RolloutCommand, rolloutFlags} from '../rollout-command.js'

export default class Rollout extends RolloutCommand<typeof Rollout> {
  static override summary = 'Bring a storage-initializer change to the running models, and follow it to the end'
  static override description =
    "A storage-initializer change reaches only pods created afterwards. rollout finds the models whose pods still run another storage-initializer than the configuration gives now (judged field by field by the emulation behind get --isvc), makes new pods the way each deployment mode needs, and follows them: pods replaced, downloads finished and how long they took, failures with diagnose's finding. Standard/RawDeployment: an annotation on the InferenceService (storage-init.kserve.io/restartedAt), which KServe copies into the pod template, so the Deployment rolls by its own strategy (KServe undoes a kubectl rollout restart of its Deployment from v0.15.1). Knative: the same annotation, which makes KServe write a new revision. storageUris: an annotation that makes the controller write the workload again. LLMInferenceService: its Deployment is deleted for the LLM controller to make anew (downtime). Models that Argo CD, Flux or Helm keep are left alone unless --include-owned: their pods are then replaced, no object edited, never more of them unavailable at once than their Deployment's maxUnavailable allows, and only while the Deployment is not paused or rolling out on its own (a Deployment that allows none, as 25% of 1-3 replicas, is left alone unless --ignore-max-unavailable). Exit 0 when every selected model runs the new storage-initializer, 1 otherwise, with what is left. The rollout is recorded in the history beside the change that caused it."
  static override examples = [
    '<%= config.bin %> rollout my-model -n ml --dry-run',
    '<%= config.bin %> rollout my-model -n ml',
    '<%= config.bin %> rollout --all -n ml --max-parallel 3',
    '<%= config.bin %> rollout -A -o json',
    '<%= config.bin %> rollout status -A',
  ]
  static override args = {name: Args.string({description: 'The InferenceService (or LLMInferenceService) to roll'})}
  static override flags = {
    ...rolloutFlags,
    'dry-run': Flags.string({
      description: 'client: only say what would be done, and to which models (a bare --dry-run is client, as in kubectl)',
      options: ['none', 'client'],
      default: 'none',
    }),
    'max-parallel': Flags.integer({description: 'How many models roll at the same time', default: 1, min: 1}),
    'include-owned': Flags.boolean({
      description:
        "Also models that Argo CD, Flux or Helm keep: their pods are replaced (no object is edited), as many at once as their Deployment's maxUnavailable allows",
    }),
    'ignore-max-unavailable': Flags.boolean({
      description:
        '--include-owned: also replace the pods of a Deployment whose strategy allows no unavailable pod, one at a time (the model has one pod fewer while its successor starts)',
      dependsOn: ['include-owned'],
    }),
    'field-manager': Flags.string({description: 'Name of the manager used to track field ownership', default: 'kubectl-storage-init'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Rollout)
    const f = this.flags
    await this.roll(args.name, {
      statusOnly: false,
      watch: true,
      dryRun: f['dry-run'] === 'client',
      maxParallel: f['max-parallel'],
      includeOwned: f['include-owned'],
      ignoreMaxUnavailable: f['ignore-max-unavailable'],
      fieldManager: f['field-manager'],
    })
  }
}
