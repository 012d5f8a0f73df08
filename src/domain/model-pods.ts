/**
 * A model's storage and pods, as KServe's controller and webhook see them (pure): the storage URIs an InferenceService
 * names, its deployment mode, how a pod's storage-initializer differs from what it would get now (by value), and what
 * it takes for its pods to pick up a change.
 */
import {canonical} from './history.js'
import {llmDeploymentName} from './llmisvc.js'
import {sameQuantity} from './quantity.js'
import {atLeast, type Release} from './release.js'
import type {Injection, Resources} from './storage-containers.js'
import {components, componentStorage, SCHEME_PLACEHOLDER} from './kserve/controller.js'

/** The URI the controller annotates for `storage: {key, path}`: the webhook builds the real one from the storage secret. */
export {SCHEME_PLACEHOLDER} from './kserve/controller.js'

/**
 * Every storage URI an InferenceService names, by component, where KServe's controller reads them
 * (pkg/apis/serving/v1beta1 predictor.go, predictor_custom.go, component.go@v0.20.0): `storageUri` of the component or
 * of its framework/model spec, `storage.path` (with `storage.key`), `storageUris[]`, and for custom containers the
 * `STORAGE_URI` env of the container named kserve-container (the first container before v0.12, and for transformers
 * and explainers); canary predictors (spec.canary[].predictor) too.
 */
/** An InferenceService as the per-model rules read it: its predictor's URIs and the container it names, if any. */
export function modelUris(
  isvc: any,
  release?: Release,
  storageContainerName: unknown = isvc?.spec?.predictor?.storageContainerName,
): {namespace: string; name: string; uris: string[]; storageContainerName?: string} {
  return {
    namespace: isvc.metadata.namespace,
    name: isvc.metadata.name,
    uris: storageUris(isvc, release)
      .filter(u => u.component === 'predictor')
      .map(u => u.uri),
    storageContainerName: typeof storageContainerName === 'string' ? storageContainerName : undefined,
  }
}

export function storageUris(isvc: any, release?: Release): {component: string; uri: string; field: string; multi: boolean}[] {
  // the components and their storage as the emulation reads them (kserve/controller.ts); canaries count as predictors
  const at = (c: string) => (c.startsWith('canary[') ? `spec.canary[${c.slice(7, -1)}].predictor` : `spec.${c}`)
  return components(isvc, release).flatMap(c => {
    const st = componentStorage(c, release)
    return st.uris.map(u => ({
      component: c.name.startsWith('canary') ? 'predictor' : c.name,
      uri: u.uri,
      field: `${at(c.name)}.${u.field}`,
      multi: st.multi,
    }))
  })
}

export interface PodView {
  name: string
  component: string
  created: string
  phase: string
  initContainer: {image: string; resources: Resources} | null
  expected: {source: string; image: string | null; resources: Resources | null}
  current: boolean
  differences: string[]
}

/** What it takes for a model's pods to pick up a change, and the command that does it. */
export interface Rollout {
  /** restart (Standard), replace-pods (Knative), reconcile (storageUris), recreate (LLM Deployment), none */
  action: 'restart' | 'replace-pods' | 'reconcile' | 'recreate' | 'none'
  how: string
  command?: string
}

/** Differences of requests and limits, compared by value (the API server stores pod quantities canonicalised). */
function sameResources(a: Resources | undefined, b: Resources | undefined): string[] {
  const diffs: string[] = []
  for (const kind of ['requests', 'limits'] as const)
    for (const r of new Set([...Object.keys(a?.[kind] ?? {}), ...Object.keys(b?.[kind] ?? {})])) {
      const x = a?.[kind]?.[r]
      const y = b?.[kind]?.[r]
      if (!sameQuantity(x, y)) diffs.push(`${kind}.${r} ${x ?? '(none)'} -> ${y ?? '(none)'}`)
    }
  return diffs
}

const GETS_INIT: Injection['source'][] = ['clusterstoragecontainer', 'configmap']

const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v))

/**
 * The emulated container's other fields, compared with the pod's where both state them: fields the emulation leaves
 * unset are not compared (admission plugins and platforms set them: OpenShift's security context constraints,
 * AlwaysPullImages), nor what it cannot know (credentials' env; a `storage.path` URI the webhook builds from a secret),
 * and mounts by path, name, readOnly and subPath (as the API server stores them: false and empty left out).
 */
