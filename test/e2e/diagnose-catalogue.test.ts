/**
 * Every known cause of `diagnose`'s catalogue, found from its evidence alone on the simulated cluster: one namespace
 * per cause, holding a model and what a real cluster shows for it (the log line in the storage-initializer's log, or
 * in the model server's after a download that succeeded, the container state, or the event about the pod or its
 * ReplicaSet), built from the cause's own example (a real message
 * from the source it cites); then one `diagnose -A -o json` must name each cause for its model.
 */
import {CATALOGUE, type KnownCause} from '../../src/domain/diagnose-catalogue.js'
import {plugin, startCluster, type Started} from '../helpers.js'
import {ago, isvc, pod} from '../model-pods.js'

let s: Started
let items: Map<string, any>

/** Kubernetes reasons of a container that ended (the others are waiting reasons). */
const TERMINATED = new Set(['OOMKilled', 'StartError', 'ContainerCannotRun', 'Error', 'DeadlineExceeded', 'ContainerStatusUnknown'])
/** Events about creating the pods: they come with no pod (the ReplicaSet's or the Deployment's). */
const CREATING = new Set(['FailedCreate', 'ProgressDeadlineExceeded'])

const split = (text: string) => {
  const at = text.indexOf(': ')
  return at < 0 ? {reason: text, message: ''} : {reason: text.slice(0, at), message: text.slice(at + 2)}
}
const nsOf = (c: KnownCause) => `cause-${c.id.toLowerCase()}`
const uriFor = (c: KnownCause) => {
  const scheme = c.schemes?.[0]
  if (!scheme) return 's3://models/llama'
  if (scheme.startsWith('https://*.blob')) return 'https://account.blob.core.windows.net/models/llama'
  if (scheme.startsWith('https://*.file')) return 'https://account.file.core.windows.net/models/llama'
  return `${scheme.replace(/:\/\/.*$/, '')}://models/llama`
}

function scene(c: KnownCause): any[] {
  const namespace = nsOf(c)
  const out: any[] = [
    ['/namespaces', {apiVersion: 'v1', kind: 'Namespace', metadata: {name: namespace}}],
    [
      'serving.kserve.io/inferenceservices',
      {
        ...isvc('m'),
        metadata: {name: 'm', namespace},
        spec: {predictor: {model: {modelFormat: {name: 'huggingface'}, storageUri: uriFor(c)}}},
      },
    ],
  ]
  const mine = (status: any, logs?: Record<string, string[]>) => {
    const p: any = pod('m-predictor-6b5d9c7f4-k2x8z', status, logs)
    p.metadata.namespace = namespace
    p.metadata.labels['serving.kserve.io/inferenceservice'] = 'm'
    return p
  }
  const event = (kind: string, name: string, text: string) => {
    const {reason, message} = split(text)
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {name: `${name}.${c.id.toLowerCase()}`, namespace},
      involvedObject: {kind, name, namespace},
      reason,
      message,
      type: 'Warning',
      lastTimestamp: ago(30),
    }
  }
  if (c.where === 'log') {
    const failed = {
      phase: 'Pending',
      initContainerStatuses: [
        {
          name: 'storage-initializer',
          restartCount: 0,
          state: {terminated: {exitCode: 1, reason: 'Error', startedAt: ago(90), finishedAt: ago(60)}},
        },
      ],
    }
    out.push(['/pods', mine(failed, {'storage-initializer': ['INFO:root:Copying contents of the model to local', c.example]})])
  } else if (c.where === 'model-log') {
    // the download succeeded; the model server crashes on what it found in /mnt/models
    const p = mine(
      {
        phase: 'Running',
        initContainerStatuses: [
          {
            name: 'storage-initializer',
            restartCount: 0,
            state: {terminated: {exitCode: 0, reason: 'Completed', startedAt: ago(300), finishedAt: ago(290)}},
          },
        ],
        containerStatuses: [
          {
            name: 'kserve-container',
            restartCount: 3,
            state: {waiting: {reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container'}},
            lastState: {terminated: {exitCode: 1, reason: 'Error', startedAt: ago(60), finishedAt: ago(55)}},
          },
        ],
      },
      {'kserve-container@previous': ['INFO:kserve:Loading model from /mnt/models', c.example]},
    )
    out.push(['/pods', p])
  } else if (c.where === 'state') {
    const {reason, message} = split(c.example)
    const state = TERMINATED.has(reason)
      ? {
          terminated: {
            exitCode: reason === 'OOMKilled' ? 137 : 128,
            reason,
            ...(message ? {message} : {}),
            startedAt: ago(90),
            finishedAt: ago(60),
          },
        }
      : {waiting: {reason, ...(message ? {message} : {})}}
    out.push(['/pods', mine({phase: 'Pending', initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state}]})])
  } else if (CREATING.has(split(c.example).reason)) {
    out.push([
      '/events',
      event(split(c.example).reason === 'FailedCreate' ? 'ReplicaSet' : 'Deployment', 'm-predictor-6b5d9c7f4', c.example),
    ])
    if (split(c.example).reason === 'ProgressDeadlineExceeded') out[out.length - 1][1].involvedObject.name = 'm-predictor'
  } else {
    out.push(['/pods', mine({phase: 'Pending'})])
    out.push(['/events', event('Pod', 'm-predictor-6b5d9c7f4-k2x8z', c.example)])
  }
  return out
}

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  for (const c of CATALOGUE) for (const [key, obj] of scene(c)) s.cluster.store.create(key, obj)
  const r = await plugin(['diagnose', '-A', '-o', 'json', '--kubeconfig', s.kubeconfig])
  expect([r.code, r.stderr]).toEqual([1, ''])
  items = new Map(JSON.parse(r.stdout).items.map((d: any) => [d.model.namespace, d]))
}, 120_000)
afterAll(() => s.cluster.stop())

/** DG201 is the same cause as DG060 (OOMKilled): diagnose computes the larger limit for it. */
const expected = (c: KnownCause) => (c.id === 'DG201' ? 'DG060' : c.id)

test.each(CATALOGUE.map(c => [c.id, c.name, c] as const))('%s %s: found from its evidence, with its fix', (_id, _name, c) => {
  const d = items.get(nsOf(c))
  expect(d).toBeDefined()
  const f = d.findings.find((x: any) => x.id === expected(c))
  expect([c.id, f?.id]).toEqual([c.id, expected(c)])
  expect(f.evidence.join('\n')).toContain(c.where === 'log' || c.where === 'model-log' ? c.example : split(c.example).reason)
  expect(f.fix).toMatch(/\S/)
  // the first problem named is this cause (nothing else in the namespace could explain it)
  expect(d.findings.filter((x: any) => x.severity === 'error')[0].id).toBe(expected(c))
})

test('one entry per cause, and the healthy model of the demo is not among them', () => {
  expect(items.size).toBe(CATALOGUE.length)
  expect(items.has('ml')).toBe(false)
})
