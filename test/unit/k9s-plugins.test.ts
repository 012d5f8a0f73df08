/**
 * docs/k9s/plugins.yaml, the k9s plugins for this plugin, held to what k9s accepts and runs. Read at derailed/k9s
 * 24cf4628541eca9e2979ae7294e0e91578e8357a (v0.50.18-142-g24cf4628):
 * - test/k9s/plugin-schema.json is internal/config/json/schemas/plugins.json, unchanged (last changed in a46c900d): the
 *   schema k9s checks a plugins file against first (internal/config/json/validator.go ValidatePlugins). It is checked
 *   here by a validator for the JSON Schema keywords that file uses; a keyword it does not know fails the test.
 * - internal/config/plugin.go: the fields k9s reads (the Plugin type; `pipes` is one the schema does not list).
 * - internal/view/actions.go, helpers.go (asKey, defaultEnv, k8sEnv), table.go, env.go: scopes are matched against the
 *   view's aliases, shortCut against tcell's key names, $VARS substituted from the view's environment.
 * - internal/view/exec.go: a pipe of fewer than two words is skipped.
 * - the keys k9s binds itself (BUILTIN below), which a plugin may not take.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {typeOf} from '../cluster/schema.js'
import {ROOT} from '../helpers.js'

type Schema = {[k: string]: any}
const schema: Schema = JSON.parse(readFileSync(join(ROOT, 'test', 'k9s', 'plugin-schema.json'), 'utf8'))
const file = parse(readFileSync(join(ROOT, 'docs', 'k9s', 'plugins.yaml'), 'utf8'))

// ---------------------------------------------------------------------------------------------------------------
// A validator for the subset of JSON Schema (draft-07) that k9s' schema uses.

/** Keywords the validator checks, and annotations it may ignore. */
const CHECKED = ['type', 'properties', 'additionalProperties', 'required', 'items', 'maxItems', 'enum', 'const', 'if', 'then', 'pattern']
const ANNOTATIONS = ['$schema', 'title', 'description']

/** Every keyword used anywhere in a schema (the keys of each subschema, not the property names under `properties`). */
function keywords(s: Schema, out = new Set<string>()): Set<string> {
  for (const [k, v] of Object.entries(s)) {
    out.add(k)
    if (k === 'properties') for (const sub of Object.values(v as Schema)) keywords(sub as Schema, out)
    else if (['additionalProperties', 'items', 'if', 'then'].includes(k) && typeof v === 'object' && !Array.isArray(v))
      keywords(v as Schema, out)
  }
  return out
}

function hasType(v: unknown, t: string): boolean {
  const actual = typeOf(v)
  return actual === t || (t === 'number' && actual === 'integer')
}

/** The errors of `v` against `s`, each with its JSON pointer; none when it is valid. */
function validate(v: unknown, s: Schema | boolean, at = ''): string[] {
  if (s === true) return []
  if (s === false) return [`${at || '/'}: not allowed`]
  const errors: string[] = []
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type]
    if (!types.some(t => hasType(v, t))) return [`${at || '/'}: ${typeOf(v)}, expected ${types.join(' or ')}`]
  }
  if (s.enum !== undefined && !s.enum.some((e: unknown) => JSON.stringify(e) === JSON.stringify(v)))
    errors.push(`${at || '/'}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`)
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v))
    errors.push(`${at || '/'}: ${JSON.stringify(v)}, expected ${JSON.stringify(s.const)}`)
  if (s.pattern !== undefined && typeof v === 'string' && !new RegExp(s.pattern, 'u').test(v))
    errors.push(`${at || '/'}: "${v}" does not match ${s.pattern}`)
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>
    for (const r of (s.required ?? []) as string[]) if (!(r in o)) errors.push(`${at || '/'}: ${r} is required`)
    for (const [k, x] of Object.entries(o)) {
      if (s.properties && k in s.properties) errors.push(...validate(x, s.properties[k], `${at}/${k}`))
      else if (s.additionalProperties !== undefined) errors.push(...validate(x, s.additionalProperties, `${at}/${k}`))
    }
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errors.push(`${at || '/'}: more than ${s.maxItems} items`)
    if (s.items !== undefined) v.forEach((x, i) => errors.push(...validate(x, s.items, `${at}/${i}`)))
  }
  if (s.if !== undefined && validate(v, s.if, at).length === 0 && s.then !== undefined) errors.push(...validate(v, s.then, at))
  return errors
}

