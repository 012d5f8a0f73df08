/**
 * `get -f MODEL.yaml`: what a model will get before it is applied. The prediction for a manifest in a file must be
 * the one the same model gets once applied to the simulated cluster (through the real kubectl); and with `--config`
 * (the cluster's ConfigMap, ClusterStorageContainers and controller Deployment, exported to a file) the same again with
 * no cluster at all.
 */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {stringify} from 'yaml'

import {kubectl, plugin, startCluster, type Started} from '../helpers.js'

let s: Started
let dir: string

const MODELS: any[] = [
  {spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://meta-llama/Llama-3.1-8B'}}}},
  {spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 's3://models/iris'}}}},
  {spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'pvc://claim/models/iris'}}}},
  {spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'oci://registry.example.com/models/iris:1'}}}},
  {spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'gs://bucket/iris'}, storageContainerName: 'default'}}},
  {
    spec: {
      predictor: {
        model: {modelFormat: {name: 'sklearn'}, storageUri: 's3://models/iris'},
        containers: undefined,
      },
      transformer: {containers: [{name: 'kserve-container', image: 't:1', env: [{name: 'STORAGE_URI', value: 'gs://bucket/transformer'}]}]},
    },
  },
].map((m, i) => ({
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {name: `preview-${i}`, namespace: 'ml'},
  ...m,
}))

const yamlOf = (docs: any[]) => docs.map(d => stringify(d)).join('---\n')
const predictions = (r: {stdout: string}) => {
  const v = JSON.parse(r.stdout)
  return (v.kind === 'List' ? v.items : [v]).map((x: any) => ({name: x.inferenceService.name, predictions: x.predictions}))
}

/** KServe's ConfigMap and controller Deployment, as `kubectl get -o yaml` exports them from the cluster */
const exportedKServe = () =>
  kubectl(s.kubeconfig, ['get', 'configmap/inferenceservice-config', 'deployment/kserve-controller-manager', '-n', 'kserve', '-o', 'yaml'])

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'storage-init-get-file-'))
  writeFileSync(join(dir, 'models.yaml'), yamlOf(MODELS))
})
afterAll(() => s.cluster.stop())

test('each model in a file gets the prediction it gets once applied (and -f - reads standard input)', async () => {
  const before = await plugin(['get', '-f', join(dir, 'models.yaml'), '-o', 'json', '--kubeconfig', s.kubeconfig])
  expect([before.code, before.stderr]).toEqual([0, ''])
  const fromFile = predictions(before)
  expect(fromFile).toHaveLength(MODELS.length)
  const stdin = await plugin(['get', '-f', '-', '-o', 'json', '--kubeconfig', s.kubeconfig], {}, yamlOf(MODELS))
  expect(predictions(stdin)).toEqual(fromFile)
  const applied = await kubectl(s.kubeconfig, ['apply', '-f', join(dir, 'models.yaml')])
  expect([applied.code, applied.stderr]).toEqual([0, ''])
  for (const m of MODELS) {
    const live = await plugin(['get', '--isvc', m.metadata.name, '-n', 'ml', '-o', 'json', '--kubeconfig', s.kubeconfig])
    expect(predictions(live)).toEqual(fromFile.filter((x: any) => x.name === m.metadata.name))
  }
})

test('--config: the configuration exported to a file gives the same, with no cluster', async () => {
  const exported = await exportedKServe()
  const cscs = await kubectl(s.kubeconfig, ['get', 'clusterstoragecontainers', '-o', 'yaml'])
  writeFileSync(join(dir, 'kserve.yaml'), `${exported.stdout}\n---\n${cscs.stdout}`)
  const live = await plugin(['get', '-f', join(dir, 'models.yaml'), '-o', 'json', '--kubeconfig', s.kubeconfig])
  // no cluster: a kubeconfig that does not exist is never read
  const offline = await plugin([
    'get',
    '-f',
    join(dir, 'models.yaml'),
    '--config',
    join(dir, 'kserve.yaml'),
    '-o',
    'json',
    '--kubeconfig',
    join(dir, 'none'),
  ])
  expect([offline.code, offline.stderr]).toEqual([0, ''])
  expect(predictions(offline)).toEqual(predictions(live))
  expect(JSON.parse(offline.stdout).items[0].kserve.version).toBe('v0.20.0')
})

