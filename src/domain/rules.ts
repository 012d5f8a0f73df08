/**
 * The rules of `validate`, as pure functions of what was read (live or from a file). Each finding has a stable rule id,
 * a severity, the path it concerns, a message and a fix hint. The rule table in the README is generated from RULES.
 */
import {imageName, parseImage} from './image.js'
import {parseQuantity, QUANTITY_HELP} from './quantity.js'
import {atLeast, parseRelease, type Release} from './release.js'
import {fromResource, type StorageContainer} from './storage-containers.js'
import {DocumentSyntaxError, FIELDS, fieldKnownIn, parseStorageInitializer, type FieldSpec} from './storage-initializer.js'

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  rule: string
  name: string
  severity: Severity
  /** where: configmap/inferenceservice-config:data.storageInitializer.image, clusterstoragecontainer/default:spec.container.image */
  path: string
  message: string
  hint: string
  /** for syntax errors: 1-based position inside the storageInitializer text */
  line?: number
  column?: number
}

export interface RuleSpec {
  id: string
  name: string
  severity: Severity
  description: string
}

export const RULES: RuleSpec[] = [
  {id: 'SI001', name: 'json-syntax', severity: 'error', description: 'storageInitializer is not valid JSON (KServe panics on every pod admission)'},
  {id: 'SI002', name: 'missing', severity: 'error', description: 'the ConfigMap or its storageInitializer key is missing'},
  {id: 'SI003', name: 'wrong-type', severity: 'error', description: 'a field has the wrong JSON type (e.g. a number where KServe expects a string)'},
  {id: 'SI004', name: 'unknown-field', severity: 'warning', description: 'a field KServe does not read (a typo, with a suggestion), or one only other releases read'},
  {id: 'SI005', name: 'required-quantity', severity: 'error', description: 'cpuRequest, cpuLimit, memoryRequest or memoryLimit is missing or empty (KServe fails to parse "")'},
  {id: 'SI010', name: 'image-reference', severity: 'error', description: 'an image is not a valid reference'},
  {id: 'SI011', name: 'image-unpinned', severity: 'warning', description: 'an image is unpinned: tagged latest, or no tag and no digest'},
  {id: 'SI012', name: 'image-no-digest', severity: 'info', description: 'an image is pinned by tag only; a digest is immutable'},
  {id: 'SI013', name: 'image-version', severity: 'warning', description: 'a storage-initializer image release differs from the KServe controller release'},
  {id: 'SI020', name: 'quantity', severity: 'error', description: 'a resource value is not a Kubernetes quantity'},
  {id: 'SI021', name: 'request-above-limit', severity: 'error', description: 'a request is above its limit (the pod is rejected)'},
  {id: 'SI030', name: 'ca-bundle-missing', severity: 'error', description: 'caBundleConfigMapName names a ConfigMap that does not exist (live only)'},
  {id: 'SI031', name: 'mount-path', severity: 'error', description: 'caBundleVolumeMountPath is not an absolute path'},
  {id: 'SI040', name: 'oci-mode', severity: 'error', description: 'ociModelMode is not modelcar, native or fetch; or modelcar settings KServe rejects'},
  {id: 'SI050', name: 'uri-regex', severity: 'error', description: 'a ClusterStorageContainer URI regex does not compile (or uses what Go RE2 lacks)'},
  {id: 'SI051', name: 'uri-overlap', severity: 'warning', description: 'two enabled ClusterStorageContainers match the same URIs; the first by name wins'},
  {id: 'SI052', name: 'container-name', severity: 'error', description: 'a ClusterStorageContainer container is not named storage-initializer (duplicate volume errors, kserve#3900)'},
  {id: 'SI053', name: 'image-disagrees', severity: 'warning', description: 'the ConfigMap image and a ClusterStorageContainer image differ, so models get different initializers by URI'},
  {id: 'SI060', name: 'pull-secret', severity: 'warning', description: 'a private-registry image, but no imagePullSecrets on the service accounts of InferenceService namespaces (live only)'},
  {id: 'SI070', name: 'helm-drift', severity: 'warning', description: 'the live settings differ from what the Helm release rendered: the next helm upgrade reverts them (live only, where the release is readable)'},
]

