/**
 * A rollback writes what a history record says, and a record is data: anyone who may write the ConfigMap
 * storage-initializer-history can forge one. So the plugin must not be a confused deputy: a restore writes only the
 * fields the plugin's own changes write (the ConfigMap's image and four resource fields; a ClusterStorageContainer's
 * image and resources; a model's storageContainerName, pointing at its own dedicated container; an
 * LLMInferenceService override's image and resources), deletes only the containers it made, and touches a model only
 * through a record shaped like the per-model change it makes. Anything else is refused unless the operator names the
 * field (`--allow-field`), after seeing every value (docs/security.md).
 */
import {documentOf, fieldDiff, kindOf, type RevisionRecord} from './history.js'
import {dedicatedName} from './plans/model.js'
import {isDedicated, type KubeObject} from './plans/target.js'
import {RESOURCE_FIELDS} from './storage-initializer.js'

/** One value a restore writes: a field of a target, from what is live to what is written. */
export interface WrittenField {
  target: string
  /** dotted path inside the target's value ('' : the whole value) */
  field: string
  from: unknown
  to: unknown
}

/** A write the plugin's own changes never make, and why. */
export interface Unsafe extends WrittenField {
  why: string
}

/** The storageInitializer fields set-image and set-resources write (Go reads keys case-insensitively: so do we). */
const CONFIGMAP_FIELDS = new Set(['image', ...Object.keys(RESOURCE_FIELDS)].map(f => f.toLowerCase()))

const topKey = (path: string) => path.split('.')[0]

/** Does a change of kubectl storage-init ever write this field of this kind of target? */
function ownField(target: string, path: string): boolean {
  if (target === 'configmap') return CONFIGMAP_FIELDS.has(topKey(path).toLowerCase())
  if (target.startsWith('storage-container/') || target.startsWith('llminferenceservice/'))
    return path === 'image' || path === 'resources' || path.startsWith('resources.') || path === 'name'
  return false
}

const modelOf = (target: string) => {
  const m = /^(inferenceservice|llminferenceservice)\/([^/]+)\/([^/]+)$/.exec(target)
  return m ? {kind: m[1], namespace: m[2], name: m[3]} : undefined
}

/**
 * The fields a restore writes into one target, value by value: what differs between the live value and the written
 * one. When the live value is not a document (a repair), every field of the written one that differs from `base`
 * (what the newest record says the plugin left).
 */
export function writtenFields(target: string, live: unknown, written: unknown, base: unknown): WrittenField[] {
  const kind = kindOf(target)
  if (modelOf(target)?.kind === 'inferenceservice')
    return live === written ? [] : [{target, field: 'storageContainerName', from: live ?? null, to: written ?? null}]
  const diffs = fieldDiff(kind, live, written)
  if (diffs.length === 1 && diffs[0].path === '' && documentOf(kind, written)) {
    // a repair: the live value is not a document, so what the record says the plugin left stands for it
    const from = documentOf(kind, base) ? base : kind === 'json-text' ? '{}' : {}
    return fieldDiff(kind, from, written).map(d => ({target, field: d.path, from: d.a, to: d.b}))
  }
  return diffs.map(d => ({target, field: d.path, from: d.a, to: d.b}))
}

/**
 * What in a restore the plugin's own changes would never write: fields beyond its own, a storageContainerName other
 * than the model's own container, a delete of a container it did not make, a model touched by a record that is not
 * a per-model change of that one model. `allowed`: fields the operator named (`all`: every field).
 */
export function unsafeWrites(
  writes: {target: string; fields: WrittenField[]; liveObject?: KubeObject; deletes: boolean}[],
  records: RevisionRecord[],
  allowed: string[] = [],
): Unsafe[] {
  const ok = (f: WrittenField) => allowed.includes('all') || allowed.includes(f.field) || allowed.includes(topKey(f.field))
  const out: Unsafe[] = []
  for (const w of writes) {
    const model = modelOf(w.target)
    if (model) {
      // the plugin changes a model only alone, with its own dedicated container (or, for an LLMInferenceService, alone)
      const own = `storage-container/${dedicatedName({kind: 'InferenceService', namespace: model.namespace, name: model.name})}`
      const odd = records.find(
        r =>
          r.targets.some(t => t.target === w.target) &&
          r.targets.some(t => t.target !== w.target && (model.kind === 'llminferenceservice' || t.target !== own)),
      )
      if (odd)
        for (const f of w.fields)
          if (!ok(f))
            out.push({
              ...f,
              why: `revision ${odd.revision} changes ${w.target} together with ${odd.targets
                .filter(t => t.target !== w.target)
                .map(t => t.target)
                .join(', ')}, which no change of kubectl storage-init does`,
            })
    }
    if (w.deletes && !isDedicated(w.liveObject)) {
      out.push({
        target: w.target,
        field: '',
        from: 'exists',
        to: null,
        why: 'deleting a ClusterStorageContainer kubectl storage-init did not make',
      })
      continue
    }
    for (const f of w.fields) {
      // a whole value that is not a document (invalid JSON): validate's rules refuse it as KServe would (SI001), and
      // --allow-rejected-config is the flag that writes it; an LLMInferenceService override removed: what undo does
      if (f.field === '' && (!model || (model.kind === 'llminferenceservice' && f.to === null))) continue
      if (ok(f) || out.some(u => u.target === f.target && u.field === f.field)) continue
      if (model?.kind === 'inferenceservice') {
        const own = dedicatedName({kind: 'InferenceService', namespace: model.namespace, name: model.name})
        if (f.to !== null && f.to !== own)
          out.push({...f, why: `kubectl storage-init only ever points a model at its own container (${own}) or unsets the field`})
        continue
      }
      if (!ownField(w.target, f.field)) out.push({...f, why: 'a field kubectl storage-init never changes'})
    }
  }
  return out
}
