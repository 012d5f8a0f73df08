/**
 * Where a model's storage credentials come from, for `diagnose`'s credential findings: what the webhook's credential
 * builder would find (pkg/credentials/service_account_credentials.go, its s3/ gcs/ azure/ hdfs/ https/ hf/ packages, read
 * at v0.11.1, v0.15.0 and v0.20.0), judged on key NAMES only: a Secret's values are never kept, shown or reported.
 *
 * Go: CreateSecretVolumeAndEnv (v0.11.1-v0.19) / CreateSecretVolumeAndEnvFromServiceAccount (v0.20.0)
 * - the service account is the pod's serviceAccountName, "default" when empty;
 * - the Secret named by the model's annotation `credentials.storageSecretNameAnnotation` (default
 *   serving.kserve.io/storageSecretName; the Helm chart's default is serving.kserve.io/secretName) wins, and the service
 *   account's secrets are then not read;
 * - else only the service account's `secrets:` list (never imagePullSecrets); each Secret is one provider, told by its
 *   data keys in this order: s3SecretAccessKeyName, gcsCredentialFileName, AZ_CLIENT_ID / AZURE_CLIENT_ID,
 *   AZURE_ACCESS_TOKEN (v0.16+), AZURE_STORAGE_ACCESS_KEY, https-host, HDFS_NAMENODE, HF_TOKEN (v0.15+);
 * - the storage: block (annotation internal.serving.kserve.io/storage-spec) reads the Secret storageSpecSecretName
 *   (default storage-config), key storage-spec-key or `default` / `default_<type>`.
 */
import {featuresOf} from './kserve/features.js'
import type {Release} from './release.js'

export type Provider = 's3' | 'gcs' | 'azure' | 'https' | 'hdfs' | 'hf'

/** The catalogue causes that mean the credentials are missing or wrong, by provider. */
export const CREDENTIAL_CAUSES: Record<string, Provider> = {
  's3-no-credentials': 's3',
  's3-invalid-credentials': 's3',
  's3-access-denied': 's3',
  'gcs-no-credentials': 'gcs',
  'gcs-access-denied': 'gcs',
  'gcs-auth-failed': 'gcs',
  'gcs-secret-missing': 'gcs',
  'azure-permission-denied': 'azure',
  'azure-authentication-failed': 'azure',
  'hf-gated-repo': 'hf',
  'hf-invalid-token': 'hf',
  'hf-token-lacks-permission': 'hf',
  'hf-unauthorized': 'hf',
  'hdfs-no-secret': 'hdfs',
  'hdfs-permission-denied': 'hdfs',
  'hdfs-secret-missing': 'hdfs',
  'http-unauthorized': 'https',
}

/** The `credentials` section of inferenceservice-config, as the builder reads it (defaults when a key is absent). */
export interface CredentialsConfig {
  s3AccessKeyIDName: string
  s3SecretAccessKeyName: string
  gcsCredentialFileName: string
  storageSpecSecretName: string
  storageSecretNameAnnotation: string
}

/** Go's defaults when the ConfigMap has no `credentials` key (s3/s3_secret.go, gcs/gcs_secret.go, constants.go). */
export function credentialsConfig(raw: string | undefined): CredentialsConfig {
  let c: any = {}
  try {
    c = raw ? JSON.parse(raw) : {}
  } catch {
    c = {}
  }
  const str = (v: unknown, d: string) => (typeof v === 'string' && v !== '' ? v : d)
  return {
    s3AccessKeyIDName: str(c?.s3?.s3AccessKeyIDName, 'awsAccessKeyID'),
    s3SecretAccessKeyName: str(c?.s3?.s3SecretAccessKeyName, 'awsSecretAccessKey'),
    gcsCredentialFileName: str(c?.gcs?.gcsCredentialFileName, 'gcloud-application-credentials.json'),
    storageSpecSecretName: str(c?.storageSpecSecretName, 'storage-config'),
    storageSecretNameAnnotation: str(c?.storageSecretNameAnnotation, ''),
  }
}

/** What is known of a Secret: its name, its data keys and its annotations; never a value. */
export interface SecretKeys {
  name: string
  keys: string[]
  annotations: Record<string, string>
}

