/**
 * `validate`'s use cases (src/core/validate.ts, fleet.ts) in-process against the simulated cluster: a healthy and a
 * broken configuration, live and from a file; the per-namespace facts, cluster-wide or namespace by namespace; Helm
 * drift read from a release Secret; a fleet; and what the reports add up to (the exit code, the output envelope).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parse, stringify} from 'yaml'

import {allContexts, validateFleet} from '../../src/core/fleet.js'
import {validateFile, validateLive, verdict, type Report} from '../../src/core/validate.js'
import type {KubeClient} from '../../src/kube/client.js'
import {connect} from '../../src/kube/connect.js'
import {renderValidation} from '../../src/render/validate.js'
import {SCENARIOS, seedHelmRelease} from '../helpers.js'
import {inProcess, type InProcess} from './harness.js'

const rules = (r: Report) => r.findings.map(f => `${f.rule} ${f.path}`)
const exitCode = (reports: Report[], strict = false) => verdict(reports, {strict, compare: false}).exitCode

/** `f` with a client of another context of the same cluster (sim-readonly: the `view` role, no secrets) */
async function as<T>(s: InProcess, context: string, f: (client: KubeClient) => Promise<T>): Promise<T> {
  const {client} = connect({kubeconfig: s.kubeconfig, context})
  try {
    return await f(client)
  } finally {
    client.close()
  }
}

