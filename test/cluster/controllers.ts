/**
 * The controllers a rollout needs, when a test turns them on (`cluster.controllers.start()`): the Deployment and
 * ReplicaSet controllers (a template change makes a new ReplicaSet; pods are replaced one step at a time within
 * maxSurge and maxUnavailable, or all at once for Recreate), KServe's pod webhook (the storage-initializer a new pod
 * gets), KServe's raw Deployment reconciler as far as a rollout needs it (the InferenceService's annotations copied into
 * its Deployment's pod template), and a kubelet (the init container runs, then succeeds or fails as the test scripts it).
 *
 * What they do not model (test/cluster/README.md): minReadySeconds, progressDeadlineSeconds, revision history limits
 * and rollbacks of Deployments, pod graceful termination (a deleted pod is gone at once), scheduling and nodes, probes
 * (a started container is ready), Knative, the LLM controller and KServe's own controllers (nothing recreates a
 * deleted Deployment). The webhook is the plugin's own emulation of KServe's (held to KServe's Go test tables by
 * test/conformance): a rollout test shows the mechanics of a rollout, not that emulation.
 */
import {createHash} from 'node:crypto'

import {configResult} from '../../src/core/kserve-state.js'
import {emulateInferenceService, emulateLlmInferenceService} from '../../src/domain/kserve/index.js'
import {llmDeploymentName, llmPodSelector} from '../../src/domain/llmisvc.js'
import {parseRelease} from '../../src/domain/release.js'
import {fromResource} from '../../src/domain/storage-containers.js'

/** What the controllers need of the cluster: its store and a way to create objects as the API server stores them. */
export interface ControlledCluster {
  store: import('./store.js').Store
  seed(obj: any): any
  logScripts: Map<string, import('./logs.js').LogScript>
}

const DEPLOYMENTS = 'apps/deployments'
const REPLICASETS = 'apps/replicasets'
const PODS = '/pods'
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z')

/** An int-or-percent of a Deployment's strategy, as the Deployment controller resolves it (surge rounds up, unavailable down). */
function intOrPercent(v: unknown, total: number, roundUp: boolean, dflt: string): number {
  const x = v ?? dflt
  if (typeof x === 'number') return x
  const m = /^(\d+)%$/.exec(String(x))
  if (!m) return Number(x) || 0
  const n = (Number(m[1]) * total) / 100
  return roundUp ? Math.ceil(n) : Math.floor(n)
}

const owned = (o: any, uid: string) => (o.metadata?.ownerReferences ?? []).some((r: any) => r.uid === uid && r.controller)
const ready = (p: any) =>
  p.status?.phase === 'Running' && (p.status?.containerStatuses ?? []).every((c: any) => c.ready) && !p.metadata.deletionTimestamp

export class Controllers {
  /** how long each step takes */
  tickMs = 40
  /** a pod whose storage URI or storage-initializer image contains one of these fails its download */
  readonly failing = new Set<string>()
  /** pods the kubelet has seen, by uid: ticks since creation */
  private ages = new Map<string, number>()
  private timer?: NodeJS.Timeout
  private running = false

  constructor(private readonly c: ControlledCluster) {}

  start(): void {
    if (this.timer) return
    this.timer = setInterval(() => this.tick(), this.tickMs)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  /** One step of every controller. */
  tick(): void {
    if (this.running) return
    this.running = true
    try {
      this.collectGarbage()
      for (const l of this.c.store.list('serving.kserve.io/llminferenceservices')) this.llm(l)
      for (const d of this.c.store.list(DEPLOYMENTS)) this.kserve(d)
      for (const d of this.c.store.list(DEPLOYMENTS))
        try {
          this.deployment(d)
        } catch {
          // a pod the webhook refused: the ReplicaSet has none (a FailedCreate event on a real cluster); tried again
        }
      for (const p of this.c.store.list(PODS)) this.kubelet(p)
    } finally {
      this.running = false
    }
  }

  private put(key: string, o: any): void {
    this.c.store.update(key, o)
  }

  /** The garbage collector: ReplicaSets whose Deployment is gone, and pods whose ReplicaSet is gone, go too. */
  private collectGarbage(): void {
    const uids = (key: string) => new Set(this.c.store.list(key).map(o => o.metadata.uid))
    const gone = (o: any, live: Set<string>, kind: string) =>
      (o.metadata.ownerReferences ?? []).some((r: any) => r.kind === kind && r.controller && !live.has(r.uid))
    const deployments = uids(DEPLOYMENTS)
    for (const rs of this.c.store.list(REPLICASETS))
      if (gone(rs, deployments, 'Deployment')) this.c.store.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name)
    const sets = uids(REPLICASETS)
    for (const p of this.c.store.list(PODS))
      if (gone(p, sets, 'ReplicaSet')) this.c.store.delete(PODS, p.metadata.namespace, p.metadata.name)
  }

