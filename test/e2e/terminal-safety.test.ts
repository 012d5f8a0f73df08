/**
 * No cluster-controlled byte reaches a terminal raw (#24): an escape payload (OSC retitle, BEL, CSI colour, a C1 CSI,
 * a bidi override) in every string the cluster controls, and every command's output checked for raw ESC, BEL, C1 and
 * bidi controls. Machine output keeps the data: JSON and YAML parse back to the payload itself.
 */
import {parse} from 'yaml'

import {plugin, startCluster, type Started} from '../helpers.js'
import {pod, terminated} from '../model-pods.js'

const PAY = '\x1b]0;pwned\x07\x1b[31mRED\x1b[0m\u009b2J\u202eevil\r\nforged'
/** What a terminal would act on: C0 controls but tab and newline, DEL, C1, bidi controls. */
const RAW = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/

let s: Started
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const store = s.cluster.store
  // the controller's image and the Helm release that owns the ConfigMap (get's header, set-*'s Helm warning)
  const dep = store.get('apps/deployments', 'kserve', 'kserve-controller-manager')
  dep.spec.template.spec.containers[0].image = `kserve/kserve-controller:${PAY}`
  store.update('apps/deployments', dep)
  const cm = store.get('/configmaps', 'kserve', 'inferenceservice-config')
  const doc = JSON.parse(cm.data.storageInitializer)
  cm.metadata.labels = {...cm.metadata.labels, 'app.kubernetes.io/managed-by': 'Helm'}
  cm.metadata.annotations = {...cm.metadata.annotations, 'meta.helm.sh/release-name': `kserve${PAY}`}
  // an unknown field name, and a value (get's table, validate's findings)
  cm.data.storageInitializer = JSON.stringify({...doc, [`evil${PAY}`]: PAY}, null, 2)
  store.update('/configmaps', cm)
  // a model naming a container (get --isvc), with a pod whose init container cannot pull and logs the payload
  store.create('serving.kserve.io/inferenceservices', {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {name: 'llm', namespace: 'ml'},
    spec: {predictor: {storageContainerName: `c${PAY}`, model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://org/llm'}}},
  })
  store.create(
    '/pods',
    pod('llm-predictor-1', {
      phase: 'Pending',
      initContainerStatuses: [
        {name: 'storage-initializer', restartCount: 0, state: {waiting: {reason: 'ErrImagePull', message: `pull ${PAY} failed`}}},
      ],
    }),
  )
  store.create('/pods', pod('llm-predictor-2', terminated(60, 30), {'storage-initializer': [`downloading ${PAY}`, 'done']}))
  // the history: a record whose every string is the payload, and a damaged one
  store.create('/configmaps', {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {name: 'storage-initializer-history', namespace: 'kserve'},
    data: {
      'revision-000001': JSON.stringify({
        revision: 1,
        time: PAY,
        user: PAY,
        command: PAY,
        targets: [{target: 'configmap', before: `{"image": "${PAY.replace(/[\x00-\x1f"\\]/g, '')}"}`, after: cm.data.storageInitializer}],
      }),
      'revision-000000': `{"revision": 0, ${PAY}`,
    },
  })
})
afterAll(() => s.cluster.stop())

/** Each command, and whether its output shows the payload (escaped) or only reads past it. */
const commands: [string[], boolean][] = [
  [['get'], true],
  [['get', '-o', 'wide'], true],
  [['get', '--isvc', 'llm', '-n', 'ml'], true],
  [['validate'], true],
  [['history'], true],
  [['history', '--revision', '1'], true],
  [['history', '--revision', '0'], true],
  [['rollback', '--diff', '--dry-run'], true],
  [['set-image', '--tag', 'v0.20.1', '--diff', '--dry-run'], true],
  [['logs', 'llm', '-n', 'ml'], true],
  [['logs', 'llm', '-n', 'ml', '--summary'], false],
  [['get', '--debug'], true],
]

test.each(commands)('%j: nothing raw reaches the terminal', async (args, shows) => {
  const r = await plugin([...args, '--kubeconfig', s.kubeconfig])
  expect(r.stdout + r.stderr).not.toMatch(RAW)
  // the payload was there to be shown (the command did read it), escaped
  if (shows) expect(r.stdout + r.stderr).toMatch(/\\u001b|\\u202e|\\u009b/)
})

test.each([['get'], ['get', '--isvc', 'llm', '-n', 'ml'], ['history'], ['validate']])(
  '%j -o json and -o yaml: nothing raw, and the data parses back whole',
  async (...args) => {
    const json = await plugin([...args, '-o', 'json', '--kubeconfig', s.kubeconfig])
    const yaml = await plugin([...args, '-o', 'yaml', '--kubeconfig', s.kubeconfig])
    for (const r of [json, yaml]) expect(r.stdout + r.stderr).not.toMatch(RAW)
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(PAY).slice(1, -1))
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout))
  },
)
