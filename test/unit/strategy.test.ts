/**
 * src/domain/strategy.ts: a Deployment's maxUnavailable as kubernetes' Deployment controller resolves it
 * (pkg/controller/deployment/util/deployment_util.go ResolveFenceposts and MaxUnavailable, its test table
 * TestResolveFenceposts as data), pod availability (IsPodAvailable) and which stale pods may go now.
 */
import {deletable, deploymentOfPod, podAvailable, scaled, selectsPod, strategyOf, unsettled} from '../../src/domain/strategy.js'

const dep = (replicas: number | undefined, ru?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  metadata: {name: 'm-predictor'},
  spec: {...(replicas === undefined ? {} : {replicas}), ...(ru ? {strategy: {type: 'RollingUpdate', rollingUpdate: ru}} : {}), ...extra},
})

// TestResolveFenceposts (deployment_util_test.go), the cases with both values set (the API server defaults unset ones
// to 25%), read through MaxUnavailable (0 replicas: 0)
test.each([
  {surge: '0%', unavailable: '0%', desired: 0, want: 0},
  {surge: '39%', unavailable: '39%', desired: 10, want: 3},
  {surge: '0%', unavailable: '39%', desired: 10, want: 3},
  {surge: '39%', unavailable: '0%', desired: 10, want: 0},
  {surge: '1%', unavailable: '25%', desired: 1, want: 0},
  {surge: '0%', unavailable: '1%', desired: 2, want: 1},
  {surge: 0, unavailable: '1%', desired: 1, want: 1},
  {surge: '25%', unavailable: '25%', desired: 4, want: 1},
  {surge: '25%', unavailable: '25%', desired: 3, want: 0},
  {surge: 1, unavailable: 5, desired: 3, want: 3},
  {surge: '0%', unavailable: '100%', desired: 2, want: 2},
])('maxSurge $surge, maxUnavailable $unavailable of $desired replicas: $want may be unavailable', ({surge, unavailable, desired, want}) => {
  const s = strategyOf(dep(desired, {maxSurge: surge, maxUnavailable: unavailable}))
  expect([s.maxUnavailable, s.invalid]).toEqual([want, undefined])
})

test('defaults: RollingUpdate 25%/25% and 1 replica (it surges instead); Recreate lets every pod go', () => {
  const d = strategyOf(dep(undefined))
  expect(d).toMatchObject({type: 'RollingUpdate', replicas: 1, maxUnavailable: 0})
  expect(d.how).toBe('maxUnavailable 25% of 1 replica(s) = 0: it surges instead (maxSurge 25%)')
  // Recreate takes every pod down at once; replaced here one at a time (less than it allows, no outage)
  expect(strategyOf(dep(4, undefined, {strategy: {type: 'Recreate'}}))).toMatchObject({type: 'Recreate', maxUnavailable: 1})
  // KServe's multi-node Deployments: 0% unavailable, 100% surge
  expect(strategyOf(dep(2, {maxUnavailable: '0%', maxSurge: '100%'})).maxUnavailable).toBe(0)
})

test('values the controller cannot resolve are said, not guessed (intstr.GetScaledValueFromIntOrPercent)', () => {
  expect(strategyOf(dep(10, {maxSurge: 'oops', maxUnavailable: '39%'})).invalid).toMatch(/string is not a percentage/)
  expect(strategyOf(dep(10, {maxSurge: '55%', maxUnavailable: 'urg'})).invalid).toMatch(/string is not a percentage/)
  expect(() => scaled('x%', 10, true)).toThrow(/invalid value for percentage/)
  expect([scaled('39%', 10, true), scaled('39%', 10, false), scaled(7, 10, false)]).toEqual([4, 3, 7])
})

const pod = (name: string, o: {ready?: boolean; since?: string; terminating?: boolean; containersReady?: boolean} = {}) => ({
  metadata: {
    name,
    labels: {'pod-template-hash': 'abc12'},
    ownerReferences: [{kind: 'ReplicaSet', name: 'm-predictor-abc12', controller: true}],
    ...(o.terminating ? {deletionTimestamp: '2026-12-03T00:00:00Z'} : {}),
  },
  status: {
    phase: 'Running',
    containerStatuses: [{name: 'kserve-container', ready: o.containersReady ?? o.ready ?? true}],
    conditions: [{type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: o.since ?? '2026-12-03T10:00:00Z'}],
  },
})

test('IsPodAvailable: the Ready condition, for minReadySeconds (at exactly minReadySeconds: available)', () => {
  const now = Date.parse('2026-12-03T10:00:30Z')
  expect(podAvailable(pod('a'), 0, now)).toBe(true)
  expect(podAvailable(pod('a'), 29, now)).toBe(true)
  expect(podAvailable(pod('a'), 30, now)).toBe(true)
  expect(podAvailable(pod('a'), 31, now)).toBe(false)
  expect(podAvailable(pod('a', {ready: false}), 0, now)).toBe(false)
  // a readiness gate still false, or a native sidecar not ready: the containers are, the pod is not
  expect(podAvailable(pod('a', {ready: false, containersReady: true}), 0, now)).toBe(false)
  expect(podAvailable(pod('a', {terminating: true}), 0, now)).toBe(false)
  expect(podAvailable({metadata: {name: 'x'}, status: {phase: 'Running'}}, 0, now)).toBe(false)
})

