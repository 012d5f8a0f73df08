/** `npm run cluster`: the simulated cluster in the foreground, stopped cleanly by SIGTERM. */
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {kubectl, ROOT, SCENARIOS} from '../helpers.js'

test('starts with a scenario, serves kubectl, stops on SIGTERM', async () => {
  const kc = join(mkdtempSync(join(tmpdir(), 'si-standalone-')), 'kc')
  const child = spawn(process.execPath, [
    join(ROOT, 'dist', 'cluster.js'),
    '--scenario',
    join(SCENARIOS, 'kserve-helm.yaml'),
    '--kubeconfig',
    kc,
  ])
  let out = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', d => {
      out += d
      if (out.includes('kubeconfig:')) resolve()
    })
    child.on('exit', code => reject(new Error(`exited ${code}`)))
  })
  expect(out).toContain(`kubeconfig: ${kc}`)
  expect(readFileSync(kc, 'utf8')).toContain('current-context: sim-admin')
  const r = await kubectl(kc, [
    'get',
    'cm',
    'inferenceservice-config',
    '-n',
    'kserve',
    '-o',
    'jsonpath={.metadata.labels.app\\.kubernetes\\.io/managed-by}',
  ])
  expect(r.stdout).toBe('Helm')
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)))
  child.kill('SIGTERM')
  expect(await exited).toBe(0)
})

test('every shipped scenario is current with test/fixtures', async () => {
  // @ts-expect-error: a plain .mjs module
  const {buildScenarios} = await import('../../scripts/make-scenarios.mjs')
  const built: Record<string, string> = buildScenarios(join(ROOT, 'test', 'fixtures', 'kserve'))
  expect(Object.keys(built).length).toBeGreaterThanOrEqual(11)
  for (const [file, text] of Object.entries(built)) expect(readFileSync(join(SCENARIOS, file), 'utf8')).toBe(text)
})
