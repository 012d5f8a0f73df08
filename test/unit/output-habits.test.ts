/**
 * kubectl's output habits (issue #27 item 8): -o jsonpath with missing keys (--allow-missing-template-keys), -o
 * custom-columns and custom-columns-file, -o name after a change, history's -o name|jsonpath|custom-columns and
 * --no-headers. Expectations are what kubectl 1.32 prints: run live where it works offline (`kubectl create
 * --dry-run=client`), recorded from `kubectl get` against the simulated cluster
 * otherwise.
 */
import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Outcome} from '../../src/core/change.js'
import type {HistoryItem} from '../../src/core/rollback.js'
import {CliError} from '../../src/errors.js'
import {customColumns, goSprint, parseColumnsFile, parseColumnsSpec, relaxedJsonPath, tabwrite} from '../../src/render/columns.js'
import {renderHistory, renderRevision} from '../../src/render/history.js'
import {jsonpath} from '../../src/render/jsonpath.js'
import {objectName, renderOutcome} from '../../src/render/outcome.js'
import {parseOutput, render} from '../../src/render/output.js'

const configMap = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {creationTimestamp: null, name: 'x'}, data: {a: 'b'}}

/** What `kubectl create configmap x --from-literal=a=b --dry-run=client ARGS` prints and exits with (kubectl is required). */
function kubectl(...args: string[]): {code: number; stdout: string; stderr: string} {
  try {
    const stdout = execFileSync('kubectl', ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=client', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, KUBECONFIG: '/nonexistent'},
    })
    return {code: 0, stdout, stderr: ''}
  } catch (e) {
    const x = e as {status: number | null; stdout: string; stderr: string}
    // no kubectl at all is not an answer: the tests compare with the real one (CI installs it)
    if (x.status === null) throw e
    return {code: x.status, stdout: x.stdout, stderr: x.stderr}
  }
}

/** The plugin's -o over `value`: stdout, or the error's line. */
async function ours(value: unknown, output: string, opts: Parameters<typeof parseOutput>[2] = {}): Promise<string> {
  try {
    return await render(value, parseOutput(output, ['json', 'yaml', 'name', 'jsonpath', 'custom-columns'], opts), () => ['configmap/x'])
  } catch (e) {
    if (e instanceof CliError) return e.oneLine()
    throw e
  }
}

describe('-o jsonpath and missing keys', () => {
  test.each([
    ['{.missing}', ''],
    ['x{.missing.y}y{.data.a}', 'xyb'],
    ['{.items[5]}', ''],
    ['{range .items[*]}{.x}{end}', ''],
    ['{.data.a.b}', ''],
    ['{.data.*}', 'b'],
  ])('%s prints %j and succeeds, as kubectl (--allow-missing-template-keys defaults to true)', async (template, printed) => {
    expect(await ours(configMap, `jsonpath=${template}`)).toBe(printed)
    const real = kubectl('-o', `jsonpath=${template}`)
    if (real) expect([real.code, real.stdout]).toEqual([0, printed])
  })

  test('--allow-missing-template-keys=false: a missing key is an error again (kubectl: exit 1)', async () => {
    expect(await ours(configMap, 'jsonpath={.missing}', {allowMissingKeys: false})).toBe(
      'error: error executing jsonpath "{.missing}": missing is not found',
    )
    const real = kubectl('-o', 'jsonpath={.missing}', '--allow-missing-template-keys=false')
    if (real) {
      expect(real.code).toBe(1)
      expect(real.stderr).toMatch(/^error: error executing jsonpath "\{\.missing\}": Error executing template: missing is not found\./)
    }
  })

  test('a field missing only from some of the values is not missing (client-go evaluates it over all of them)', () => {
    const list = {items: [{metadata: {labels: {z: '1'}}}, {metadata: {}}]}
    expect(jsonpath('{.items[*].metadata.labels.z}', list, {allowMissingKeys: false})).toBe('1')
    expect(() => jsonpath('{.items[*].metadata.nope}', list, {allowMissingKeys: false})).toThrow('nope is not found')
  })

  test('other errors stay errors, in kubectl words', async () => {
    expect(await ours(configMap, 'jsonpath={.data.a[0]}')).toBe(
      'error: error executing jsonpath "{.data.a[0]}": string is not array or slice',
    )
    expect(await ours(configMap, 'jsonpath={.data[')).toBe('error: error parsing jsonpath {.data[, unterminated array')
    expect(() => parseOutput('jsonpath={.metadata.name', ['jsonpath'])).toThrow('error parsing jsonpath {.metadata.name, unclosed action')
    for (const [template, why] of [
      ['{.data[', 'unterminated array'],
      ['{.a', 'unclosed action'],
      ['{"abc', 'unterminated quoted string'],
      ['{.a[?(@.x', 'unterminated filter'],
    ]) {
      expect(await ours(configMap, `jsonpath=${template}`)).toBe(`error: error parsing jsonpath ${template}, ${why}`)
      const real = kubectl('-o', `jsonpath=${template}`)
      if (real) expect([real.code, real.stderr]).toEqual([1, `error: error parsing jsonpath ${template}, ${why}\n`])
    }
    const real2 = kubectl('-o', 'jsonpath={.data.a[0]}')
    if (real2)
      expect(real2.stderr).toMatch(
        /^error: error executing jsonpath "\{\.data\.a\[0\]\}": Error executing template: string is not array or slice\./,
      )
  })
})

