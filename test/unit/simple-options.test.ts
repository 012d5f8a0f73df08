/**
 * src/kube/client.ts simpleOptions: the request options made without client-node are the ones client-node's
 * KubeConfig.applyToHTTPSOptions gives the same kubeconfig cluster and user (CA, client certificate and key from files
 * or data, tokens, token files, basic auth, insecure-skip-tls-verify, tls-server-name, an exec plugin's credential).
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {KubeConfig, newClusters, newContexts, newUsers} from '../../src/kube/client-node.js'

import {simpleOptions, type ExecCredentialStatus} from '../../src/kube/client.js'

const dir = mkdtempSync(join(tmpdir(), 'simple-options-'))
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text)
  return join(dir, name)
}
const b64 = (s: string) => Buffer.from(s).toString('base64')
const ca = file('ca.pem', 'CA FROM FILE\n')
const cert = file('c.pem', 'CERT FROM FILE\n')
const key = file('k.pem', 'KEY FROM FILE\n')
const tok = file('token', 'token-from-file\n')

async function clientNode(cluster: Record<string, unknown>, user: Record<string, unknown>, credential?: ExecCredentialStatus) {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: newClusters([{name: 'c', cluster: {server: 'https://127.0.0.1:6443', ...cluster}}]),
    users: newUsers([{name: 'u', user}]),
    contexts: newContexts([{name: 'x', context: {cluster: 'c', user: 'u'}}]),
    currentContext: 'x',
  })
  // as client.ts adds an exec plugin's credential: an authenticator client-node runs before the kubeconfig's token
  if (credential)
    kc.addAuthenticator({
      isAuthProvider: () => true,
      applyAuthentication: async (_u: unknown, opts: any) => {
        if (credential.clientCertificateData) {
          opts.cert = credential.clientCertificateData
          opts.key = credential.clientKeyData
        }
        if (credential.token) opts.headers = {...opts.headers, Authorization: `Bearer ${credential.token}`}
      },
    })
  const o: any = {headers: {}}
  await kc.applyToHTTPSOptions(o)
  return o
}

const fields = (o: any) => ({
  ca: o.ca?.toString(),
  cert: o.cert?.toString(),
  key: o.key?.toString(),
  rejectUnauthorized: o.rejectUnauthorized,
  servername: o.servername,
  authorization: o.headers?.Authorization,
  auth: o.auth,
})

const CASES: [string, Record<string, unknown>, Record<string, unknown>, ExecCredentialStatus?][] = [
  ['a token, the CA as data', {'certificate-authority-data': b64('CA DATA\n')}, {token: 't0k'}],
  [
    'a client certificate and key as data',
    {'certificate-authority-data': b64('CA\n')},
    {'client-certificate-data': b64('CERT\n'), 'client-key-data': b64('KEY\n')},
  ],
  [
    'files before data',
    {'certificate-authority': ca, 'certificate-authority-data': b64('X\n')},
    {'client-certificate': cert, 'client-key': key, 'client-certificate-data': b64('Y\n')},
  ],
  ['a token file', {'certificate-authority': ca}, {'token-file': tok}],
  ['a token beside a token file: the token', {}, {token: 'direct', 'token-file': tok}],
  ['basic auth', {'certificate-authority': ca}, {username: 'admin', password: 's3cret'}],
  ['basic auth and a token', {}, {username: 'admin', password: 's3cret', token: 'tk'}],
  ['insecure-skip-tls-verify', {'insecure-skip-tls-verify': true}, {token: 'x'}],
  ['tls-server-name', {'certificate-authority': ca, 'tls-server-name': 'api.internal'}, {token: 'x'}],
  ['nothing at all', {}, {}],
  ['an exec credential token', {'certificate-authority': ca}, {}, {token: 'from-exec'}],
  ['an exec credential token, and the kubeconfig token wins', {}, {token: 'kubeconfig'}, {token: 'from-exec'}],
  [
    'an exec credential certificate replaces the kubeconfig one',
    {},
    {'client-certificate': cert, 'client-key': key},
    {clientCertificateData: 'EXEC CERT', clientKeyData: 'EXEC KEY'},
  ],
]

// one argument: jest takes a fourth parameter beyond a row's length for a done callback
test.each(CASES.map(([name, cluster, user, credential]) => ({name, cluster, user, credential})))(
  '$name: as client-node gives it',
  async ({cluster, user, credential}) => {
    const ours = fields(simpleOptions(cluster, user, credential))
    expect(ours).toEqual(fields(await clientNode(cluster, user, credential)))
  },
)

test('the cases say something: a token, a CA, a certificate, basic auth and TLS settings all come through', () => {
  const all = CASES.map(([, c, u, x]) => fields(simpleOptions(c, u, x)))
  expect(all.map(o => o.authorization).filter(Boolean)).toContain('Bearer token-from-file\n')
  expect(all.some(o => o.ca === 'CA FROM FILE\n')).toBe(true)
  expect(all.some(o => o.cert === 'EXEC CERT')).toBe(true)
  expect(all.some(o => o.auth === 'admin:s3cret')).toBe(true)
  expect(all.some(o => o.rejectUnauthorized === false && o.servername === undefined)).toBe(true)
  expect(all.some(o => o.servername === 'api.internal')).toBe(true)
})
