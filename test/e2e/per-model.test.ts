/**
 * Per-model storage-initializer settings: one model gets 8Gi of init memory (a dedicated ClusterStorageContainer named
 * by spec.predictor.storageContainerName, KServe v0.20+: predictor.go, GetStorageContainerSpecByName in
 * storage_initializer_injector.go@v0.20.0), shown by get, validated, and removed by one rollback; an
 * LLMInferenceService gets its spec.template.initContainers override (workload_storage.go@v0.20.0); older releases are
 * refused with the reason.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse} from 'yaml'

import {FIXTURES, kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
const run = (...args: string[]) => plugin([...args, '--kubeconfig', s.kubeconfig])
const get = async (...args: string[]) => JSON.parse((await kubectl(s.kubeconfig, ['get', ...args, '-o', 'json'])).stdout)
const CSC = 'storage-init-ml-sklearn-iris'

afterEach(() => s.cluster.stop())

describe('KServe v0.20.0', () => {
  beforeEach(async () => {
    s = await startCluster('kserve-v0.20.0.yaml')
  })

  test('one command gives one model 8Gi of init memory, get shows it, validate is clean, one rollback removes it', async () => {
    const cmBefore = (await get('cm', 'inferenceservice-config', '-n', 'kserve')).data.storageInitializer
    const r = await run('set-resources', '--requests', 'memory=8Gi', '--limits', 'memory=8Gi', '--isvc', 'sklearn-iris', '-n', 'ml')
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    expect(r.stdout).toContain(`clusterstoragecontainer.serving.kserve.io/${CSC} resource requirements updated`)
    expect(r.stdout).toContain('inferenceservice.serving.kserve.io/sklearn-iris -n ml storageContainerName updated')
    // the dedicated container: labelled as ours, the model's effective container with the change, formats = its URI only
    const csc = await get('clusterstoragecontainer', CSC)
    expect(csc.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'kubectl-storage-init',
      'storage-init.kserve.io/dedicated': 'true',
    })
    expect(csc.metadata.annotations['storage-init.kserve.io/model']).toBe('ml/sklearn-iris')
    expect(csc.spec.supportedUriFormats).toEqual([{regex: '^gs://kfserving-examples/models/sklearn/1\\.0/model$'}])
    expect(csc.spec.container).toMatchObject({
      name: 'storage-initializer',
      image: 'kserve/storage-initializer:v0.20.0',
      resources: {requests: {cpu: '100m', memory: '8Gi'}, limits: {cpu: '1', memory: '8Gi'}},
    })
    expect(csc.spec.container.args).toBeUndefined()
    expect((await get('inferenceservice', 'sklearn-iris', '-n', 'ml')).spec.predictor.storageContainerName).toBe(CSC)
    // nothing else changed
    expect((await get('cm', 'inferenceservice-config', '-n', 'kserve')).data.storageInitializer).toBe(cmBefore)
    const g = JSON.parse((await run('get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json')).stdout)
    expect(g.storage[0].injection).toMatchObject({
      sourceName: `clusterstoragecontainer/${CSC}`,
      reason: 'named by the InferenceService (spec.predictor.storageContainerName)',
    })
    expect(g.storage[0].injection.resources.limits.memory).toBe('8Gi')
    expect((await run('get')).stdout).toMatch(
      new RegExp(
        `^ml\\s+inferenceservice/sklearn-iris\\s+clusterstoragecontainer/${CSC}\\s+kserve/storage-initializer:v0.20.0\\s+cpu=100m,memory=8Gi\\s+cpu=1,memory=8Gi`,
        'm',
      ),
    )
    const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
    expect(v.findings.filter((f: any) => ['SI051', 'SI057', 'SI058', 'SI022'].includes(f.rule))).toEqual([])
    // the other models still get the shared container: the dedicated one matches only this model's URI
    const served = Object.fromEntries(
      JSON.parse((await run('get', '-o', 'json')).stdout).uriFormats.map((u: any) => [u.format, u.sourceName]),
    )
    expect(served['gs://']).toBe('clusterstoragecontainer/default')
    // one rollback: the field goes, the container goes, recorded as a revision
    const h = (await run('history')).stdout
    expect(h).toMatch(/set-resources --requests memory=8Gi --limits memory=8Gi --isvc sklearn-iris -n ml/)
    const rb = await run('rollback')
    expect(rb.stderr).not.toContain('error:')
    expect(rb.code).toBe(0)
    expect((await kubectl(s.kubeconfig, ['get', 'clusterstoragecontainer', CSC])).code).toBe(1)
    expect((await get('inferenceservice', 'sklearn-iris', '-n', 'ml')).spec.predictor.storageContainerName).toBeUndefined()
  })

  test('preview with --diff and --dry-run=client|server writes nothing; a second change updates the same container', async () => {
    const client = await run('set-image', '--tag', 'v0.20.1', '--isvc', 'sklearn-iris', '-n', 'ml', '--dry-run=client', '--diff')
    expect(client.code).toBe(0)
    expect(client.stdout).toContain('(dry run)')
    expect(client.stdout).toContain('+image: kserve/storage-initializer:v0.20.1')
    const server = await run('set-image', '--tag', 'v0.20.1', '--isvc', 'sklearn-iris', '-n', 'ml', '--dry-run=server')
    expect(server.code).toBe(0)
    expect((await kubectl(s.kubeconfig, ['get', 'clusterstoragecontainer', CSC])).code).toBe(1)
    expect((await run('set-image', '--tag', 'v0.20.1', '--isvc', 'sklearn-iris', '-n', 'ml')).code).toBe(0)
    expect((await run('set-resources', '--limits', 'memory=4Gi', '--isvc', 'sklearn-iris', '-n', 'ml')).code).toBe(0)
    const csc = await get('clusterstoragecontainer', CSC)
    expect([csc.spec.container.image, csc.spec.container.resources.limits.memory]).toEqual(['kserve/storage-initializer:v0.20.1', '4Gi'])
    // a request above the model's limit is refused, with nothing written
    const bad = await run('set-resources', '--requests', 'memory=16Gi', '--isvc', 'sklearn-iris', '-n', 'ml')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('memory request 16Gi is above its limit 4Gi')
    // the shared default is not among the targets of a plain set-image: only the per-model one keeps its own
    const all = await run('set-image', '--tag', 'v0.20.2', '--dry-run=client')
    expect(all.stdout).not.toContain(CSC)
  })

  test('validate flags an orphaned per-model container, and one that matches other models', async () => {
    expect((await run('set-image', '--tag', 'v0.20.1', '--isvc', 'sklearn-iris', '-n', 'ml')).code).toBe(0)
    await kubectl(s.kubeconfig, [
      'patch',
      'clusterstoragecontainer',
      CSC,
      '--type=merge',
      '-p',
      JSON.stringify({spec: {supportedUriFormats: [{prefix: 'gs://'}]}}),
    ])
    s.cluster.seed({
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: 'other', namespace: 'ml'},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'gs://b/other'}}},
    })
    const v = JSON.parse((await run('validate', '-o', 'json')).stdout)
    expect(v.findings.find((f: any) => f.rule === 'SI058').message).toContain('matches the URIs of ml/other')
    await kubectl(s.kubeconfig, ['delete', 'inferenceservice', 'sklearn-iris', '-n', 'ml'])
    const o = JSON.parse((await run('validate', '-o', 'json')).stdout)
    expect(o.findings.find((f: any) => f.rule === 'SI057').message).toBe(
      `${CSC} was made for ml/sklearn-iris, which does not exist any more: nothing uses it`,
    )
  })

  test('an LLMInferenceService gets its spec.template.initContainers override; rollback takes it away', async () => {
    const llm = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'llminferenceservice-sample.yaml'), 'utf8'))
    await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(llm))
    const r = await run('set-resources', '--requests', 'memory=8Gi', '--limits', 'memory=8Gi', '--llmisvc', llm.metadata.name, '-n', 'ml')
    expect(r.stderr).not.toContain('error:')
    expect(r.code).toBe(0)
    const o = await get('llminferenceservice', llm.metadata.name, '-n', 'ml')
    expect(o.spec.template.initContainers).toEqual([
      {name: 'storage-initializer', resources: {requests: {memory: '8Gi'}, limits: {memory: '8Gi'}}},
    ])
    // the main container is untouched
    expect(o.spec.template.containers[0].name).toBe('main')
    const g = JSON.parse((await run('get', '--llmisvc', llm.metadata.name, '-n', 'ml', '-o', 'json')).stdout)
    expect(g.storage[0].injection.resources).toEqual({limits: {cpu: '1', memory: '8Gi'}, requests: {cpu: '100m', memory: '8Gi'}})
    expect((await run('rollback')).code).toBe(0)
    // the key goes with the override (it had none before): not an empty list left behind
    expect((await get('llminferenceservice', llm.metadata.name, '-n', 'ml')).spec.template).not.toHaveProperty('initContainers')
  })
})

test('before v0.20: a clear refusal with the options that exist', async () => {
  s = await startCluster('kserve-v0.19.0.yaml')
  const r = await run('set-resources', '--limits', 'memory=8Gi', '--isvc', 'sklearn-iris', '-n', 'ml')
  expect(r.code).toBe(1)
  expect(r.stderr).toBe(
    "error: KServe v0.19.0 has no per-model storage-initializer: spec.predictor.storageContainerName arrived in v0.20 (upgrade KServe to v0.20 or later; or change every model (set-image/set-resources without --isvc); a ClusterStorageContainer matching only this model's URI would still compete with the default one, which KServe may pick instead, pod by pod)\n",
  )
})
