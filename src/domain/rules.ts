/**
 * The rules of `validate`, as pure functions of what was read (live or from a file). Each finding has a stable rule id,
 * a severity, the path it concerns, a message and a fix hint. The rule table in the README is generated from RULES.
 */
import {mergeContainer} from './container-merge.js'
import {decodeStorageInitializer} from './go-json.js'
import {getStorageInitializerConfigs} from './kserve/configmap.js'
import {HISTORY_CONFIGMAP, revisionKey} from './history.js'
import {imageName, parseImage} from './image.js'
import {compareQuantities, parseQuantity, QUANTITY_HELP} from './quantity.js'
import {re2Error} from './re2.js'
import {holdsCredential, redactCommand} from './redact.js'
import {atLeast, parseRelease, type Release} from './release.js'
import {defaultContainer, fromResource, matches, selectInjection, type StorageContainer} from './storage-containers.js'
import {
  DocumentSyntaxError,
  FIELDS,
  fieldKnownIn,
  parseStorageInitializer,
  type FieldSpec,
  type ResourceField,
} from './storage-initializer.js'

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
  {
    id: 'SI001',
    name: 'json-syntax',
    severity: 'error',
    description: 'storageInitializer is not valid JSON (KServe panics on every pod admission)',
  },
  {id: 'SI002', name: 'missing', severity: 'error', description: 'the ConfigMap or its storageInitializer key is missing'},
  {
    id: 'SI003',
    name: 'wrong-type',
    severity: 'error',
    description:
      'a field has a JSON type Go cannot decode into it (a number where KServe expects a string, 1010.0 for an integer): KServe panics on every pod admission',
  },
  {
    id: 'SI004',
    name: 'unknown-field',
    severity: 'warning',
    description: 'a field KServe does not read (a typo, with a suggestion), or one only other releases read',
  },
  {
    id: 'SI006',
    name: 'key-case',
    severity: 'warning',
    description: 'a key KServe reads under another case, or set twice: Go matches keys case-insensitively and the last one wins',
  },
  {
    id: 'SI007',
    name: 'kserve-refuses-config',
    severity: 'error',
    description:
      "KServe's own reading of the document fails (GetStorageInitializerConfigs: a quantity it cannot parse, at v0.16.0 a missing cpuModelcar or memoryModelcar, an unknown ociModelMode): every model pod is refused",
  },
  {
    id: 'SI005',
    name: 'required-quantity',
    severity: 'error',
    description: 'cpuRequest, cpuLimit, memoryRequest or memoryLimit is missing or empty (KServe fails to parse "")',
  },
  {id: 'SI010', name: 'image-reference', severity: 'error', description: 'an image is not a valid reference'},
  {id: 'SI011', name: 'image-unpinned', severity: 'warning', description: 'an image is unpinned: tagged latest, or no tag and no digest'},
  {id: 'SI012', name: 'image-no-digest', severity: 'info', description: 'an image is pinned by tag only; a digest is immutable'},
  {
    id: 'SI013',
    name: 'image-version',
    severity: 'warning',
    description: 'a storage-initializer image release differs from the KServe controller release',
  },
  {id: 'SI020', name: 'quantity', severity: 'error', description: 'a resource value is not a Kubernetes quantity'},
  {id: 'SI021', name: 'request-above-limit', severity: 'error', description: 'a request is above its limit (the pod is rejected)'},
  {
    id: 'SI022',
    name: 'merged-request-above-limit',
    severity: 'error',
    description:
      "the container a ClusterStorageContainer gives pods (its container merged over the ConfigMap's) has a request above its limit: every pod it serves is rejected",
  },
  {
    id: 'SI030',
    name: 'ca-bundle-missing',
    severity: 'error',
    description:
      'caBundleConfigMapName names a ConfigMap that does not exist, or has no cabundle.crt key: no InferenceService reconciles (live only)',
  },
  {id: 'SI031', name: 'mount-path', severity: 'error', description: 'caBundleVolumeMountPath is not an absolute path'},
  {
    id: 'SI040',
    name: 'oci-mode',
    severity: 'error',
    description: 'ociModelMode is not modelcar, native or fetch; or modelcar settings KServe rejects',
  },
  {
    id: 'SI050',
    name: 'uri-regex',
    severity: 'error',
    description: "a ClusterStorageContainer URI regex Go RE2 cannot compile: the webhook's lookup fails and pods are rejected",
  },
  {
    id: 'SI051',
    name: 'uri-overlap',
    severity: 'error',
    description:
      'two enabled ClusterStorageContainers match the same URIs: the webhook may use either, pod by pod (a warning when both give the same container)',
  },
  {
    id: 'SI054',
    name: 'csc-crd-missing',
    severity: 'error',
    description:
      "the ClusterStorageContainer CRD is not installed: the webhook's lookup fails and pods with a storage URI are rejected (KServe v0.11.1+; live only)",
  },
  {
    id: 'SI055',
    name: 'workload-type-missing',
    severity: 'warning',
    description: 'a ClusterStorageContainer has no workloadType (a CRD without defaults): KServe v0.14+ skips it',
  },
  {
    id: 'SI052',
    name: 'container-name',
    severity: 'error',
    description: 'a ClusterStorageContainer container is not named storage-initializer (duplicate volume errors, kserve#3900)',
  },
  {
    id: 'SI053',
    name: 'image-disagrees',
    severity: 'warning',
    description: 'the ConfigMap image and a ClusterStorageContainer image differ, so models get different initializers by URI',
  },
  {
    id: 'SI056',
    name: 'llm-not-served-by-csc',
    severity: 'info',
    description:
      'ClusterStorageContainers serve the schemes of LLMInferenceServices, but those get their storage-initializer from the ConfigMap only: a change to a ClusterStorageContainer does not reach them (live only)',
  },
  {
    id: 'SI057',
    name: 'dedicated-orphan',
    severity: 'warning',
    description:
      'a per-model ClusterStorageContainer (made by set-* --isvc) that no model names any more: its model is gone or uses another (live only)',
  },
  {
    id: 'SI058',
    name: 'dedicated-overlap',
    severity: 'error',
    description:
      "a per-model ClusterStorageContainer whose formats match other models' URIs: the webhook may give it to them too (live only)",
  },
  {
    id: 'SI061',
    name: 'storage-container-name',
    severity: 'error',
    description:
      "an InferenceService's spec.predictor.storageContainerName names a ClusterStorageContainer KServe cannot use for it (missing, disabled, not an initContainer, or not serving its URI): the webhook refuses its pods (KServe v0.20+; live only)",
  },
  {
    id: 'SI059',
    name: 'llm-override-invalid',
    severity: 'error',
    description:
      "an LLMInferenceService's storage-initializer override gives its pods a request above a limit: they are rejected (live only)",
  },
  {
    id: 'SI060',
    name: 'pull-secret',
    severity: 'warning',
    description: 'a private-registry image, but no imagePullSecrets on the service accounts of InferenceService namespaces (live only)',
  },
  {
    id: 'SI014',
    name: 'version-unknown',
    severity: 'info',
    description: "KServe's version could not be read (a vendor tag, a digest, no controller Deployment): the newest rules were assumed",
  },
  {
    id: 'SI071',
    name: 'helm-values-ignored',
    severity: 'warning',
    description:
      'Helm values the chart does not render (charts up to v0.20.0 hard-code the storage-initializer resources, kserve/kserve#5412)',
  },
  {
    id: 'SI080',
    name: 'history-credential',
    severity: 'error',
    description:
      'a recorded command line in storage-initializer-history holds a credential (a --token value, a password in a URL): anyone who may read the ConfigMap can read it (live only; versions up to 0.1.0 recorded them)',
  },
  {
    id: 'SI070',
    name: 'helm-drift',
    severity: 'warning',
    description:
      'the live settings differ from what the Helm release rendered: the next helm upgrade reverts them (live only, where the release is readable)',
  },
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
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1))
  return d[a.length][b.length]
}

