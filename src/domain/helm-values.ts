/**
 * KServe's Helm chart (kserve-resources) and the storageInitializer document, both ways: what a values file renders,
 * and which values make a change last. Per chart release, from the chart files (test/fixtures/kserve/<tag>/helm-*):
 * - up to v0.16 the chart hard-codes the whole document (image kserve/storage-initializer:latest): no value changes it;
 * - v0.17 to v0.20.0 it renders `"image": "{{ kserve.storage.image }}:{{ kserve.storage.tag | default kserve.version }}"`
 *   and still hard-codes the resources (100Mi/1Gi/100m/1; kserve/kserve#5412): `kserve.storage.resources` is ignored;
 * - after v0.20.0 (master) the resources come from `kserve.storage.resources` too.
 * (v0.16 was not checked: it is judged as v0.15.)
 */
import {formatImage, parseImage} from './image.js'
import {atLeast, type Release} from './release.js'

export interface ChartRules {
  /** the chart renders the image from kserve.storage.image/tag */
  image: boolean
  /** the chart renders the resources from kserve.storage.resources */
  resources: boolean
}

/** What a chart release reads from its values (unknown release: the newest rules). */
export function chartRules(r: Release | undefined): ChartRules {
  if (!r) return {image: true, resources: true}
  return {image: atLeast(r, '0.17'), resources: atLeast(r, '0.21')}
}

export const CHART_FIXED = {image: 'kserve/storage-initializer:latest', memoryRequest: '100Mi', memoryLimit: '1Gi', cpuRequest: '100m', cpuLimit: '1'}

/** Helm's `default`: an empty string counts as unset. */
const orDefault = (v: unknown, d: unknown) => (v === undefined || v === null || v === '' ? d : v)

/** The storageInitializer document the chart renders from these values, and the values it ignores. */
export function renderStorageInitializer(values: any, r: Release | undefined): {doc: Record<string, unknown>; ignored: string[]} {
  const k = values?.kserve ?? {}
  const s = k.storage ?? {}
  const rules = chartRules(r)
  const ignored: string[] = []
  const doc: Record<string, unknown> = {}
  if (rules.image) {
    const tag = orDefault(s.tag, k.version)
    if (s.image !== undefined) doc.image = `${s.image}${tag ? `:${tag}` : ''}`
  } else {
    doc.image = CHART_FIXED.image
    if (s.image !== undefined || s.tag) ignored.push('kserve.storage.image/tag')
  }
  const res = s.resources ?? {}
  const given = {memoryRequest: res.requests?.memory, memoryLimit: res.limits?.memory, cpuRequest: res.requests?.cpu, cpuLimit: res.limits?.cpu}
  for (const [field, v] of Object.entries(given)) {
    const fixed = CHART_FIXED[field as keyof typeof CHART_FIXED]
    if (rules.resources) doc[field] = v === undefined ? fixed : String(v)
    else {
      doc[field] = fixed
      if (v !== undefined && String(v) !== fixed) ignored.push(`kserve.storage.resources (${field} ${v})`)
    }
  }
  for (const f of ['caBundleConfigMapName', 'caBundleVolumeMountPath', 'enableModelcar', 'cpuModelcar', 'memoryModelcar', 'uidModelcar']) if (s[f] !== undefined) doc[f] = s[f]
  return {doc, ignored}
}

/**
 * The values that make the ConfigMap's image `image` last over the next helm upgrade, or why none can. The chart always
 * renders `IMAGE:TAG`, so a digest needs a tag in front of it (TAG@sha256:…, the digest wins at pull).
 */
export function imageValues(image: string, r: Release | undefined): string {
  if (!chartRules(r).image)
    return `# the kserve-resources chart ${r?.text ?? ''} hard-codes "image": "${CHART_FIXED.image}": no value keeps ${image};\n# the next helm upgrade restores it (charts from v0.17 render kserve.storage.image and kserve.storage.tag)\n`
  const ref = parseImage(image)
  if (!ref) return `# ${image} is not a valid image reference\n`
  const repo = formatImage({...ref, tag: undefined, digest: undefined})
  if (!ref.digest) return `kserve:\n  storage:\n    image: ${repo}\n    tag: ${JSON.stringify(ref.tag ?? '')}\n`
  const tag = ref.tag ?? r?.text
  if (!tag) return `kserve:\n  storage:\n    image: ${repo}\n    tag: "<a tag>@${ref.digest}"   # the chart renders IMAGE:TAG; any tag in front of the digest renders a valid reference\n`
  return `kserve:\n  storage:\n    image: ${repo}\n    tag: "${tag}@${ref.digest}"   # renders ${repo}:${tag}@${ref.digest}; the digest decides what is pulled\n`
}

/** The values that make the modelcar's cpu and memory last. */
export function modelcarValues(both: Record<string, string>): string {
  return `kserve:\n  storage:\n${both.cpu ? `    cpuModelcar: ${both.cpu}\n` : ''}${both.memory ? `    memoryModelcar: ${both.memory}\n` : ''}`
}

/** The values that make the ConfigMap's resources last, or why none can. */
export function resourceValues(doc: Record<string, unknown>, r: Release | undefined): string {
  if (!chartRules(r).resources)
    return `# the kserve-resources chart ${r?.text ?? ''} hard-codes the storage-initializer resources (kserve/kserve#5412):\n# no value keeps them; the next helm upgrade restores ${CHART_FIXED.memoryRequest}/${CHART_FIXED.memoryLimit} memory, ${CHART_FIXED.cpuRequest}/${CHART_FIXED.cpuLimit} cpu.\n# Charts after v0.20.0 render kserve.storage.resources:\n`.concat(resourcesYaml(doc, '# '))
  return resourcesYaml(doc, '')
}

function resourcesYaml(doc: Record<string, unknown>, p: string): string {
  const line = (r: string, field: string) => (doc[field] !== undefined ? `${p}        ${r}: ${JSON.stringify(String(doc[field]))}\n` : '')
  return `${p}kserve:\n${p}  storage:\n${p}    resources:\n${p}      requests:\n${line('cpu', 'cpuRequest')}${line('memory', 'memoryRequest')}${p}      limits:\n${line('cpu', 'cpuLimit')}${line('memory', 'memoryLimit')}`
}