/** Reduce a Secret read from the cluster to its key names and annotations at once (the values are dropped). */
export function secretKeys(secret: any): SecretKeys {
  const keys = new Set([...Object.keys(secret?.data ?? {}), ...Object.keys(secret?.stringData ?? {})])
  const annotations: Record<string, string> = {}
  for (const [k, v] of Object.entries(secret?.metadata?.annotations ?? {}))
    if (k.startsWith('serving.kserve.io/') && typeof v === 'string') annotations[k] = v.slice(0, 256)
  return {name: String(secret?.metadata?.name ?? ''), keys: [...keys].sort(), annotations}
}

/** The provider the builder takes a Secret for (the first data key in Go's order), or none. */
export function providerOf(s: SecretKeys, c: CredentialsConfig, release?: Release): Provider | undefined {
  const has = (k: string) => s.keys.includes(k)
  const f = featuresOf(release)
  if (has(c.s3SecretAccessKeyName)) return 's3'
  if (has(c.gcsCredentialFileName)) return 'gcs'
  if (has('AZ_CLIENT_ID') || has('AZURE_CLIENT_ID')) return 'azure'
  if (has('AZURE_ACCESS_TOKEN') && f.azureAccessTokenSecret) return 'azure'
  if (has('AZURE_STORAGE_ACCESS_KEY')) return 'azure'
  if (has('https-host')) return 'https'
  if (has('HDFS_NAMENODE')) return 'hdfs'
  if (has('HF_TOKEN') && f.hfTokenSecret) return 'hf'
  return undefined
}

/** What a Secret for each provider needs (the keys the builder and the downloader read). */
export function neededKeys(p: Provider, c: CredentialsConfig): string[] {
  switch (p) {
    case 's3':
      return [c.s3AccessKeyIDName, c.s3SecretAccessKeyName]
    case 'gcs':
      return [c.gcsCredentialFileName]
    case 'azure':
      return ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID']
    case 'https':
      return ['https-host', 'headers']
    case 'hdfs':
      return ['HDFS_NAMENODE']
    case 'hf':
      return ['HF_TOKEN']
  }
}

const A: Record<Provider, string> = {
  s3: 'an S3',
  gcs: 'a GCS',
  azure: 'an Azure',
  https: 'an HTTP(S)',
  hdfs: 'an HDFS',
  hf: 'a Hugging Face',
}

/** A merge patch that adds the missing keys (placeholders for the values) and leaves every other key alone. */
const addKeys = (secret: string, ns: string, keys: string[]) =>
  `add ${keys.join(', ')} to Secret ${secret}: kubectl patch secret ${secret} -n ${ns} --type=merge -p '${JSON.stringify({stringData: Object.fromEntries(keys.map(k => [k, '…']))})}'`

const placeholder: Record<Provider, (c: CredentialsConfig) => string> = {
  s3: c => `--from-literal=${c.s3AccessKeyIDName}=… --from-literal=${c.s3SecretAccessKeyName}=…`,
  gcs: c => `--from-file=${c.gcsCredentialFileName}=KEY.json`,
  azure: () => '--from-literal=AZURE_CLIENT_ID=… --from-literal=AZURE_CLIENT_SECRET=… --from-literal=AZURE_TENANT_ID=…',
  https: () => `--from-literal=https-host=HOST --from-literal=headers='{"Authorization":"…"}'`,
  hdfs: () => '--from-literal=HDFS_NAMENODE=… --from-file=KERBEROS_KEYTAB=…',
  hf: () => '--from-literal=HF_TOKEN=hf_…',
}

export interface CredentialFacts {
  provider: Provider
  namespace: string
  model: {kind: 'InferenceService' | 'LLMInferenceService'; name: string; annotations: Record<string, string>}
  /** the pod's service account ("default" when the pod names none) */
  serviceAccount: string
  /** the service account's `secrets:` names; undefined when it could not be read, null when it does not exist */
  saSecrets: string[] | null | undefined
  /** the Secrets read (by name), key names only; a name absent from the map could not be read or does not exist */
  secrets: Map<string, SecretKeys | null>
  /** the pod uses the storage: block (internal.serving.kserve.io/storage-spec=true): its storageKey and parameters' type */
  storageSpec?: {key?: string; type?: string}
  /** the service account's annotations (eks.amazonaws.com/role-arn: IRSA gives S3 credentials with no Secret) */
  saAnnotations?: Record<string, string>
  config: CredentialsConfig
  release?: Release
}

