/**
 * Every command line of docs/k9s/plugins.yaml run against the simulated cluster as k9s would run it on the
 * InferenceService sklearn-iris or its pod: k9s' variables substituted ($NAME, $NAMESPACE, and $CONTEXT, the
 * context k9s shows: here the kubeconfig's current context), the kubeconfig from KUBECONFIG (the file passes no
 * --kubeconfig: the command inherits k9s' environment), `storage-init` dropped (kubectl's plugin dispatch), and
 * the output through the entry's pipes. A followed log is stopped with Ctrl-C, as in k9s.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'

import {exec, kubectl, plugin, ROOT, startCluster, type Started} from '../helpers.js'

interface Plugin {
  scopes: string[]
  command: string
  args: string[]
  pipes?: string[]
}
const plugins = Object.entries(parse(readFileSync(join(ROOT, 'docs', 'k9s', 'plugins.yaml'), 'utf8')).plugins as Record<string, Plugin>)

const POD = 'sklearn-iris-predictor-7d9c8b6f5-x2k4q'
/** The row k9s has selected for each scope, and what its output must show. */
const ROWS: Record<string, {name: string; shows: string[]}> = {
  inferenceservices: {name: 'sklearn-iris', shows: ['sklearn-iris']},
  pods: {name: POD, shows: []},
}
/** What each command prints for the healthy model of the scenario. */
const OUTPUT: Record<string, string[]> = {
  logs: [`[pod/${POD}/storage-initializer]`, 'Model downloaded in 5.443 seconds.'],
  diagnose: ['no problem found'],
  get: ['InferenceService ml/sklearn-iris', POD],
}

let s: Started
let env: Record<string, string>
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  const ctx = await kubectl(s.kubeconfig, ['config', 'current-context'])
  expect(ctx.code).toBe(0)
  env = {NAMESPACE: 'ml', CONTEXT: ctx.stdout.trim()}
})
afterAll(() => s.cluster.stop())

/** k9s' substitution (internal/view/env.go): $VAR and ${VAR}, longest name first; an unknown name is left as it is. */
function substitute(arg: string, vars: Record<string, string>): string {
  const found = [...arg.matchAll(/\$\{?([\w-]+)\}?/g)].sort((a, b) => b[0].length - a[0].length)
  for (const [whole, key] of found) if (key.toUpperCase() in vars) arg = arg.replaceAll(whole, vars[key.toUpperCase()])
  return arg
}

const cases = plugins.flatMap(([name, p]) => p.scopes.map(scope => ({name, scope, p})))

test.each(cases)(
  '$name on $scope',
  async ({scope, p}) => {
    const row = ROWS[scope]
    expect(row).toBeDefined()
    expect(p.command).toBe('kubectl')
    const args = p.args.map(a => substitute(a, {...env, NAME: row.name}))
    expect(args.join(' ')).not.toContain('$')
    expect(args[0]).toBe('storage-init')
    const run = args.slice(1)
    const shows = [...row.shows, ...OUTPUT[run[0]]]

    if (run.includes('-f')) {
      // followed: never ends by itself (pods created later are attached); Ctrl-C ends it cleanly
      const bin = process.env.SI_PLUGIN_BIN
      const child = bin
        ? spawn(bin, run, {env: {...process.env, NO_COLOR: '1', KUBECONFIG: s.kubeconfig}})
        : spawn(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...run], {
            env: {...process.env, NO_COLOR: '1', KUBECONFIG: s.kubeconfig},
          })
      let out = ''
      child.stdout.on('data', d => (out += d))
      const exited = new Promise<number | null>(r => child.on('exit', c => r(c)))
      const end = Date.now() + 15_000
      while (!shows.every(x => out.includes(x)) && Date.now() < end) await new Promise(r => setTimeout(r, 50))
      const still = await Promise.race([exited.then(() => 'exited'), new Promise(r => setTimeout(() => r('running'), 300))])
      child.kill('SIGINT')
      for (const x of shows) expect(out).toContain(x)
      expect(still).toBe('running')
      expect(await exited).toBe(0)
      return
    }

    const r = await plugin(run, {KUBECONFIG: s.kubeconfig})
    expect({code: r.code, stderr: r.stderr}).toEqual({code: 0, stderr: expect.any(String)})
    for (const x of shows) expect(r.stdout).toContain(x)
    // the pager, as `kubectl ... | less -R` (less copies its input when its output is not a terminal)
    for (const pipe of p.pipes ?? []) {
      const [cmd, ...rest] = pipe.trim().split(/\s+/)
      const piped = await exec(cmd, rest, {}, r.stdout)
      expect({code: piped.code, stdout: piped.stdout}).toEqual({code: 0, stdout: r.stdout})
    }
  },
  30_000,
)
