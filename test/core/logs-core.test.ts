/**
 * The logs use case (src/core/logs.ts) in-process against the simulated cluster: which pods a model has, what is
 * printed of their storage-initializer logs (through the printer of src/render/logs.ts, writing to arrays), the
 * --summary rows and table, a stream cut and resumed, a --limit-bytes cap over a resumed stream, and a follow that ends
 * when aborted.
 */
import {isCliError} from '../../src/errors.js'
import {API_VERSION} from '../../src/domain/api-version.js'
import {runLogs, selectPods, summarisePods, type LogEvent, type LogsOptions} from '../../src/core/logs.js'
import {makePrinter} from '../../src/render/logs.js'
import {summaryJson, summaryTable} from '../../src/render/log-summary.js'
import {oomPod, pod, running, terminated} from '../model-pods.js'
import {inProcess, type InProcess} from './harness.js'

let s: InProcess
/** the pod's init container ends now (its log stream, followed, ends with it) */
const finish = (name: string) => s.cluster.seed({...s.cluster.store.get('/pods', 'ml', name), status: terminated(3, 0)})

const DONE_LOG = ['Initializing', 'Model downloaded in 12.0 seconds.']
// still running: its log stays open, with no line due (a line due later would keep the simulator's timer alive)
const DOWNLOADING_LOG = ['Initializing']

beforeEach(async () => {
  s = await inProcess('kserve-v0.20.0.yaml')
  s.cluster.seed({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: {name: 'llm', namespace: 'ml'},
    spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: 'hf://org/llm'}}},
  })
  s.cluster.seed(pod('llm-done', terminated(100, 88), {'storage-initializer': DONE_LOG}))
  s.cluster.seed(pod('llm-downloading', running(1), {'storage-initializer': DOWNLOADING_LOG}))
  s.cluster.seed(
    pod('llm-pull', {
      phase: 'Pending',
      initContainerStatuses: [
        {name: 'storage-initializer', restartCount: 0, state: {waiting: {reason: 'ImagePullBackOff', message: 'Back-off pulling image'}}},
      ],
    }),
  )
})
afterEach(() => s.stop())

const opts = (o: Partial<LogsOptions> = {}): LogsOptions => ({follow: false, previous: false, maxRequests: 50, ...o})

/** The printer as `logs` builds it without flags, writing to arrays; every event kept too. */
function capture() {
  const out: string[] = []
  const err: string[] = []
  const events: LogEvent[] = []
  const print = makePrinter({
    json: false,
    prefix: true,
    timestamps: false,
    withNamespace: false,
    color: {stdout: false, stderr: false},
    out: t => out.push(t),
    err: t => err.push(t),
  })
  const emit = (e: LogEvent) => {
    events.push(e)
    print(e)
  }
  return {out, err, events, emit, lines: (p: string) => events.flatMap(e => (e.type === 'line' && e.pod === p ? [e.message] : []))}
}

async function until(what: string, pred: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(r => setTimeout(r, 20))
  }
}

test("a model's pods: each log line once, prefixed [pod/NAME/CONTAINER] on stdout, in order per pod; status and end lines on stderr", async () => {
  const sel = await selectPods(s.client, 'ml', {model: 'llm'})
  expect(sel).toEqual({namespace: 'ml', pod: undefined, labelSelectors: ['serving.kserve.io/inferenceservice=llm']})
  const c = capture()
  const {pods} = await runLogs(s.client, sel, opts(), c.emit, new AbortController().signal)
  expect(pods).toBe(3)
  expect(c.lines('llm-done')).toEqual(DONE_LOG)
  expect(c.lines('llm-downloading')).toEqual(DOWNLOADING_LOG)
  // every write is one whole line; the order between pods is the streams', the order within one pod the log's
  const prefix = (p: string) => `[pod/${p}/storage-initializer] `
  expect([...c.out].sort()).toEqual(
    [...DONE_LOG.map(l => `${prefix('llm-done')}${l}\n`), ...DOWNLOADING_LOG.map(l => `${prefix('llm-downloading')}${l}\n`)].sort(),
  )
  // the pod that cannot run: one status line; the finished one: how and how fast (started 100 s ago, ended 88 s ago)
  expect(
    c.err.filter(l =>
      l.startsWith(
        `${prefix('llm-pull')}status: ImagePullBackOff: Back-off pulling image (check the image kserve/storage-initializer:v0.20.0 exists`,
      ),
    ),
  ).toHaveLength(1)
  expect(c.err).toContain(`${prefix('llm-done')}finished: exit 0 (Completed) after 12.0s\n`)
  expect(c.err).toHaveLength(2)
})

