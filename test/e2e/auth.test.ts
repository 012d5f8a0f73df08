/**
 * kubeconfig authentication beyond bearer tokens: client certificates (inline and from files) and exec credential
 * plugins (token or client certificate), as kubectl uses them. A front server that demands a client certificate
 * signed by its own CA stands before the simulated cluster (which knows only tokens) and forwards what it accepts.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {stringify} from 'yaml'

import {plugin, startCluster, type Started} from '../helpers.js'

let s: Started
let dir: string
let front: https.Server
let frontUrl: string
/** the subject CN of each client certificate the front accepted */
const seen: string[] = []
const pem = (f: string) => readFileSync(join(dir, f), 'utf8')
const b64 = (f: string) => Buffer.from(pem(f)).toString('base64')

beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  dir = mkdtempSync(join(tmpdir(), 'si-auth-'))
  const ssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'})
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=storage-init-test-client-ca')
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n')
  ssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/O=system:masters/CN=storage-init-tester')
  ssl(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '1',
    '-extfile',
    'client.ext',
  )
  const certs = s.cluster.certs!
  const admin = s.cluster.users['sim-admin'].token
  front = https.createServer(
    {key: certs.keyPem, cert: certs.certPem, ca: pem('ca.crt'), requestCert: true, rejectUnauthorized: true},
    (req, res) => {
      seen.push((req.socket as any).getPeerCertificate().subject.CN)
      const up = https.request(
        `${s.cluster.url}${req.url}`,
        {
          method: req.method,
          ca: certs.caPem,
          headers: {...req.headers, host: new URL(s.cluster.url).host, authorization: `Bearer ${admin}`},
        },
        r => {
          res.writeHead(r.statusCode!, r.headers)
          r.pipe(res)
        },
      )
      up.on('error', () => res.destroy())
      req.pipe(up)
    },
  )
  await new Promise<void>(r => front.listen(0, '127.0.0.1', r))
  frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`
})
afterAll(async () => {
  front?.closeAllConnections()
  await new Promise(r => front?.close(r))
  await s?.cluster.stop()
})

/** a kubeconfig with one user, against the front (or the cluster itself) */
function kubeconfig(name: string, user: Record<string, unknown>, server = frontUrl): string {
  const file = join(dir, `${name}.kubeconfig`)
  const ca = Buffer.from(s.cluster.certs!.caPem).toString('base64')
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{name: 'c', cluster: {server, 'certificate-authority-data': ca}}],
      users: [{name, user}],
      contexts: [{name, context: {cluster: 'c', user: name}}],
      'current-context': name,
    }),
  )
  return file
}

/** an exec credential plugin printing `status`, which checks its arguments and environment first */
function execPlugin(name: string, status: Record<string, unknown>): Record<string, unknown> {
  const script = join(dir, `${name}.sh`)
  const credential = JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status})
  writeFileSync(
    script,
    `#!/bin/sh\n# test exec credential plugin\n[ "$1" = "get-token" ] && [ "$SI_TEST_CLUSTER" = "sim" ] || { echo "bad call: $* SI_TEST_CLUSTER=$SI_TEST_CLUSTER" >&2; exit 3; }\ncat <<'EOF'\n${credential}\nEOF\n`,
  )
  chmodSync(script, 0o755)
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1',
      command: script,
      args: ['get-token'],
      env: [{name: 'SI_TEST_CLUSTER', value: 'sim'}],
      interactiveMode: 'Never',
    },
  }
}

async function getsConfig(kc: string, cn?: string) {
  seen.length = 0
  const r = await plugin(['get', '-o', 'json', '--kubeconfig', kc])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(JSON.parse(r.stdout).kserve.version).toBe('v0.20.0')
  if (cn) expect(new Set(seen)).toEqual(new Set([cn]))
}

test('a client certificate given inline (client-certificate-data, client-key-data)', async () => {
  await getsConfig(
    kubeconfig('inline', {'client-certificate-data': b64('client.crt'), 'client-key-data': b64('client.key')}),
    'storage-init-tester',
  )
})

test('a client certificate given as files (client-certificate, client-key)', async () => {
  await getsConfig(
    kubeconfig('files', {'client-certificate': join(dir, 'client.crt'), 'client-key': join(dir, 'client.key')}),
    'storage-init-tester',
  )
})

test('no client certificate: the front refuses the handshake, and the command fails', async () => {
  const r = await plugin(['get', '--kubeconfig', kubeconfig('none', {token: s.cluster.users['sim-admin'].token})])
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  // one line, kubectl's words for the server's alert (the TLS library's own differ between Node's OpenSSL and the
  // standalone executable's BoringSSL), and a hint at the client certificate, not at the CA
  expect(r.stderr).toMatch(/^error: unable to connect to the server 127\.0\.0\.1:\d+: remote error: tls: certificate required \(/)
  expect(r.stderr).toContain('client-certificate-data and client-key-data of user')
  expect(r.stderr).not.toMatch(/certificate-authority|not trusted/)
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
})

test("the kubeconfig's CA is the only one trusted: a server another CA signed is refused, whatever the environment adds", async () => {
  const ssl = (...args: string[]) => execFileSync('openssl', args, {cwd: dir, stdio: 'ignore'})
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', 'other-ca.key', '-out', 'other-ca.crt', '-days', '1', '-subj', '/CN=another-ca')
  writeFileSync(join(dir, 'other.ext'), 'subjectAltName=IP:127.0.0.1\n')
  ssl('req', ...ec, '-keyout', 'other.key', '-out', 'other.csr', '-subj', '/CN=127.0.0.1')
  ssl(
    'x509',
    '-req',
    '-in',
    'other.csr',
    '-CA',
    'other-ca.crt',
    '-CAkey',
    'other-ca.key',
    '-CAcreateserial',
    '-out',
    'other.crt',
    '-days',
    '1',
    '-extfile',
    'other.ext',
  )
  const other = https.createServer({key: pem('other.key'), cert: pem('other.crt')}, (_req, res) => res.end('{}'))
  await new Promise<void>(r => other.listen(0, '127.0.0.1', r))
  try {
    const kc = kubeconfig(
      'other-ca',
      {token: s.cluster.users['sim-admin'].token},
      `https://127.0.0.1:${(other.address() as AddressInfo).port}`,
    )
    for (const env of [{}, {NODE_EXTRA_CA_CERTS: join(dir, 'other-ca.crt')}, {SSL_CERT_FILE: join(dir, 'other-ca.crt')}]) {
      const r = await plugin(['get', '--kubeconfig', kc], env)
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(/^error: unable to connect to the server 127\.0\.0\.1:\d+: TLS certificate not trusted/)
    }
  } finally {
    other.closeAllConnections()
    await new Promise(r => other.close(r))
  }
})

test('an exec credential plugin that gives a token (with its args and env from the kubeconfig)', async () => {
  await getsConfig(kubeconfig('exec-token', execPlugin('exec-token', {token: s.cluster.users['sim-admin'].token}), s.cluster.url))
})

test('an exec credential plugin that fails is one line naming it', async () => {
  const user = execPlugin('exec-fails', {token: 'x'}) as {exec: {env: unknown[]}}
  user.exec.env = []
  const r = await plugin(['get', '--kubeconfig', kubeconfig('exec-fails', user, s.cluster.url)])
  expect(r.code).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stderr).toMatch(/^error: /)
})

test('an exec credential plugin that gives a client certificate', async () => {
  await getsConfig(
    kubeconfig('exec-cert', execPlugin('exec-cert', {clientCertificateData: pem('client.crt'), clientKeyData: pem('client.key')})),
    'storage-init-tester',
  )
})
