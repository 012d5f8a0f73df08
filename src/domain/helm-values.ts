/**
 * KServe's Helm chart (kserve-resources) and the storageInitializer document, both ways: what a values file renders,
 * and which values make a change last. Per chart release, from the chart files (test/fixtures/kserve/<tag>/helm-*):
 * - every chart (v0.11.2 on, templates/configmap.yaml's `storageInitializer` key; the `_example` block above it shows
 *   kserve/storage-initializer:latest, which is not what is rendered) renders
 *   `"image": "{{ kserve.storage.image }}:{{ kserve.storage.tag }}"`, from v0.17 with `| default kserve.version` on the tag;
 * - up to v0.20.0 it hard-codes the resources (100Mi/1Gi/100m/1; kserve/kserve#5412): `kserve.storage.resources` is
 *   ignored; after v0.20.0 (master) they come from `kserve.storage.resources` too;
 * - the other keys per release: see passedThrough and hardCoded below.
 * The one home of the mapping between the document's fields and the values (kserve.storage.*); a release's Secret is
 * decoded by helm-release.ts.
 */

import {formatImage, parseImage} from './image.js'
import {atLeast, parseRelease, type Release} from './release.js'
import type {Finding} from './rules.js'
import {isResourceField, RESOURCE_FIELDS, type ResourceField} from './storage-initializer.js'

/** A values file of the chart, as far as this file reads it. */
export interface HelmValues {
  kserve?: {version?: unknown; storage?: Record<string, any>}
}

/** Where the chart takes each resource field from: kserve.storage.resources.KIND.RESOURCE, in the order it renders them. */
const RENDERED = Object.keys(RESOURCE_FIELDS) as ResourceField[]

/**
 * Fields the chart renders as given, from kserve.storage.FIELD, per chart release (templates/configmap.yaml):
 * v0.11.x renders only the image and the four hard-coded resources; v0.12-v0.15 add the CA bundle and modelcar keys
 * (no uidModelcar) and hard-code enableDirectPvcVolumeMount true; from v0.16 uidModelcar too, and no
 * enableDirectPvcVolumeMount (the field left KServe).
 */
const PASSED_THROUGH = [
  'caBundleConfigMapName',
  'caBundleVolumeMountPath',
  'enableModelcar',
  'cpuModelcar',
  'memoryModelcar',
  'uidModelcar',
]

function passedThrough(r: Release | undefined): string[] {
  if (r && !atLeast(r, '0.12')) return []
  if (r && !atLeast(r, '0.16')) return PASSED_THROUGH.filter(f => f !== 'uidModelcar')
  return PASSED_THROUGH
}

/** Keys a chart release writes with a fixed value, whatever the values say (besides the resources: CHART_FIXED). */
function hardCoded(r: Release | undefined): Record<string, unknown> {
  return r && atLeast(r, '0.12') && !atLeast(r, '0.16') ? {enableDirectPvcVolumeMount: true} : {}
}

/** The values a field of the document is rendered from: the image from two (repository, then tag), any other from one. */
export function valuesOf(field: string): string[] {
  if (field === 'image') return ['kserve.storage.image', 'kserve.storage.tag']
  if (isResourceField(field)) return [`kserve.storage.resources.${RESOURCE_FIELDS[field].kind}.${RESOURCE_FIELDS[field].resource}`]
  return [`kserve.storage.${field}`]
}

export interface ChartRules {
  /** an empty kserve.storage.tag renders kserve.version (v0.17 on; before, the image renders with an empty tag) */
  tagDefaultsToVersion: boolean
  /** the chart renders the resources from kserve.storage.resources */
  resources: boolean
}

/** What a chart release reads from its values (unknown release: the newest rules). */
export function chartRules(r: Release | undefined): ChartRules {
  if (!r) return {tagDefaultsToVersion: true, resources: true}
  return {tagDefaultsToVersion: atLeast(r, '0.17'), resources: atLeast(r, '0.21')}
}

export const CHART_FIXED = {
  memoryRequest: '100Mi',
  memoryLimit: '1Gi',
  cpuRequest: '100m',
  cpuLimit: '1',
}

/** Helm's `default`: an empty string counts as unset. */
const orDefault = (v: unknown, d: unknown) => (v === undefined || v === null || v === '' ? d : v)