test('what is not there is a one-line error: a model of no such name, a namespace that does not exist, a container no pod has', async () => {
  const why = async (p: Promise<unknown>) => {
    const e = await p.then(
      () => undefined,
      x => x,
    )
    expect(isCliError(e)).toBe(true)
    return (e as Error).message
  }
  expect(await why(selectPods(s.client, 'ml', {model: 'nope'}))).toBe(
    'inferenceservice "nope" not found in namespace "ml" (nor an llminferenceservice)',
  )
  const signal = new AbortController().signal
  expect(await why(runLogs(s.client, await selectPods(s.client, 'nope', {}), opts(), () => {}, signal))).toBe('namespaces "nope" not found')
  expect(
    await why(runLogs(s.client, await selectPods(s.client, 'ml', {pod: 'llm-done'}), opts({container: 'nope'}), () => {}, signal)),
  ).toBe('container nope is not valid for pod llm-done')
})

test('--summary: one row per model, outcomes counted by reason, median and slowest download; the table and the JSON document', async () => {
  s.cluster.seed(oomPod('llm-oom'))
  s.cluster.seed(pod('llm-fast', terminated(60, 56)))
  const rows = await summarisePods(s.client, await selectPods(s.client, 'ml', {}))
  const llm = rows.find(r => r.inferenceService === 'llm')
  // two downloads finished (12 s and 4 s), one pull and one OOM failed, one still downloading
  expect(llm).toEqual({
    namespace: 'ml',
    kind: 'InferenceService',
    inferenceService: 'llm',
    pods: 5,
    succeeded: 2,
    failed: {ImagePullBackOff: 1, OOMKilled: 1},
    initializing: 1,
    images: ['kserve/storage-initializer:v0.20.0'],
    medianSeconds: 8,
    slowestSeconds: 12,
  })

  const text = summaryTable(rows, {withNamespace: false, headers: true}).split('\n')
  expect(text.at(-1)).toBe('')
  expect(text[0].split(/\s{3,}/)).toEqual(['MODEL', 'PODS', 'SUCCEEDED', 'FAILED', 'INITIALIZING', 'IMAGE', 'MEDIAN', 'SLOWEST'])
  expect(text.find(l => l.startsWith('inferenceservice/llm '))?.split(/\s{3,}/)).toEqual([
    'inferenceservice/llm',
    '5',
    '2',
    '1 ImagePullBackOff, 1 OOMKilled',
    '1',
    'kserve/storage-initializer:v0.20.0',
    '8.0s',
    '12.0s',
  ])
  expect(text).toHaveLength(rows.length + 2)
  // --no-headers: the same rows without the header; every namespace (-A): a namespace column first
  expect(summaryTable(rows, {withNamespace: false, headers: false})).toBe(text.slice(1).join('\n'))
  const wide = summaryTable(rows, {withNamespace: true, headers: true}).split('\n')
  expect(wide[0]).toMatch(/^NAMESPACE\s{3,}MODEL\s/)
  expect(wide.find(l => l.includes('inferenceservice/llm '))).toMatch(/^ml\s{3,}inferenceservice\/llm\s/)

  expect(JSON.parse(summaryJson(rows))).toEqual({apiVersion: API_VERSION, kind: 'StorageInitializerSummary', items: rows})
})

test('a followed stream cut in the middle of a line is resumed: every line once, in order; one resume said', async () => {
  // twenty lines a second from just after now: none written when the stream opens (so the cut falls after line 6)
  const start = Date.now() + 100
  const lines = Array.from({length: 20}, (_, i) => ({text: `line ${i}`, time: new Date(start + i * 50).toISOString()}))
  s.cluster.seed(pod('llm-cut', running(0), {'storage-initializer': lines}))
  s.cluster.faults.add({verb: 'get', resource: 'pods/log', name: 'llm-cut', dropAfterLines: 7, midLine: true, count: 1})
  const c = capture()
  const emit = (e: LogEvent) => {
    c.emit(e)
    // the last line written: the container ends, and following the one named pod ends with it
    if (e.type === 'line' && e.message === 'line 19') finish('llm-cut')
  }
  await runLogs(s.client, await selectPods(s.client, 'ml', {pod: 'llm-cut'}), opts({follow: true}), emit, new AbortController().signal)
  expect(c.lines('llm-cut')).toEqual(lines.map(l => l.text))
  expect(c.events.filter(e => e.type === 'resumed')).toEqual([expect.objectContaining({pod: 'llm-cut', attempt: 1})])
  expect(c.err).toContain('[pod/llm-cut/storage-initializer] stream broke; resumed (attempt 1) from the last line seen\n')
  expect(c.events.at(-1)).toMatchObject({type: 'done', pod: 'llm-cut', exitCode: 0})
  // resumed from the second of the last line seen (line 6): no earlier second asked for again
  const asked = s.cluster.requests.filter(q => q.path === '/api/v1/namespaces/ml/pods/llm-cut/log').map(q => new URLSearchParams(q.query))
  expect(asked.map(q => q.get('sinceTime'))).toEqual([null, lines[6].time.replace(/\.\d+Z$/, 'Z')])
})