/** The Secret the storage: block reads: the model's storageSecretNameAnnotation, else storageSpecSecretName. */
export function specSecretName(f: Pick<CredentialFacts, 'config' | 'model'>): string {
  const a = f.config.storageSecretNameAnnotation
  return (a && f.model.annotations[a]) || f.config.storageSpecSecretName
}

/** The key KServe tells a provider's Secret by (service_account_credentials.go, in its order). */
function identifying(p: Provider, c: CredentialsConfig): string {
  return {
    s3: c.s3SecretAccessKeyName,
    gcs: c.gcsCredentialFileName,
    azure: 'AZURE_CLIENT_ID, AZURE_ACCESS_TOKEN or AZURE_STORAGE_ACCESS_KEY',
    https: 'https-host',
    hdfs: 'HDFS_NAMENODE',
    hf: 'HF_TOKEN',
  }[p]
}

/** What a Secret KServe took for its provider still needs, by the branch its keys chose (azure/azure_secret.go). */
function stillNeeded(p: Provider, s: SecretKeys, c: CredentialsConfig): string[] {
  const has = (k: string) => s.keys.includes(k)
  const need = (...k: string[]) => k.filter(x => !has(x))
  switch (p) {
    case 's3':
      return need(c.s3AccessKeyIDName)
    case 'azure':
      if (has('AZ_CLIENT_ID')) return need('AZ_CLIENT_SECRET', 'AZ_TENANT_ID')
      if (has('AZURE_CLIENT_ID')) return need('AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID')
      if (has('AZURE_ACCESS_TOKEN')) return need('AZURE_TENANT_ID')
      return []
    case 'https':
      return need('headers')
    default:
      return []
  }
}

