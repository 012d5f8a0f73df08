/**
 * What every rule family shares: the rule table (RULES, in the README too), findings, and the checks of an image and
 * of resources used by several families.
 */
import type {Container} from '../container-merge.js'
import type {GoDecoded} from '../go-json.js'
import {parseImage} from '../image.js'
import {compareQuantities, parseQuantity, QUANTITY_HELP} from '../quantity.js'
import {parseRelease, type Release} from '../release.js'
import type {StorageContainer} from '../storage-containers.js'

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
    id: 'SI062',
    name: 'pod-security',
    severity: 'error',
    description:
      'a model in a namespace that enforces a Pod Security level its storage-initializer (as KServe would make it) does not meet: the admission refuses every pod (live only)',
  },
  {
    id: 'SI063',
    name: 'model-refused',
    severity: 'error',
    description:
      "a model manifest (validate -f) that KServe would refuse or the API server would reject, as the emulation of KServe's release says: a URI no storage container serves, a storageContainerName that is missing or does not serve it, an invalid URI, an override that makes its pods invalid",
  },
  {
    id: 'SI064',
    name: 'model-uri-without-scheme',
    severity: 'warning',
    description:
      "a model's storage URI without a scheme: KServe takes it as a path inside the storage-initializer's container (kserve#3873)",
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

export const spec = (id: string) => RULES.find(r => r.id === id)!

export function finding(id: string, path: string, message: string, hint: string, extra: Partial<Finding> = {}): Finding {
  const r = spec(id)
  return {rule: r.id, name: r.name, severity: extra.severity ?? r.severity, path, message, hint, ...extra}
}

export function distance(a: string, b: string): number {
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

export function imageFindings(image: unknown, path: string, release: Release | undefined): Finding[] {
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

export function resourceFindings(
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
  /** live: models in namespaces that enforce a Pod Security level, whose emulated init containers do not meet it */
  podSecurity?: {
    kind: 'InferenceService' | 'LLMInferenceService'
    namespace: string
    name: string
    level: string
    container: string
    missing: string[]
    fix: string
  }[]
  /** validate -f: the models in the file, with what the emulation gives each (refusals, URIs without a scheme) */
  modelManifests?: {
    kind: 'InferenceService' | 'LLMInferenceService'
    namespace: string
    name: string
    refusals: string[]
    noScheme: string[]
  }[]
  /** live: the InferenceServices, their predictor URIs and storageContainerName */
  inferenceServices?: {namespace: string; name: string; uris: string[]; storageContainerName?: string}[]
}

/** What the rule families share: the input, the document as Go reads it, the containers the webhook considers. */
export interface Context {
  input: ValidationInput
  out: Finding[]
  /** where the storageInitializer key is, for paths */
  base: string
  release: Release | undefined
  /** the document as a JSON object (undefined: missing or not JSON) */
  doc: Record<string, unknown> | undefined
  go: GoDecoded | undefined
  /** the document's fields as Go reads them */
  config: Record<string, unknown>
  containers: StorageContainer[]
  /** enabled ClusterStorageContainers the webhook considers (workloadType checked from v0.14), by name */
  enabled: StorageContainer[]
  /** the container pods get from one: merged over the ConfigMap's */
  merged: (c: StorageContainer) => Container
}