function fieldDifferences(init: any, want: any | undefined): string[] {
  if (!want) return []
  const d: string[] = []
  // the API server defaults imagePullPolicy (Always for :latest or no tag, else IfNotPresent): compare with that
  const tag = /:([^/:@]+)$/.exec(String(want.image ?? ''))?.[1]
  const stored = {...want, imagePullPolicy: want.imagePullPolicy ?? (!tag || tag === 'latest' ? 'Always' : 'IfNotPresent')}
  if (String(stored.args?.[0] ?? '').startsWith(SCHEME_PLACEHOLDER) && Array.isArray(init.args))
    stored.args = [init.args[0], ...stored.args.slice(1)]
  for (const k of ['args', 'command', 'securityContext'] as const)
    if (k in init && stored[k] !== undefined && canonical(init[k]) !== canonical(stored[k]))
      d.push(`${k} ${show(init[k])} -> ${show(stored[k])}`)
  if ('imagePullPolicy' in init && want.imagePullPolicy !== undefined && init.imagePullPolicy !== stored.imagePullPolicy)
    d.push(`imagePullPolicy ${show(init.imagePullPolicy)} -> ${show(stored.imagePullPolicy)}`)
  if (Array.isArray(init.env))
    for (const e of want.env ?? []) {
      const got = init.env.find((x: any) => x?.name === e.name)
      if (canonical(got?.value ?? got?.valueFrom) !== canonical(e.value ?? e.valueFrom))
        d.push(`env ${e.name} ${show(got?.value ?? got?.valueFrom)} -> ${show(e.value ?? e.valueFrom)}`)
    }
  if (Array.isArray(init.volumeMounts))
    for (const m of want.volumeMounts ?? []) {
      const got = init.volumeMounts.find((x: any) => x?.mountPath === m.mountPath)
      const differs =
        !got || got.name !== m.name || Boolean(got.readOnly) !== Boolean(m.readOnly) || (got.subPath ?? '') !== (m.subPath ?? '')
      if (differs) d.push(`volumeMount ${m.mountPath} ${show(got)} -> ${show(m)}`)
    }
  return d
}

/** How a pod's init container differs from what the emulation gives now, field by field ([] when it is current). */
export function podDifferences(init: any | undefined, expected: Injection | undefined): string[] {
  if (!expected) return []
  if (expected.source === 'ambiguous') {
    const options = expected.candidates ?? []
    const each = options.map(o => podDifferences(init, o))
    if (each.some(d => d.length === 0)) return []
    return [`matches none of the candidates (${options.map(o => o.sourceName).join(', ')}): ${each[0]?.join('; ') ?? ''}`]
  }
  const hasInit = GETS_INIT.includes(expected.source)
  if (init && hasInit) {
    const d: string[] = []
    if (expected.container?.name && init.name !== expected.container.name) d.push(`name ${init.name} -> ${expected.container.name}`)
    if (init.image !== expected.image) d.push(`image ${init.image} -> ${expected.image ?? '(none)'}`)
    return [...d, ...sameResources(init.resources, expected.resources), ...fieldDifferences(init, expected.container)]
  }
  if (init && !hasInit) return [`has a storage-initializer, but would now get: ${expected.sourceName}`]
  if (!init && hasInit) return [`has no storage-initializer, but would now get one from ${expected.sourceName}`]
  return []
}

/** The pod's storage-initializer: named storage-initializer, or as a ClusterStorageContainer renamed it (downloading to /mnt/models). */
export function initContainerOf(pod: any, expected?: Injection): any | undefined {
  const names = new Set(['storage-initializer', ...(expected?.candidates ?? [expected]).map(x => x?.container?.name).filter(Boolean)])
  return (pod.spec?.initContainers ?? []).find((c: any) => names.has(c.name) || c.args?.[1] === '/mnt/models')
}

