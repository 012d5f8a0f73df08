/**
 * A root certificate together with insecure-skip-tls-verify: kubectl refuses it (client-go's transport.TLSConfigFor),
 * from the kubeconfig as from the flags; a flag on the command line replaces the kubeconfig's setting first, as
 * clientcmd's merge does (--insecure-skip-tls-verify clears the kubeconfig's CA, --certificate-authority its insecure).
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {mergeKubeconfigs, resolveContext, type Overrides} from '../../src/kube/kubeconfig.js'

const dir = mkdtempSync(join(tmpdir(), 'si-insecure-'))
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n').toString('base64')
const REFUSED = 'specifying a root certificates file with the insecure flag is not allowed'

function resolve(cluster: Record<string, unknown>, o: Overrides = {}) {
  const f = join(dir, `kc-${Math.random().toString(36).slice(2)}`)
  writeFileSync(
    f,
    JSON.stringify({
      clusters: [{name: 'c', cluster: {server: 'https://api.example.com:6443', ...cluster}}],
      users: [{name: 'u', user: {token: 't'}}],
      contexts: [{name: 'x', context: {cluster: 'c', user: 'u'}}],
      'current-context': 'x',
    }),
  )
  return resolveContext(mergeKubeconfigs([f]), undefined, o).raw.cluster.cluster
}

test.each([
  ['certificate-authority-data', {'certificate-authority-data': CA}],
  ['certificate-authority', {'certificate-authority': '/etc/kubernetes/ca.crt'}],
  ['a relative certificate-authority', {'certificate-authority': 'ca.crt'}],
])('the kubeconfig has %s and insecure-skip-tls-verify: true: refused, as kubectl refuses it', (_, ca) => {
  expect(() => resolve({...ca, 'insecure-skip-tls-verify': true})).toThrow(REFUSED)
  try {
    resolve({...ca, 'insecure-skip-tls-verify': true})
  } catch (e) {
    expect((e as {hint?: string}).hint).toMatch(/^cluster "c" in the kubeconfig has both certificate-authority/)
  }
})

test('either alone is fine; so is insecure-skip-tls-verify: false, or an empty CA', () => {
  expect(resolve({'certificate-authority-data': CA})['certificate-authority-data']).toBe(CA)
  expect(resolve({'insecure-skip-tls-verify': true})['insecure-skip-tls-verify']).toBe(true)
  expect(resolve({'certificate-authority-data': CA, 'insecure-skip-tls-verify': false})['certificate-authority-data']).toBe(CA)
  expect(resolve({'certificate-authority-data': '', 'insecure-skip-tls-verify': true})['insecure-skip-tls-verify']).toBe(true)
})

test('--insecure-skip-tls-verify clears the kubeconfig CA (no refusal)', () => {
  const c = resolve({'certificate-authority-data': CA, 'certificate-authority': '/ca.crt'}, {'insecure-skip-tls-verify': true})
  expect(c['insecure-skip-tls-verify']).toBe(true)
  expect(c['certificate-authority-data']).toBeUndefined()
  expect(c['certificate-authority']).toBeUndefined()
})

test("--certificate-authority replaces the kubeconfig's insecure-skip-tls-verify (no refusal)", () => {
  const c = resolve({'insecure-skip-tls-verify': true, 'certificate-authority-data': CA}, {'certificate-authority': '/flag/ca.crt'})
  expect(c['certificate-authority']).toBe('/flag/ca.crt')
  expect(c['certificate-authority-data']).toBeUndefined()
  expect(c['insecure-skip-tls-verify']).toBeUndefined()
})

test('both flags: refused', () => {
  expect(() => resolve({}, {'insecure-skip-tls-verify': true, 'certificate-authority': '/ca.crt'})).toThrow(REFUSED)
})
