/**
 * What `set-image` writes, target by target: the ConfigMap's `image` (edited in place in the storageInitializer text,
 * through the key Go would read), a ClusterStorageContainer's `spec.container.image`, or one model's container.
 * Pure: the caller has read the targets and writes what this returns.
 */
import type {Container} from '../container-merge.js'
import {applyImageChange, checkImageChange, isUnpinned, registryWarning, type ImageChange} from '../image-change.js'
import {parseImage} from '../image.js'
import {editFields} from '../json-edit.js'
import {parseRelease} from '../release.js'
import {PlanError, type Edit} from './plan-error.js'
import type {ConfigMapTarget, StorageContainerTarget} from './target.js'

const PIN_HINT = 'give a version tag or a digest, or pass --allow-unpinned'

/** The change the arguments ask for: exactly one of IMAGE, --tag, --registry, well-formed, pinned unless allowed. */
export function imageChangeOf(args: {image?: string; tag?: string; registry?: string}, allowUnpinned: boolean): ImageChange {
  const given = [args.image, args.tag, args.registry].filter(x => x !== undefined).length
  if (given !== 1)
    throw new PlanError(
      'Usage',
      given === 0 ? 'set-image needs an IMAGE, --tag TAG or --registry HOST' : 'give only one of IMAGE, --tag and --registry',
    )
  const change: ImageChange =
    args.image !== undefined ? {image: args.image} : args.tag !== undefined ? {tag: args.tag} : {registry: args.registry!}
  try {
    checkImageChange(change)
  } catch (e) {
    throw new PlanError('Usage', (e as Error).message)
  }
  if ('image' in change && isUnpinned(change.image) && !allowUnpinned)
    throw new PlanError(
      'Invalid',
      `image "${change.image}" is not pinned (latest or no tag): pods would get whatever it points to when they start`,
      PIN_HINT,
    )
  return change
}

function next(current: string | undefined, change: ImageChange, allowUnpinned: boolean, who: string): string {
  let image: string
  try {
    image = applyImageChange(current, change)
  } catch (e) {
    throw new PlanError('Invalid', `${who}: ${(e as Error).message}`)
  }
  if (isUnpinned(image) && !allowUnpinned)
    throw new PlanError('Invalid', `${who} would get "${image}", which is not pinned (latest or no tag)`, PIN_HINT)
  return image
}

export interface ImagePlan<T> {
  edits: Edit<T>[]
  /** a tag that is a KServe release other than the controller's, once per tag */
  warnings: string[]
}

/** The edits for the selected targets. `doc` is the storageInitializer document as Go reads it (its image is the one pods get). */
export function planImage<T extends ConfigMapTarget | StorageContainerTarget>(
  targets: T[],
  doc: Record<string, unknown>,
  change: ImageChange,
  opts: {allowUnpinned: boolean; controllerVersion: string | null},
): ImagePlan<T> {
  const warnings: string[] = []
  const registry = registryWarning(change)
  if (registry) warnings.push(registry)
  const edits = targets.map((t): Edit<T> => {
    const current = t.kind === 'ConfigMap' ? (typeof doc.image === 'string' ? doc.image : undefined) : t.value?.image
    const image = next(current, change, opts.allowUnpinned, t.display)
    const tag = parseImage(image)?.tag
    const w = `image tag ${tag} differs from the KServe controller's version ${opts.controllerVersion}`
    if (opts.controllerVersion && tag && parseRelease(tag) && tag !== opts.controllerVersion && !warnings.includes(w)) warnings.push(w)
    const after = t.kind === 'ConfigMap' ? editFields(t.value ?? '', {image}) : {...t.value, image}
    return {target: t, after, what: 'image'}
  })
  return {edits, warnings}
}

/** One model's container with the new image. */
export function modelImage(c: Container, change: ImageChange, allowUnpinned: boolean): Container {
  return {...c, image: next(typeof c.image === 'string' ? c.image : undefined, change, allowUnpinned, 'the model')}
}