test('a stream cut before its end is resumed without -f too: every line once; a stream that keeps breaking is an error', async () => {
  const lines = Array.from({length: 20}, (_, i) => ({text: `line ${i}`, time: new Date(Date.now() - 60_000 + i * 300).toISOString()}))
  s.cluster.seed(pod('llm-cut', terminated(70, 50), {'storage-initializer': lines}))
  s.cluster.faults.add({verb: 'get', resource: 'pods/log', name: 'llm-cut', dropAfterLines: 7, midLine: true, count: 1})
  const c = capture()
  await runLogs(s.client, await selectPods(s.client, 'ml', {pod: 'llm-cut'}), opts(), c.emit, new AbortController().signal)
  expect(c.lines('llm-cut')).toEqual(lines.map(l => l.text))
  expect(c.events.filter(e => e.type === 'resumed')).toHaveLength(1)
  // for good: the command fails in one line; after lines were read, it says the log kept breaking off; when none were
  // (the simulator may cut before the first is sent), the connection's own error, with the attempts made
  s.cluster.faults.add({verb: 'get', resource: 'pods/log', name: 'llm-cut', dropAfterLines: 7, midLine: true})
  const again = capture()
  const err = await runLogs(
    s.client,
    await selectPods(s.client, 'ml', {pod: 'llm-cut'}),
    opts(),
    again.emit,
    new AbortController().signal,
  ).catch(e => e)
  expect(isCliError(err)).toBe(true)
  if (again.lines('llm-cut').length > 0)
    expect(err.message).toMatch(
      /^the log of pod ml\/llm-cut \(container storage-initializer\) kept breaking off: 6 attempts( \(the last: .*\))?; the lines above are all that could be read$/,
    )
  else expect(err.message).toMatch(/^unable to connect to the server [\d.:]+: socket hang up \(gave up after 6 attempts\)$/)
}, 20_000)

test('--limit-bytes caps the whole log, not each reconnection: a resumed stream asks for what is left, and the cap ends it', async () => {
  // fifty lines a second, from just after now, across the next whole second: the stream is cut (after 17 lines) two lines
  // into that second, and resumed at it
  const second = Math.ceil((Date.now() + 350) / 1000) * 1000
  const lines = Array.from({length: 40}, (_, i) => ({text: `line ${i}`, time: new Date(second - 300 + i * 20).toISOString()}))
  s.cluster.seed(pod('llm-cap', running(0), {'storage-initializer': lines}))
  s.cluster.faults.add({verb: 'get', resource: 'pods/log', name: 'llm-cap', dropAfterLines: 17, midLine: true, count: 1})
  // the server counts what it sends: the timestamp (RFC 3339 with nanoseconds, 30 characters), a space, the text, '\n'
  const size = (l: {text: string}) => 30 + 1 + Buffer.byteLength(l.text) + 1
  const bytes = (from: number, to: number) => lines.slice(from, to).reduce((n, l) => n + size(l), 0)
  const cap = bytes(0, 20) + 31 + 'lin'.length
  const c = capture()
  const ac = new AbortController()
  const done = runLogs(
    s.client,
    await selectPods(s.client, 'ml', {pod: 'llm-cap'}),
    opts({follow: true, limitBytes: cap}),
    c.emit,
    ac.signal,
  )
  await until('the line cut by the cap', () => c.lines('llm-cap').includes('lin'))
  // time for another resume (after 400 ms) if the cap's end were taken for a cut
  await new Promise(r => setTimeout(r, 500))
  ac.abort()
  await done
  // 20 whole lines, and the cap falls 3 bytes into the text of the next, as kubectl --limit-bytes prints it
  expect(c.lines('llm-cap')).toEqual([...lines.slice(0, 20).map(l => l.text), 'lin'])
  expect(c.events.filter(e => e.type === 'resumed')).toHaveLength(1)
  const asked = s.cluster.requests
    .filter(q => q.path === '/api/v1/namespaces/ml/pods/llm-cap/log')
    .map(q => Number(new URLSearchParams(q.query).get('limitBytes')))
  // resumed: what is left of the cap (17 lines delivered), plus the lines of the second resumed at (15 and 16), sent again
  expect(asked).toEqual([cap, cap - bytes(0, 17) + bytes(15, 17)])
})

