/** The rollout's progress view on a terminal (render/rollout-view.ts): rows redrawn in place, cluster text escaped. */
import {RolloutView, viewLines} from '../../src/render/rollout-view.js'

const model = {kind: 'InferenceService' as const, namespace: 'ml', name: 'a'}
const progress = (current: number, pods: number, ready: number, downloads: number[] = []) => ({
  rollout: {action: 'restart' as const, how: ''},
  pods,
  current,
  ready,
  downloads,
  state: 'rolling' as const,
})

test('one row per model, redrawn in place: the cursor goes back over what was drawn, and the screen below is cleared', () => {
  const out: string[] = []
  const v = new RolloutView(
    raw => out.push(raw),
    () => 200,
  )
  v.event({type: 'planned', time: 't', model, progress: progress(0, 2, 0), message: '2/2 pod(s) run the previous storage-initializer'})
  expect(out[0]).toBe(
    'MODEL       STATE     NEW/PODS   READY   DOWNLOAD   LAST\n' +
      'isvc/ml/a   pending   0/2        0                  2/2 pod(s) run the previous storage-initializer\n',
  )
  v.event({type: 'progress', time: 't', model, progress: progress(1, 3, 1, [6, 8]), message: '1/3 pod(s) on the new storage-initializer'})
  // back two lines (the header and the row), cleared, drawn again
  expect(out[1].startsWith('\x1b[2F\x1b[J')).toBe(true)
  expect(out[1]).toContain('rolling')
  expect(out[1]).toContain('6-8s')
  const b = {...model, name: 'b'}
  v.event({type: 'done', time: 't', model: b, progress: progress(1, 1, 1, [5]), message: 'rolled out'})
  expect(out[2].startsWith('\x1b[2F\x1b[J')).toBe(true)
  expect(out[2].split('\n').filter(Boolean)).toHaveLength(3)
  expect(out[2]).toMatch(/isvc\/ml\/b +done +1\/1 +1 +5s +rolled out/)
})

test('a message from the cluster cannot move the cursor or forge a row', () => {
  const out: string[] = []
  const v = new RolloutView(
    raw => out.push(raw),
    () => 200,
  )
  v.event({type: 'failed', time: 't', model, progress: progress(0, 1, 0), message: 'pod x: \x1b[2Jboom\nisvc/ml/z   done'})
  const body = out[0]
  expect(body).not.toContain('\x1b[2J')
  expect(body.split('\n').filter(Boolean)).toHaveLength(2)
  expect(body).toContain('\\u001b[2Jboom\\u000aisvc/ml/z')
})

test('rows are cut to the terminal width', () => {
  const lines = viewLines([{model: 'isvc/ml/a', state: 'rolling', pods: '1/2', ready: '1', download: '', note: 'x'.repeat(200)}], 60)
  expect(lines.every(l => l.length <= 60)).toBe(true)
  expect(lines[1].endsWith('…')).toBe(true)
})
