/**
 * The simulator's Deployment, ReplicaSet, webhook and kubelet controllers (controllers.ts), judged by the real kubectl:
 * `kubectl rollout restart` makes a new ReplicaSet whose pods replace the old ones within the strategy's bounds, and
 * `kubectl rollout status` (which reads the Deployment's status as the Deployment controller writes it) sees it end.
 */
import {stringify} from 'yaml'

import {kubectl, startCluster, type Started} from '../helpers.js'

let s: Started
const MODEL = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {name: 'roll', namespace: 'ml'},
  spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'gs://bucket/roll'}}},
}
const deployment = (replicas: number, strategy?: any) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'roll-predictor', namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': 'roll'}},
  spec: {
    replicas,
    ...(strategy ? {strategy} : {}),
    selector: {matchLabels: {app: 'isvc.roll-predictor'}},
    template: {
      metadata: {
        labels: {app: 'isvc.roll-predictor', 'serving.kserve.io/inferenceservice': 'roll', component: 'predictor'},
        annotations: {'internal.serving.kserve.io/storage-initializer-sourceuri': 'gs://bucket/roll'},
      },
      spec: {containers: [{name: 'kserve-container', image: 'kserve/sklearnserver:v0.20.0'}]},
    },
  },
})
const pods = async () =>
  JSON.parse((await kubectl(s.kubeconfig, ['get', 'pods', '-n', 'ml', '-l', 'app=isvc.roll-predictor', '-o', 'json'])).stdout).items

beforeEach(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  s.cluster.controllers.tickMs = 20
  s.cluster.controllers.start()
})
afterEach(() => s.cluster.stop())

test('a restart replaces every pod through a new ReplicaSet, and kubectl rollout status sees it end', async () => {
  const r = await kubectl(s.kubeconfig, ['apply', '-f', '-'], [MODEL, deployment(3)].map(d => stringify(d)).join('---\n'))
  expect([r.code, r.stderr]).toEqual([0, ''])
  const first = await kubectl(s.kubeconfig, ['rollout', 'status', 'deployment/roll-predictor', '-n', 'ml', '--timeout=20s'])
  expect([first.code, first.stdout]).toEqual([0, expect.stringContaining('successfully rolled out')])
  const before = await pods()
  expect(before).toHaveLength(3)
  // the webhook gave each pod the storage-initializer of the configuration
  for (const p of before) expect(p.spec.initContainers.map((c: any) => c.image)).toEqual(['kserve/storage-initializer:v0.20.0'])
  expect(before.every((p: any) => p.status.initContainerStatuses[0].state.terminated.reason === 'Completed')).toBe(true)
  // the surge bound, watched while it rolls: never more than 3 + 1 pods (25% of 3, rounded up)
  let most = 0
  const watch = setInterval(async () => (most = Math.max(most, (await pods()).length)), 15)
  const restart = await kubectl(s.kubeconfig, ['rollout', 'restart', 'deployment/roll-predictor', '-n', 'ml'])
  expect(restart.code).toBe(0)
  const done = await kubectl(s.kubeconfig, ['rollout', 'status', 'deployment/roll-predictor', '-n', 'ml', '--timeout=30s'])
  clearInterval(watch)
  expect([done.code, done.stdout]).toEqual([0, expect.stringContaining('successfully rolled out')])
  const after = await pods()
  expect(after).toHaveLength(3)
  expect(after.map((p: any) => p.metadata.name).filter((n: string) => before.some((b: any) => b.metadata.name === n))).toEqual([])
  expect(most).toBeLessThanOrEqual(4)
  const sets = JSON.parse((await kubectl(s.kubeconfig, ['get', 'rs', '-n', 'ml', '-o', 'json'])).stdout).items
  expect(sets).toHaveLength(2)
})

test('a download that fails: the new pods stay in Init, the old ones keep serving, rollout status does not end', async () => {
  await kubectl(s.kubeconfig, ['apply', '-f', '-'], [MODEL, deployment(2)].map(d => stringify(d)).join('---\n'))
  expect((await kubectl(s.kubeconfig, ['rollout', 'status', 'deployment/roll-predictor', '-n', 'ml', '--timeout=20s'])).code).toBe(0)
  // from now on the bucket refuses: every new pod's download fails
  s.cluster.controllers.failing.add('gs://bucket/roll')
  await kubectl(s.kubeconfig, ['rollout', 'restart', 'deployment/roll-predictor', '-n', 'ml'])
  const status = await kubectl(s.kubeconfig, ['rollout', 'status', 'deployment/roll-predictor', '-n', 'ml', '--timeout=2s'])
  expect(status.code).not.toBe(0)
  const now = await pods()
  const failing = now.filter((p: any) => p.status.phase !== 'Running')
  expect(failing.length).toBeGreaterThan(0)
  expect(failing.every((p: any) => p.status.phase === 'Pending')).toBe(true)
  // maxUnavailable 25% of 2 rounds down to 0: both old pods still run
  expect(now.filter((p: any) => p.status.phase === 'Running')).toHaveLength(2)
  const log = await kubectl(s.kubeconfig, ['logs', '-n', 'ml', failing[0].metadata.name, '-c', 'storage-initializer', '--previous'])
  expect(log.stdout).toContain('RuntimeError: Failed to fetch model')
})
