/** `validate` through the built executable: files with no cluster, live clusters, and a fleet of two. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'

import {exec, plugin, ROOT, SCENARIOS, FIXTURES, seedHelmRelease, startCluster, type Started} from '../helpers.js'

// @ts-expect-error: a plain .mjs module
import {RELEASES} from '../../scripts/make-scenarios.mjs'

const releases: string[] = RELEASES
const FIX = join(FIXTURES, 'kserve')
const home = mkdtempSync(join(tmpdir(), 'si-nohome-'))
/** no kubeconfig anywhere: offline mode must not need one */
const offline = (args: string[], input?: string) =>
  exec(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), 'validate', ...args], {HOME: home, KUBECONFIG: undefined}, input)
const rules = (out: string) => JSON.parse(out).findings.map((f: any) => `${f.rule} ${f.path}`)

describe.each(releases)('KServe %s', release => {
  test('the ConfigMap as shipped in the repository: only its unpinned :latest image', async () => {
    const r = await offline(['-f', join(FIX, release, 'inferenceservice-config.yaml'), '-o', 'json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(rules(r.stdout)).toEqual(['SI011 configmap/inferenceservice-config:data.storageInitializer.image'])
  })

  test('the release as installed (tag set by the release): only the digest hints; --strict passes', async () => {
    const r = await offline(['-f', join(SCENARIOS, `kserve-${release}.yaml`), '-o', 'json', '--strict'])
    const latest = release === 'HEAD'
    const hasCsc = !['v0.11.0', 'v0.11.2'].includes(release)
    const rule = latest ? 'SI011' : 'SI012'
    const want = [
      ...(hasCsc ? [`${rule} clusterstoragecontainer/default:spec.container.image`] : []),
      `${rule} configmap/inferenceservice-config:data.storageInitializer.image`,
    ]
    expect(rules(r.stdout)).toEqual(want)
    expect(r.code).toBe(latest ? 1 : 0)
    expect(JSON.parse(r.stdout).kserve.version).toBe(latest ? null : release)
  })
})

describe('files', () => {
  test('the broken JSON: an error with line and column, exit 1; the readable report', async () => {
    const r = await offline(['-f', join(SCENARIOS, 'kserve-broken.yaml')])
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(
      /ERRORS \(1\)\n {2}SI001 json-syntax {2}configmap\/inferenceservice-config:data\.storageInitializer\n {4}invalid JSON: .* at line 2, column 51\n/,
    )
    expect(r.stdout).toContain('1 error(s), 0 warning(s), 1 info')
  })

  test('bare storageInitializer JSON on stdin', async () => {
    const r = await offline(
      ['-f', '-', '-o', 'json'],
      JSON.stringify({
        image: 'kserve/storage-initializer:v0.15.2',
        cpuRequest: '100m',
        cpuLimit: '1',
        memoryRequest: '100Mi',
        memoryLimit: '1Gi',
        cpuRequst: '1',
      }),
    )
    expect(r.code).toBe(0)
    const rep = JSON.parse(r.stdout)
    expect(rep.source).toEqual({file: '<stdin>', format: 'storageInitializer JSON'})
    expect(rep.findings.map((f: any) => [f.rule, f.hint])).toContainEqual(['SI004', 'did you mean "cpuRequest"?'])
    const strict = await offline(
      ['-f', '-', '--strict'],
      JSON.stringify({
        image: 'kserve/storage-initializer:v0.15.2',
        cpuRequest: '100m',
        cpuLimit: '1',
        memoryRequest: '100Mi',
        memoryLimit: '1Gi',
        cpuRequst: '1',
      }),
    )
    expect(strict.code).toBe(1)
  })

  test('Helm values: the document the chart renders is checked', async () => {
    const values = parse(readFileSync(join(FIX, 'v0.20.0', 'helm-kserve-resources-values.yaml'), 'utf8'))
    const dir = mkdtempSync(join(tmpdir(), 'si-values-'))
    const file = join(dir, 'values.yaml')
    values.kserve.storage.resources = {requests: {memory: '8Gi'}, limits: {memory: '4Gi'}}
    writeFileSync(file, stringify(values))
    // the v0.20.0 chart hard-codes the resources (kserve/kserve#5412): these values change nothing, and that is said
    const r = await offline(['-f', file, '-o', 'json'])
    expect(r.code).toBe(0)
    const rep = JSON.parse(r.stdout)
    expect(rep.source.format).toBe('Helm values')
    expect(rep.findings.map((f: any) => f.rule)).toEqual(expect.arrayContaining(['SI071']))
    // a chart that renders them (after v0.20.0): the request above the limit is an error
    const later = await offline(['-f', file, '-o', 'json', '--kserve-version', 'v0.21.0'])
    expect(later.code).toBe(1)
    expect(JSON.parse(later.stdout).findings.map((f: any) => f.rule)).toContain('SI021')
  })

  test('a multi-document manifest with two overlapping storage containers', async () => {
    const special = (workloadType?: string) => ({
      apiVersion: 'serving.kserve.io/v1alpha1',
      kind: 'ClusterStorageContainer',
      metadata: {name: 's3-special'},
      spec: {
        container: {name: 'storage-initializer', image: 'kserve/storage-initializer:v0.20.0', resources: {limits: {memory: '8Gi'}}},
        supportedUriFormats: [{prefix: 's3://'}],
        workloadType,
      },
    })
    const base = readFileSync(join(SCENARIOS, 'kserve-v0.20.0.yaml'), 'utf8') + '---\n'
    const r = await offline(['-f', '-', '-o', 'json'], base + stringify(special('initContainer')))
    const f = JSON.parse(r.stdout).findings.find((x: any) => x.rule === 'SI051')
    expect(f.message).toContain(
      'default and s3-special both match s3://bucket/model: the webhook lists ClusterStorageContainers from its informer cache in no fixed order',
    )
    expect(f.severity).toBe('error')
    // under KServe's minimal CRD nothing defaults workloadType: KServe skips such a container (v0.14+)
    const bare = JSON.parse((await offline(['-f', '-', '-o', 'json'], base + stringify(special()))).stdout).findings.map((x: any) => x.rule)
    expect(bare).toContain('SI055')
    expect(bare).not.toContain('SI051')
  })

  test('SARIF 2.1.0 for code scanning', async () => {
    const r = await offline(['-f', join(SCENARIOS, 'kserve-broken.yaml'), '-o', 'sarif'])
    const s = JSON.parse(r.stdout)
    expect(s.version).toBe('2.1.0')
    expect(s.runs[0].tool.driver.rules.map((x: any) => x.id)).toContain('SI001')
    const res = s.runs[0].results.find((x: any) => x.ruleId === 'SI001')
    expect(res.level).toBe('error')
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toContain('kserve-broken.yaml')
  })

  test('a file that cannot be read, or holds nothing to check: exit 2', async () => {
    const missing = await offline(['-f', '/nonexistent.yaml'])
    expect(missing.code).toBe(2)
    expect(missing.stderr.trim()).toBe('error: cannot read /nonexistent.yaml: no such file')
    const nothing = await offline(['-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n')
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toContain('holds no inferenceservice-config ConfigMap')
  })
})

describe('live', () => {
  let a: Started
  let b: Started
  beforeAll(async () => {
    a = await startCluster('kserve-v0.20.0.yaml')
    b = await startCluster('kserve-v0.19.0.yaml')
  })
  afterAll(async () => {
    await a.cluster.stop()
    await b.cluster.stop()
  })

  test('the live cluster, with the rules that need one', async () => {
    const clean = await plugin(['validate', '--kubeconfig', a.kubeconfig, '-o', 'json'])
    expect(clean.code).toBe(0)
    expect(JSON.parse(clean.stdout).kserve).toEqual({namespace: 'kserve', version: 'v0.20.0'})
    const cm = a.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
    const doc = JSON.parse(cm.data.storageInitializer)
    a.cluster.seed({
      ...cm,
      data: {
        ...cm.data,
        storageInitializer: JSON.stringify({
          ...doc,
          caBundleConfigMapName: 'corp-ca',
          image: 'registry.corp.example/kserve/storage-initializer:v0.20.0',
        }),
      },
    })
    const r = await plugin(['validate', '--kubeconfig', a.kubeconfig, '-o', 'json'])
    expect(r.code).toBe(1)
    const found = JSON.parse(r.stdout).findings.map((f: any) => `${f.rule} ${f.path}`)
    expect(found).toContain('SI030 configmap/inferenceservice-config:data.storageInitializer.caBundleConfigMapName')
    expect(found).toContain('SI060 namespace/ml')
    a.cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'corp-ca', namespace: 'kserve'}, data: {'cabundle.crt': 'x'}})
    expect(
      JSON.parse((await plugin(['validate', '--kubeconfig', a.kubeconfig, '-o', 'json'])).stdout)
        .findings.filter((f: any) => f.rule === 'SI030')
        .map((f: any) => [f.path, f.severity]),
    ).toEqual([['namespace/ml', 'warning']])
    a.cluster.seed({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'global-ca-bundle', namespace: 'ml'},
      data: {'cabundle.crt': 'x'},
    })
    a.cluster.seed({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {name: 'default', namespace: 'ml'},
      imagePullSecrets: [{name: 'corp'}],
    })
    const fixed = JSON.parse((await plugin(['validate', '--kubeconfig', a.kubeconfig, '-o', 'json'])).stdout).findings.map(
      (f: any) => f.rule,
    )
    expect(fixed).not.toContain('SI030')
    expect(fixed).not.toContain('SI060')
    a.cluster.seed(cm)
  })

  test('per-namespace facts are read cluster-wide, and namespace by namespace when only that is allowed', async () => {
    const cm = a.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
    const doc = JSON.parse(cm.data.storageInitializer)
    a.cluster.seed({
      ...cm,
      data: {
        ...cm.data,
        storageInitializer: JSON.stringify({
          ...doc,
          caBundleConfigMapName: 'corp-ca',
          image: 'registry.corp.example/kserve/storage-initializer:v0.20.0',
        }),
      },
    })
    a.cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'corp-ca', namespace: 'kserve'}, data: {'cabundle.crt': 'x'}})
    const user = a.cluster.users['sim-readonly']
    const saved = user.rules
    try {
      a.cluster.store.delete('/configmaps', 'ml', 'global-ca-bundle')
      a.cluster.store.delete('/serviceaccounts', 'ml', 'default')
      const rules = async (ctx: string) =>
        JSON.parse((await plugin(['validate', '--kubeconfig', a.kubeconfig, '--context', ctx, '-o', 'json'])).stdout)
          .findings.filter((f: any) => f.rule === 'SI030' || f.rule === 'SI060')
          .map((f: any) => `${f.rule} ${f.path}`)
          .sort()
      expect(await rules('sim-readonly')).toEqual(['SI030 namespace/ml', 'SI060 namespace/ml'])
      // service accounts and ConfigMaps readable only inside the namespaces that matter
      user.rules = [
        {verbs: ['get', 'list', 'watch'], groups: [''], resources: ['configmaps', 'serviceaccounts'], namespaces: ['kserve', 'ml']},
        ...saved.filter(r => !r.groups.includes('')),
      ]
      expect(await rules('sim-readonly')).toEqual(['SI030 namespace/ml', 'SI060 namespace/ml'])
      a.cluster.seed({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {name: 'global-ca-bundle', namespace: 'ml'},
        data: {'cabundle.crt': 'x'},
      })
      a.cluster.seed({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: {name: 'default', namespace: 'ml'},
        imagePullSecrets: [{name: 'corp'}],
      })
      expect(await rules('sim-readonly')).toEqual([])
      user.rules = saved
      expect(await rules('sim-readonly')).toEqual([])
    } finally {
      user.rules = saved
      a.cluster.seed(cm)
    }
  })

  test('Helm drift: live settings that differ from what the release rendered', async () => {
    const h = await startCluster('kserve-helm.yaml')
    try {
      seedHelmRelease(h, si => si.replace('v0.15.2', 'v0.15.1'))
      const r = JSON.parse((await plugin(['validate', '--kubeconfig', h.kubeconfig, '-o', 'json'])).stdout)
      const drift = r.findings.find((f: any) => f.rule === 'SI070')
      expect(drift.message).toBe(
        'differs from Helm release "kserve" (revision 4) in image (live "kserve/storage-initializer:v0.15.2", release "kserve/storage-initializer:v0.15.1"): the next helm upgrade reverts it',
      )
      // a user who may not read secrets gets no drift finding, and no error
      const ro = await plugin(['validate', '--kubeconfig', h.kubeconfig, '--context', 'sim-readonly', '-o', 'json'])
      expect(ro.code).toBe(0)
      expect(JSON.parse(ro.stdout).findings.map((f: any) => f.rule)).not.toContain('SI070')
      // not silently: it says SI070 was not checked, and why
      expect(JSON.parse(ro.stdout).notChecked[0]).toMatchObject({rule: 'SI070', reason: expect.stringContaining('could not be read')})
      expect((await plugin(['validate', '--kubeconfig', h.kubeconfig, '--context', 'sim-readonly'])).stdout).toContain(
        'NOT CHECKED (1)\n  SI070  the Helm release "kserve"',
      )
    } finally {
      await h.cluster.stop()
    }
  })

  test('a fleet of two clusters, with --compare', async () => {
    const kc = join(mkdtempSync(join(tmpdir(), 'si-fleet-')), 'kc')
    const ka = parse(readFileSync(a.kubeconfig, 'utf8'))
    const kb = parse(readFileSync(b.kubeconfig, 'utf8'))
    writeFileSync(
      kc,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {name: 'staging', cluster: ka.clusters[0].cluster},
          {name: 'prod', cluster: kb.clusters[0].cluster},
        ],
        users: [
          {name: 'a', user: ka.users[0].user},
          {name: 'b', user: kb.users[0].user},
        ],
        contexts: [
          {name: 'staging', context: {cluster: 'staging', user: 'a'}},
          {name: 'prod', context: {cluster: 'prod', user: 'b'}},
        ],
        'current-context': 'staging',
      }),
    )
    const r = await plugin(['validate', '--kubeconfig', kc, '--context', 'staging,prod', '--compare'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('context staging, KServe namespace kserve, KServe v0.20.0')
    expect(r.stdout).toContain('context prod, KServe namespace kserve, KServe v0.19.0')
    expect(r.stdout).toMatch(/DIFFERENCES BETWEEN CLUSTERS\nSETTING\s+STAGING\s+PROD\n/)
    expect(r.stdout).toMatch(/configmap\.image\s+kserve\/storage-initializer:v0\.20\.0\s+kserve\/storage-initializer:v0\.19\.0/)
    const j = JSON.parse((await plugin(['validate', '--kubeconfig', kc, '--all-contexts', '--compare', '-o', 'json'])).stdout)
    expect(j.kind).toBe('ValidationReportList')
    expect(j.items.map((x: any) => x.source.context)).toEqual(['staging', 'prod'])
    expect(j.differences.find((d: any) => d.setting === 'configmap.image').values).toEqual([
      'kserve/storage-initializer:v0.20.0',
      'kserve/storage-initializer:v0.19.0',
    ])
  })

  test('an unreachable cluster in the fleet is reported, exit 2', async () => {
    const kc = join(mkdtempSync(join(tmpdir(), 'si-fleet-')), 'kc')
    const ka = parse(readFileSync(a.kubeconfig, 'utf8'))
    writeFileSync(
      kc,
      stringify({
        ...ka,
        clusters: [...ka.clusters, {name: 'gone', cluster: {server: 'https://127.0.0.1:1'}}],
        contexts: [...ka.contexts, {name: 'gone', context: {cluster: 'gone', user: 'sim-admin'}}],
      }),
    )
    const r = await plugin(['validate', '--kubeconfig', kc, '--context', 'sim-admin,gone'])
    expect(r.code).toBe(2)
    expect(r.stdout).toContain('context gone\n  not checked: the connection to the server 127.0.0.1:1 was refused')
    // --compare: the unreadable cluster is "(not checked)", never a difference by itself
    const c = JSON.parse((await plugin(['validate', '--kubeconfig', kc, '--context', 'sim-admin,gone', '--compare', '-o', 'json'])).stdout)
    expect(c.differences).toEqual([])
    const t = await plugin(['validate', '--kubeconfig', kc, '--context', 'sim-admin,gone', '--compare'])
    expect(t.stdout).not.toContain('(unset)')
    // SARIF: the cluster that could not be checked is a tool notification
    const sarif = JSON.parse((await plugin(['validate', '--kubeconfig', kc, '--context', 'sim-admin,gone', '-o', 'sarif'])).stdout)
    expect(sarif.runs[0].invocations[0].executionSuccessful).toBe(false)
    expect(sarif.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(
      /^gone: not checked: the connection to the server 127\.0\.0\.1:1 was refused/,
    )
  })

  test('a fleet is checked a few clusters at a time, each with its own time limit', async () => {
    const kc = join(mkdtempSync(join(tmpdir(), 'si-fleet-')), 'kc')
    const ka = parse(readFileSync(a.kubeconfig, 'utf8'))
    const names = ['c1', 'c2', 'c3', 'slow']
    writeFileSync(
      kc,
      stringify({
        ...ka,
        contexts: names.map(n => ({name: n, context: {cluster: 'sim', user: n === 'slow' ? 'sim-readonly' : 'sim-admin'}})),
      }),
    )
    // the read-only user's requests are slow: that cluster alone passes its time limit
    a.cluster.faults.add({verb: 'list', resource: 'configmaps', latencyMs: 3000, user: a.cluster.users['sim-readonly'].name})
    const started = Date.now()
    const r = await plugin(['validate', '--kubeconfig', kc, '--all-contexts', '--parallel', '2', '--cluster-timeout', '1s', '-o', 'json'])
    a.cluster.faults.clear()
    expect(Date.now() - started).toBeLessThan(6000)
    const j = JSON.parse(r.stdout)
    expect(j.items.map((x: any) => [x.source.context, x.error ?? 'ok'])).toEqual([
      ['c1', 'ok'],
      ['c2', 'ok'],
      ['c3', 'ok'],
      ['slow', 'no answer within --cluster-timeout 1s'],
    ])
    expect(r.code).toBe(2)
  })
})
