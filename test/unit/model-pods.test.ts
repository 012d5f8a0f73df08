/** domain/model-pods.ts: an InferenceService's deployment mode, from its status, its annotation, the ConfigMap, else KServe's default. */
import {deploymentMode} from '../../src/domain/model-pods.js'
import {parseRelease} from '../../src/domain/release.js'

const cm = (mode?: string) => ({data: mode ? {deploy: JSON.stringify({defaultDeploymentMode: mode})} : {}})

test('the status, then the annotation, then the ConfigMap decide; legacy names are mapped', () => {
  const r = parseRelease('v0.20.0')
  expect(deploymentMode({status: {deploymentMode: 'RawDeployment'}}, cm('Serverless'), r)).toBe('Standard')
  expect(deploymentMode({metadata: {annotations: {'serving.kserve.io/deploymentMode': 'Serverless'}}}, cm('Standard'), r)).toBe('Knative')
  expect(deploymentMode({}, cm('ModelMesh'), r)).toBe('ModelMesh')
})

// pkg/constants/constants.go: DefaultDeployment = Standard at v0.16.0 (line 468) and later; no such constant at v0.15.2
test.each([
  ['v0.15.2', 'Knative'],
  ['v0.16.0', 'Standard'],
  ['v0.20.0', 'Standard'],
])('nothing says: KServe %s defaults to %s', (version, mode) => {
  expect(deploymentMode({}, cm(), parseRelease(version))).toBe(mode)
})