test("a Deployment's own rollout must be complete, and it must not be paused, before its pods are replaced", () => {
  const d = (spec: object, status: object, generation = 2) => ({
    metadata: {name: 'm-predictor', generation},
    spec: {replicas: 2, ...spec},
    status,
  })
  expect(unsettled(d({}, {observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1}))).toBeUndefined()
  expect(unsettled(d({paused: true}, {observedGeneration: 2, replicas: 2, updatedReplicas: 2}))).toEqual({
    paused: true,
    why: 'deployment/m-predictor is paused: its pods are not replaced until it is resumed',
  })
  expect(unsettled(d({}, {observedGeneration: 1, replicas: 2, updatedReplicas: 2}))).toMatchObject({paused: false})
  expect(unsettled(d({}, {observedGeneration: 2, replicas: 3, updatedReplicas: 1}))).toEqual({
    paused: false,
    why: 'deployment/m-predictor is rolling out on its own (1 of 2 pods updated)',
  })
})

test("a pod is one of the Deployment's own when its selector selects it", () => {
  const d = {spec: {selector: {matchLabels: {app: 'm'}, matchExpressions: [{key: 'tier', operator: 'NotIn', values: ['x']}]}}}
  expect(selectsPod(d, {metadata: {labels: {app: 'm'}}})).toBe(true)
  expect(selectsPod(d, {metadata: {labels: {app: 'm', tier: 'x'}}})).toBe(false)
  expect(selectsPod(d, {metadata: {labels: {app: 'n'}}})).toBe(false)
  expect(selectsPod({spec: {}}, {metadata: {labels: {}}})).toBe(false)
})

test('a pod belongs to the Deployment its ReplicaSet is named after; a pod no Deployment runs to none', () => {
  expect(deploymentOfPod(pod('a'))).toBe('m-predictor')
  expect(deploymentOfPod({metadata: {ownerReferences: [{kind: 'StatefulSet', name: 'm', controller: true}]}})).toBeUndefined()
  expect(
    deploymentOfPod({
      metadata: {labels: {'pod-template-hash': 'zz'}, ownerReferences: [{kind: 'ReplicaSet', name: 'other-abc12', controller: true}]},
    }),
  ).toBeUndefined()
  expect(deploymentOfPod({metadata: {}})).toBeUndefined()
})

test('which stale pods may go now: the unavailable ones, then available ones while replicas − maxUnavailable stay', () => {
  const now = Date.parse('2026-12-03T11:00:00Z')
  const four = strategyOf(dep(4, {maxSurge: '25%', maxUnavailable: '50%'}))
  const pods = [pod('a'), pod('b'), pod('c'), pod('d')]
  expect(deletable(four, pods, new Set(['a', 'b', 'c', 'd']), now)).toEqual(['a', 'b'])
  // one is already down (terminating): one more may go
  expect(deletable(four, [pod('a', {terminating: true}), pod('b'), pod('c'), pod('d')], new Set(['b', 'c', 'd']), now)).toEqual(['b'])
  // a stale pod that is not available costs nothing
  expect(deletable(four, [pod('a', {ready: false}), pod('b'), pod('c'), pod('d')], new Set(['a', 'b', 'c', 'd']), now)).toEqual(['a', 'b'])
  // only the stale ones, never a current one
  expect(deletable(four, pods, new Set(['d']), now)).toEqual(['d'])
  // a Deployment that allows none: nothing available goes
  const none = strategyOf(dep(2, {maxSurge: '25%', maxUnavailable: '25%'}))
  expect(deletable(none, [pod('a'), pod('b')], new Set(['a', 'b']), now)).toEqual([])
  // --ignore-max-unavailable: one a step, an unavailable stale pod first, else one once every pod is available
  expect(deletable(none, [pod('a'), pod('b')], new Set(['a', 'b']), now, true)).toEqual(['a'])
  expect(deletable(none, [pod('a'), pod('b', {ready: false})], new Set(['a', 'b']), now, true)).toEqual(['b'])
  expect(deletable(none, [pod('a'), pod('b', {ready: false})], new Set(['a']), now, true)).toEqual([])
  expect(deletable(none, [pod('a'), pod('b', {terminating: true}), pod('c')], new Set(['a']), now, true)).toEqual([])
  // 0 replicas: nothing (its pods go by themselves)
  expect(deletable(strategyOf(dep(0, {maxSurge: 1, maxUnavailable: 1})), [pod('a')], new Set(['a']), now, true)).toEqual([])
})