test("--config with another release: that release's rules", async () => {
  const r = await plugin([
    'get',
    '-f',
    join(dir, 'models.yaml'),
    '--isvc',
    'preview-4',
    '--config',
    join(dir, 'kserve.yaml'),
    '--kserve-version',
    'v0.19.0',
    '-o',
    'json',
    '--kubeconfig',
    join(dir, 'none'),
  ])
  expect(r.code).toBe(0)
  const v = JSON.parse(r.stdout)
  expect(v.kserve.version).toBe('v0.19.0')
  expect(v.inferenceService.name).toBe('preview-4')
})

test('text: the PODS section says the model is not applied; a file without models is one clear line', async () => {
  const r = await plugin(['get', '-f', join(dir, 'models.yaml'), '--isvc', 'preview-0', '--kubeconfig', s.kubeconfig])
  expect(r.stdout).toContain(`(from ${join(dir, 'models.yaml')}, not applied: no pods yet)`)
  writeFileSync(join(dir, 'empty.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')
  const e = await plugin(['get', '-f', join(dir, 'empty.yaml'), '--kubeconfig', s.kubeconfig])
  expect(e.code).not.toBe(0)
  expect(e.stderr.trim().split('\n')).toHaveLength(1)
  expect(e.stderr).toContain('holds no InferenceService or LLMInferenceService')
})

test('validate -f: model manifests judged by the emulation with the configuration given; exit 1; SARIF', async () => {
  const bad = [
    {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'locked', labels: {'pod-security.kubernetes.io/enforce': 'restricted'}}},
    {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: 'named-gone', namespace: 'ml'},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 's3://models/iris'}, storageContainerName: 'gone'}},
    },
    {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: 'no-scheme', namespace: 'ml'},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 'models/iris'}}},
    },
    {
      apiVersion: 'serving.kserve.io/v1beta1',
      kind: 'InferenceService',
      metadata: {name: 'restricted', namespace: 'locked'},
      spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: 's3://models/iris'}}},
    },
  ]
  writeFileSync(join(dir, 'bad.yaml'), yamlOf(bad))
  const none = join(dir, 'none')
  const r = await plugin([
    'validate',
    '-f',
    join(dir, 'bad.yaml'),
    '--config',
    join(dir, 'kserve.yaml'),
    '-o',
    'json',
    '--kubeconfig',
    none,
  ])
  expect(r.code).toBe(1)
  const byRule = (rule: string) => JSON.parse(r.stdout).findings.filter((f: any) => f.rule === rule)
  expect(byRule('SI063').map((f: any) => f.path)).toEqual(['inferenceservice/ml/named-gone'])
  expect(byRule('SI063')[0].message).toContain('gone')
  expect(byRule('SI064').map((f: any) => f.path)).toEqual(['inferenceservice/ml/no-scheme'])
  expect(byRule('SI062').map((f: any) => f.path)).toEqual(['inferenceservice/locked/restricted'])
  // the good models pass
  const good = await plugin([
    'validate',
    '-f',
    join(dir, 'models.yaml'),
    '--config',
    join(dir, 'kserve.yaml'),
    '-o',
    'json',
    '--kubeconfig',
    none,
  ])
  expect(JSON.parse(good.stdout).findings.filter((f: any) => ['SI062', 'SI063', 'SI064'].includes(f.rule))).toEqual([])
  const sarif = await plugin([
    'validate',
    '-f',
    join(dir, 'bad.yaml'),
    '--config',
    join(dir, 'kserve.yaml'),
    '-o',
    'sarif',
    '--kubeconfig',
    none,
  ])
  expect(JSON.parse(sarif.stdout).runs[0].results.map((x: any) => x.ruleId)).toEqual(expect.arrayContaining(['SI062', 'SI063', 'SI064']))
  // a directory, as kubectl -f reads one: its .yaml, .yml and .json files
  mkdirSync(join(dir, 'models-dir'))
  writeFileSync(join(dir, 'models-dir', 'bad.yaml'), yamlOf(bad))
  writeFileSync(join(dir, 'models-dir', 'notes.txt'), 'not a manifest')
  const fromDir = await plugin([
    'validate',
    '-f',
    join(dir, 'models-dir'),
    '--config',
    join(dir, 'kserve.yaml'),
    '-o',
    'json',
    '--kubeconfig',
    none,
  ])
  expect(JSON.parse(fromDir.stdout).findings).toEqual(JSON.parse(r.stdout).findings)
  // models without a configuration: one line that says how to give it
  const alone = await plugin(['validate', '-f', join(dir, 'bad.yaml'), '--kubeconfig', none])
  expect(alone.code).not.toBe(0)
  expect(alone.stderr).toContain('--config FILE')
})

