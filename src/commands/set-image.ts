import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags, modelFlags, targetFlag} from '../change-flags.js'
import type {ImageChange} from '../domain/image-change.js'
import {CliError} from '../errors.js'

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
    tag: Flags.string({description: 'Keep each target\'s repository, change its tag (or digest: sha256:…)'}),
    registry: Flags.string({description: 'Move each target to this registry or mirror (HOST[:PORT][/PATH]), keeping name and tag'}),
    target: targetFlag,
    ...modelFlags,
    'allow-unpinned': Flags.boolean({description: 'Accept an image without a tag, or tagged latest'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(SetImage)
    const f = this.flags
    const given = [args.image !== undefined, f.tag !== undefined, f.registry !== undefined].filter(Boolean).length
    if (given !== 1) throw new CliError('Usage', given === 0 ? 'set-image needs an IMAGE, --tag TAG or --registry HOST' : 'give only one of IMAGE, --tag and --registry')
    const {applyImageChange, checkImageChange, isUnpinned} = await import('../domain/image-change.js')
    const {editFields} = await import('../domain/json-edit.js')
    const {selectTargets} = await import('../core/change.js')
    const {parseImage} = await import('../domain/image.js')
    const {parseRelease} = await import('../domain/release.js')
    const {decodeStorageInitializer} = await import('../domain/go-json.js')
    const {imageValues} = await import('../domain/helm-values.js')
    const change: ImageChange = args.image !== undefined ? {image: args.image} : f.tag !== undefined ? {tag: f.tag} : {registry: f.registry!}
    try {
      checkImageChange(change)
    } catch (e) {
      throw new CliError('Usage', (e as Error).message)
    }
    if ('image' in change && isUnpinned(change.image) && !f['allow-unpinned'])
      throw new CliError('Invalid', `image "${change.image}" is not pinned (latest or no tag): pods would get whatever it points to when they start`, {hint: 'give a version tag or a digest, or pass --allow-unpinned'})
    const {client, namespace} = await this.connect()
    const warned = new Set<string>()
    const perModel = (c: Record<string, any>) => {
      let next: string
      try {
        next = applyImageChange(c.image, change)
      } catch (e) {
        throw new CliError('Invalid', (e as Error).message)
      }
      if (isUnpinned(next) && !f['allow-unpinned']) throw new CliError('Invalid', `the model would get "${next}", which is not pinned (latest or no tag)`, {hint: 'give a version tag or a digest, or pass --allow-unpinned'})
      return {...c, image: next}
    }
    const outcome = f.isvc || f.llmisvc ? await this.changeModel(client, namespace, f, {what: 'image', apply: perModel}) : await this.change(client, live =>
      selectTargets(live, f.target).map(t => {
        const current = t.kind === 'ConfigMap' ? (live.doc.image as string | undefined) : (t.value as any).image
        let next: string
        try {
          next = applyImageChange(current, change)
        } catch (e) {
          throw new CliError('Invalid', `${t.display}: ${(e as Error).message}`)
        }
        if (isUnpinned(next) && !f['allow-unpinned'])
          throw new CliError('Invalid', `${t.display} would get "${next}", which is not pinned (latest or no tag)`, {hint: 'give a version tag or a digest, or pass --allow-unpinned'})
        const tag = parseImage(next)?.tag
        if (live.version && tag && parseRelease(tag) && tag !== live.version && !warned.has(tag)) {
          warned.add(tag)
          this.warn2(`image tag ${tag} differs from the KServe controller's version ${live.version}`)
        }
        const after = t.kind === 'ConfigMap' ? editFields(t.value as string, {image: next}) : {...(t.value as object), image: next}
        return {target: t, after, what: 'image'}
      }),
    )
    await this.report(outcome, {
      helmValues: () => {
        const cm = outcome.planned.find(p => p.target.kind === 'ConfigMap')
        const image = cm ? decodeStorageInitializer(String(cm.after), outcome.live.release).config.image : undefined
        return typeof image === 'string' ? imageValues(image, outcome.live.release) : ''
      },
    })
  }
}
