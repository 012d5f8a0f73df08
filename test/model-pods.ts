/** Test objects of a model `llm` in namespace ml: its InferenceService, and its pods with their init container's state and log. */
import type {ScriptLine} from './cluster/logs.js'

/** An RFC 3339 time `sec` seconds ago (whole seconds, as the kubelet writes them). */
export const ago = (sec: number) => new Date(Date.now() - sec * 1000).toISOString().replace(/\.\d+Z$/, 'Z')

/** A pod of the model `llm` in ml, its init container in `status`, with a log script (test/cluster/logs.ts). */
export function pod(name: string, status: any, logs?: Record<string, (string | ScriptLine)[]>) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ml',
      labels: {'serving.kserve.io/inferenceservice': 'llm', component: 'predictor'},
      ...(logs ? {annotations: {'sim.storage-init.dev/logs': JSON.stringify(logs)}} : {}),
    },
    spec: {
      initContainers: [{name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0'}],
      containers: [{name: 'kserve-container', image: 'kserve/huggingfaceserver:v0.20.0'}],
    },
    status,
  }
}

/** The init container running, started `startedSecondsAgo`. */
export const running = (startedSecondsAgo: number) => ({
  phase: 'Pending',
  initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {running: {startedAt: ago(startedSecondsAgo)}}}],
})

/** The init container ended (`start` and `end` seconds ago), by default successfully. */
export const terminated = (start: number, end: number, exitCode = 0, reason = 'Completed') => ({
  phase: exitCode ? 'Pending' : 'Running',
  initContainerStatuses: [
    {name: 'storage-initializer', restartCount: 0, state: {terminated: {exitCode, reason, startedAt: ago(start), finishedAt: ago(end)}}},
  ],
})

/** The model the pods belong to: logs NAME checks that it exists. */
export const isvc = (name: string) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {name, namespace: 'ml'},
  spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://org/llm'}}},
})

/** A pod whose init container was OOMKilled and is now in CrashLoopBackOff. */
export const oomPod = (name: string) =>
  pod(name, {
    phase: 'Pending',
    initContainerStatuses: [
      {
        name: 'storage-initializer',
        restartCount: 2,
        state: {waiting: {reason: 'CrashLoopBackOff'}},
        lastState: {terminated: {exitCode: 137, reason: 'OOMKilled'}},
      },
    ],
  })