  /** The state the emulation reads, from what the cluster stores now. */
  private kserveState(): any {
    const cm = this.c.store.list('/configmaps').find(c => c.metadata.name === 'inferenceservice-config')
    if (!cm) return undefined
    const controller = this.c.store.get(DEPLOYMENTS, cm.metadata.namespace, 'kserve-controller-manager')
    const tag = /:(v\d+\.\d+\.\d+)$/.exec(controller?.spec?.template?.spec?.containers?.[0]?.image ?? '')?.[1]
    const release = tag ? parseRelease(tag) : undefined
    return {
      release,
      kserveNamespace: cm.metadata.namespace,
      config: configResult(cm.data?.storageInitializer, release),
      containers: this.c.store.list('serving.kserve.io/clusterstoragecontainers').map(fromResource),
      crdInstalled: true,
    }
  }

  /**
   * KServe's LLM controller, only this: an LLMInferenceService whose Deployment is missing gets one, with the
   * storage-initializer the emulation gives a new workload (the controller keeps a running Deployment's image, so a
   * new Deployment is how a new image arrives).
   */
  private llm(l: any): void {
    const ns = l.metadata.namespace
    const name = llmDeploymentName(l.metadata.name)
    if (this.c.store.get(DEPLOYMENTS, ns, name)) return
    const state = this.kserveState()
    if (!state) return
    const workload =
      emulateLlmInferenceService(l, state, new Map()).find(p => p.workload === name) ?? emulateLlmInferenceService(l, state, new Map())[0]
    if (!workload?.admitted) return
    const labels = Object.fromEntries(
      llmPodSelector(l.metadata.name)
        .split(',')
        .map(kv => kv.split('=')),
    )
    this.c.seed({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name, namespace: ns, labels},
      spec: {
        replicas: l.spec?.replicas ?? 1,
        selector: {matchLabels: labels},
        template: {
          metadata: {labels},
          spec: {
            containers: l.spec?.template?.containers ?? [{name: 'main', image: 'vllm'}],
            initContainers: workload.initContainers,
            volumes: workload.volumes,
          },
        },
      },
    })
  }

  /** the InferenceService resourceVersion each Deployment was last reconciled at (KServe reconciles on its changes) */
  private reconciled = new Map<string, string>()

  /**
   * KServe's raw Deployment reconciler, for what a rollout relies on, when the InferenceService changes (it watches
   * neither the ConfigMap nor ClusterStorageContainers): the InferenceService's annotations are copied into its
   * Deployment's pod template (kubectl's own left out), and for storageUris the controller writes the storage-initializer
   * into the template itself (CommonStorageInitialization), as the emulation gives it.
   */
  private kserve(d: any): void {
    const name = d.metadata.labels?.['serving.kserve.io/inferenceservice']
    if (!name) return
    const isvc = this.c.store.get('serving.kserve.io/inferenceservices', d.metadata.namespace, name)
    if (!isvc) return
    const key = `${d.metadata.namespace}/${d.metadata.name}`
    if (this.reconciled.get(key) === isvc.metadata.resourceVersion) return
    this.reconciled.set(key, isvc.metadata.resourceVersion)
    const wanted = Object.fromEntries(
      Object.entries(isvc.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('kubectl.kubernetes.io/')),
    )
    const have = d.spec?.template?.metadata?.annotations ?? {}
    let spec = d.spec.template.spec
    const state = this.kserveState()
    const component = d.spec.template.metadata?.labels?.component ?? 'predictor'
    const prediction = state ? emulateInferenceService(isvc, state).find(p => p.component === component) : undefined
    if (prediction?.admitted && prediction.writtenBy === 'controller') {
      const inits = new Set(prediction.initContainers.map((c: any) => c.name))
      const vols = new Set(prediction.volumes.map((v: any) => v.name))
      spec = {
        ...spec,
        initContainers: [...(spec.initContainers ?? []).filter((c: any) => !inits.has(c.name)), ...prediction.initContainers],
        volumes: [...(spec.volumes ?? []).filter((v: any) => !vols.has(v.name)), ...prediction.volumes],
      }
    }
    if (Object.entries(wanted).every(([k, v]) => have[k] === v) && JSON.stringify(spec) === JSON.stringify(d.spec.template.spec)) return
    const template = {...d.spec.template, metadata: {...d.spec.template.metadata, annotations: {...have, ...wanted}}, spec}
    this.put(DEPLOYMENTS, {...d, metadata: {...d.metadata, generation: (d.metadata.generation ?? 1) + 1}, spec: {...d.spec, template}})
  }

  /** The Deployment controller (pkg/controller/deployment: rolling.go, recreate.go), one step. */
  private deployment(d: any): void {
    const ns = d.metadata.namespace
    const replicas = d.spec?.replicas ?? 1
    const template = d.spec?.template ?? {}
    const hash = createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10)
    const sets = this.c.store.list(REPLICASETS, ns).filter(rs => owned(rs, d.metadata.uid))
    let current = sets.find(rs => rs.metadata.labels?.['pod-template-hash'] === hash)
    if (!current) {
      const labels = {...(template.metadata?.labels ?? {}), 'pod-template-hash': hash}
      current = this.c.seed({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `${d.metadata.name}-${hash}`,
          namespace: ns,
          labels,
          ownerReferences: [{apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true}],
        },
        spec: {
          replicas: 0,
          selector: {matchLabels: {...(d.spec?.selector?.matchLabels ?? {}), 'pod-template-hash': hash}},
          template: {...template, metadata: {...template.metadata, labels}},
        },
      })
    }
    const pods = this.c.store.list(PODS, ns).filter(p => !p.metadata.deletionTimestamp)
    const podsOf = (rs: any) => pods.filter(p => owned(p, rs.metadata.uid))
    const fresh = podsOf(current)
    const old = sets.filter(rs => rs.metadata.uid !== current.metadata.uid).flatMap(podsOf)
    const recreate = d.spec?.strategy?.type === 'Recreate'
    const surge = recreate ? 0 : intOrPercent(d.spec?.strategy?.rollingUpdate?.maxSurge, replicas, true, '25%')
    let unavailable = recreate ? replicas : intOrPercent(d.spec?.strategy?.rollingUpdate?.maxUnavailable, replicas, false, '25%')
    if (surge === 0 && unavailable === 0) unavailable = 1
    const readyCount = [...fresh, ...old].filter(ready).length
    if (old.length) {
      // scale down: a pod that is not ready first; a ready one only while enough stay available
      const victim = old.find(p => !ready(p)) ?? old[0]
      if (recreate || !ready(victim) || readyCount - 1 >= replicas - unavailable) this.c.store.delete(PODS, ns, victim.metadata.name)
    }
    if (fresh.length < replicas && (recreate ? old.length === 0 : fresh.length + old.length < replicas + surge)) this.createPod(current, d)
    else if (fresh.length > replicas) this.c.store.delete(PODS, ns, fresh[fresh.length - 1].metadata.name)
    const after = this.c.store.list(PODS, ns).filter(p => !p.metadata.deletionTimestamp)
    const mine = sets.concat(sets.includes(current) ? [] : [current]).flatMap(rs => after.filter(p => owned(p, rs.metadata.uid)))
    const updated = after.filter(p => owned(p, current.metadata.uid))
    const status = {
      observedGeneration: d.metadata.generation ?? 1,
      replicas: mine.length,
      updatedReplicas: updated.length,
      readyReplicas: mine.filter(ready).length,
      availableReplicas: mine.filter(ready).length,
      ...(mine.length - mine.filter(ready).length > 0 ? {unavailableReplicas: mine.length - mine.filter(ready).length} : {}),
    }
    const rsNow = this.c.store.get(REPLICASETS, ns, current.metadata.name)
    if (rsNow && rsNow.spec.replicas !== replicas) this.put(REPLICASETS, {...rsNow, spec: {...rsNow.spec, replicas}})
    const dNow = this.c.store.get(DEPLOYMENTS, ns, d.metadata.name)
    if (dNow) this.put(DEPLOYMENTS, {...dNow, status})
  }

  /** A pod of a ReplicaSet, through KServe's pod webhook. */
  private createPod(rs: any, d: any): void {
    const template = rs.spec.template
    const suffix = createHash('sha256').update(`${rs.metadata.uid}-${Math.random()}`).digest('hex').slice(0, 5)
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...template.metadata,
        name: `${rs.metadata.name}-${suffix}`,
        namespace: rs.metadata.namespace,
        ownerReferences: [{apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true}],
      },
      spec: structuredClone(template.spec ?? {}),
      status: {phase: 'Pending'},
    }
    void d
    this.c.seed(this.webhook(pod))
  }

  /**
   * KServe's pod webhook: a pod of an InferenceService that names a storage URI gets the init containers and volumes
   * the emulation says KServe gives that component (configuration read now, as the webhook reads it at admission).
   */
  private webhook(pod: any): any {
    const isvcName = pod.metadata.labels?.['serving.kserve.io/inferenceservice']
    if (!isvcName || !pod.metadata.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri']) return pod
    const isvc = this.c.store.get('serving.kserve.io/inferenceservices', pod.metadata.namespace, isvcName)
    const state = this.kserveState()
    if (!isvc || !state) return pod
    const component = pod.metadata.labels?.component ?? 'predictor'
    const prediction = emulateInferenceService(isvc, state).find(p => p.component === component)
    // a refusal: the webhook denies the pod, so the ReplicaSet has none (FailedCreate)
    if (!prediction?.admitted) throw new Error(`admission webhook denied the pod: ${prediction?.refusal?.message ?? 'no prediction'}`)
    const names = new Set(prediction.initContainers.map((c: any) => c.name))
    pod.spec.initContainers = [...(pod.spec.initContainers ?? []).filter((c: any) => !names.has(c.name)), ...prediction.initContainers]
    const vols = new Set(prediction.volumes.map((v: any) => v.name))
    pod.spec.volumes = [...(pod.spec.volumes ?? []).filter((v: any) => !vols.has(v.name)), ...prediction.volumes]
    return pod
  }

  /** The kubelet: init containers run one tick, then succeed or fail (a failing one is restarted: CrashLoopBackOff). */
  private kubelet(p: any): void {
    if (!(p.metadata.ownerReferences ?? []).some((r: any) => r.kind === 'ReplicaSet')) return
    if (p.status?.phase === 'Running') return
    const uid = p.metadata.uid
    const age = (this.ages.get(uid) ?? 0) + 1
    this.ages.set(uid, age)
    const inits = p.spec.initContainers ?? []
    const key = `${p.metadata.namespace}/${p.metadata.name}`
    const uri = p.metadata.annotations?.['internal.serving.kserve.io/storage-initializer-sourceuri'] ?? ''
    const fails = inits.some((c: any) => [...this.failing].some(f => uri.includes(f) || String(c.image).includes(f)))
    const started = p.status?.startTime ?? now()
    if (age === 1) {
      this.put(PODS, {
        ...p,
        status: {
          phase: 'Pending',
          startTime: started,
          initContainerStatuses: inits.map((c: any) => ({
            name: c.name,
            image: c.image,
            ready: false,
            restartCount: 0,
            state: {running: {startedAt: now()}},
          })),
          containerStatuses: (p.spec.containers ?? []).map((c: any) => ({
            name: c.name,
            image: c.image,
            ready: false,
            restartCount: 0,
            state: {waiting: {reason: 'PodInitializing'}},
          })),
        },
      })
      return
    }
    if (fails) {
      const restarts = (p.status?.initContainerStatuses?.[0]?.restartCount ?? 0) + (age > 2 ? 1 : 0)
      // what KServe's storage code logs when the bucket holds nothing (kserve_storage: storage_errors), each run alike
      const failed = [
        `INFO:kserve.storage.storage:Copying contents of ${uri} to local`,
        `RuntimeError: Failed to fetch model. No model found in ${uri}.`,
      ]
      this.c.logScripts.set(key, {'storage-initializer': failed, 'storage-initializer@previous': failed})
      this.put(PODS, {
        ...p,
        status: {
          ...p.status,
          phase: 'Pending',
          initContainerStatuses: inits.map((c: any) => ({
            name: c.name,
            image: c.image,
            ready: false,
            restartCount: restarts,
            state:
              age > 2
                ? {waiting: {reason: 'CrashLoopBackOff', message: 'back-off restarting failed container'}}
                : {terminated: {exitCode: 1, reason: 'Error', startedAt: started, finishedAt: now()}},
            lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: started, finishedAt: now()}},
          })),
        },
      })
      return
    }
    this.c.logScripts.set(key, {'storage-initializer': [`INFO:kserve.storage.storage:Successfully copied ${uri} to /mnt/models`]})
    this.put(PODS, {
      ...p,
      status: {
        phase: 'Running',
        startTime: started,
        conditions: [{type: 'Ready', status: 'True', lastTransitionTime: now()}],
        initContainerStatuses: inits.map((c: any) => ({
          name: c.name,
          image: c.image,
          ready: true,
          restartCount: 0,
          state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: now()}},
        })),
        containerStatuses: (p.spec.containers ?? []).map((c: any) => ({
          name: c.name,
          image: c.image,
          ready: true,
          restartCount: 0,
          state: {running: {startedAt: now()}},
        })),
      },
    })
  }
}