describe('KServe v0.20.0 as installed', () => {
  let s: InProcess
  beforeAll(async () => {
    s = await inProcess('kserve-v0.20.0.yaml')
  })
  afterAll(() => s.stop())

  const cm = () => s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
  /** the live storageInitializer with these fields changed, for the duration of `f` */
  async function withConfig<T>(fields: Record<string, unknown>, f: () => Promise<T>): Promise<T> {
    const saved = cm()
    s.cluster.seed({
      ...saved,
      data: {...saved.data, storageInitializer: JSON.stringify({...JSON.parse(saved.data.storageInitializer), ...fields})},
    })
    try {
      return await f()
    } finally {
      s.cluster.seed(saved)
    }
  }

  test('the live configuration has no errors: only the digest hints, and --strict passes', async () => {
    const r = await validateLive(s.client)
    expect(r).toMatchObject({
      kind: 'ValidationReport',
      source: {context: 'sim-admin'},
      kserve: {namespace: 'kserve', version: 'v0.20.0'},
      summary: {error: 0, warning: 0},
    })
    expect(rules(r)).toEqual([
      'SI012 clusterstoragecontainer/default:spec.container.image',
      'SI012 configmap/inferenceservice-config:data.storageInitializer.image',
    ])
    expect(r.notChecked).toBeUndefined()
    expect(r.settings['configmap.image']).toBe('kserve/storage-initializer:v0.20.0')
    expect(exitCode([r], true)).toBe(0)
  })

  test('per-namespace facts: a CA bundle and a private registry need global-ca-bundle and a pull secret where models run', async () => {
    const si = ['SI030', 'SI060']
    const facts = (r: Report) =>
      r.findings
        .filter(f => si.includes(f.rule))
        .map(f => `${f.rule} ${f.path} ${f.severity}`)
        .sort()
    await withConfig({caBundleConfigMapName: 'corp-ca', image: 'registry.corp.example/kserve/storage-initializer:v0.20.0'}, async () => {
      const r = await validateLive(s.client)
      expect(facts(r)).toEqual([
        'SI030 configmap/inferenceservice-config:data.storageInitializer.caBundleConfigMapName error',
        'SI030 namespace/ml warning',
        'SI060 namespace/ml warning',
      ])
      expect(exitCode([r])).toBe(1)
      s.cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'corp-ca', namespace: 'kserve'}, data: {'cabundle.crt': 'x'}})
      // read with two cluster-wide lists, never one request per namespace
      const before = s.cluster.requests.length
      expect(facts(await validateLive(s.client))).toEqual(['SI030 namespace/ml warning', 'SI060 namespace/ml warning'])
      const reads = s.cluster.requests.slice(before).map(q => q.path)
      expect(reads).toEqual(expect.arrayContaining(['/api/v1/serviceaccounts', '/api/v1/configmaps']))
      expect(reads.filter(p => p.startsWith('/api/v1/namespaces/ml/'))).toEqual([])

      // a user who may read service accounts and ConfigMaps only in the namespaces that matter: read there, one by one
      const user = s.cluster.users['sim-readonly']
      const saved = user.rules
      user.rules = [
        {verbs: ['get', 'list', 'watch'], groups: [''], resources: ['configmaps', 'serviceaccounts'], namespaces: ['kserve', 'ml']},
        ...saved.filter(r => !r.groups.includes('')),
      ]
      try {
        await as(s, 'sim-readonly', async client => {
          const start = s.cluster.requests.length
          expect(facts(await validateLive(client, 'kserve'))).toEqual(['SI030 namespace/ml warning', 'SI060 namespace/ml warning'])
          expect(s.cluster.requests.slice(start).map(q => q.path)).toEqual(
            expect.arrayContaining(['/api/v1/namespaces/ml/serviceaccounts', '/api/v1/namespaces/ml/configmaps']),
          )
          s.cluster.seed({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {name: 'global-ca-bundle', namespace: 'ml'},
            data: {'cabundle.crt': 'x'},
          })
          s.cluster.seed({
            apiVersion: 'v1',
            kind: 'ServiceAccount',
            metadata: {name: 'default', namespace: 'ml'},
            imagePullSecrets: [{name: 'corp'}],
          })
          expect(facts(await validateLive(client, 'kserve'))).toEqual([])
        })
      } finally {
        user.rules = saved
      }
      // and cluster-wide again
      expect(facts(await validateLive(s.client))).toEqual([])
    })
  })

  test('a fleet: each context is checked with its own client, an unreachable one is an error report, and the exit code is 2', async () => {
    const kc = parse(readFileSync(s.kubeconfig, 'utf8'))
    const file = join(s.dir, 'fleet-kubeconfig')
    writeFileSync(
      file,
      stringify({
        ...kc,
        clusters: [...kc.clusters, {name: 'gone', cluster: {server: 'https://127.0.0.1:1'}}],
        contexts: [...kc.contexts, {name: 'gone', context: {cluster: 'gone', user: 'sim-admin'}}],
      }),
    )
    expect(allContexts(file)).toEqual(expect.arrayContaining(['sim-admin', 'sim-readonly', 'gone']))
    const seen: string[] = []
    const reports = await validateFleet({
      contexts: ['sim-admin', 'gone', 'sim-readonly'],
      parallel: 2,
      clusterTimeout: '0',
      connection: {kubeconfig: file},
      onReport: r => seen.push(r.source.context!),
    })
    expect(reports.map(r => [r.source.context, r.error ?? 'ok'])).toEqual([
      ['sim-admin', 'ok'],
      ['gone', expect.stringMatching(/^the connection to the server 127\.0\.0\.1:1 was refused/)],
      ['sim-readonly', 'ok'],
    ])
    expect(seen.sort()).toEqual(['gone', 'sim-admin', 'sim-readonly'])
    // the same cluster seen twice: no difference, and the unreachable one makes none by itself
    const v = verdict(reports, {strict: false, compare: true})
    expect(v.exitCode).toBe(2)
    expect(v.differences).toEqual([])
    const list = JSON.parse(await renderValidation(v, {output: 'json', version: '0.0.0'}))
    expect(list).toMatchObject({kind: 'ValidationReportList', differences: []})
    expect(list.items.map((r: Report) => r.source.context)).toEqual(['sim-admin', 'gone', 'sim-readonly'])
    // the readable output, after the reports were streamed: only the comparison is left
    expect(await renderValidation(v, {version: '0.0.0', streamed: true})).toBe(
      "\nThe clusters' storage-initializer settings are the same.\n",
    )
  })

  test('a fleet: a cluster over its time limit is reported as such, the others are not held up', async () => {
    s.cluster.faults.add({verb: 'list', resource: 'configmaps', latencyMs: 1000, user: s.cluster.users['sim-readonly'].name})
    try {
      const started = Date.now()
      const reports = await validateFleet({
        contexts: ['sim-admin', 'sim-readonly'],
        parallel: 2,
        clusterTimeout: '200ms',
        connection: {kubeconfig: s.kubeconfig},
      })
      expect(Date.now() - started).toBeLessThan(900)
      expect(reports.map(r => r.error ?? 'ok')).toEqual(['ok', 'no answer within --cluster-timeout 200ms'])
      expect(exitCode(reports)).toBe(2)
    } finally {
      s.cluster.faults.clear()
    }
    await expect(
      validateFleet({contexts: ['sim-admin'], parallel: 1, clusterTimeout: 'soon', connection: {kubeconfig: s.kubeconfig}}),
    ).rejects.toThrow(/^invalid --cluster-timeout "soon"/)
  })
})