const PUBLIC_REGISTRIES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'ghcr.io',
  'quay.io',
  'gcr.io',
  'registry.k8s.io',
  'public.ecr.aws',
  'mcr.microsoft.com',
  'nvcr.io',
])

export function isPrivateRegistry(image: string): boolean {
  const r = parseImage(image)
  return !!r?.registry && !PUBLIC_REGISTRIES.has(r.registry)
}

function imageFindings(image: unknown, path: string, release: Release | undefined): Finding[] {
  if (typeof image !== 'string' || image === '') return []
  const ref = parseImage(image)
  if (!ref)
    return [
      finding(
        'SI010',
        path,
        `"${image}" is not a valid image reference`,
        'use [registry[:port]/]path[:tag][@sha256:digest], lower-case path components',
      ),
    ]
  const out: Finding[] = []
  if (!ref.digest && (!ref.tag || ref.tag === 'latest'))
    out.push(
      finding(
        'SI011',
        path,
        `"${image}" is unpinned (${ref.tag ? 'latest' : 'no tag'}): pods get whatever it points to when they start`,
        'pin a release tag, or better a digest: kubectl storage-init set-image --tag …',
      ),
    )
  else if (!ref.digest) out.push(finding('SI012', path, `"${image}" is pinned by tag only`, 'a digest (@sha256:…) cannot move under you'))
  const tagRelease = parseRelease(ref.tag)
  if (
    release &&
    tagRelease &&
    !/-/.test(release.text) &&
    tagRelease.text !== release.text &&
    (tagRelease.major !== release.major || tagRelease.minor !== release.minor || tagRelease.patch !== release.patch)
  )
    out.push(
      finding(
        'SI013',
        path,
        `the image is ${tagRelease.text}, the KServe controller is ${release.text}`,
        `use the controller's release: kubectl storage-init set-image --tag ${release.text}`,
      ),
    )
  return out
}