/** The evidence (which Secret the builder finds, with which keys) and the command that fixes it. */
export function credentialAdvice(f: CredentialFacts): {evidence: string[]; fix?: string} {
  const c = f.config
  const ns = f.namespace
  const want = neededKeys(f.provider, c)
  const described = (s: SecretKeys) =>
    `keys ${s.keys.length ? s.keys.join(', ') : '(none)'}${
      Object.keys(s.annotations).length
        ? `; annotations ${Object.entries(s.annotations)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}`
        : ''
    }`
  // the storage: block: the Secret the model's annotation names wins over storageSpecSecretName (CreateStorageSpecSecretEnvs)
  if (f.storageSpec) {
    const name = specSecretName(f)
    const s = f.secrets.get(name)
    const key = f.storageSpec.key ?? (f.storageSpec.type ? `default_${f.storageSpec.type}` : 'default')
    const doc =
      '(its value a JSON document: {"type": "s3", "access_key_id": "…", "secret_access_key": "…", "endpoint_url": "…", "bucket": "…"})'
    if (s === null)
      return {
        evidence: [`the model uses the storage: block; Secret ${ns}/${name} does not exist`],
        fix: `kubectl create secret generic ${name} -n ${ns} --from-file=${key}=STORAGE.json ${doc}`,
      }
    if (s && !s.keys.includes(key))
      return {
        evidence: [`the model uses the storage: block; Secret ${ns}/${name} has ${described(s)}, not ${key}`],
        fix: `${addKeys(name, ns, [key])} ${doc}`,
      }
    return s
      ? {evidence: [`the model uses the storage: block; Secret ${ns}/${name} has ${described(s)}: check the values of ${key}`]}
      : {evidence: []}
  }
  // the model's own Secret annotation
  const annotation = c.storageSecretNameAnnotation
  const named = annotation ? f.model.annotations[annotation] : undefined
  if (named) {
    const s = f.secrets.get(named)
    if (s === null)
      return {
        evidence: [`the model's annotation ${annotation}=${named} names a Secret that does not exist in ${ns}`],
        fix: `kubectl create secret generic ${named} -n ${ns} ${placeholder[f.provider](c)}`,
      }
    if (s) {
      const missing = providerOf(s, c, f.release) === f.provider ? stillNeeded(f.provider, s, c) : want.filter(k => !s.keys.includes(k))
      return {
        evidence: [
          `the model's annotation ${annotation}=${named}: Secret ${ns}/${named} has ${described(s)}${missing.length ? `; it lacks ${missing.join(', ')}` : ''}`,
        ],
        ...(missing.length
          ? {
              fix: addKeys(named, ns, missing),
            }
          : {}),
      }
    }
    return {evidence: []}
  }
  // the service account's secrets
  const sa = f.serviceAccount
  const kind = f.model.kind === 'LLMInferenceService' ? 'llmisvc' : 'isvc'
  if (f.saSecrets === undefined) return {evidence: []}
  const role = f.saAnnotations?.['eks.amazonaws.com/role-arn']
  if (role && f.provider === 's3')
    return {
      evidence: [
        `service account ${ns}/${sa} has eks.amazonaws.com/role-arn=${role}: KServe gives S3 credentials from that IAM role (IRSA), no Secret`,
      ],
      fix: `check the role's policy (s3:GetObject and s3:ListBucket on the bucket) and that its trust policy allows system:serviceaccount:${ns}:${sa}`,
    }
  const newSecret = `${f.model.name}-${f.provider}-credentials`
  const attach = (existing: string[]) =>
    `kubectl patch serviceaccount ${sa} -n ${ns} -p '${JSON.stringify({secrets: [...existing, newSecret].map(name => ({name}))})}'`
  const create = `kubectl create secret generic ${newSecret} -n ${ns} ${placeholder[f.provider](c)}${f.provider === 's3' ? ` && kubectl annotate secret ${newSecret} -n ${ns} serving.kserve.io/s3-endpoint=HOST serving.kserve.io/s3-usehttps=1` : ''}`
  if (f.saSecrets === null)
    return {
      evidence: [`service account ${ns}/${sa} (the pod's) does not exist: the credential builder finds nothing`],
      fix: `kubectl create serviceaccount ${sa} -n ${ns}, then: ${create} && ${attach([])}`,
    }
  const read = f.saSecrets.map(n => f.secrets.get(n))
  const mine = f.saSecrets.filter((n, i) => read[i] && providerOf(read[i]!, c, f.release) === f.provider)
  if (!mine.length) {
    const others = f.saSecrets.map((n, i) =>
      read[i]
        ? `${n} (${providerOf(read[i]!, c, f.release) ?? 'no provider'}: ${described(read[i]!)})`
        : read[i] === null
          ? `${n} (does not exist)`
          : n,
    )
    const evidence = [
      `service account ${ns}/${sa} ${f.saSecrets.length ? `lists secrets ${others.join('; ')}` : 'lists no secrets'}: none is ${A[f.provider]} Secret (KServe knows one by its key ${identifying(f.provider, c)})`,
    ]
    // a Secret meant for this provider that lacks the key KServe tells it by: the builder skips it
    const partial = f.saSecrets.find((n, i) => read[i] && !providerOf(read[i]!, c, f.release) && want.some(k => read[i]!.keys.includes(k)))
    if (partial) {
      const missing = want.filter(k => !f.secrets.get(partial)!.keys.includes(k))
      evidence.push(
        `Secret ${partial} has ${want.filter(k => !missing.includes(k)).join(', ')} but lacks ${missing.join(', ')}: KServe skips it`,
      )
      return {
        evidence,
        fix: addKeys(partial, ns, missing),
      }
    }
    return {
      evidence,
      fix: `${create} && ${attach(f.saSecrets)}${annotation ? ` (or annotate the model: kubectl annotate ${kind} ${f.model.name} -n ${ns} ${annotation}=${newSecret})` : ''}`,
    }
  }
  const evidence: string[] = []
  let fix: string | undefined
  for (const n of mine) {
    const s = f.secrets.get(n)!
    const missing = stillNeeded(f.provider, s, c)
    evidence.push(
      `service account ${ns}/${sa} lists Secret ${n}: ${described(s)}${missing.length ? `; it lacks ${missing.join(', ')}` : ''}`,
    )
    if (missing.length && !fix) fix = addKeys(n, ns, missing)
  }
  return {evidence, ...(fix ? {fix} : {})}
}
