/** Models: manifests in a file (SI063, SI064), LLMInferenceServices a ClusterStorageContainer cannot reach (SI056), per-model containers (SI057, SI058), storageContainerName (SI061), LLM overrides (SI059). */
import {mergeContainer} from '../container-merge.js'
import {atLeast} from '../release.js'
import {defaultContainer, matches, selectInjection} from '../storage-containers.js'
import {finding, resourceFindings, type Context} from './common.js'

export function modelRules(ctx: Context): void {
  const {input, out, release, doc, config, containers, enabled} = ctx
  // model manifests (validate -f): judged by the emulation of KServe before they are applied
  for (const m of input.modelManifests ?? []) {
    const path = `${m.kind === 'LLMInferenceService' ? 'llminferenceservice' : 'inferenceservice'}/${m.namespace}/${m.name}`
    for (const r of m.refusals)
      out.push(
        finding(
          'SI063',
          path,
          `KServe${release ? ` ${release.text}` : ''} would refuse it: ${r}`,
          `kubectl storage-init get -f FILE --isvc ${m.name} shows what it would get and why`,
        ),
      )
    for (const u of m.noScheme)
      out.push(
        finding(
          'SI064',
          path,
          `storage URI ${JSON.stringify(u)} has no scheme: KServe takes it as a path inside the storage-initializer's container`,
          `write it with its scheme: s3://${u.replace(/^\/+/, '')}, gs://…, pvc://CLAIM/PATH, hf://ORG/MODEL`,
        ),
      )
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
}