function resourceFindings(
  requests: Record<string, unknown>,
  limits: Record<string, unknown>,
  path: (kind: string, r: string) => string,
): Finding[] {
  const out: Finding[] = []
  const q: Record<string, Record<string, string>> = {requests: {}, limits: {}}
  for (const [kind, list] of [
    ['requests', requests],
    ['limits', limits],
  ] as const) {
    for (const [r, v] of Object.entries(list)) {
      if (v === undefined || v === '') continue
      const n = typeof v === 'string' ? parseQuantity(v) : undefined
      if (n === undefined) out.push(finding('SI020', path(kind, r), `${JSON.stringify(v)} is not a valid quantity`, `use ${QUANTITY_HELP}`))
      else q[kind][r] = v as string
    }
  }
  // by value, exactly: 700m equals 0.7
  for (const r of Object.keys(q.requests))
    if (q.limits[r] !== undefined && compareQuantities(q.requests[r], q.limits[r])! > 0)
      out.push(
        finding(
          'SI021',
          path('requests', r),
          `${r} request ${requests[r]} is above its limit ${limits[r]}`,
          'raise the limit or lower the request (kubectl storage-init set-resources)',
        ),
      )
  return out
}

export interface Cluster {
  /** the ConfigMaps of KServe's namespace (does the CA bundle one exist) */
  configMapNames?: string[]
  /** their data keys, by name (does the CA bundle one have cabundle.crt) */
  configMapKeys?: Record<string, string[]>
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
  /** KServe's version could not be read: the controller's image, if any */
  versionUnknown?: {image: string | null}
  /** live: is the ClusterStorageContainer CRD installed */
  storageContainerCrd?: boolean
  /** Helm values that the chart does not render */
  helmIgnored?: string[]
  /** live: the LLMInferenceServices, their model URIs and storage-initializer overrides */
  llmInferenceServices?: {namespace: string; name: string; uri?: string; override?: Record<string, any>}[]
  /** live: the command lines recorded in the revision history (SI080) */
  historyCommands?: {revision: number; command: string}[]
  /** live: the InferenceServices, their predictor URIs and storageContainerName */
  inferenceServices?: {namespace: string; name: string; uris: string[]; storageContainerName?: string}[]
}