test('ClusterStorageContainer regexes in the built plugin: case folding only where (?i) asks for it (RE2 simple folding)', async () => {
  // the build changes how re2js decides a rune's folding (scripts/build.mjs re2jsFoldOnlyWhenAsked): what it matches
  // must not change. Go's (?i) folds ſ (U+017F) with s and S, and K (U+212A, Kelvin) with k and K; without (?i), a
  // class of a letter's two cases ([gG]) is parsed as that letter folded (Go's regexp/syntax parse.go, push), so it folds too,
  // and no further ([kK] is not k's whole orbit: it stays a class, without the Kelvin sign).
  const exported = await exportedKServe()
  const csc = (name: string, regex: string) => ({
    apiVersion: 'serving.kserve.io/v1alpha1',
    kind: 'ClusterStorageContainer',
    metadata: {name},
    spec: {
      container: {name: 'storage-initializer', image: `example.com/${name}:1`},
      supportedUriFormats: [{regex}],
      workloadType: 'initContainer',
    },
  })
  writeFileSync(
    join(dir, 'folding.yaml'),
    `${exported.stdout}\n---\n${yamlOf([
      csc('folded', '(?i)^ſ3://(bucket|kelvin-[K])/'),
      csc('exact', '^gs://(bucket)/iris$'),
      csc('pair', '^hdfs://pair-[gG]-[kK]/'),
    ])}`,
  )
  const uris = [
    's3://bucket/m',
    'S3://BUCKET/m',
    's3://kelvin-k/m',
    's3://kelvin-K/m',
    'gs://bucket/iris',
    'gs://BUCKET/iris',
    'gs://bucket/IRIS',
    's3://kelvin-\u212A/m',
    'hdfs://pair-g-k/m',
    'hdfs://pair-G-K/m',
    'hdfs://pair-x-k/m',
    'hdfs://pair-g-\u212A/m',
  ]
  const models = uris.map((uri, i) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {name: `fold-${i}`, namespace: 'ml'},
    spec: {predictor: {model: {modelFormat: {name: 'sklearn'}, storageUri: uri}}},
  }))
  writeFileSync(join(dir, 'fold-models.yaml'), yamlOf(models))
  const r = await plugin([
    'get',
    '-f',
    join(dir, 'fold-models.yaml'),
    '--config',
    join(dir, 'folding.yaml'),
    '-o',
    'json',
    '--kubeconfig',
    join(dir, 'none'),
  ])
  expect([r.code, r.stderr]).toEqual([0, ''])
  const images = JSON.parse(r.stdout).items.map((x: any) => [x.inferenceService.name, x.storage[0].injection.image])
  expect(images).toEqual([
    ['fold-0', 'example.com/folded:1'],
    ['fold-1', 'example.com/folded:1'],
    ['fold-2', 'example.com/folded:1'],
    ['fold-3', 'example.com/folded:1'],
    ['fold-4', 'example.com/exact:1'],
    ['fold-5', 'kserve/storage-initializer:v0.20.0'],
    ['fold-6', 'kserve/storage-initializer:v0.20.0'],
    ['fold-7', 'example.com/folded:1'],
    ['fold-8', 'example.com/pair:1'],
    ['fold-9', 'example.com/pair:1'],
    ['fold-10', 'kserve/storage-initializer:v0.20.0'],
    ['fold-11', 'kserve/storage-initializer:v0.20.0'],
  ])
})
