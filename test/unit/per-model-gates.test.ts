/**
 * Per-model changes exist only from the release whose code reads them (#26): an LLMInferenceService override from
 * v0.20.0 (the LLM controller's workload_storage.go: v0.19.0 strips a user's storage-initializer, v0.16-v0.18 add their
 * own beside it), a storageContainerName from v0.20.0.
 */
import {planModelChange} from '../../src/domain/plans/model.js'
import type {PlanInput} from '../../src/domain/plans/target.js'
import {parseRelease} from '../../src/domain/release.js'

const input = (version: string): PlanInput => ({
  doc: {image: 'kserve/storage-initializer:v0.19.0', memoryRequest: '100Mi', memoryLimit: '1Gi', cpuRequest: '100m', cpuLimit: '1'},
  release: parseRelease(version),
  version,
  crdInstalled: true,
  targets: [
    {
      id: 'configmap',
      display: 'configmap/inferenceservice-config',
      kind: 'ConfigMap',
      name: 'inferenceservice-config',
      namespace: 'kserve',
      object: {metadata: {name: 'inferenceservice-config'}},
      value: '{}',
      serving: true,
    },
    {
      id: 'llminferenceservice/ml/opt',
      display: 'llminferenceservice.serving.kserve.io/opt -n ml',
      kind: 'LLMInferenceService',
      name: 'opt',
      namespace: 'ml',
      object: {metadata: {name: 'opt', namespace: 'ml'}, spec: {model: {uri: 'hf://facebook/opt-125m'}}},
      value: null,
      serving: true,
    },
  ],
})
const memory = {what: 'resource requirements', apply: (c: any) => ({...c, resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}})}
const ref = {kind: 'LLMInferenceService' as const, namespace: 'ml', name: 'opt'}

test.each([
  ['v0.15.2', /adds its own beside it/],
  ['v0.17.1', /adds its own beside it, and a Deployment with two init containers of one name is invalid/],
  ['v0.19.0', /it drops it \(the merge arrived in v0.20.0\)/],
])('--llmisvc on %s is refused before anything is written', (version, why) => {
  expect(() => planModelChange(input(version), ref, memory, () => {})).toThrow(why)
})

test('--llmisvc on v0.20.0 writes the override', () => {
  const {planned} = planModelChange(input('v0.20.0'), ref, memory, () => {})
  expect(planned[0].after).toEqual({name: 'storage-initializer', resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}})
})
