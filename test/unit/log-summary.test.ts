/** The per-model summary of storage-initializer outcomes, folded pod by pod (in-process, no cluster). */
import {matchesLabels, simpleSelector, summarise} from '../../src/domain/log-summary.js'

const pod = (name: string, labels: Record<string, string>, state: any, last?: any) => ({
  metadata: {name, namespace: 'ml', labels},
  spec: {initContainers: [{name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0'}]},
  status: {initContainerStatuses: [{name: 'storage-initializer', restartCount: last ? 1 : 0, state, ...(last ? {lastState: last} : {})}]},
})
const isvc = {'serving.kserve.io/inferenceservice': 'm'}
const done = (secs: number) => ({
  terminated: {
    exitCode: 0,
    reason: 'Completed',
    startedAt: '2026-11-20T10:00:00Z',
    finishedAt: new Date(Date.parse('2026-11-20T10:00:00Z') + secs * 1000).toISOString(),
  },
})

test('outcomes by reason, the median and slowest download, the kinds of model apart', () => {
  const rows = summarise([
    pod('a', isvc, done(4)),
    pod('b', isvc, done(10)),
    pod('c', isvc, done(6)),
    pod('d', isvc, {terminated: {exitCode: 137, reason: 'OOMKilled'}}),
    pod('e', isvc, {waiting: {reason: 'CrashLoopBackOff'}}, {terminated: {exitCode: 137, reason: 'OOMKilled'}}),
    pod('f', isvc, {waiting: {reason: 'PodInitializing'}}),
    pod('g', isvc, {waiting: {reason: 'ImagePullBackOff'}}),
    pod('h', {'app.kubernetes.io/part-of': 'llminferenceservice', 'app.kubernetes.io/name': 'llm'}, done(3)),
    pod('i', {app: 'other'}, done(1)),
  ])
  expect(rows).toEqual([
    {
      namespace: 'ml',
      kind: 'LLMInferenceService',
      inferenceService: 'llm',
      pods: 1,
      succeeded: 1,
      failed: {},
      initializing: 0,
      images: ['kserve/storage-initializer:v0.20.0'],
      medianSeconds: 3,
      slowestSeconds: 3,
    },
    {
      namespace: 'ml',
      kind: 'InferenceService',
      inferenceService: 'm',
      pods: 7,
      succeeded: 3,
      failed: {OOMKilled: 2, ImagePullBackOff: 1},
      initializing: 1,
      images: ['kserve/storage-initializer:v0.20.0'],
      medianSeconds: 6,
      slowestSeconds: 10,
    },
  ])
})

test('plain selectors are matched from labels; anything else is left to the server', () => {
  expect(simpleSelector('a, b=c,d==e')).toEqual([
    ['a', undefined],
    ['b', 'c'],
    ['d', 'e'],
  ])
  expect(simpleSelector('a in (b)')).toBeUndefined()
  expect(simpleSelector('a!=b')).toBeUndefined()
  expect(matchesLabels({a: 'x', b: 'c'}, simpleSelector('a,b=c')!)).toBe(true)
  expect(matchesLabels({b: 'c'}, simpleSelector('a,b=c')!)).toBe(false)
})
