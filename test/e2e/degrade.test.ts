/**
 * Degrade to what the user may read (#27): a developer who may read pods and their logs, but not InferenceServices,
 * gets the model's storage-initializer logs through its labels, with one line saying what could not be read.
 */
import {plugin, startCluster, type Started} from '../helpers.js'
import {isvc, pod, terminated} from '../model-pods.js'

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  s.cluster.store.create('serving.kserve.io/inferenceservices', isvc('llm'))
  s.cluster.store.create('/pods', pod('llm-predictor-1', terminated(60, 30), {'storage-initializer': ['Copying model files', 'done']}))
  // a developer role: pods and their logs in ml, nothing of serving.kserve.io
  s.cluster.users['dev-alice'] = {
    name: 'dev-alice',
    groups: ['system:authenticated'],
    token: 'unused',
    rules: [{verbs: ['get', 'list', 'watch'], groups: [''], resources: ['pods', 'pods/log', 'namespaces'], namespaces: ['ml']}],
  }
})
afterAll(() => s.cluster.stop())

test('logs NAME without read access to the model: found by its labels, and said so in one line', async () => {
  const r = await plugin(['logs', 'llm', '-n', 'ml', '--as', 'dev-alice', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(0)
  expect(r.stdout).toContain('[pod/llm-predictor-1/storage-initializer] Copying model files')
  expect(r.stderr).toMatch(
    /^cannot read inferenceservices or llminferenceservices in namespace "ml" \(forbidden\): finding the pods of "llm" by their labels \(serving\.kserve\.io\/inferenceservice=llm, /,
  )
})

test('a model that does not exist, as a user who may read models, is still an error', async () => {
  const r = await plugin(['logs', 'nope', '-n', 'ml', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(1)
  expect(r.stderr).toContain('inferenceservice "nope" not found in namespace "ml"')
})