test('-f --limit-bytes: a cap that falls inside a multi-byte character ends the log there (not taken for a cut)', async () => {
  const start = Date.now() + 200
  const lines = Array.from({length: 6}, (_, i) => ({text: `naïve 模型 ${i}`, time: new Date(start + i * 20).toISOString()}))
  s.cluster.seed(pod('llm-utf8', running(0), {'storage-initializer': lines}))
  const size = (l: {text: string}) => 30 + 1 + Buffer.byteLength(l.text) + 1
  // three whole lines, then the next one's timestamp, 'na' and the first of the two bytes of 'ï'
  const cap = lines.slice(0, 3).reduce((n, l) => n + size(l), 0) + 31 + 2 + 1
  const c = capture()
  const ac = new AbortController()
  const done = runLogs(
    s.client,
    await selectPods(s.client, 'ml', {pod: 'llm-utf8'}),
    opts({follow: true, limitBytes: cap}),
    c.emit,
    ac.signal,
  )
  await until('the line cut by the cap', () => c.lines('llm-utf8').length === 4)
  // time for a resume (after 200 ms) if the cap's end were taken for a cut
  await new Promise(r => setTimeout(r, 400))
  ac.abort()
  await done
  expect(c.lines('llm-utf8')).toEqual([...lines.slice(0, 3).map(l => l.text), 'na'])
  expect(c.events.filter(e => e.type === 'resumed')).toHaveLength(0)
  expect(s.cluster.requests.filter(q => q.path === '/api/v1/namespaces/ml/pods/llm-utf8/log')).toHaveLength(1)
})

test('-f: follows every pod and one created while following; ends when aborted, without an error', async () => {
  const c = capture()
  const ac = new AbortController()
  const done = runLogs(s.client, await selectPods(s.client, 'ml', {model: 'llm'}), opts({follow: true}), c.emit, ac.signal)
  await until('the downloading pod', () => c.lines('llm-downloading').length > 0)
  s.cluster.seed(pod('llm-new', running(0), {'storage-initializer': ['new pod starts']}))
  await until('the pod created while following', () => c.lines('llm-new').length > 0)
  const aborted = Date.now()
  ac.abort()
  await expect(done).resolves.toEqual({pods: 3})
  expect(Date.now() - aborted).toBeLessThan(1000)
  expect(c.lines('llm-new')).toEqual(['new pod starts'])
  expect(c.lines('llm-downloading')).toEqual(DOWNLOADING_LOG)
  expect(c.lines('llm-done')).toEqual(DONE_LOG)
  // the finished pod's end line, and no end line for the streams cut by the abort
  expect(c.events.filter(e => e.type === 'done').map(e => e.pod)).toEqual(['llm-done'])
})

test('following more streams than --max-log-requests: they wait their turn, and that is said once (kubectl refuses)', async () => {
  const sel = await selectPods(s.client, 'ml', {model: 'llm'})
  const queued: number[] = []
  // without -f, streams end by themselves: queueing is nothing to say
  await runLogs(s.client, sel, opts({maxRequests: 1, onQueue: m => queued.push(m)}), capture().emit, new AbortController().signal)
  expect(queued).toEqual([])
  const c = capture()
  const ac = new AbortController()
  const run = runLogs(s.client, sel, opts({follow: true, maxRequests: 1, onQueue: m => queued.push(m)}), c.emit, ac.signal)
  await until('the queue', () => queued.length > 0)
  finish('llm-downloading')
  await until(
    'both logs',
    () => c.lines('llm-done').length === DONE_LOG.length && c.lines('llm-downloading').length === DOWNLOADING_LOG.length,
  )
  ac.abort()
  await run.catch(() => undefined)
  expect(queued).toEqual([1])
})
