/** The document itself (SI001-SI007, its image and resources SI010-SI021, CA bundle SI030/SI031, OCI and modelcar SI040). */
import {decodeStorageInitializer, type GoDecoded} from '../go-json.js'
import {getStorageInitializerConfigs} from '../kserve/configmap.js'
import {parseQuantity, QUANTITY_HELP} from '../quantity.js'
import {atLeast, type Release} from '../release.js'
import {
  DocumentSyntaxError,
  FIELDS,
  fieldKnownIn,
  parseStorageInitializer,
  type FieldSpec,
  type ResourceField,
} from '../storage-initializer.js'
import {distance, finding, imageFindings, resourceFindings, type Finding, type ValidationInput} from './common.js'

export function documentRules(
  input: ValidationInput,
  base: string,
  release: Release | undefined,
  out: Finding[],
): {doc: Record<string, unknown> | undefined; go: GoDecoded | undefined; config: Record<string, unknown>} {
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
  return {doc, go, config}
}