const spec = (id: string) => RULES.find(r => r.id === id)!

function finding(id: string, path: string, message: string, hint: string, extra: Partial<Finding> = {}): Finding {
  const r = spec(id)
  return {rule: r.id, name: r.name, severity: extra.severity ?? r.severity, path, message, hint, ...extra}
}

function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => [i, ...new Array(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1))
  return d[a.length][b.length]
}

const PUBLIC_REGISTRIES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'registry.k8s.io', 'public.ecr.aws', 'mcr.microsoft.com', 'nvcr.io'])

export function isPrivateRegistry(image: string): boolean {
  const r = parseImage(image)
  return !!r?.registry && !PUBLIC_REGISTRIES.has(r.registry)
}

function imageFindings(image: unknown, path: string, release: Release | undefined): Finding[] {
  if (typeof image !== 'string' || image === '') return []
  const ref = parseImage(image)
  if (!ref) return [finding('SI010', path, `"${image}" is not a valid image reference`, 'use [registry[:port]/]path[:tag][@sha256:digest], lower-case path components')]
  const out: Finding[] = []
  if (!ref.digest && (!ref.tag || ref.tag === 'latest'))
    out.push(finding('SI011', path, `"${image}" is unpinned (${ref.tag ? 'latest' : 'no tag'}): pods get whatever it points to when they start`, 'pin a release tag, or better a digest: kubectl storage-init set-image --tag …'))
  else if (!ref.digest) out.push(finding('SI012', path, `"${image}" is pinned by tag only`, 'a digest (@sha256:…) cannot move under you'))
  const tagRelease = parseRelease(ref.tag)
  if (release && tagRelease && !/-/.test(release.text) && tagRelease.text !== release.text && (tagRelease.major !== release.major || tagRelease.minor !== release.minor || tagRelease.patch !== release.patch))
    out.push(finding('SI013', path, `the image is ${tagRelease.text}, the KServe controller is ${release.text}`, `use the controller's release: kubectl storage-init set-image --tag ${release.text}`))
  return out
}

function resourceFindings(requests: Record<string, unknown>, limits: Record<string, unknown>, path: (kind: string, r: string) => string): Finding[] {
  const out: Finding[] = []
  const q: Record<string, Record<string, number>> = {requests: {}, limits: {}}
  for (const [kind, list] of [['requests', requests], ['limits', limits]] as const) {
    for (const [r, v] of Object.entries(list)) {
      if (v === undefined || v === '') continue
      const n = typeof v === 'string' ? parseQuantity(v) : undefined
      if (n === undefined) out.push(finding('SI020', path(kind, r), `${JSON.stringify(v)} is not a valid quantity`, `use ${QUANTITY_HELP}`))
      else q[kind][r] = n
    }
  }
  for (const r of Object.keys(q.requests))
    if (q.limits[r] !== undefined && q.requests[r] > q.limits[r])
      out.push(finding('SI021', path('requests', r), `${r} request ${requests[r]} is above its limit ${limits[r]}`, 'raise the limit or lower the request (kubectl storage-init set-resources)'))
  return out
}

const TYPE_OK: Record<string, (v: unknown) => boolean> = {
  string: v => typeof v === 'string',
  quantity: v => typeof v === 'string',
  bool: v => typeof v === 'boolean',
  int: v => typeof v === 'number' && Number.isInteger(v),
}

export interface Cluster {
  /** does the CA bundle ConfigMap exist in KServe's namespace */
  configMapNames?: string[]
  /** namespaces running InferenceServices, with their service accounts' pull secrets and ConfigMap names */
  modelNamespaces?: {namespace: string; serviceAccounts: {name: string; imagePullSecrets: number}[]; configMaps?: string[]}[]
  /** what the Helm release that owns the ConfigMap rendered, when readable */
  helm?: {release: string; revision: number; storageInitializer?: string; storageContainers: any[]}
}

