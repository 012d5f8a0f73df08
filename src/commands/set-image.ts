import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags, modelFlags, targetFlag} from '../change-flags.js'

export default class SetImage extends ChangeCommand<typeof SetImage> {
  static override summary = 'Change the storage-initializer image, everywhere it is served from'
  static override description =
    'By default the change applies to the ConfigMap and to every enabled ClusterStorageContainer that runs the same image repository (with the upstream default ClusterStorageContainer, that is the one s3://, gs://, hf:// and https:// models actually get). The reference is checked against the image-reference grammar; an unpinned image (latest, or no tag) is refused unless --allow-unpinned. Every applied change is recorded, so that rollback can undo it.'
  static override examples = [
    '<%= config.bin %> set-image --tag v0.20.1 --isvc big-model -n ml',
    '<%= config.bin %> set-image kserve/storage-initializer:v0.15.2',
    '<%= config.bin %> set-image --tag v0.15.2 --diff --dry-run=server',
    '<%= config.bin %> set-image --registry registry.example.com/mirror',
    '<%= config.bin %> set-image kserve/storage-initializer@sha256:… --target storage-container/default',
  ]
  static override args = {image: Args.string({description: 'The new image reference'})}
  static override flags = {
    ...changeFlags,
    tag: Flags.string({description: "Keep each target's repository, change its tag (or digest: sha256:…)"}),
    registry: Flags.string({description: 'Move each target to this registry or mirror (HOST[:PORT][/PATH]), keeping name and tag'}),
    target: targetFlag,
    ...modelFlags,
    'allow-unpinned': Flags.boolean({description: 'Accept an image without a tag, or tagged latest'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(SetImage)
    const f = this.flags
    const {imageChangeOf, modelImage} = await import('../domain/plans/image.js')
    const change = imageChangeOf({image: args.image, tag: f.tag, registry: f.registry}, f['allow-unpinned'])
    const {client, namespace} = await this.connect()
    if (f.isvc || f.llmisvc)
      return this.report(
        await this.changeModel(client, namespace, f, {what: 'image', apply: c => modelImage(c, change, f['allow-unpinned'])}),
      )
    const {imageHelmValues, imagePlanner} = await import('../core/settings.js')
    const outcome = await this.change(
      client,
      imagePlanner(change, {targets: f.target, allowUnpinned: f['allow-unpinned'], warn: w => this.warnOnce(w)}),
    )
    await this.report(outcome, {helmValues: () => imageHelmValues(outcome)})
  }
}