describe('the JSON Schema validator', () => {
  test("knows every keyword k9s' plugins schema uses", () => {
    const unknown = [...keywords(schema)].filter(k => !CHECKED.includes(k) && !ANNOTATIONS.includes(k))
    expect(unknown).toEqual([])
  })

  test('rejects what the schema forbids', () => {
    const ok = {plugins: {p: {shortCut: 'Shift-X', description: 'x', scopes: ['pods'], command: 'kubectl'}}}
    expect(validate(ok, schema)).toEqual([])
    expect(validate({}, schema)).toEqual(['/: plugins is required'])
    expect(validate({...ok, plugin: {}}, schema)).toEqual(['/plugin: not allowed'])
    const {shortCut: _drop, ...noKey} = ok.plugins.p
    expect(validate({plugins: {p: noKey}}, schema)).toEqual(['/plugins/p: shortCut is required'])
    expect(validate({plugins: {p: {...ok.plugins.p, background: 'no'}}}, schema)).toEqual([
      '/plugins/p/background: string, expected boolean',
    ])
    expect(validate({plugins: {p: {...ok.plugins.p, args: ['a', 1, true]}}}, schema)).toEqual([
      '/plugins/p/args/2: boolean, expected string or number',
    ])
    const input = {name: 'n', type: 'string', default: 'd'}
    expect(validate({plugins: {p: {...ok.plugins.p, inputs: [{...input, type: 'list'}]}}}, schema)).toContain(
      '/plugins/p/inputs/0/type: "list" is not one of ["string","number","bool","dropdown"]',
    )
    // if a default is given, then required: true (the schema's if/then)
    expect(validate({plugins: {p: {...ok.plugins.p, inputs: [input]}}}, schema)).toEqual(['/plugins/p/inputs/0: required is required'])
    expect(validate({plugins: {p: {...ok.plugins.p, inputs: [{...input, required: false}]}}}, schema)).toEqual([
      '/plugins/p/inputs/0/required: false, expected true',
    ])
    expect(validate({plugins: {p: {...ok.plugins.p, inputs: Array(6).fill({name: 'n', type: 'bool'})}}}, schema)).toEqual([
      '/plugins/p/inputs: more than 5 items',
    ])
  })
})

// ---------------------------------------------------------------------------------------------------------------
// The plugins file.

interface Plugin {
  shortCut: string
  description: string
  scopes: string[]
  command: string
  args: string[]
  background?: boolean
  confirm?: boolean
  pipes?: string[]
}
const plugins = Object.entries(file.plugins as Record<string, Plugin>)

/** The YAML keys of k9s' Plugin type (internal/config/plugin.go); k9s ignores any other. */
const PLUGIN_FIELDS = [
  'scopes',
  'args',
  'shortCut',
  'override',
  'pipes',
  'description',
  'command',
  'confirm',
  'background',
  'dangerous',
  'overwriteOutput',
  'inputs',
]

/** The aliases k9s gives each resource (internal/dao/alias.go load: a CRD's kind, plural, singular, short names, GVR). */
const RESOURCES: Record<string, string[]> = {
  inferenceservices: [
    'inferenceservices',
    'inferenceservice',
    'isvc',
    'serving.kserve.io/v1beta1/inferenceservices',
    'inferenceservices.serving.kserve.io',
  ],
  pods: ['pods', 'pod', 'po', 'v1/pods'],
}
const resourceOf = (scope: string) => Object.keys(RESOURCES).find(r => RESOURCES[r].includes(scope))

/** The variables k9s sets for a plugin on a table view (internal/view/helpers.go k8sEnv, defaultEnv; table.go defaultEnv). */
const K9S_VARS = [
  'NAME',
  'NAMESPACE',
  'CONTEXT',
  'CLUSTER',
  'USER',
  'GROUPS',
  'KUBECONFIG',
  'FILTER',
  'RESOURCE_GROUP',
  'RESOURCE_VERSION',
  'RESOURCE_NAME',
]

/**
 * Keys k9s itself binds on each view. A plugin on one of the view's keys is refused ("duplicate plugin key", without
 * `override`); the app's keys and tview's table navigation are handled before a plugin's, so a plugin there never runs.
 */
