import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags, modelFlags, targetFlag} from '../change-flags.js'

export default class SetResources extends ChangeCommand<typeof SetResources> {
  static override summary = "Change the storage-initializer's CPU and memory requests and limits"
  static override description =
    "Takes kubectl's syntax. Values are merged with the current ones, and each request must stay at or below its limit; both are checked before anything is written. Applies to the same targets as set-image (ClusterStorageContainers through their container's resources). With --modelcar, sets the modelcar's cpuModelcar / memoryModelcar (request = limit) in the ConfigMap instead."
  static override examples = [
    '<%= config.bin %> set-resources --requests cpu=200m,memory=512Mi --limits cpu=2,memory=4Gi',
    '<%= config.bin %> set-resources --limits memory=16Gi --target storage-container/default --diff',
    '<%= config.bin %> set-resources --modelcar --limits cpu=50m,memory=64Mi',
    '<%= config.bin %> set-resources --requests memory=8Gi --limits memory=8Gi --isvc big-model -n ml',
  ]
  static override flags = {
    ...changeFlags,
    requests: Flags.string({description: 'Resource requests, e.g. cpu=200m,memory=512Mi'}),
    limits: Flags.string({description: 'Resource limits, e.g. cpu=2,memory=4Gi'}),
    modelcar: Flags.boolean({description: "Set the modelcar (OCI) container's cpu/memory instead (request = limit)"}),
    target: targetFlag,
    ...modelFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const {modelResources, resourceChangeOf} = await import('../domain/plans/resources.js')
    const change = resourceChangeOf({
      requests: f.requests,
      limits: f.limits,
      modelcar: f.modelcar,
      targets: f.target,
      perModel: !!(f.isvc || f.llmisvc),
    })
    const {client, namespace} = await this.connect()
    if (f.isvc || f.llmisvc)
      return this.report(
        await this.changeModel(client, namespace, f, {what: 'resource requirements', apply: c => modelResources(c, change)}),
      )
    const {resourcesHelmValues, resourcesPlanner} = await import('../core/settings.js')
    const outcome = await this.change(client, resourcesPlanner(change, f.target))
    await this.report(outcome, {helmValues: () => resourcesHelmValues(outcome, change)})
  }
}