/** The deployment mode of an InferenceService: its status, its annotation, else the ConfigMap's default (deploy key). */
export function deploymentMode(isvc: any, configMap: any, r?: Release): string {
  const raw = isvc?.status?.deploymentMode || isvc?.metadata?.annotations?.['serving.kserve.io/deploymentMode']
  let mode = typeof raw === 'string' && raw ? raw : undefined
  if (!mode) {
    try {
      mode = JSON.parse(configMap?.data?.deploy ?? '{}').defaultDeploymentMode
    } catch {
      mode = undefined
    }
  }
  // pkg/constants/constants.go: DefaultDeployment is Standard from v0.16.0 (absent at v0.15.2, whose default was
  // Serverless); ParseDeploymentMode (v0.17 on) maps the legacy names
  mode ??= !r || atLeast(r, '0.16') ? 'Standard' : 'Serverless'
  return mode === 'RawDeployment' ? 'Standard' : mode === 'Serverless' ? 'Knative' : mode
}

/**
 * What it takes for a model's pods to get what the configuration gives now (raw_kube_reconciler.go, ksvc_reconciler.go,
 * storage_initializer_injector.go@v0.20.0): the webhook injects at pod creation, so new pods of a storageUri model get
 * it; for storageUris the controller writes the init container into the workload and watches neither the ConfigMap nor
 * ClusterStorageContainers, so the InferenceService must be reconciled; Knative revisions never change (new pods of a
 * revision still pass the webhook).
 */
export function rolloutFor(
  kind: 'InferenceService' | 'LLMInferenceService',
  name: string,
  namespace: string,
  mode: string | undefined,
  multi: boolean,
): Rollout {
  const ns = `-n ${namespace}`
  if (kind === 'LLMInferenceService')
    return {
      action: 'recreate',
      how: `the LLM controller keeps the image its Deployment ${llmDeploymentName(name)} runs (kserve#5085); recreate the Deployment for the ConfigMap's image (the controller makes it again), or set spec.template.initContainers[storage-initializer]`,
      command: `kubectl delete deployment ${llmDeploymentName(name)} ${ns}`,
    }
  const stamp = 'storage-init.kserve.io/reconciledAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)'
  if (multi)
    return {
      action: 'reconcile',
      how: `storageUris: the controller writes the init container into the ${mode === 'Knative' ? 'Knative Service (a new revision)' : 'Deployment'} when it reconciles the InferenceService; it does not watch the ConfigMap or ClusterStorageContainers, so touch the InferenceService`,
      command: `kubectl annotate inferenceservice ${name} ${ns} --overwrite ${stamp}`,
    }
  if (mode === 'Knative')
    return {
      action: 'replace-pods',
      how: 'Knative: the revision never changes, but each new pod passes the webhook again; replace the pods (Knative recreates them)',
      command: `kubectl delete pod ${ns} -l serving.kserve.io/inferenceservice=${name}`,
    }
  if (mode === 'ModelMesh') return {action: 'none', how: 'ModelMesh pods do not use the storage-initializer'}
  // not kubectl rollout restart: KServe's Deployment reconciler patches restartedAt away from v0.15.1 (kserve#4445)
  return {
    action: 'restart',
    how: 'the webhook injects at pod creation: annotate the InferenceService, which KServe copies into its pod template, so its Deployment rolls by its own strategy (KServe undoes a kubectl rollout restart of its Deployment from v0.15.1, kserve#4445); kubectl storage-init rollout does it and follows it',
    command: `kubectl annotate inferenceservice ${name} ${ns} --overwrite storage-init.kserve.io/restartedAt=$(date -u +%Y-%m-%dT%H:%M:%SZ)`,
  }
}

export function podView(p: any, expected: Injection | undefined, component: string): PodView {
  const init = initContainerOf(p, expected)
  const differences = podDifferences(init, expected)
  const shown = expected?.source === 'ambiguous' ? expected.candidates?.[0] : expected
  return {
    name: p.metadata.name,
    component,
    created: p.metadata.creationTimestamp ?? '',
    phase: p.status?.phase ?? 'Unknown',
    initContainer: init ? {image: init.image, resources: init.resources ?? {}} : null,
    expected: {source: expected?.sourceName ?? 'none', image: shown?.image ?? null, resources: shown?.resources ?? null},
    current: differences.length === 0,
    differences,
  }
}
