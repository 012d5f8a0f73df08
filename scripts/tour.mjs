// The quick tour of the README and its terminal pictures, made from real runs: the simulated cluster with KServe
// v0.20.0 (the demo's), then the plugin as a user would run it. `node scripts/tour.mjs` writes docs/tour/*.txt,
// docs/pictures/*.svg and the README's tour blocks; test/e2e/tour.test.ts runs the same commands and fails when any of
// them is stale. What changes from run to run (ports, times, durations) is replaced by fixed text.
import {spawn} from 'node:child_process'
import {closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')

/** The tour: a name (file names and README markers), the words after `kubectl storage-init`, and what it shows. */
export const STEPS = [
  {name: 'get', args: ['get'], caption: 'what is configured, and who serves which URI'},
  {name: 'get-isvc', args: ['get', '--isvc', 'sklearn-iris', '-n', 'ml'], caption: 'what one model gets, and whether its pods run it'},
  {
    name: 'set-image-diff',
    args: ['set-image', '--tag', 'v0.20.1', '--diff', '--dry-run=server'],
    caption: 'a change, reviewed first: the API server checks it, nothing is written',
  },
  {name: 'set-image', args: ['set-image', '--tag', 'v0.20.1'], caption: 'the change, conditional on what was read, recorded'},
  {name: 'validate', args: ['validate'], caption: 'the linter, on the live cluster'},
  {
    name: 'logs',
    args: ['logs', '--pod', 'sklearn-iris-predictor-7d9c8b6f5-x2k4q', '-n', 'ml', '-f'],
    caption: 'the storage-initializer log, followed to its end',
  },
  {name: 'history', args: ['history'], caption: 'what was changed, by whom'},
  {name: 'rollback', args: ['rollback'], caption: 'undo'},
  {
    name: 'diagnose',
    args: ['diagnose', 'llama', '-n', 'team-a'],
    caption: 'why a model is stuck, and the command that fixes it',
    // a cluster of its own, with a model whose download fails; diagnose exits 1 when it finds a problem
    scenario: 'kserve-troubled.yaml',
    exit: 1,
  },
]

/** Replace what differs between runs. */
export function normalise(text) {
  return text
    .replace(/https:\/\/127\.0\.0\.1:\d+/g, 'https://127.0.0.1:6443')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, m => (m.startsWith('2026-11-20') ? m : '2026-11-26T10:00:00.000Z'))
    .replace(/storage-init-[a-z]+-\w{6}/g, 'storage-init-tmp')
}

/** Run a command with stdout and stderr into one file, so that its lines keep the order a terminal shows. */
function run(cmd, args, env) {
  const file = join(mkdtempSync(join(tmpdir(), 'storage-init-tour-out-')), 'out')
  const fd = openSync(file, 'w')
  return new Promise(resolve => {
    const p = spawn(cmd, args, {env: {...process.env, ...env}, stdio: ['ignore', fd, fd]})
    p.on('close', code => {
      closeSync(fd)
      resolve({code, out: readFileSync(file, 'utf8')})
    })
  })
}

/** Start a simulated cluster from a scenario; resolves to its kubeconfig and a stop function. */
async function start(scenario) {
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'storage-init-tour-')), 'kubeconfig')
  const cluster = spawn(
    process.execPath,
    [join(ROOT, 'dist/cluster.js'), '--scenario', join(ROOT, 'test/cluster/scenarios', scenario), '--kubeconfig', kubeconfig],
    {stdio: ['ignore', 'pipe', 'inherit']},
  )
  await new Promise(r => cluster.stdout.on('data', d => String(d).includes('kubeconfig:') && r()))
  return {kubeconfig, stop: () => cluster.kill('SIGTERM')}
}

/** Start a fresh simulated cluster (the demo's, or a step's own), run every step in order, stop them. */
export async function tour() {
  const clusters = new Map()
  const out = []
  try {
    for (const s of STEPS) {
      const scenario = s.scenario ?? 'kserve-v0.20.0.yaml'
      if (!clusters.has(scenario)) clusters.set(scenario, await start(scenario))
      const env = {KUBECONFIG: clusters.get(scenario).kubeconfig, NO_COLOR: '1', CI: '1', COLUMNS: '160'}
      const r = await run(process.execPath, [join(ROOT, 'bin', 'kubectl-storage_init'), ...s.args], env)
      out.push({...s, code: r.code, text: normalise(r.out)})
    }
  } finally {
    for (const c of clusters.values()) c.stop()
  }
  return out
}

const esc = s => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/**
 * A terminal picture: the command line and its output, monospace on a dark background, in one colour: what a terminal
 * shows (the plugin prints colour only in `logs`, and never under NO_COLOR, as the tour runs it).
 */
export function svg(step) {
  const lines = [`$ kubectl storage-init ${step.args.join(' ')}`, ...step.text.replace(/\n$/, '').split('\n')]
  const cw = 8.4
  const lh = 18
  const width = Math.ceil(Math.max(60, ...lines.map(l => [...l].length)) * cw + 32)
  const height = lines.length * lh + 48
  const body = lines.map((l, i) => `<text x="16" y="${40 + i * lh}" xml:space="preserve">${esc(l)}</text>`).join('\n')
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(step.caption)}">
<style>text{font:14px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;fill:#d8dee9}</style>
<rect width="100%" height="100%" rx="8" fill="#2e3440"/>
<circle cx="18" cy="14" r="5" fill="#bf616a"/><circle cx="34" cy="14" r="5" fill="#ebcb8b"/><circle cx="50" cy="14" r="5" fill="#a3be8c"/>
${body}
</svg>
`
}

/** The README block of one step: the command and its output, as text. */
export function block(step) {
  return `<!-- tour:${step.name} -->\n\`\`\`console\n$ kubectl storage-init ${step.args.join(' ')}\n${step.text.replace(/\n$/, '')}\n\`\`\`\n<!-- /tour:${step.name} -->`
}

/** The README with every tour block replaced by the fresh one. */
export function withBlocks(readme, steps) {
  let out = readme
  for (const s of steps) out = out.replace(new RegExp(`<!-- tour:${s.name} -->[\\s\\S]*?<!-- /tour:${s.name} -->`), block(s))
  return out
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const steps = await tour()
  mkdirSync(join(ROOT, 'docs/tour'), {recursive: true})
  mkdirSync(join(ROOT, 'docs/pictures'), {recursive: true})
  for (const s of steps) {
    writeFileSync(join(ROOT, 'docs/tour', `${s.name}.txt`), `$ kubectl storage-init ${s.args.join(' ')}\n${s.text}`)
    writeFileSync(join(ROOT, 'docs/pictures', `${s.name}.svg`), svg(s))
    if (s.code !== (s.exit ?? 0) && s.name !== 'validate') console.error(`${s.name}: exit ${s.code}`)
  }
  const readme = join(ROOT, 'README.md')
  writeFileSync(readme, withBlocks(readFileSync(readme, 'utf8'), steps))
  console.log(`wrote docs/tour/*.txt, docs/pictures/*.svg and the README's tour blocks (${steps.length} steps)`)
}
