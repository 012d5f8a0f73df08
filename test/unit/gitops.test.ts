/**
 * domain/gitops.ts: which tool an object's metadata names, and what the tool does with a change. The cases are the
 * tools' own formats (argo-cd util/argo/resource_tracking.go at v3.5.1 and v2.13.9; kustomize-controller v1.9.4 and
 * fluxcd/pkg ssa; helm-controller v1.6.3).
 */
import {changedPaths, gitopsOwner, ignoredByArgo, judgeOwner, strictRefuses, type OwnedObject} from '../../src/domain/gitops.js'

const cm = (labels: Record<string, string> = {}, annotations: Record<string, string> = {}): OwnedObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {name: 'inferenceservice-config', namespace: 'kserve', labels, annotations},
})
const csc = (annotations: Record<string, string>): OwnedObject => ({
  apiVersion: 'serving.kserve.io/v1alpha1',
  kind: 'ClusterStorageContainer',
  metadata: {name: 'default', annotations},
})

describe('gitopsOwner', () => {
  test.each([
    // annotation tracking: <app>:<group>/<kind>:<namespace>/<name>, the core group empty
    [
      cm({}, {'argocd.argoproj.io/tracking-id': 'kserve:/ConfigMap:kserve/inferenceservice-config'}),
      {tool: 'argocd', application: 'kserve', tracking: 'annotation'},
    ],
    // an Application outside Argo CD's namespace: <namespace>_<app>
    [
      cm({}, {'argocd.argoproj.io/tracking-id': 'team-a_kserve:/ConfigMap:kserve/inferenceservice-config'}),
      {tool: 'argocd', application: 'kserve', applicationNamespace: 'team-a', tracking: 'annotation'},
    ],
    // a cluster-scoped object: the namespace slot holds the Application's destination namespace
    [
      csc({'argocd.argoproj.io/tracking-id': 'kserve:serving.kserve.io/ClusterStorageContainer:kserve/default'}),
      {tool: 'argocd', application: 'kserve', tracking: 'annotation'},
    ],
    // copied from another object: not Argo CD's
    [cm({}, {'argocd.argoproj.io/tracking-id': 'kserve:/ConfigMap:other/inferenceservice-config'}), undefined],
    [cm({}, {'argocd.argoproj.io/tracking-id': 'kserve:apps/ConfigMap:kserve/inferenceservice-config'}), undefined],
    [cm({}, {'argocd.argoproj.io/tracking-id': 'not a tracking id'}), undefined],
    // label tracking: a candidate, confirmed by finding the Application
    [cm({'app.kubernetes.io/instance': 'kserve'}), {tool: 'argocd', application: 'kserve', tracking: 'label'}],
    [
      cm({'app.kubernetes.io/instance': 'team-a_kserve'}),
      {tool: 'argocd', application: 'kserve', applicationNamespace: 'team-a', tracking: 'label'},
    ],
    [cm({'app.kubernetes.io/instance': 'Not_A Name'}), undefined],
    // Flux: both labels, each a valid name
    [
      cm({'kustomize.toolkit.fluxcd.io/name': 'kserve', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system'}),
      {tool: 'flux-kustomize', name: 'kserve', namespace: 'flux-system'},
    ],
    [
      cm({'helm.toolkit.fluxcd.io/name': 'kserve', 'helm.toolkit.fluxcd.io/namespace': 'flux-system'}),
      {tool: 'flux-helm', name: 'kserve', namespace: 'flux-system'},
    ],
    [cm({'kustomize.toolkit.fluxcd.io/name': 'kserve'}), undefined],
    [cm({'kustomize.toolkit.fluxcd.io/name': 'kserve', 'kustomize.toolkit.fluxcd.io/namespace': '../etc'}), undefined],
    [cm(), undefined],
  ])('%#', (obj, want) => {
    expect(gitopsOwner(obj)).toEqual(want)
  })
})

describe('ignoredByArgo', () => {
  const target = {group: '', kind: 'ConfigMap', namespace: 'kserve', name: 'inferenceservice-config'}
  const path = [['data', 'storageInitializer']]
  test.each([
    [[{kind: 'ConfigMap', jsonPointers: ['/data/storageInitializer']}], true],
    [[{kind: 'ConfigMap', jsonPointers: ['/data']}], true],
    [[{kind: 'ConfigMap', jsonPointers: ['/data/other']}], false],
    [[{kind: '*', jsonPointers: ['/data']}], true],
    [[{kind: 'ConfigMap', name: 'other', jsonPointers: ['/data']}], false],
    [[{kind: 'ConfigMap', namespace: 'elsewhere', jsonPointers: ['/data']}], false],
    [[{group: 'apps', kind: 'ConfigMap', jsonPointers: ['/data']}], false],
    [[{group: '*', kind: 'Config?ap', jsonPointers: ['/data']}], true],
    [[{kind: 'ConfigMap', jqPathExpressions: ['.data.storageInitializer']}], true],
    [[{kind: 'ConfigMap', jqPathExpressions: ['.data["storageInitializer"]']}], true],
    // a jq expression this reading cannot follow: perhaps
    [[{kind: 'ConfigMap', jqPathExpressions: ['.data | select(.x)']}], 'maybe'],
    [[{kind: 'ConfigMap', managedFieldsManagers: ['kubectl-storage-init']}], true],
    [[{kind: 'ConfigMap', managedFieldsManagers: ['helm']}], false],
  ])('%j', (ignoreDifferences, want) => {
    expect(ignoredByArgo({spec: {ignoreDifferences}}, target, path, 'kubectl-storage-init')).toBe(want)
  })

  test('every changed path must be covered', () => {
    const t = {group: 'serving.kserve.io', kind: 'ClusterStorageContainer', name: 'default'}
    const app = {
      spec: {ignoreDifferences: [{group: 'serving.kserve.io', kind: 'ClusterStorageContainer', jsonPointers: ['/spec/container/image']}]},
    }
    expect(ignoredByArgo(app, t, [['spec', 'container', 'image']], 'm')).toBe(true)
    expect(
      ignoredByArgo(
        app,
        t,
        [
          ['spec', 'container', 'image'],
          ['spec', 'container', 'resources', 'limits', 'memory'],
        ],
        'm',
      ),
    ).toBe(false)
  })
})

describe('judgeOwner', () => {
  const argo = {tool: 'argocd', application: 'kserve', tracking: 'annotation'} as const
  const paths = [['data', 'storageInitializer']]
  const appWith = (spec: any, annotations?: any) => ({object: {metadata: {name: 'kserve', namespace: 'argocd', annotations}, spec}})
  test.each([
    [appWith({syncPolicy: {automated: {selfHeal: true}}}), 'at-once'],
    [appWith({syncPolicy: {automated: {selfHeal: true, enabled: false}}}), 'next-sync'],
    [appWith({syncPolicy: {automated: {}}}), 'next-sync'],
    [appWith({}), 'next-sync'],
    [appWith({syncPolicy: {automated: {selfHeal: true}}}, {'argocd.argoproj.io/skip-reconcile': 'true'}), 'never'],
    [{absent: 'no Application kserve in this cluster'}, 'unknown'],
    [{unreadable: 'Application kserve may not be read: forbidden'}, 'unknown'],
  ])('Argo CD %#', (read, reverts) => {
    const v = judgeOwner(argo, read as any, cm(), paths)
    expect(v.reverts).toBe(reverts)
    expect(v.owner).toMatch(/^Argo CD application (argocd\/)?kserve$/)
  })

  const ks = {tool: 'flux-kustomize', name: 'kserve', namespace: 'flux-system'} as const
  test.each([
    [{}, {object: {spec: {interval: '10m'}}}, 'next-sync', /every 10m/],
    [{}, {object: {spec: {interval: '10m', suspend: true}}}, 'next-sync', /suspended/],
    [{'kustomize.toolkit.fluxcd.io/reconcile': 'Disabled'}, {object: {spec: {}}}, 'never', /leaves it alone/],
    [{'kustomize.toolkit.fluxcd.io/ssa': 'ignore'}, {object: {spec: {}}}, 'never', /does not apply it/],
    [{'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent'}, {object: {spec: {}}}, 'never', /only creates it/],
    // Merge keeps fields Git does not set; the ones it sets are still forced back
    [{'kustomize.toolkit.fluxcd.io/ssa': 'Merge'}, {object: {spec: {interval: '1h'}}}, 'next-sync', /every 1h/],
    [{}, {unreadable: 'Kustomization flux-system/kserve may not be read: forbidden'}, 'unknown', /settings are unknown/],
    // Flux reads its settings from labels too
    [{}, {object: {spec: {}}}, 'next-sync', /fields this plugin adds go too/],
  ])('Flux Kustomization %#', (annotations, read, reverts, text) => {
    const v = judgeOwner(ks, read as any, cm({}, annotations), paths)
    expect([v.reverts, v.what]).toEqual([reverts, expect.stringMatching(text)])
  })

  const hr = {tool: 'flux-helm', name: 'kserve', namespace: 'flux-system'} as const
  test.each([
    [{}, {object: {spec: {interval: '5m'}}}, 'next-upgrade', /drift detection is off \(the default\)/],
    [{}, {object: {spec: {interval: '5m', driftDetection: {mode: 'enabled'}}}}, 'next-sync', /every 5m/],
    [{}, {object: {spec: {driftDetection: {mode: 'warn'}}}}, 'next-upgrade', /reported as drift/],
    // suspended, with drift detection on: undone once resumed
    [{}, {object: {spec: {suspend: true, driftDetection: {mode: 'enabled'}}}}, 'next-sync', /undoes it then/],
    [
      {'helm.toolkit.fluxcd.io/driftDetection': 'disabled'},
      {object: {spec: {driftDetection: {mode: 'enabled'}}}},
      'next-upgrade',
      /exempt/,
    ],
    [{}, {absent: 'HelmRelease flux-system/kserve is not in this cluster'}, 'unknown', /settings are unknown/],
  ])('Flux HelmRelease %#', (annotations, read, reverts, text) => {
    const v = judgeOwner(hr, read as any, cm({}, annotations), paths)
    expect([v.reverts, v.what]).toEqual([reverts, expect.stringMatching(text)])
  })

  test('--strict refuses what is taken back, or may be', () => {
    expect(['at-once', 'next-sync', 'unknown', 'next-upgrade', 'never'].map(r => strictRefuses({reverts: r} as any))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ])
  })
})

test('changedPaths: the leaves that differ', () => {
  expect(changedPaths({spec: {container: {image: 'a', env: [1]}}, k: 1}, {spec: {container: {image: 'b', env: [1, 2]}}, k: 1})).toEqual([
    ['spec', 'container', 'image'],
    ['spec', 'container', 'env'],
  ])
  expect(changedPaths({a: 1}, {a: 1})).toEqual([])
})
