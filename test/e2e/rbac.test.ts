/**
 * The permissions the plugin ships (docs/rbac/view.yaml, edit.yaml), evaluated by the simulated cluster as
 * kube-apiserver's RBAC authorizer evaluates them (test/cluster/rbac.ts, held to Kubernetes' own tables in
 * test/cluster/rbac-cases/): each command is run as a user bound to exactly those roles, and nothing else.
 */
import {join} from 'node:path'

import {kubectl, plugin, startCluster, type Started} from '../helpers.js'

const rbac = (f: string) => join(process.cwd(), 'docs', 'rbac', f)
let s: Started
// a service account bound to nothing but what a test binds (the simulator's sim-nobody)
const as = () => ['--kubeconfig', s.kubeconfig, '--context', 'sim-nobody']

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const r = await kubectl(s.kubeconfig, ['apply', '-f', rbac('view.yaml'), '-f', rbac('edit.yaml')])
  expect(r.code).toBe(0)
})
afterAll(() => s.cluster.stop())

const bind = async (args: string[]) => expect((await kubectl(s.kubeconfig, args)).code).toBe(0)
const unbind = async (args: string[]) => expect((await kubectl(s.kubeconfig, ['delete', ...args])).code).toBe(0)

test('bound to nothing: refused, in kubectl words, with the check to run', async () => {
  const r = await plugin(['get', '-o', 'json', ...as()])
  expect(r.code).not.toBe(0)
  expect(r.stderr).toContain('forbidden')
  expect(r.stderr).toContain('system:serviceaccount:default:sim-nobody')
})

test('storage-init-view: get, get --isvc, validate, logs and history work; a change is refused before any write', async () => {
  await bind(['create', 'clusterrolebinding', 'nobody-view', '--clusterrole=storage-init-view', '--serviceaccount=default:sim-nobody'])
  try {
    const get = await plugin(['get', '-o', 'json', ...as()])
    expect(get.code).toBe(0)
    expect(JSON.parse(get.stdout).storageContainers.items.map((c: any) => c.name)).toEqual(['default'])
    const isvc = await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', '-o', 'json', ...as()])
    expect(isvc.code).toBe(0)
    expect(JSON.parse(isvc.stdout).predictions[0].admitted).toBe(true)
    const validate = await plugin(['validate', ...as()])
    expect([0, 1]).toContain(validate.code)
    expect(validate.stderr).not.toContain('forbidden')
    const logs = await plugin(['logs', 'sklearn-iris', '-n', 'ml', ...as()])
    expect(logs.code).toBe(0)
    expect(logs.stdout).toContain('Successfully copied')
    expect((await plugin(['history', ...as()])).code).toBe(0)
    const set = await plugin(['set-image', '--tag', 'v0.20.1', ...as()])
    expect(set.code).not.toBe(0)
    expect(set.stderr).toMatch(/cannot patch|forbidden/)
    // nothing was written
    const cm = await kubectl(s.kubeconfig, [
      'get',
      'configmap',
      'inferenceservice-config',
      '-n',
      'kserve',
      '-o',
      'jsonpath={.data.storageInitializer}',
    ])
    expect(cm.stdout).not.toContain('v0.20.1')
  } finally {
    await unbind(['clusterrolebinding', 'nobody-view'])
  }
})

test('storage-init-edit (aggregating view) and storage-init-config: set-image writes and rollback undoes it', async () => {
  await bind(['create', 'clusterrolebinding', 'nobody-edit', '--clusterrole=storage-init-edit', '--serviceaccount=default:sim-nobody'])
  await bind([
    'create',
    'rolebinding',
    'nobody-config',
    '-n',
    'kserve',
    '--role=storage-init-config',
    '--serviceaccount=default:sim-nobody',
  ])
  try {
    const set = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'all', ...as()])
    expect(set.stderr).not.toMatch(/forbidden|cannot/i)
    expect(set.code).toBe(0)
    const cm = await kubectl(s.kubeconfig, [
      'get',
      'configmap',
      'inferenceservice-config',
      '-n',
      'kserve',
      '-o',
      'jsonpath={.data.storageInitializer}',
    ])
    expect(cm.stdout).toContain('kserve/storage-initializer:v0.20.1')
    const back = await plugin(['rollback', ...as()])
    expect(back.code).toBe(0)
  } finally {
    await unbind(['clusterrolebinding', 'nobody-edit'])
    await unbind(['rolebinding', 'nobody-config', '-n', 'kserve'])
  }
})

test('the role that grants ConfigMap writes is namespaced: bound in another namespace it does not reach KServe', async () => {
  await bind(['create', 'clusterrolebinding', 'nobody-edit2', '--clusterrole=storage-init-edit', '--serviceaccount=default:sim-nobody'])
  await bind([
    'create',
    'rolebinding',
    'nobody-config2',
    '-n',
    'ml',
    '--clusterrole=storage-init-view',
    '--serviceaccount=default:sim-nobody',
  ])
  try {
    const set = await plugin(['set-image', '--tag', 'v0.20.2', ...as()])
    expect(set.code).not.toBe(0)
    expect(set.stderr).toMatch(/configmaps/)
  } finally {
    await unbind(['clusterrolebinding', 'nobody-edit2'])
    await unbind(['rolebinding', 'nobody-config2', '-n', 'ml'])
  }
})
