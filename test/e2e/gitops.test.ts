/**
 * GitOps (#29): an object Argo CD or Flux keeps as Git says is named as such by `get` and by every change, with what
 * the tool will do with the change and when; --strict refuses a change the owner takes back; and --emit hands the
 * change back as a file. Each emitted file is applied with the real tools (kubectl kustomize, kubectl patch --local) to
 * the objects as they were, and must give exactly the objects the live change then writes.
 */
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, parseAllDocuments, stringify} from 'yaml'

import {FIXTURES, kubectl, plugin, startCluster, type Started} from '../helpers.js'

/** The owners' CRDs, reduced to what the plugin reads (the tools' own schemas are larger; these keep every field). */
const crd = (group: string, version: string, kind: string, plural: string) => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: {name: `${plural}.${group}`},
  spec: {
    group,
    scope: 'Namespaced',
    names: {kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List`},
    versions: [
      {
        name: version,
        served: true,
        storage: true,
        schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}},
      },
    ],
  },
})
const CRDS = [
  crd('argoproj.io', 'v1alpha1', 'Application', 'applications'),
  crd('kustomize.toolkit.fluxcd.io', 'v1', 'Kustomization', 'kustomizations'),
  crd('helm.toolkit.fluxcd.io', 'v2', 'HelmRelease', 'helmreleases'),
]

let s: Started
let dir: string
const kc = () => ['--kubeconfig', s.kubeconfig]
const yamlOf = (docs: any[]) => docs.map(d => stringify(d)).join('---\n')

async function apply(docs: any[]): Promise<void> {
  const r = await kubectl(s.kubeconfig, ['apply', '-f', '-'], yamlOf(docs))
  expect([r.code, r.stderr]).toEqual([0, ''])
}
async function getJson(args: string[]): Promise<any> {
  const r = await kubectl(s.kubeconfig, ['get', ...args, '-o', 'json'])
  expect([r.code, r.stderr]).toEqual([0, ''])
  return JSON.parse(r.stdout)
}
/** Replace an object's labels and annotations (null: remove them). */
async function meta(
  kind: string,
  name: string,
  ns: string | undefined,
  labels: Record<string, string | null>,
  annotations: Record<string, string | null> = {},
) {
  const r = await kubectl(s.kubeconfig, [
    'patch',
    kind,
    name,
    ...(ns ? ['-n', ns] : []),
    '--type=merge',
    '-p',
    JSON.stringify({metadata: {labels, annotations}}),
  ])
  expect([r.code, r.stderr]).toEqual([0, ''])
}
const app = (name: string, spec: any, annotations?: Record<string, string>) => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: {name, namespace: 'argocd', ...(annotations ? {annotations} : {})},
  spec: {
    project: 'default',
    source: {repoURL: 'https://git.example.com/platform.git', path: 'kserve'},
    destination: {namespace: 'kserve'},
    ...spec,
  },
})
const TRACK_CM = {'argocd.argoproj.io/tracking-id': 'kserve:/ConfigMap:kserve/inferenceservice-config'}
const rv = async () => (await getJson(['configmap', 'inferenceservice-config', '-n', 'kserve'])).metadata.resourceVersion

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'storage-init-gitops-'))
  await apply([...CRDS, ...['argocd', 'flux-system'].map(name => ({apiVersion: 'v1', kind: 'Namespace', metadata: {name}}))])
})
afterAll(() => s.cluster.stop())

describe('Argo CD', () => {
  afterEach(async () => {
    await meta(
      'configmap',
      'inferenceservice-config',
      'kserve',
      {'app.kubernetes.io/instance': null},
      {'argocd.argoproj.io/tracking-id': null},
    )
    await kubectl(s.kubeconfig, ['delete', 'applications', '--all', '-n', 'argocd'])
  })

  test('a self-healing Application: get names it, a change warns that it is undone within seconds, --strict refuses', async () => {
    await apply([app('kserve', {syncPolicy: {automated: {selfHeal: true, prune: true}}})])
    await meta('configmap', 'inferenceservice-config', 'kserve', {}, TRACK_CM)
    const get = await plugin(['get', ...kc()])
    expect(get.code).toBe(0)
    expect(get.stdout).toMatch(
      /GitOps: +managed by Argo CD application argocd\/kserve \(annotation argocd\.argoproj\.io\/tracking-id\): it self-heals: the change is undone within seconds/,
    )
    const json = JSON.parse((await plugin(['get', '-o', 'json', ...kc()])).stdout)
    expect(json.gitops).toEqual([
      expect.objectContaining({
        object: 'configmap/inferenceservice-config',
        owner: 'Argo CD application argocd/kserve',
        reverts: 'at-once',
      }),
    ])
    const before = await rv()
    const strict = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--strict', ...kc()])
    expect(strict.code).not.toBe(0)
    expect(strict.stderr).toMatch(
      /^error: --strict: configmap\/inferenceservice-config is managed by Argo CD application argocd\/kserve, and it self-heals/m,
    )
    expect(strict.stderr).toMatch(/--emit kustomize/)
    expect(await rv()).toBe(before)
    const set = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', ...kc()])
    expect(set.code).toBe(0)
    expect(set.stderr).toMatch(
      /Warning: configmap\/inferenceservice-config is managed by Argo CD application argocd\/kserve .*self-heals: the change is undone within seconds .*; commit the change to the Git source/,
    )
    expect(await rv()).not.toBe(before)
    // the undo is a change too, and warned about the same way
    const undo = await plugin(['rollback', ...kc()])
    expect(undo.code).toBe(0)
    expect(undo.stderr).toMatch(/managed by Argo CD application argocd\/kserve/)
  })

  test('what each Application setting means for a change', async () => {
    await meta('configmap', 'inferenceservice-config', 'kserve', {}, TRACK_CM)
    const cases: [any, RegExp, string][] = [
      [{}, /next sync \(started by hand: automated sync is off\)/, 'next-sync'],
      [
        {syncPolicy: {automated: {prune: true}}},
        /automated sync undoes the change at the next commit to Git \(self-heal is off\)/,
        'next-sync',
      ],
      // Argo CD 3.1+: automated.enabled false turns automated sync (and self-heal) off
      [{syncPolicy: {automated: {selfHeal: true, enabled: false}}}, /started by hand/, 'next-sync'],
      [
        {
          syncPolicy: {automated: {selfHeal: true}, syncOptions: ['RespectIgnoreDifferences=true']},
          ignoreDifferences: [{group: '', kind: 'ConfigMap', name: 'inferenceservice-config', jsonPointers: ['/data/storageInitializer']}],
        },
        /ignores these fields \(ignoreDifferences, RespectIgnoreDifferences=true\): the change stays/,
        'never',
      ],
      [
        {
          syncPolicy: {automated: {selfHeal: true}},
          ignoreDifferences: [{kind: 'ConfigMap', jqPathExpressions: ['.data.storageInitializer']}],
        },
        /hides these fields from its diff \(ignoreDifferences\), so it stays Synced .* writes Git's value back/,
        'next-sync',
      ],
      [
        {
          syncPolicy: {automated: {selfHeal: true}, syncOptions: ['RespectIgnoreDifferences=true']},
          ignoreDifferences: [{kind: 'ConfigMap', managedFieldsManagers: ['kubectl-storage-init']}],
        },
        /the change stays/,
        'never',
      ],
      // another kind's fields are not this object's
      [
        {
          syncPolicy: {automated: {selfHeal: true}, syncOptions: ['RespectIgnoreDifferences=true']},
          ignoreDifferences: [{group: 'apps', kind: 'Deployment', jsonPointers: ['/data']}],
        },
        /self-heals/,
        'at-once',
      ],
    ]
    for (const [spec, text, reverts] of cases) {
      await apply([app('kserve', spec)])
      const r = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', ...kc()])
      expect([r.code, r.stderr]).toEqual([0, expect.stringMatching(text)])
      const json = JSON.parse((await plugin(['get', '-o', 'json', ...kc()])).stdout)
      expect([spec, json.gitops[0]?.reverts]).toEqual([spec, reverts])
      const strict = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', '--strict', ...kc()])
      expect([spec, strict.code === 0]).toEqual([spec, reverts === 'never'])
      await kubectl(s.kubeconfig, ['delete', 'application', 'kserve', '-n', 'argocd'])
    }
  })

  test('a model Argo CD keeps: get --isvc names it, and a change to that model warns', async () => {
    await apply([app('models', {syncPolicy: {automated: {selfHeal: false}}})])
    await meta(
      'inferenceservice',
      'sklearn-iris',
      'ml',
      {},
      {
        'argocd.argoproj.io/tracking-id': 'models:serving.kserve.io/InferenceService:ml/sklearn-iris',
      },
    )
    try {
      const get = await plugin(['get', '--isvc', 'sklearn-iris', '-n', 'ml', ...kc()])
      expect(get.stdout).toMatch(
        /^GitOps: managed by Argo CD application argocd\/models .*automated sync undoes the change at the next commit/m,
      )
      const set = await plugin(['set-image', '--tag', 'v0.20.1', '--isvc', 'sklearn-iris', '-n', 'ml', '--dry-run=client', ...kc()])
      expect(set.stderr).toMatch(
        /inferenceservice\.serving\.kserve\.io\/sklearn-iris -n ml is managed by Argo CD application argocd\/models/,
      )
    } finally {
      await meta('inferenceservice', 'sklearn-iris', 'ml', {}, {'argocd.argoproj.io/tracking-id': null})
    }
  })

  test('tracking that is not Argo CD: a tracking id copied from another object, an instance label with no Application', async () => {
    await meta(
      'configmap',
      'inferenceservice-config',
      'kserve',
      {'app.kubernetes.io/instance': 'kserve'},
      {
        'argocd.argoproj.io/tracking-id': 'kserve:/ConfigMap:other/inferenceservice-config',
      },
    )
    const r = await plugin(['get', ...kc()])
    expect(r.stdout).toMatch(/GitOps: +no Argo CD or Flux tracking label or annotation found/)
    // the same label, once an Application of that name exists: Argo CD's label tracking
    await apply([app('kserve', {syncPolicy: {automated: {selfHeal: true}}})])
    const again = await plugin(['get', ...kc()])
    expect(again.stdout).toMatch(
      /managed by Argo CD application argocd\/kserve \(label app\.kubernetes\.io\/instance=kserve\): it self-heals/,
    )
  })

  test('an Application that is not in this cluster: said, and --strict refuses what cannot be judged', async () => {
    await meta(
      'configmap',
      'inferenceservice-config',
      'kserve',
      {},
      {'argocd.argoproj.io/tracking-id': 'platform_kserve:/ConfigMap:kserve/inferenceservice-config'},
    )
    const r = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', ...kc()])
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/managed by Argo CD application platform\/kserve .*Application platform\/kserve is not in this cluster/)
    const strict = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--strict', ...kc()])
    expect(strict.code).not.toBe(0)
  })
})

test('a user who may not read Applications: the owner is named, its settings said unknown, and --strict refuses', async () => {
  // the shipped view role without its Argo CD rule, bound to a service account that has nothing else
  const view = parseAllDocuments(readFileSync(join(process.cwd(), 'docs', 'rbac', 'view.yaml'), 'utf8'))[0].toJS()
  const role = {...view, metadata: {name: 'view-without-argo'}, rules: view.rules.filter((r: any) => !r.apiGroups.includes('argoproj.io'))}
  await apply([role, app('kserve', {syncPolicy: {automated: {selfHeal: true}}})])
  const bind = await kubectl(s.kubeconfig, [
    'create',
    'clusterrolebinding',
    'gitops-nobody',
    '--clusterrole=view-without-argo',
    '--serviceaccount=default:sim-nobody',
  ])
  expect(bind.code).toBe(0)
  await meta('configmap', 'inferenceservice-config', 'kserve', {}, TRACK_CM)
  try {
    const as = ['--kubeconfig', s.kubeconfig, '--context', 'sim-nobody']
    const get = await plugin(['get', '-o', 'json', ...as])
    expect(get.code).toBe(0)
    expect(JSON.parse(get.stdout).gitops).toEqual([
      expect.objectContaining({
        reverts: 'unknown',
        what: expect.stringMatching(/its settings are unknown: Application kserve may not be read: forbidden$/),
      }),
    ])
    const strict = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', '--strict', ...as])
    expect(strict.code).not.toBe(0)
    expect(strict.stderr).toMatch(/^error: --strict: .*Application kserve may not be read: forbidden; nothing was changed/m)
    // the same user with the whole view role reads it
    await apply([{...view, metadata: {name: 'view-without-argo'}}])
    expect(JSON.parse((await plugin(['get', '-o', 'json', ...as])).stdout).gitops[0].reverts).toBe('at-once')
  } finally {
    await kubectl(s.kubeconfig, ['delete', 'clusterrolebinding', 'gitops-nobody'])
    await kubectl(s.kubeconfig, ['delete', 'application', 'kserve', '-n', 'argocd'])
    await meta('configmap', 'inferenceservice-config', 'kserve', {}, {'argocd.argoproj.io/tracking-id': null})
  }
})

describe('Flux', () => {
  test('a Kustomization: undone at its next reconciliation, unless suspended or the object opts out', async () => {
    const ks = (spec: any) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: {name: 'kserve', namespace: 'flux-system'},
      spec: {interval: '10m', path: './kserve', prune: true, sourceRef: {kind: 'GitRepository', name: 'platform'}, ...spec},
    })
    await apply([ks({})])
    await meta('clusterstoragecontainer', 'default', undefined, {
      'kustomize.toolkit.fluxcd.io/name': 'kserve',
      'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
    })
    const get = await plugin(['get', ...kc()])
    expect(get.stdout).toMatch(
      /clusterstoragecontainer\/default: managed by Flux Kustomization flux-system\/kserve .*next reconciliation \(every 10m\)/,
    )
    const r = await plugin(['set-image', '--tag', 'v0.20.1', '--dry-run=client', ...kc()])
    expect(r.stderr).toMatch(/clusterstoragecontainer\.serving\.kserve\.io\/default is managed by Flux Kustomization flux-system\/kserve/)
    expect(r.stderr).not.toMatch(/configmap\/inferenceservice-config is managed by Flux/)
    await apply([ks({suspend: true})])
    expect((await plugin(['get', ...kc()])).stdout).toMatch(/suspended \(spec\.suspend\): the change stays until it is resumed/)
    await meta('clusterstoragecontainer', 'default', undefined, {}, {'kustomize.toolkit.fluxcd.io/reconcile': 'disabled'})
    const off = await plugin(['set-image', '--tag', 'v0.20.1', '--strict', '--dry-run=client', ...kc()])
    expect([off.code, off.stderr]).toEqual([0, expect.stringMatching(/reconcile: disabled, so Flux leaves it alone: the change stays/)])
    await meta(
      'clusterstoragecontainer',
      'default',
      undefined,
      {'kustomize.toolkit.fluxcd.io/name': null, 'kustomize.toolkit.fluxcd.io/namespace': null},
      {'kustomize.toolkit.fluxcd.io/reconcile': null},
    )
  })

  test('a HelmRelease: drift detection decides; --emit helm-values gives its spec.values', async () => {
    const hr = (spec: any) => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: {name: 'kserve', namespace: 'flux-system'},
      spec: {interval: '5m', chart: {spec: {chart: 'kserve-resources', sourceRef: {kind: 'HelmRepository', name: 'kserve'}}}, ...spec},
    })
    await apply([hr({})])
    await meta(
      'configmap',
      'inferenceservice-config',
      'kserve',
      {'app.kubernetes.io/managed-by': 'Helm', 'helm.toolkit.fluxcd.io/name': 'kserve', 'helm.toolkit.fluxcd.io/namespace': 'flux-system'},
      {'meta.helm.sh/release-name': 'kserve', 'meta.helm.sh/release-namespace': 'kserve'},
    )
    const off = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', '--strict', ...kc()])
    expect(off.code).toBe(0)
    expect(off.stderr).toMatch(
      /managed by Flux HelmRelease flux-system\/kserve .*drift detection is off \(the default\): the change stays until the next upgrade/,
    )
    // the HelmRelease's verdict replaces Helm's own warning
    expect(off.stderr).not.toMatch(/the next helm upgrade will undo/)
    await apply([hr({driftDetection: {mode: 'enabled'}})])
    const on = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--dry-run=client', '--strict', ...kc()])
    expect(on.code).not.toBe(0)
    expect(on.stderr).toMatch(/drift detection is enabled: it puts back the fields its chart sets at its next reconciliation \(every 5m\)/)
    const values = await plugin(['set-image', '--tag', 'v0.20.1', '--target', 'configmap', '--emit', 'helm-values', ...kc()])
    expect(values.code).toBe(0)
    const doc = parseAllDocuments(values.stdout).map(d => d.toJS())
    expect(doc).toEqual([
      {
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        metadata: {name: 'kserve', namespace: 'flux-system'},
        spec: {values: {kserve: {storage: {image: 'kserve/storage-initializer', tag: 'v0.20.1'}}}},
      },
    ])
    await meta(
      'configmap',
      'inferenceservice-config',
      'kserve',
      {'app.kubernetes.io/managed-by': null, 'helm.toolkit.fluxcd.io/name': null, 'helm.toolkit.fluxcd.io/namespace': null},
      {'meta.helm.sh/release-name': null, 'meta.helm.sh/release-namespace': null},
    )
  })
})

/** An object as a manifest in Git holds it: without what the API server sets. */
function manifest(o: any): any {
  const {resourceVersion, uid, creationTimestamp, generation, managedFields, ...metadata} = o.metadata ?? {}
  void [resourceVersion, uid, creationTimestamp, generation, managedFields]
  const {status, ...rest} = o
  void status
  return {...rest, metadata}
}
const key = (o: any) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`

describe('--emit: the change as a file, applied with the real tools, is exactly the live change', () => {
  /** The objects a command changes, read before; the command emitted three ways; then run live and read again. */
  async function emitted(args: string[], objects: string[][]): Promise<void> {
    // a list (every ClusterStorageContainer) also holds the objects the change creates
    const read = async () =>
      new Map(
        (await Promise.all(objects.map(o => getJson(o)))).flatMap(o => (o.kind === 'List' ? o.items : [o])).map(o => [key(o), manifest(o)]),
      )
    const before = await read()
    const emit = async (format: string) => {
      const r = await plugin([...args, '--emit', format, ...kc()])
      expect([format, r.code, r.stderr]).toEqual([format, 0, expect.any(String)])
      return r.stdout
    }
    const [kustomize, merge, object] = [await emit('kustomize'), await emit('merge-patch'), await emit('object')]
    // nothing was written by --emit
    expect(await read()).toEqual(before)
    const live = await plugin([...args, ...kc()])
    expect([live.code, live.stderr]).toEqual([0, expect.any(String)])
    const after = await read()

    // kubectl kustomize: the originals as a base, the emitted component over them
    const root = mkdtempSync(join(dir, 'k-'))
    const docs = parseAllDocuments(kustomize).map(d => d.toJS())
    mkdirSync(join(root, 'component'))
    writeFileSync(join(root, 'component', 'kustomization.yaml'), stringify(docs[0]))
    if (docs.length > 1) writeFileSync(join(root, 'component', 'storage-init-objects.yaml'), yamlOf(docs.slice(1)))
    // JSON (which kustomize reads as YAML): exact for any string
    writeFileSync(join(root, 'objects.yaml'), [...before.values()].map(o => JSON.stringify(o)).join('\n---\n'))
    writeFileSync(join(root, 'kustomization.yaml'), stringify({resources: ['objects.yaml'], components: ['component']}))
    const built = await kubectl(s.kubeconfig, ['kustomize', root])
    expect([built.code, built.stderr]).toEqual([0, ''])
    const fromKustomize = new Map(
      parseAllDocuments(built.stdout)
        .map(d => d.toJS())
        .map(o => [key(o), o]),
    )
    expect(fromKustomize).toEqual(after)

    // kubectl patch --local: each merge patch over its original; new objects as they are
    const fromPatch = new Map(before)
    for (const [i, p] of parseAllDocuments(merge)
      .map(d => d.toJS())
      .entries()) {
      // a new object is given whole
      if (!before.has(key(p))) {
        fromPatch.set(key(p), p)
        continue
      }
      const file = join(root, `original-${i}.yaml`)
      writeFileSync(file, JSON.stringify(before.get(key(p))))
      writeFileSync(join(root, `patch-${i}.yaml`), stringify(p))
      const r = await kubectl(s.kubeconfig, [
        'patch',
        '--local',
        '-f',
        file,
        '--type=merge',
        '--patch-file',
        join(root, `patch-${i}.yaml`),
        '-o',
        'json',
      ])
      expect([r.code, r.stderr]).toEqual([0, ''])
      fromPatch.set(key(p), JSON.parse(r.stdout))
    }
    expect(fromPatch).toEqual(after)

    // the whole objects
    const whole = parseAllDocuments(object).map(d => d.toJS())[0]
    const items = whole.kind === 'List' ? whole.items : [whole]
    const fromObject = new Map(before)
    for (const o of items) fromObject.set(key(o), o)
    // the whole object is at the version the plugin reads (LLMInferenceService v1alpha1, which every release serves;
    // kubectl reads the preferred one), and without kubectl apply's record of the last applied manifest (the cluster's,
    // not Git's): the same object otherwise
    const unversioned = (m: Map<string, any>) =>
      new Map(
        [...m].map(([k, o]) => {
          const {'kubectl.kubernetes.io/last-applied-configuration': applied, ...annotations} = o.metadata.annotations ?? {}
          void applied
          const metadata = {...o.metadata, annotations}
          if (Object.keys(annotations).length === 0) delete metadata.annotations
          return [k, {...o, apiVersion: o.apiVersion.split('/')[0], metadata}]
        }),
      )
    expect(unversioned(fromObject)).toEqual(unversioned(after))
    // byte for byte: the storageInitializer string KServe reads
    const cm = [...after.values()].find(o => o.kind === 'ConfigMap')
    if (cm)
      for (const m of [fromKustomize, fromPatch, fromObject])
        expect(m.get(key(cm)).data.storageInitializer).toBe(cm.data.storageInitializer)
  }

  test('set-image on the ConfigMap and the ClusterStorageContainer that serves its image', async () => {
    await emitted(
      ['set-image', '--tag', 'v0.20.2'],
      [
        ['configmap', 'inferenceservice-config', '-n', 'kserve'],
        ['clusterstoragecontainer', 'default'],
      ],
    )
  })

  test('values Go readers take apart: a storageInitializer ending in a newline, a label "yes", an annotation "1_000"', async () => {
    const cm = await getJson(['configmap', 'inferenceservice-config', '-n', 'kserve'])
    const patch = {
      metadata: {labels: {'example.com/enabled': 'yes'}, annotations: {'example.com/size': '1_000'}},
      data: {storageInitializer: cm.data.storageInitializer.trimEnd() + '\n'},
    }
    const r = await kubectl(s.kubeconfig, [
      'patch',
      'configmap',
      'inferenceservice-config',
      '-n',
      'kserve',
      '--type=merge',
      '-p',
      JSON.stringify(patch),
    ])
    expect(r.code).toBe(0)
    await emitted(['set-image', '--tag', 'v0.20.4', '--target', 'configmap'], [['configmap', 'inferenceservice-config', '-n', 'kserve']])
    // the whole object, created from the emitted file as a new object elsewhere, keeps them as strings
    const object = await plugin(['set-image', '--tag', 'v0.20.5', '--target', 'configmap', '--emit', 'object', ...kc()])
    const created = await kubectl(s.kubeconfig, ['create', '--dry-run=client', '-o', 'json', '-f', '-'], object.stdout)
    expect([created.code, created.stderr]).toEqual([0, ''])
    const o = JSON.parse(created.stdout)
    expect([o.metadata.labels['example.com/enabled'], o.metadata.annotations['example.com/size']]).toEqual(['yes', '1_000'])
    expect(o.data.storageInitializer.endsWith('\n')).toBe(true)
  })

  test('set-resources globally, then rollback', async () => {
    const objects = [
      ['configmap', 'inferenceservice-config', '-n', 'kserve'],
      ['clusterstoragecontainer', 'default'],
    ]
    await emitted(['set-resources', '--limits', 'memory=2Gi', '--requests', 'cpu=200m'], objects)
    await emitted(['rollback'], objects)
  })

  test('set-image for one LLMInferenceService: its spec.template.initContainers, then rollback', async () => {
    const sample = parse(readFileSync(join(FIXTURES, 'kserve', 'v0.20.0', 'llminferenceservice-sample.yaml'), 'utf8'))
    const r = await kubectl(s.kubeconfig, ['apply', '-n', 'ml', '-f', '-'], JSON.stringify(sample))
    expect([r.code, r.stderr]).toEqual([0, ''])
    const name = sample.metadata.name
    const objects = [['llminferenceservice', name, '-n', 'ml']]
    await emitted(['set-image', '--tag', 'v0.20.3', '--llmisvc', name, '-n', 'ml'], objects)
    await emitted(['set-resources', '--limits', 'memory=5Gi', '--llmisvc', name, '-n', 'ml'], objects)
    await emitted(['rollback'], objects)
  })

  test('set-resources for one model: a ClusterStorageContainer of its own, named by the model', async () => {
    await emitted(
      ['set-resources', '--isvc', 'sklearn-iris', '-n', 'ml', '--limits', 'memory=3Gi'],
      [['inferenceservice', 'sklearn-iris', '-n', 'ml'], ['clusterstoragecontainers']],
    )
  })
})
