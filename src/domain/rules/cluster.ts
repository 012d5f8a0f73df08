/** The cluster around the document: the CA bundle's copies (SI030), Helm (SI070, SI071), KServe's version (SI014), pull secrets (SI060), Pod Security (SI062), the history's credentials (SI080). */
import {HISTORY_CONFIGMAP, revisionKey} from '../history.js'
import {holdsCredential, redactCommand} from '../redact.js'
import {finding, isPrivateRegistry, type Context} from './common.js'

export function clusterRules(ctx: Context): void {
  const {input, out, base, release, doc, config, containers} = ctx
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
  for (const m of input.podSecurity ?? [])
    out.push(
      finding(
        'SI062',
        `${m.kind === 'LLMInferenceService' ? 'llminferenceservice' : 'inferenceservice'}/${m.namespace}/${m.name}`,
        `namespace ${m.namespace} enforces the ${m.level} Pod Security level, and the ${m.container} KServe gives this model does not meet it (it needs ${m.missing.join(', ')}): every pod of the model is refused`,
        m.fix,
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
}