export interface ValidationInput {
  /** where the ConfigMap is, for paths */
  configMapPath: string
  /** undefined: the ConfigMap is missing; null: the key is missing */
  text: string | undefined | null
  release?: Release
  storageContainers: any[]
  cluster?: Cluster
}

/** Every finding, errors first, in a stable order. */
export function validate(input: ValidationInput): Finding[] {
  const out: Finding[] = []
  const base = `${input.configMapPath}:data.storageInitializer`
  const release = input.release
  let doc: Record<string, unknown> | undefined
  if (input.text === undefined) out.push(finding('SI002', input.configMapPath, 'the inferenceservice-config ConfigMap is missing', 'install KServe, or pass --kserve-namespace / -f with the right file'))
  else if (input.text === null) out.push(finding('SI002', base, 'the ConfigMap has no storageInitializer key', 'restore the key from your KServe release manifests'))
  else {
    try {
      doc = parseStorageInitializer(input.text)
    } catch (e) {
      if (!(e instanceof DocumentSyntaxError)) throw e
      out.push(finding('SI001', base, e.message.startsWith('expected a JSON object') ? 'storageInitializer must be a JSON object' : `invalid JSON: ${e.message}`, 'KServe rejects every InferenceService pod until this is fixed; correct the JSON (strict: no comments, no trailing commas)', {line: e.line, column: e.column}))
    }
  }
  if (doc) {
    const known = FIELDS.filter(f => fieldKnownIn(f, release))
    for (const [k, v] of Object.entries(doc)) {
      const f: FieldSpec | undefined = FIELDS.find(x => x.name === k)
      if (!f) {
        const near = known.map(x => ({x, d: distance(k, x.name)})).sort((a, b) => a.d - b.d)[0]
        const guess = near && near.d <= Math.max(2, Math.floor(k.length / 4)) ? `did you mean "${near.x.name}"?` : 'remove it'
        out.push(finding('SI004', `${base}.${k}`, `unknown field "${k}": KServe ignores it`, guess))
        continue
      }
      if (!fieldKnownIn(f, release)) {
        const later = !atLeast(release!, f.since)
        out.push(finding('SI004', `${base}.${k}`, `"${k}" is not read by KServe ${release!.text}: ${later ? `it is read from v${f.since}` : `it was read up to v${f.until} (exclusive)`}`, later ? `upgrade KServe to v${f.since} or later, or remove it` : 'remove it'))
        continue
      }
      if (!TYPE_OK[f.type](v)) out.push(finding('SI003', `${base}.${k}`, `"${k}" must be a ${f.type === 'quantity' ? 'string holding a quantity' : f.type === 'int' ? 'whole number' : f.type === 'bool' ? 'boolean' : 'string'}, not ${JSON.stringify(v)}`, f.type === 'quantity' ? `write it as a string: "${String(v)}"` : 'fix the type'))
    }
    for (const k of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'])
      if (doc[k] === undefined || doc[k] === '') out.push(finding('SI005', `${base}.${k}`, `"${k}" is ${doc[k] === undefined ? 'missing' : 'empty'}: KServe fails to parse it and rejects every InferenceService pod`, 'set it, e.g. cpuRequest 100m, cpuLimit 1, memoryRequest 100Mi, memoryLimit 1Gi'))
    out.push(...imageFindings(doc.image, `${base}.image`, release))
    const s = (k: string) => (typeof doc![k] === 'string' ? doc![k] : doc![k] === undefined ? undefined : doc![k])
    out.push(...resourceFindings({cpu: s('cpuRequest'), memory: s('memoryRequest')}, {cpu: s('cpuLimit'), memory: s('memoryLimit')}, (kind, r) => `${base}.${r}${kind === 'requests' ? 'Request' : 'Limit'}`).filter(f => !(f.rule === 'SI020' && typeof doc![f.path.split('.').pop()!] !== 'string')))
    const mount = doc.caBundleVolumeMountPath
    if (typeof mount === 'string' && mount !== '' && !mount.startsWith('/')) out.push(finding('SI031', `${base}.caBundleVolumeMountPath`, `"${mount}" is not an absolute path`, 'use an absolute path such as /etc/ssl/custom-certs'))
    const ca = doc.caBundleConfigMapName
    if (typeof ca === 'string' && ca !== '' && input.cluster?.configMapNames && !input.cluster.configMapNames.includes(ca))
      out.push(finding('SI030', `${base}.caBundleConfigMapName`, `ConfigMap "${ca}" (key cabundle.crt) does not exist in KServe's namespace: pods of models that need it fail to start`, `create it: kubectl create configmap ${ca} --from-file=cabundle.crt=… -n <kserve namespace>`))
    if (doc.ociModelMode !== undefined && (!release || atLeast(release, '0.20')) && !['modelcar', 'native', 'fetch'].includes(String(doc.ociModelMode)))
      out.push(finding('SI040', `${base}.ociModelMode`, `ociModelMode ${JSON.stringify(doc.ociModelMode)} is not one KServe accepts`, 'use modelcar, native or fetch'))
    for (const k of ['cpuModelcar', 'memoryModelcar'])
      if (typeof doc[k] === 'string' && doc[k] !== '' && parseQuantity(doc[k] as string) === undefined)
        out.push(finding('SI040', `${base}.${k}`, `${k} ${JSON.stringify(doc[k])} is not a valid quantity: modelcar pods fail`, `use ${QUANTITY_HELP}`))
    if (typeof doc.uidModelcar === 'number' && doc.uidModelcar < 0) out.push(finding('SI040', `${base}.uidModelcar`, 'uidModelcar must not be negative', 'use a non-negative user id such as 1010'))
  }
  const containers: StorageContainer[] = input.storageContainers.map(fromResource)
  const enabled = containers.filter(c => !c.disabled && c.workloadType === 'initContainer').sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const [i, o] of input.storageContainers.entries()) {
    const c = containers[i]
    const p = `clusterstoragecontainer/${c.name}:spec`
    if (c.containerName !== undefined && c.containerName !== 'storage-initializer')
      out.push(finding('SI052', `${p}.container.name`, `the container is named "${c.containerName}"`, 'name it storage-initializer'))
    out.push(...imageFindings(c.image, `${p}.container.image`, release))
    out.push(...resourceFindings(o.spec?.container?.resources?.requests ?? {}, o.spec?.container?.resources?.limits ?? {}, (kind, r) => `${p}.container.resources.${kind}.${r}`))
    for (const [j, f] of c.uriFormats.entries()) {
      if (f.regex === undefined) continue
      let problem: string | undefined
      try {
        new RegExp(f.regex)
        if (/\(\?[=!<]|\\[1-9]/.test(f.regex)) problem = 'uses lookaround or a backreference, which Go RE2 (what KServe uses) does not support'
      } catch (e) {
        problem = (e as Error).message
      }
      if (problem) out.push(finding('SI050', `${p}.supportedUriFormats[${j}].regex`, `regex ${JSON.stringify(f.regex)}: ${problem}`, 'write an RE2 regular expression'))
    }
    if (doc && typeof doc.image === 'string' && c.image && !c.disabled && c.image !== doc.image) {
      const same = imageName(c.image) === imageName(doc.image)
      out.push(finding('SI053', `${p}.container.image`, `${c.image} differs from the ConfigMap's ${doc.image}${same ? '' : ' (another repository)'}: models get one or the other depending on their URI`, 'align them: kubectl storage-init set-image --target all …'))
    }
  }
  // overlaps: a URI two enabled containers both match, from each one's formats
  for (let a = 0; a < enabled.length; a++)
    for (let b = a + 1; b < enabled.length; b++) {
      const shared = sampleUris(enabled[a]).filter(u => matchesAny(enabled[b], u)).concat(sampleUris(enabled[b]).filter(u => matchesAny(enabled[a], u)))
      if (shared.length)
        out.push(finding('SI051', `clusterstoragecontainer/${enabled[b].name}:spec.supportedUriFormats`, `${enabled[a].name} and ${enabled[b].name} both match ${shared[0]}: KServe takes them by name, so ${enabled[a].name} wins and ${enabled[b].name} never serves those URIs`, 'narrow the formats, disable one, or name the intended one first'))
    }
  if (doc && typeof doc.caBundleConfigMapName === 'string' && doc.caBundleConfigMapName !== '')
    for (const ns of input.cluster?.modelNamespaces ?? [])
      if (ns.configMaps && !ns.configMaps.includes('global-ca-bundle'))
        out.push(finding('SI030', `namespace/${ns.namespace}`, `ConfigMap global-ca-bundle (KServe's copy of ${doc.caBundleConfigMapName}) is missing in namespace ${ns.namespace}, which runs InferenceServices: their storage-initializers cannot mount the CA bundle`, 'KServe copies it when it reconciles an InferenceService there: check the controller log, or copy it by hand', {severity: 'warning'}))
  const helm = input.cluster?.helm
  if (helm && doc && helm.storageInitializer !== undefined) {
    let rendered: Record<string, unknown> | undefined
    try {
      rendered = JSON.parse(helm.storageInitializer)
    } catch {
      rendered = undefined
    }
    if (rendered) {
      const keys = [...new Set([...Object.keys(rendered), ...Object.keys(doc)])].filter(k => JSON.stringify(rendered![k]) !== JSON.stringify(doc![k]))
      if (keys.length)
        out.push(finding('SI070', base, `differs from Helm release "${helm.release}" (revision ${helm.revision}) in ${keys.map(k => `${k} (live ${JSON.stringify(doc![k])}, release ${JSON.stringify(rendered![k])})`).join(', ')}: the next helm upgrade reverts it`, 'put the change into the release values (kubectl storage-init set-image … --show-helm-values), or roll it back'))
    }
    for (const rc of helm.storageContainers) {
      const live = input.storageContainers.find(c => c.metadata?.name === rc.metadata?.name)
      if (live && JSON.stringify(live.spec?.container) !== JSON.stringify(rc.spec?.container))
        out.push(finding('SI070', `clusterstoragecontainer/${rc.metadata.name}:spec.container`, `differs from what Helm release "${helm.release}" (revision ${helm.revision}) rendered: the next helm upgrade reverts it`, 'put the change into the release values, or roll it back'))
    }
  }
  const images = [doc?.image, ...containers.filter(c => !c.disabled).map(c => c.image)].filter((x): x is string => typeof x === 'string' && isPrivateRegistry(x))
  for (const ns of input.cluster?.modelNamespaces ?? []) {
    if (images.length === 0) break
    if (ns.serviceAccounts.some(sa => sa.imagePullSecrets > 0)) continue
    out.push(finding('SI060', `namespace/${ns.namespace}`, `${images[0]} is in a private registry, but no service account in namespace ${ns.namespace} (which runs InferenceServices) has imagePullSecrets`, `kubectl patch serviceaccount default -n ${ns.namespace} -p '{"imagePullSecrets":[{"name":"<secret>"}]}'`))
  }
  const order: Record<Severity, number> = {error: 0, warning: 1, info: 2}
  return out.sort((x, y) => order[x.severity] - order[y.severity] || x.rule.localeCompare(y.rule) || x.path.localeCompare(y.path))
}

function sampleUris(c: StorageContainer): string[] {
  return c.uriFormats.map(f => (f.prefix !== undefined ? `${f.prefix}bucket/model` : regexSample(f.regex ?? ''))).filter((u): u is string => !!u)
}

/** A URI a regex format matches, made from its literal text (good enough for the formats people write). */
function regexSample(re: string): string | undefined {
  const s = re.replace(/^\^/, '').replace(/\$$/, '').replace(/\(\.\+\??\)|\.\+\??|\.\*\??|\(\.\*\??\)/g, 'x').replace(/s\?/g, 's').replace(/\\\./g, '.').replace(/\\\//g, '/')
  try {
    return new RegExp(re).test(s) ? s : undefined
  } catch {
    return undefined
  }
}

function matchesAny(c: StorageContainer, uri: string): boolean {
  return c.uriFormats.some(f => {
    if (f.prefix !== undefined) return uri.startsWith(f.prefix)
    try {
      return new RegExp(f.regex ?? '$^').test(uri)
    } catch {
      return false
    }
  })
}
