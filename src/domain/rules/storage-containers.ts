/** ClusterStorageContainers: the CRD and workloadType (SI054, SI055), names, images and resources (SI052, SI010-SI022), regexes (SI050), images that differ (SI053), overlaps (SI051). */
import {imageName} from '../image.js'
import {re2Error} from '../re2.js'
import {atLeast} from '../release.js'
import {matches, type StorageContainer} from '../storage-containers.js'
import {finding, imageFindings, resourceFindings, type Context} from './common.js'

export function storageContainerRules(ctx: Context): void {
  const {input, out, release, doc, config, containers, enabled, merged} = ctx
  if (input.storageContainerCrd === false && (!release || atLeast(release, '0.11.1')))
    out.push(
      finding(
        'SI054',
        'customresourcedefinition/clusterstoragecontainers.serving.kserve.io',
        'the ClusterStorageContainer CRD is not installed: the webhook lists ClusterStorageContainers from its cache, that list fails, and KServe refuses every pod with a storage URI',
        'install the CRD from your KServe release (config/crd), even if you define no ClusterStorageContainer',
      ),
    )
  for (const [i, o] of input.storageContainers.entries()) {
    const c = containers[i]
    const p = `clusterstoragecontainer/${c.name}:spec`
    if (c.workloadType === undefined && !c.disabled && (!release || atLeast(release, '0.14')))
      out.push(
        finding(
          'SI055',
          `${p}.workloadType`,
          `${c.name} has no workloadType (its CRD does not default it): KServe skips it, so it serves nothing`,
          "set spec.workloadType: initContainer, or install KServe's full CRD (it defaults the field)",
        ),
      )
    if (c.containerName !== undefined && c.containerName !== 'storage-initializer')
      out.push(finding('SI052', `${p}.container.name`, `the container is named "${c.containerName}"`, 'name it storage-initializer'))
    out.push(...imageFindings(c.image, `${p}.container.image`, release))
    const own = resourceFindings(
      o.spec?.container?.resources?.requests ?? {},
      o.spec?.container?.resources?.limits ?? {},
      (kind, r) => `${p}.container.resources.${kind}.${r}`,
    )
    out.push(...own)
    // the container pods get is this one merged over the ConfigMap's: a request above a limit can come from either side
    if (doc && enabled.includes(c)) {
      const m = merged(c).resources ?? {}
      for (const f of resourceFindings(m.requests ?? {}, m.limits ?? {}, (kind, r) => `${p}.container.resources.${kind}.${r}`))
        if (f.rule === 'SI021' && !own.some(x => x.rule === 'SI021' && x.path === f.path)) {
          const r = f.path.split('.').pop()!
          out.push(
            finding(
              'SI022',
              f.path,
              `pods served by ${c.name} get ${r} request ${m.requests?.[r]} and limit ${m.limits?.[r]} (its container merged over the ConfigMap's): the API server rejects every such pod`,
              `give ${c.name} its own ${r} request and limit, or change the ConfigMap's (kubectl storage-init set-resources)`,
            ),
          )
        }
    }
    for (const [j, f] of c.uriFormats.entries()) {
      if (!f.regex || f.prefix) continue
      const problem = re2Error(f.regex)
      // a regex too long to match here is this plugin's limit, not Go's: KServe would try it
      if (problem?.tooLong)
        out.push(
          finding(
            'SI050',
            `${p}.supportedUriFormats[${j}].regex`,
            `${problem.message}: not checked, so which pods ${c.name} serves is not known`,
            'write a shorter regular expression: URI formats are a few dozen characters',
          ),
        )
      else if (problem)
        out.push(
          finding(
            'SI050',
            `${p}.supportedUriFormats[${j}].regex`,
            `regex ${JSON.stringify(f.regex)}: ${problem.message}: the webhook's lookup fails when it reaches ${c.name}, and KServe refuses the pod`,
            'write a Go RE2 regular expression (no lookaround, no backreferences)',
          ),
        )
    }
    if (doc && typeof config.image === 'string' && c.image && !c.disabled && c.image !== config.image) {
      const same = imageName(c.image) === imageName(config.image)
      out.push(
        finding(
          'SI053',
          `${p}.container.image`,
          `${c.image} differs from the ConfigMap's ${config.image}${same ? '' : ' (another repository)'}: models get one or the other depending on their URI`,
          'align them: kubectl storage-init set-image --target all …',
        ),
      )
    }
  }
  // overlaps: a URI two enabled containers both match, from each one's formats; a per-model container is named by its
  // model, and matches only that model's URIs (SI058 checks that)
  const general = enabled.filter(
    c => input.storageContainers.find(o => o.metadata?.name === c.name)?.metadata?.labels?.['storage-init.kserve.io/dedicated'] !== 'true',
  )
  for (let a = 0; a < general.length; a++)
    for (let b = a + 1; b < general.length; b++) {
      const shared = sampleUris(general[a])
        .filter(u => matchesAny(general[b], u))
        .concat(sampleUris(general[b]).filter(u => matchesAny(general[a], u)))
      if (shared.length) {
        const same = JSON.stringify(merged(general[a])) === JSON.stringify(merged(general[b]))
        out.push(
          finding(
            'SI051',
            `clusterstoragecontainer/${general[b].name}:spec.supportedUriFormats`,
            `${general[a].name} and ${general[b].name} both match ${shared[0]}: the webhook lists ClusterStorageContainers from its informer cache in no fixed order, so either may serve such a pod, pod by pod${same ? ' (both give the same container today)' : ', with different init containers'}`,
            `make the formats disjoint, or disable one; to pin one model to one container, set spec.predictor.storageContainerName on its InferenceService (KServe v0.20+)`,
            same ? {severity: 'warning'} : {},
          ),
        )
      }
    }
}

function sampleUris(c: StorageContainer): string[] {
  return c.uriFormats
    .map(f => (f.prefix ? `${f.prefix}bucket/model` : f.regex ? regexSample(f.regex) : undefined))
    .filter((u): u is string => !!u)
}

/** A URI a regex format matches, made from its literal text (good enough for the formats people write). */
function regexSample(re: string): string | undefined {
  const s = re
    .replace(/^\^/, '')
    .replace(/\$$/, '')
    .replace(/\(\.\+\??\)|\.\+\??|\.\*\??|\(\.\*\??\)/g, 'x')
    .replace(/s\?/g, 's')
    .replace(/\\\./g, '.')
    .replace(/\\\//g, '/')
  return matches({uriFormats: [{regex: re}]} as StorageContainer, s) ? s : undefined
}

function matchesAny(c: StorageContainer, uri: string): boolean {
  return matches(c, uri)
}
