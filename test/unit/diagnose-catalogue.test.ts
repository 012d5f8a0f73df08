/** The catalogue diagnose matches against (src/domain/diagnose-catalogue.ts): well formed, cited, and fast on any input. */
import {CATALOGUE} from '../../src/domain/diagnose-catalogue.js'
import {diagnose} from '../../src/domain/diagnose.js'

test('ids are unique, every cause cites its source and has a fix', () => {
  expect(new Set(CATALOGUE.map(c => c.id)).size).toBe(CATALOGUE.length)
  for (const c of CATALOGUE) {
    expect(c.source).toMatch(/\S/)
    expect(c.fix).toMatch(/\S/)
    expect(c.title).toMatch(/\S/)
  }
})

test('no regex takes long on a long hostile line (log lines are whatever a pod printed)', () => {
  const hostile = ['a'.repeat(20000), `${'x '.repeat(10000)}!`, `${'/'.repeat(10000)}:`, `Error: ${'('.repeat(5000)}`]
  for (const c of CATALOGUE)
    for (const h of hostile) {
      const t = Date.now()
      c.match.test(h)
      expect([c.id, Date.now() - t < 200]).toEqual([c.id, true])
    }
})

test('a line that is not the newest still wins when the newest is a vague summary (the log is read back to front)', () => {
  const pod = {
    metadata: {name: 'p', namespace: 'ml', labels: {'serving.kserve.io/inferenceservice': 'm'}},
    spec: {initContainers: [{name: 'storage-initializer', args: ['s3://b/m', '/mnt/models']}]},
    status: {initContainerStatuses: [{name: 'storage-initializer', restartCount: 0, state: {terminated: {exitCode: 1, reason: 'Error'}}}]},
  }
  const findings = diagnose({
    kind: 'InferenceService',
    namespace: 'ml',
    name: 'm',
    predictions: [],
    pods: [pod],
    logs: new Map([
      [
        'p/storage-initializer',
        [
          'botocore.exceptions.NoCredentialsError: Unable to locate credentials',
          'Storage initialization failed: S3/Azure/HuggingFace/HTTP authentication failed.',
        ],
      ],
    ]),
    events: [],
    now: Date.now(),
  })
  expect(findings[0].evidence[0]).toContain('Unable to locate credentials')
  expect(findings[0].fix).toBeTruthy()
})