/** Two ConfigMaps as `kubectl get cm -n default -o json` lists them (the simulator's). */
const cmList = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    {kind: 'ConfigMap', metadata: {name: 'a', labels: {z: '1', b: 'two'}, resourceVersion: '1018'}, data: {x: '1'}},
    {kind: 'ConfigMap', metadata: {name: 'bb', finalizers: ['f1', 'f2']}, data: {x: 'hello world'}},
  ],
}

describe('-o custom-columns', () => {
  test("the layout of kubectl get's (recorded from kubectl 1.32)", async () => {
    // kubectl get cm -n default -o custom-columns=N:.metadata.name,L:.metadata.labels,F:.metadata.finalizers,FS:.metadata.finalizers[*],X:.data.x,G:.metadata.generation,D:.data
    expect(
      await ours(
        cmList,
        'custom-columns=N:.metadata.name,L:.metadata.labels,F:.metadata.finalizers,FS:.metadata.finalizers[*],X:.data.x,G:.metadata.generation,D:.data',
      ),
    ).toBe(
      [
        'N     L                F         FS       X             G        D',
        'a     map[b:two z:1]   <none>    <none>   1             <none>   map[x:1]',
        'bb    <none>           [f1 f2]   f1,f2    hello world   <none>   map[x:hello world]',
        '',
      ].join('\n'),
    )
    // kubectl get cm -A -o custom-columns=NAME:.metadata.name,NS:metadata.namespace,miss:.x,d:{.metadata.labels}: headers as given
    expect(
      await ours(
        {kind: 'List', items: [{metadata: {name: 'inferenceservice-config', namespace: 'kserve'}}]},
        'custom-columns=NAME:.metadata.name,NS:metadata.namespace,miss:.x,d:{.metadata.labels}',
      ),
    ).toBe('NAME                      NS       miss     d\ninferenceservice-config   kserve   <none>   <none>\n')
  })

  test('--no-headers, a single object is one row, an empty list the header alone, an empty header keeps its padding', async () => {
    expect(await ours(cmList.items[1], 'custom-columns=A:.metadata.name,B:.nope', {noHeaders: true})).toBe('bb    <none>\n')
    expect(await ours({kind: 'List', items: []}, 'custom-columns=N:.metadata.name')).toBe('N\n')
    expect(await ours(cmList.items[0], 'custom-columns=A:.metadata.name,:.metadata.name')).toBe('A     \na     a\n')
    expect(await ours(cmList.items[0], 'custom-columns=A:')).toBe('A\n<none>\n')
  })

  test("the spec's errors, in kubectl's words", () => {
    const err = (v: string) => {
      try {
        parseOutput(v, ['json', 'custom-columns'])
      } catch (e) {
        return (e as CliError).oneLine()
      }
      return 'no error'
    }
    expect(err('custom-columns=')).toBe('error: custom-columns format specified but no custom columns given')
    expect(err('custom-columns')).toBe('error: custom-columns format specified but no custom columns given')
    expect(err('custom-columns=NAME')).toBe('error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>')
    expect(err('custom-columns=A:.metadata.name,B')).toBe('error: unexpected custom-columns spec: B, expected <header>:<json-path-expr>')
    expect(err('custom-columns=A:{{x}}')).toBe(
      "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'",
    )
    expect(err('custom-columns=A:.data[')).toBe('error: unterminated array')
    expect(err('custom-columns-file=/nonexistent/cols')).toBe(
      'error: error reading template /nonexistent/cols, open /nonexistent/cols: no such file or directory',
    )
    expect(err('xml')).toBe(
      'error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,json',
    )
  })

  test('custom-columns-file: a line of headers, a line of paths; kubectl prints the header even with --no-headers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cols-'))
    writeFileSync(join(dir, 'cols'), 'NAME   X\n.metadata.name {.data.x}\n')
    expect(await ours(cmList, `custom-columns-file=${join(dir, 'cols')}`, {noHeaders: true})).toBe(
      'NAME   X\na      1\nbb     hello world\n',
    )
    expect(() => parseColumnsFile('NAME   X\n.metadata.name\n')).toThrow("number of headers (2) and field specifications (1) don't match")
    expect(() => parseColumnsFile('NAME\n')).toThrow(
      'invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.',
    )
    expect(() => parseColumnsFile('')).toThrow('invalid template, missing header line.')
  })

  test('the pieces: relaxed paths, Go values, the tabwriter, escaping', () => {
    expect(['a.b', '.a.b', '{a.b}', '{.a.b}', ''].map(relaxedJsonPath)).toEqual(['{.a.b}', '{.a.b}', '{.a.b}', '{.a.b}', ''])
    expect(parseColumnsSpec('A:x,B:{.y}')).toEqual([
      {header: 'A', template: '{.x}'},
      {header: 'B', template: '{.y}'},
    ])
    expect([
      goSprint(null),
      goSprint(true),
      goSprint(3),
      goSprint(0.5),
      goSprint(1234567.5),
      goSprint(0.00001),
      goSprint({b: [1, 'x'], a: {}}),
    ]).toEqual(['<nil>', 'true', '3', '0.5', '1.2345675e+06', '1e-05', 'map[a:map[] b:[1 x]]'])
    expect(
      tabwrite([
        ['ä', 'b'],
        ['long-cell', ''],
      ]),
    ).toBe('ä           b\nlong-cell   \n')
    // a terminal escape or a line break from the cluster cannot reach the terminal or break a row
    expect(customColumns({metadata: {name: 'a\nb\u001b[31m'}}, parseColumnsSpec('N:.metadata.name'), true)).not.toMatch(/\n.|\u001b/)
  })
})