const EVERY_VIEW = [
  // internal/ui/app.go bindKeys
  ':',
  'Ctrl-R',
  'Ctrl-P',
  'Ctrl-U',
  'Ctrl-Q',
  // internal/view/app.go bindKeys
  'Ctrl-E',
  'Ctrl-G',
  '?',
  '[',
  ']',
  '-',
  'Ctrl-A',
  'Enter',
  'Ctrl-C',
  // internal/view/table.go bindKeys; internal/ui/table.go doUpdate (all namespaces)
  'space',
  'Ctrl-Space',
  'Ctrl-\\',
  'Ctrl-S',
  '/',
  'Ctrl-Z',
  'Ctrl-W',
  'Shift-N',
  'Shift-A',
  'Shift-S',
  'Shift-O',
  'Shift-P',
  // internal/view/browser.go bindKeys, refreshActions, namespaceActions (0-9: favourite namespaces)
  'Esc',
  'q',
  'c',
  'n',
  'w',
  'e',
  'Ctrl-D',
  'y',
  'd',
  ...'0123456789',
  // derailed/tview v0.8.5 table.go InputHandler: navigation
  'g',
  'G',
  'j',
  'k',
  'h',
  'l',
  'Ctrl-F',
  'Ctrl-B',
]
const BUILTIN: Record<string, string[]> = {
  // internal/view/command.go viewMetaFor: a CRD gets NewScaleExtender(NewOwnerExtender(NewBrowser))
  inferenceservices: [...EVERY_VIEW, 'Shift-J', 's'],
  pods: [
    ...EVERY_VIEW,
    // internal/view/pod.go bindKeys, bindDangerousKeys
    'o',
    'Ctrl-K',
    's',
    'a',
    't',
    'z',
    // logs_extender.go, image_extender.go, vul_extender.go, owner_extender.go, pf_extender.go
    'l',
    'p',
    'i',
    'v',
    'Shift-V',
    'Shift-J',
    'f',
    'Shift-F',
  ],
}

describe('docs/k9s/plugins.yaml', () => {
  test("is valid against k9s' plugins schema", () => {
    expect(validate(file, schema)).toEqual([])
  })

  test.each(plugins)('%s: only fields k9s reads', (_name, p) => {
    expect(Object.keys(p).filter(k => !PLUGIN_FIELDS.includes(k))).toEqual([])
  })

  test.each(plugins)('%s: runs `kubectl storage-init` in the terminal, for a resource this plugin knows', (_name, p) => {
    expect(p.command).toBe('kubectl')
    expect(p.args[0]).toBe('storage-init')
    expect(['logs', 'diagnose', 'get']).toContain(p.args[1])
    expect(p.background).toBe(false)
    expect(p.confirm).toBe(false)
    for (const scope of p.scopes) expect(resourceOf(scope)).toBeDefined()
  })

  test.each(plugins)('%s: a key k9s knows (a-z, Shift-A..Z, Ctrl-A..Z)', (_name, p) => {
    expect(p.shortCut).toMatch(/^([a-z]|Shift-[A-Z]|Ctrl-[A-Z])$/)
  })

  test.each(plugins)('%s: every $VARIABLE is one k9s sets, for the context k9s shows', (_name, p) => {
    const vars = p.args.join(' ').match(/\$\{?!?[\w-]+/g) ?? []
    expect(vars.map(v => v.replace(/^\$\{?!?/, '')).filter(v => !K9S_VARS.includes(v.toUpperCase()))).toEqual([])
    expect(p.args).toEqual(expect.arrayContaining(['--context', '$CONTEXT', '-n', '$NAMESPACE']))
  })

  test.each(plugins)('%s: every pipe has at least two words (k9s skips one of a single word)', (_name, p) => {
    for (const pipe of p.pipes ?? []) expect(pipe.trim().split(/\s+/).length).toBeGreaterThanOrEqual(2)
  })

  test('each key is bound once per resource, on a key k9s does not bind there', () => {
    const seen: Record<string, Record<string, string>> = {}
    for (const [name, p] of plugins)
      for (const resource of new Set(p.scopes.map(resourceOf) as string[])) {
        const keys = (seen[resource] ??= {})
        expect({name, key: p.shortCut, clashesWith: keys[p.shortCut]}).toEqual({name, key: p.shortCut, clashesWith: undefined})
        keys[p.shortCut] = name
        expect({name, key: p.shortCut, builtin: BUILTIN[resource].includes(p.shortCut)}).toEqual({name, key: p.shortCut, builtin: false})
      }
  })

  test("binds logs, diagnose and get --isvc on an InferenceService, and the pod's logs on a pod", () => {
    const on = (resource: string) =>
      plugins
        .filter(([, p]) => p.scopes.some(s => resourceOf(s) === resource))
        .map(([, p]) =>
          p.args
            .slice(1)
            .filter(a => !a.startsWith('$') && !['-n', '--context'].includes(a))
            .join(' '),
        )
        .sort()
    expect(on('inferenceservices')).toEqual(['diagnose', 'get --isvc', 'logs', 'logs -f'])
    expect(on('pods')).toEqual(['diagnose --all', 'logs pod/$NAME'])
  })
})
