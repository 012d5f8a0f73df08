/**
 * The settings a change makes, as use cases over the change pipeline (change.ts): set-image, set-resources and
 * set-security-context for the configuration served to every model (the ConfigMap and the ClusterStorageContainers that serve its image), and the
 * Helm values that make each change last.
 */
import {decodeStorageInitializer} from '../domain/go-json.js'
import {imageValues, modelcarValues, resourceValues} from '../domain/helm-values.js'
import type {ImageChange} from '../domain/image-change.js'
import {planImage} from '../domain/plans/image.js'
import {planResources, type ResourceChange} from '../domain/plans/resources.js'
import {planSecurity, type SecurityLevel} from '../domain/plans/security.js'
import {isDedicated} from '../domain/plans/target.js'
import {configMapTarget, cscTargets, selectTargets, type Outcome, type Planner} from './change.js'

/** set-image: the targets named (default: every one serving the ConfigMap's image repository) get the new image. */
export function imagePlanner(
  change: ImageChange,
  opts: {targets?: string[]; allowUnpinned: boolean; warn: (text: string) => void},
): Planner {
  return live => {
    const {edits, warnings} = planImage(selectTargets(live, opts.targets), live.doc, change, {
      allowUnpinned: opts.allowUnpinned,
      controllerVersion: live.version,
    })
    for (const w of warnings) opts.warn(w)
    return edits
  }
}

/** set-resources: the targets named (default: as set-image) get the new requests and limits; --modelcar: the ConfigMap's modelcar fields. */
export function resourcesPlanner(change: ResourceChange, targets?: string[]): Planner {
  return live =>
    planResources(change.modelcar ? [] : selectTargets(live, targets), change, {
      doc: live.doc,
      configMap: configMapTarget(live),
      serving: cscTargets(live).filter(t => t.serving),
      release: live.release,
    })
}

/** The storageInitializer document the change wrote into the ConfigMap, as KServe decodes it (undefined: not written). */
function writtenConfig(o: Outcome): Record<string, unknown> | undefined {
  const cm = o.planned.find(p => p.target.kind === 'ConfigMap')
  return cm ? decodeStorageInitializer(String(cm.after), o.live.release).config : undefined
}

/** values.yaml lines that make an image change last (empty: the ConfigMap was not changed). */
export function imageHelmValues(o: Outcome): string {
  const image = writtenConfig(o)?.image
  return typeof image === 'string' ? imageValues(image, o.live.release) : ''
}

/** values.yaml lines that make a resources change last. */
export function resourcesHelmValues(o: Outcome, change: ResourceChange): string {
  if (change.modelcar) return modelcarValues({...change.requests, ...change.limits})
  return resourceValues(writtenConfig(o) ?? {}, o.live.release)
}

/** values.yaml lines that make the whole storageInitializer a change wrote last (rollback): its image and resources. */
export function configHelmValues(o: Outcome): string {
  const doc = writtenConfig(o)
  if (!doc) return ''
  const image = typeof doc.image === 'string' ? imageValues(doc.image, o.live.release) : ''
  const resources = resourceValues(doc, o.live.release)
  // one kserve.storage block: the resources' lines go under the image's (a chart that hard-codes them: comments only)
  const header = 'kserve:\n  storage:\n'
  return image.startsWith(header) && resources.startsWith(header) ? image + resources.slice(header.length) : image + resources
}

/**
 * set-security-context: the ClusterStorageContainers named, or by default every one that serves pods and is not a
 * model's own (the ConfigMap has no securityContext, so it is never a default target and refused when named).
 */
export function securityPlanner(level: SecurityLevel, targets?: string[]): Planner {
  const named = (targets ?? []).flatMap(t => t.split(',')).map(t => t.trim())
  return live =>
    planSecurity(
      targets?.length
        ? // --target all: every ClusterStorageContainer (the ConfigMap cannot hold a securityContext); configmap named: refused
          selectTargets(live, targets).filter(t => t.kind !== 'ConfigMap' || named.includes('configmap'))
        : cscTargets(live).filter(t => t.serving && t.object && !isDedicated(t.object)),
      level,
    )
}