/** A change's outcome as renderOutcome reads it: the ConfigMap and a ClusterStorageContainer, unchanged. */
function outcome(): Outcome {
  const target = (id: string, display: string) => ({id, display, kind: id === 'configmap' ? 'ConfigMap' : 'ClusterStorageContainer'})
  return {
    live: {namespace: 'kserve'},
    planned: [
      {target: target('configmap', 'configmap/inferenceservice-config'), what: 'image'},
      {target: target('csc/default', 'clusterstoragecontainer.serving.kserve.io/default'), what: 'image'},
      {target: target('isvc', 'inferenceservice.serving.kserve.io/m -n ml'), what: 'image'},
    ],
    changed: [],
    objects: [
      {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'inferenceservice-config', namespace: 'kserve'}},
      {apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ClusterStorageContainer', metadata: {name: 'default'}},
      null,
    ],
  } as unknown as Outcome
}

describe('-o name after a change (set-image, set-resources, rollback)', () => {
  test('kind.group/name of each object on stdout, the report on stderr', async () => {
    const [out, notes]: [string[], string[]] = [[], []]
    const flags = {
      'dry-run': 'client',
      diff: false,
      output: 'name',
      'show-helm-values': false,
      'exit-code': false,
      'show-all': false,
      'show-managed-fields': false,
    }
    const code = await renderOutcome(outcome(), flags, {}, {print: t => out.push(t), note: l => notes.push(l), warn: () => {}})
    expect(code).toBe(0)
    expect(out.join('')).toBe(
      'configmap/inferenceservice-config\nclusterstoragecontainer.serving.kserve.io/default\ninferenceservice.serving.kserve.io/m\n',
    )
    expect(notes[0]).toBe('configmap/inferenceservice-config image unchanged')
  })

  test("objectName is kubectl's -o name", () => {
    expect(objectName({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'd'}})).toBe('deployment.apps/d')
    expect(objectName({kind: 'ConfigMap'})).toBeUndefined()
    const real = kubectl('-o', 'name')
    if (real) expect(real.stdout).toBe(`${objectName(configMap)}\n`)
  })
})