/** Every finding, errors first, in a stable order. */
export function validate(input: ValidationInput): Finding[] {
  const out: Finding[] = []
  const base = `${input.configMapPath}:data.storageInitializer`
  const release = input.release
  let doc: Record<string, unknown> | undefined
  if (input.text === undefined)
    out.push(
      finding(
        'SI002',
        input.configMapPath,
        'the inferenceservice-config ConfigMap is missing',
        'install KServe, or pass --kserve-namespace / -f with the right file',
      ),
    )
  else if (input.text === null)
    out.push(finding('SI002', base, 'the ConfigMap has no storageInitializer key', 'restore the key from your KServe release manifests'))
  else {
    try {
      doc = parseStorageInitializer(input.text)
    } catch (e) {
      if (!(e instanceof DocumentSyntaxError)) throw e
      out.push(
        finding(
          'SI001',
          base,
          e.message.startsWith('expected a JSON object') ? 'storageInitializer must be a JSON object' : `invalid JSON: ${e.message}`,
          'KServe rejects every InferenceService pod until this is fixed; correct the JSON (strict: no comments, no trailing commas)',
          {line: e.line, column: e.column},
        ),
      )
    }
  }
  // what KServe's Go code reads: keys matched case-insensitively, the last one winning (go-json.ts)
  const go = doc ? decodeStorageInitializer(input.text as string, release) : undefined
  const config = go?.config ?? {}
  if (doc && go) {
    const known = FIELDS.filter(f => fieldKnownIn(f, release))
    for (const [k] of Object.entries(doc)) {
      const f: FieldSpec | undefined = FIELDS.find(x => x.name === k) ?? FIELDS.find(x => x.name.toLowerCase() === k.toLowerCase())
      if (!f) {
        const near = known.map(x => ({x, d: distance(k, x.name)})).sort((a, b) => a.d - b.d)[0]
        const guess = near && near.d <= Math.max(2, Math.floor(k.length / 4)) ? `did you mean "${near.x.name}"?` : 'remove it'
        out.push(finding('SI004', `${base}.${k}`, `unknown field "${k}": KServe ignores it`, guess))
        continue
      }
      if (!fieldKnownIn(f, release)) {
        const later = !atLeast(release!, f.since)
        out.push(
          finding(
            'SI004',
            `${base}.${k}`,
            `"${k}" is not read by KServe ${release!.text}: ${later ? `it is read from v${f.since}` : `it was read up to v${f.until} (exclusive)`}`,
            later ? `upgrade KServe to v${f.since} or later, or remove it` : 'remove it',
          ),
        )
      }
    }
    for (const e of go.errors)
      out.push(
        finding(
          'SI003',
          `${base}.${e.key}`,
          `KServe cannot decode the document (${e.message}): the webhook panics and rejects every InferenceService pod`,
          /string$/.test(e.message)
            ? `write it as a string: "${String((doc as Record<string, unknown>)[e.key])}"`
            : /int64$/.test(e.message)
              ? 'write a whole number without a fraction, e.g. 1010'
              : 'fix the type',
        ),
      )
    for (const x of go.folded)
      if (!go.duplicates.some(d => d.field === x.field))
        out.push(
          finding(
            'SI006',
            `${base}.${x.key}`,
            `"${x.key}" is read by KServe as ${x.field} (Go matches JSON keys case-insensitively)`,
            `spell it ${x.field}`,
          ),
        )
    for (const d of go.duplicates)
      out.push(
        finding(
          'SI006',
          `${base}.${d.keys[d.keys.length - 1]}`,
          `${d.field} is set by ${d.keys.map(k => `"${k}"`).join(', ')}: KServe uses the last one ("${d.keys[d.keys.length - 1]}" = ${JSON.stringify(go.config[d.field])})`,
          'keep one key, spelled ' + d.field,
        ),
      )
    for (const k of ['cpuRequest', 'cpuLimit', 'memoryRequest', 'memoryLimit'] satisfies ResourceField[])
      if (config[k] === undefined || config[k] === '')
        if (!go.errors.some(e => e.field === k))
          out.push(
            finding(
              'SI005',
              `${base}.${k}`,
              `"${k}" is ${config[k] === undefined ? 'missing' : 'empty'}: KServe fails to parse it and rejects every InferenceService pod`,
              'set it, e.g. cpuRequest 100m, cpuLimit 1, memoryRequest 100Mi, memoryLimit 1Gi',
            ),
          )
    const at = (field: string) => `${base}.${go.keyOf[field] ?? field}`
    out.push(...imageFindings(config.image, at('image'), release))
    const s = (k: string) => config[k] as string | undefined
    out.push(
      ...resourceFindings({cpu: s('cpuRequest'), memory: s('memoryRequest')}, {cpu: s('cpuLimit'), memory: s('memoryLimit')}, (kind, r) =>
        at(`${r}${kind === 'requests' ? 'Request' : 'Limit'}`),
      ),
    )
    const mount = config.caBundleVolumeMountPath
    if (typeof mount === 'string' && mount !== '' && !mount.startsWith('/'))
      out.push(
        finding(
          'SI031',
          `${base}.caBundleVolumeMountPath`,
          `"${mount}" is not an absolute path`,
          'use an absolute path such as /etc/ssl/custom-certs',
        ),
      )
    // the controller copies the CA bundle ConfigMap into each model namespace while reconciling
    // (pkg/controller/v1beta1/inferenceservice/controller.go): without it, or its key, reconciling fails
    const ca = config.caBundleConfigMapName
    const caKeys = typeof ca === 'string' ? input.cluster?.configMapKeys?.[ca] : undefined
    if (typeof ca === 'string' && ca !== '' && input.cluster?.configMapNames && !input.cluster.configMapNames.includes(ca))
      out.push(
        finding(
          'SI030',
          at('caBundleConfigMapName'),
          `ConfigMap "${ca}" does not exist in KServe's namespace: no InferenceService reconciles until it does (the controller copies it into every model namespace)`,
          `create it: kubectl create configmap ${ca} --from-file=cabundle.crt=… -n <kserve namespace>, or set caBundleConfigMapName to ""`,
        ),
      )
    else if (typeof ca === 'string' && ca !== '' && caKeys && !caKeys.includes('cabundle.crt'))
      out.push(
        finding(
          'SI030',
          at('caBundleConfigMapName'),
          `ConfigMap "${ca}" has no key cabundle.crt (it has: ${caKeys.join(', ') || 'none'}): no InferenceService reconciles until it does`,
          `add the key: kubectl create configmap ${ca} --from-file=cabundle.crt=… -n <kserve namespace> --dry-run=client -o yaml | kubectl apply -f -`,
        ),
      )
    if (
      config.ociModelMode !== undefined &&
      (!release || atLeast(release, '0.20')) &&
      !['modelcar', 'native', 'fetch', ''].includes(String(config.ociModelMode))
    )
      out.push(
        finding(
          'SI040',
          at('ociModelMode'),
          `ociModelMode ${JSON.stringify(config.ociModelMode)} is not one KServe accepts`,
          'use modelcar, native or fetch',
        ),
      )
    for (const k of ['cpuModelcar', 'memoryModelcar'])
      if (typeof config[k] === 'string' && config[k] !== '' && parseQuantity(config[k] as string) === undefined)
        out.push(
          finding('SI040', at(k), `${k} ${JSON.stringify(config[k])} is not a valid quantity: modelcar pods fail`, `use ${QUANTITY_HELP}`),
        )
    // what KServe itself says of the document (the emulation's GetStorageInitializerConfigs), when no finding above
    // already names that field
    const kserve = getStorageInitializerConfigs(input.text as string, release)
    if (!kserve.ok && kserve.field && !out.some(f => f.severity === 'error' && f.path === at(kserve.field!)))
      out.push(finding('SI007', at(kserve.field), `KServe refuses the document: ${kserve.message.trim()}`, kserve.explanation))
    if (typeof config.uidModelcar === 'number' && config.uidModelcar < 0)
      out.push(finding('SI040', at('uidModelcar'), 'uidModelcar must not be negative', 'use a non-negative user id such as 1010'))
  }
  const containers: StorageContainer[] = input.storageContainers.map(fromResource)
  // what the webhook considers (workloadType is checked from v0.14), and the container each gives pods
  const enabled = containers
    .filter(c => !c.disabled && (c.workloadType === 'initContainer' || (release !== undefined && !atLeast(release, '0.14'))))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
  const merged = (c: StorageContainer) =>
    mergeContainer(defaultContainer(config, 'URI'), c.container, {reconcileEnv: !release || atLeast(release, '0.20')})
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
  if (doc && typeof config.caBundleConfigMapName === 'string' && config.caBundleConfigMapName !== '')
    for (const ns of input.cluster?.modelNamespaces ?? [])
      if (ns.configMaps && !ns.configMaps.includes('global-ca-bundle'))
        out.push(
          finding(
            'SI030',
            `namespace/${ns.namespace}`,
            `ConfigMap global-ca-bundle (KServe's copy of ${config.caBundleConfigMapName}) is missing in namespace ${ns.namespace}, which runs InferenceServices: their storage-initializers cannot mount the CA bundle`,
            'KServe copies it when it reconciles an InferenceService there: check the controller log, or copy it by hand',
            {severity: 'warning'},
          ),
        )
  const helm = input.cluster?.helm
  if (helm && doc && helm.storageInitializer !== undefined) {
    let rendered: Record<string, unknown> | undefined
    try {
      rendered = JSON.parse(helm.storageInitializer)
    } catch {
      rendered = undefined
    }
    if (rendered) {
      const keys = [...new Set([...Object.keys(rendered), ...Object.keys(doc)])].filter(
        k => JSON.stringify(rendered![k]) !== JSON.stringify(doc![k]),
      )
      if (keys.length)
        out.push(
          finding(
            'SI070',
            base,
            `differs from Helm release "${helm.release}" (revision ${helm.revision}) in ${keys.map(k => `${k} (live ${JSON.stringify(doc![k])}, release ${JSON.stringify(rendered![k])})`).join(', ')}: the next helm upgrade reverts it`,
            'put the change into the release values (kubectl storage-init set-image … --show-helm-values), or roll it back',
          ),
        )
    }
    for (const rc of helm.storageContainers) {
      const live = input.storageContainers.find(c => c.metadata?.name === rc.metadata?.name)
      if (live && JSON.stringify(live.spec?.container) !== JSON.stringify(rc.spec?.container))
        out.push(
          finding(
            'SI070',
            `clusterstoragecontainer/${rc.metadata.name}:spec.container`,
            `differs from what Helm release "${helm.release}" (revision ${helm.revision}) rendered: the next helm upgrade reverts it`,
            'put the change into the release values, or roll it back',
          ),
        )
    }
  }
  // the LLM controller builds their init container from the ConfigMap (workload_storage.go@v0.20.0)
  const llmHfS3 = (input.llmInferenceServices ?? []).filter(l => /^(hf|s3):\/\//.test(l.uri ?? ''))
  for (const c of enabled) {
    const reached = llmHfS3.filter(l => matches(c, l.uri!))
    if (reached.length)
      out.push(
        finding(
          'SI056',
          `clusterstoragecontainer/${c.name}:spec.supportedUriFormats`,
          `${c.name} serves the URIs of ${reached.length} LLMInferenceService(s) (${reached
            .slice(0, 3)
            .map(l => `${l.namespace}/${l.name}`)
            .join(
              ', ',
            )}${reached.length > 3 ? ', …' : ''}), but the LLM controller builds their storage-initializer from the ConfigMap only: changes to ${c.name} do not reach them`,
          'change the ConfigMap for them (kubectl storage-init set-image --target configmap …), or override per model in spec.template.initContainers',
        ),
      )
  }
  // per-model containers (set-* --isvc): used by their model, and by no other
  if (input.inferenceServices)
    for (const [i, o] of input.storageContainers.entries()) {
      if (o.metadata?.labels?.['storage-init.kserve.io/dedicated'] !== 'true') continue
      const c = containers[i]
      const model = String(o.metadata?.annotations?.['storage-init.kserve.io/model'] ?? '')
      const owner = input.inferenceServices.find(m => `${m.namespace}/${m.name}` === model)
      if (!owner || owner.storageContainerName !== c.name)
        out.push(
          finding(
            'SI057',
            `clusterstoragecontainer/${c.name}`,
            `${c.name} was made for ${model || 'a model'}, which ${owner ? `names ${owner.storageContainerName ? `clusterstoragecontainer/${owner.storageContainerName}` : 'no ClusterStorageContainer'}` : 'does not exist any more'}: nothing uses it`,
            `delete it: kubectl delete clusterstoragecontainer ${c.name} (or kubectl storage-init rollback the change that made it)`,
          ),
        )
      // a model that names its own container is not given this one, whatever its URI
      const others = input.inferenceServices.filter(
        m => `${m.namespace}/${m.name}` !== model && !m.storageContainerName && m.uris.some(u => matches(c, u)),
      )
      if (others.length && !c.disabled)
        out.push(
          finding(
            'SI058',
            `clusterstoragecontainer/${c.name}:spec.supportedUriFormats`,
            `${c.name} (made for ${model}) matches the URIs of ${others.map(m => `${m.namespace}/${m.name}`).join(', ')}: the webhook may give it to them`,
            `when they share its model's URI, no regex can tell them apart: give each of them its own container (kubectl storage-init set-image --isvc ${others[0].name} -n ${others[0].namespace} …), or remove ${c.name} (kubectl storage-init rollback the change that made it); otherwise narrow its formats to its own model's URI (an anchored regex)`,
          ),
        )
    }
  // a named container must exist, be enabled, be an initContainer and serve the URI (GetStorageContainerSpecByName,
  // pkg/apis/serving/v1beta1/predictor.go@v0.20.0); before v0.20 the field does not exist and is ignored
  if (!release || atLeast(release, '0.20'))
    for (const m of input.inferenceServices ?? []) {
      if (!m.storageContainerName) continue
      for (const uri of m.uris.slice(0, 1)) {
        const got = selectInjection(uri, config, containers, {release, storageContainerName: m.storageContainerName})
        if (got.source === 'error')
          out.push(
            finding(
              'SI061',
              `inferenceservice/${m.namespace}/${m.name}:spec.predictor.storageContainerName`,
              `${m.namespace}/${m.name}: ${got.reason}`,
              `point it at a ClusterStorageContainer that serves ${uri}, or remove the field: kubectl patch inferenceservice ${m.name} -n ${m.namespace} --type=json -p '[{"op":"remove","path":"/spec/predictor/storageContainerName"}]'`,
            ),
          )
      }
    }
  for (const l of input.llmInferenceServices ?? []) {
    if (!l.override || !doc) continue
    const m = mergeContainer(defaultContainer(config, l.uri ?? ''), l.override, {reconcileEnv: true}).resources ?? {}
    for (const f of resourceFindings(
      m.requests ?? {},
      m.limits ?? {},
      (kind, r) => `llminferenceservice/${l.namespace}/${l.name}:spec.template.initContainers[storage-initializer].resources.${kind}.${r}`,
    ))
      if (f.rule === 'SI021')
        out.push(
          finding(
            'SI059',
            f.path,
            `${l.namespace}/${l.name}'s pods get ${f.message} (its override merged over the ConfigMap's container): they are rejected`,
            'give the override both a request and a limit that fit, or remove it',
          ),
        )
  }
  for (const v of input.helmIgnored ?? [])
    out.push(
      finding(
        'SI071',
        `${input.configMapPath}`,
        `${v} is set, but the kserve-resources chart${release ? ` ${release.text}` : ''} does not render it: the ConfigMap keeps the chart's value`,
        `upgrade the chart${/resources/.test(v) ? ' (resources are rendered after v0.20.0)' : /uidModelcar/.test(v) ? ' (uidModelcar is rendered from v0.16)' : /enableDirectPvcVolumeMount/.test(v) ? ' (v0.16 removed the field: pvc:// is always mounted directly)' : /Modelcar|caBundle/.test(v) ? ' (rendered from v0.12)' : ''}, or change the ConfigMap after each upgrade`,
      ),
    )
  if (input.versionUnknown)
    out.push(
      finding(
        'SI014',
        'deployment/kserve-controller-manager',
        `KServe's version could not be read${input.versionUnknown.image ? ` from the controller image ${input.versionUnknown.image}` : ' (no controller Deployment found)'}: the newest rules were assumed`,
        'pass --kserve-version vX.Y.Z to judge by the release you run',
      ),
    )
  const images = [config.image, ...containers.filter(c => !c.disabled).map(c => c.image)].filter(
    (x): x is string => typeof x === 'string' && isPrivateRegistry(x),
  )
  for (const ns of input.cluster?.modelNamespaces ?? []) {
    if (images.length === 0) break
    if (ns.serviceAccounts.some(sa => sa.imagePullSecrets > 0)) continue
    out.push(
      finding(
        'SI060',
        `namespace/${ns.namespace}`,
        `${images[0]} is in a private registry, but no service account in namespace ${ns.namespace} (which runs InferenceServices) has imagePullSecrets`,
        `kubectl patch serviceaccount default -n ${ns.namespace} -p '{"imagePullSecrets":[{"name":"<secret>"}]}'`,
      ),
    )
  }
  for (const h of input.historyCommands ?? [])
    if (holdsCredential(h.command))
      out.push(
        finding(
          'SI080',
          `configmap/${HISTORY_CONFIGMAP}:data.${revisionKey(h.revision)}`,
          `revision ${h.revision}'s recorded command line holds a credential: ${redactCommand(h.command)}`,
          `rotate that credential (it was readable by anyone who may read the ConfigMap), then remove the record: kubectl patch configmap ${HISTORY_CONFIGMAP} -n <kserve namespace> --type=json -p '[{"op":"remove","path":"/data/${revisionKey(h.revision)}"}]'`,
        ),
      )
  const order: Record<Severity, number> = {error: 0, warning: 1, info: 2}
  return out.sort((x, y) => order[x.severity] - order[y.severity] || x.rule.localeCompare(y.rule) || x.path.localeCompare(y.path))
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