/** The storageInitializer document the chart renders from these values, and the values it ignores. */
export function renderStorageInitializer(
  values: HelmValues | undefined,
  r: Release | undefined,
): {doc: Record<string, unknown>; ignored: string[]} {
  const k = values?.kserve ?? {}
  const s = k.storage ?? {}
  const rules = chartRules(r)
  const ignored: string[] = []
  const doc: Record<string, unknown> = {}
  const tag = rules.tagDefaultsToVersion ? orDefault(s.tag, k.version) : s.tag
  if (s.image !== undefined) doc.image = `${s.image}${tag ? `:${tag}` : ''}`
  const res = s.resources ?? {}
  for (const field of RENDERED) {
    const v = res[RESOURCE_FIELDS[field].kind]?.[RESOURCE_FIELDS[field].resource]
    const fixed = CHART_FIXED[field]
    if (rules.resources) doc[field] = v === undefined ? fixed : String(v)
    else {
      doc[field] = fixed
      if (v !== undefined && String(v) !== fixed) ignored.push(`kserve.storage.resources (${field} ${v})`)
    }
  }
  Object.assign(doc, hardCoded(r))
  const rendered = passedThrough(r)
  for (const f of PASSED_THROUGH)
    if (s[f] !== undefined) {
      if (rendered.includes(f)) doc[f] = s[f]
      else ignored.push(`kserve.storage.${f}`)
    }
  for (const [f, v] of Object.entries(hardCoded(r)))
    if (s[f] !== undefined && s[f] !== v) ignored.push(`kserve.storage.${f} (the chart writes ${JSON.stringify(v)})`)
  return {doc, ignored}
}

/**
 * A values file: the storageInitializer document the chart renders (as JSON text), the release it is judged by (the
 * one given, else kserve.version), and the values the chart ignores.
 */
export function renderValues(values: HelmValues, releaseFlag?: Release): {text: string; release?: Release; ignored: string[]} {
  const version = values.kserve?.version
  const release = releaseFlag ?? parseRelease(typeof version === 'string' ? version : undefined)
  const {doc, ignored} = renderStorageInitializer(values, release)
  return {text: JSON.stringify(doc, null, 4), release, ignored}
}

/**
 * A finding on the document a values file renders, pointed back at the values: its path names the value
 * (`values.yaml:kserve.storage.image`), its hint says to change the value, since a values file is fixed in the values
 * and not with live commands.
 */
export function inValues(f: Finding, file: string): Finding {
  const field = /data\.storageInitializer\.(\w+)$/.exec(f.path)?.[1]
  if (!field) return f
  const values = valuesOf(field)
  const hint =
    f.rule === 'SI071' ? f.hint : `change ${values.join(' and ')} in the values${/kubectl storage-init/.test(f.hint) ? '' : ` (${f.hint})`}`
  return {...f, path: `${file}:${values[0]}`, hint}
}

/**
 * The values that make the ConfigMap's image `image` last over the next helm upgrade, or why none can. The chart always
 * renders `IMAGE:TAG`, so a digest needs a tag in front of it (TAG@sha256:…, the digest wins at pull).
 */
export function imageValues(image: string, r: Release | undefined): string {
  const ref = parseImage(image)
  if (!ref) return `# ${image} is not a valid image reference\n`
  const repo = formatImage({...ref, tag: undefined, digest: undefined})
  if (!ref.digest) return `kserve:\n  storage:\n    image: ${repo}\n    tag: ${JSON.stringify(ref.tag ?? '')}\n`
  const tag = ref.tag ?? r?.text
  if (!tag)
    return `kserve:\n  storage:\n    image: ${repo}\n    tag: "<a tag>@${ref.digest}"   # the chart renders IMAGE:TAG; any tag in front of the digest renders a valid reference\n`
  return `kserve:\n  storage:\n    image: ${repo}\n    tag: "${tag}@${ref.digest}"   # renders ${repo}:${tag}@${ref.digest}; the digest decides what is pulled\n`
}

/** The values that make the modelcar's cpu and memory last. */
export function modelcarValues(both: Record<string, string>): string {
  return `kserve:\n  storage:\n${both.cpu ? `    cpuModelcar: ${both.cpu}\n` : ''}${both.memory ? `    memoryModelcar: ${both.memory}\n` : ''}`
}

/** The values that make the ConfigMap's resources last, or why none can. */
export function resourceValues(doc: Record<string, unknown>, r: Release | undefined): string {
  if (!chartRules(r).resources)
    return `# the kserve-resources chart ${r?.text ?? ''} hard-codes the storage-initializer resources (kserve/kserve#5412):\n# no value keeps them; the next helm upgrade restores ${CHART_FIXED.memoryRequest}/${CHART_FIXED.memoryLimit} memory, ${CHART_FIXED.cpuRequest}/${CHART_FIXED.cpuLimit} cpu.\n# Charts after v0.20.0 render kserve.storage.resources:\n`.concat(
      resourcesYaml(doc, '# '),
    )
  return resourcesYaml(doc, '')
}

/** kserve.storage.resources with the document's resource fields (each kind's resources in name order: cpu, memory), every line prefixed with `p`. */
function resourcesYaml(doc: Record<string, unknown>, p: string): string {
  const lines = (kind: 'requests' | 'limits') =>
    RENDERED.filter(f => RESOURCE_FIELDS[f].kind === kind && doc[f] !== undefined)
      .sort((a, b) => RESOURCE_FIELDS[a].resource.localeCompare(RESOURCE_FIELDS[b].resource))
      .map(f => `${p}        ${RESOURCE_FIELDS[f].resource}: ${JSON.stringify(String(doc[f]))}\n`)
      .join('')
  return `${p}kserve:\n${p}  storage:\n${p}    resources:\n${p}      requests:\n${lines('requests')}${p}      limits:\n${lines('limits')}`
}