const items: HistoryItem[] = [
  {
    revision: 1,
    status: 'superseded',
    description: 'image=a (configmap)',
    time: '2025-01-01T00:00:00Z',
    command: 'kubectl storage-init set-image a',
  },
  {
    revision: 2,
    status: 'current',
    description: 'image=b (configmap)',
    time: '2025-01-02T00:00:00Z',
    command: 'kubectl storage-init set-image b',
  },
] as HistoryItem[]

describe('history: -o name, jsonpath, custom-columns and --no-headers', () => {
  const parsed = (v: string, o = {}) => parseOutput(v, ['json', 'yaml', 'name', 'jsonpath', 'custom-columns'], o)

  test('-o name: revision/N per revision shown', async () => {
    expect((await renderHistory('kserve', items, {output: 'name'})).stdout).toBe('revision/1\nrevision/2\n')
    expect((await renderHistory('kserve', items, {output: 'name', max: 1})).stdout).toBe('revision/2\n')
    expect(await renderRevision('kserve', items[0], 'name')).toBe('revision/1\n')
  })

  test('-o jsonpath over the RevisionList (or the Revision); a missing key prints nothing unless asked', async () => {
    expect((await renderHistory('kserve', items, {output: parsed('jsonpath={.kind} {.items[*].revision} {.items[0].nope}')})).stdout).toBe(
      'RevisionList 1 2 ',
    )
    expect(await renderRevision('kserve', items[1], parsed('jsonpath={.kind}:{.revision}'))).toBe('Revision:2')
    await expect(renderHistory('kserve', items, {output: parsed('jsonpath={.nope}', {allowMissingKeys: false})})).rejects.toThrow(
      'error executing jsonpath "{.nope}": nope is not found',
    )
  })

  test('-o custom-columns: a row per revision; --no-headers for it and for the table', async () => {
    const cols = 'custom-columns=REVISION:.revision,STATUS:.status,ROLLBACK:.rollbackTo'
    expect((await renderHistory('kserve', items, {output: parsed(cols)})).stdout).toBe(
      'REVISION   STATUS       ROLLBACK\n1          superseded   <none>\n2          current      <none>\n',
    )
    expect((await renderHistory('kserve', items, {output: parsed(cols, {noHeaders: true})})).stdout).toBe(
      // the widths come from the rows printed: without the header, narrower (kubectl's tabwriter too)
      '1     superseded   <none>\n2     current      <none>\n',
    )
    const table = (await renderHistory('kserve', items, {})).stdout
    const bare = (await renderHistory('kserve', items, {noHeaders: true})).stdout
    expect(table.split('\n')[0]).toMatch(/^REVISION\s+UPDATED/)
    expect(bare).toBe(table.slice(table.indexOf('\n') + 1))
  })

  test('rollback --list passes -o as a string: still checked, with the formats history takes', async () => {
    await expect(renderHistory('kserve', items, {output: 'xml'})).rejects.toThrow(
      'unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,yaml',
    )
  })
})
