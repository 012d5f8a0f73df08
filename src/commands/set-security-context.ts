import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags, modelFlags, targetFlag} from '../change-flags.js'

export default class SetSecurityContext extends ChangeCommand<typeof SetSecurityContext> {
  static override summary = 'Give the storage-initializer the securityContext a Pod Security level asks for'
  static override description =
    "For namespaces that enforce the restricted Pod Security level (pod-security.kubernetes.io/enforce=restricted), whose admission otherwise refuses every model pod: writes allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile RuntimeDefault and capabilities.drop [ALL], keeping what the container already sets that the level allows (runAsUser, a Localhost seccomp profile, readOnlyRootFilesystem). KServe takes a securityContext only from a ClusterStorageContainer (merged over the ConfigMap's container) or from one model's own container: the targets are every ClusterStorageContainer that serves pods (--target storage-container/NAME for one), or one model (--isvc, KServe v0.20+, or --llmisvc). diagnose names this command when Pod Security refuses a model."
  static override examples = [
    '<%= config.bin %> set-security-context --pod-security restricted --isvc my-model -n ml',
    '<%= config.bin %> set-security-context --pod-security restricted --target storage-container/default --diff',
    '<%= config.bin %> set-security-context --pod-security restricted --llmisvc my-llm -n ml --dry-run=server',
  ]
  static override flags = {
    ...changeFlags,
    'pod-security': Flags.string({
      description: 'The Pod Security level to meet',
      options: ['restricted'],
      required: true,
    }),
    target: targetFlag,
    ...modelFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    const level = f['pod-security'] as 'restricted'
    const {client, namespace} = await this.connect()
    if (f.isvc || f.llmisvc) {
      const {modelSecurity} = await import('../domain/plans/security.js')
      return this.report(await this.changeModel(client, namespace, f, {what: 'securityContext', apply: c => modelSecurity(c, level)}))
    }
    const {securityPlanner} = await import('../core/settings.js')
    await this.report(await this.change(client, securityPlanner(level, f.target)))
  }
}