describe('KServe v0.20.0 with invalid JSON in storageInitializer', () => {
  const SI001 = 'SI001 configmap/inferenceservice-config:data.storageInitializer'

  test('live: the syntax error with its line and column; exit 1', async () => {
    const s = await inProcess('kserve-broken.yaml')
    try {
      const r = await validateLive(s.client)
      expect(rules(r).filter(x => x.startsWith('SI0'))).toContain(SI001)
      const f = r.findings.find(x => x.rule === 'SI001')!
      expect(f).toMatchObject({severity: 'error', line: 2, column: 51})
      expect(f.message).toMatch(/^invalid JSON: .* at line 2, column 51$/)
      expect(r.settings).toMatchObject({configmap: '(invalid JSON)'})
      expect(exitCode([r])).toBe(1)
    } finally {
      s.stop()
    }
  })

  test('from a file: the same error, the file as source; the readable report and SARIF', async () => {
    const file = join(SCENARIOS, 'kserve-broken.yaml')
    const r = validateFile(file)
    expect(r.source).toEqual({file, format: 'manifests'})
    expect(r.summary).toEqual({error: 1, warning: 0, info: 1})
    expect(rules(r)[0]).toBe(SI001)
    const v = verdict([r], {strict: false, compare: false})
    expect(v).toMatchObject({exitCode: 1})
    expect(v.differences).toBeUndefined()
    const text = await renderValidation(v, {version: '0.0.0'})
    expect(text).toMatch(
      /ERRORS \(1\)\n {2}SI001 json-syntax {2}configmap\/inferenceservice-config:data\.storageInitializer\n {4}invalid JSON: .* at line 2, column 51\n/,
    )
    expect(text).toContain('1 error(s), 0 warning(s), 1 info')
    // one report: the report itself, not a list
    expect(JSON.parse(await renderValidation(v, {output: 'json', version: '0.0.0'}))).toMatchObject({
      kind: 'ValidationReport',
      source: {file},
    })
    const sarif = JSON.parse(await renderValidation(v, {output: 'sarif', version: '1.2.3'}))
    expect(sarif.runs[0].tool.driver.version).toBe('1.2.3')
    expect(sarif.runs[0].results.find((x: any) => x.ruleId === 'SI001').locations[0].physicalLocation).toMatchObject({
      artifactLocation: {uri: file},
      region: {startLine: 2, startColumn: 51},
    })
  })

  test('a file that cannot be read: one line', () => {
    expect(() => validateFile('/nonexistent.yaml')).toThrow(/^cannot read \/nonexistent\.yaml: no such file$/)
  })
})

test('Helm drift: the release Secret is decoded and compared; a user who may not read secrets is told SI070 was not checked', async () => {
  const s = await inProcess('kserve-helm.yaml')
  try {
    seedHelmRelease(s, si => si.replace('v0.15.2', 'v0.15.1'))
    const r = await validateLive(s.client)
    expect(r.findings.find(f => f.rule === 'SI070')?.message).toBe(
      'differs from Helm release "kserve" (revision 4) in image (live "kserve/storage-initializer:v0.15.2", release "kserve/storage-initializer:v0.15.1"): the next helm upgrade reverts it',
    )
    await as(s, 'sim-readonly', async client => {
      const without = await validateLive(client)
      expect(without.findings.map(f => f.rule)).not.toContain('SI070')
      expect(without.notChecked).toEqual([
        {
          rule: 'SI070',
          reason: expect.stringContaining('the Helm release "kserve" (its release Secret in namespace kserve) could not be read'),
        },
      ])
    })
  } finally {
    s.stop()
  }
})
