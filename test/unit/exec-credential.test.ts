/**
 * Exec credential plugins (and the auth-providers that run a command) print credentials: whatever they print, on stdout
 * or stderr, never reaches an error message. Real plugins (shell scripts) through the plugin's own KubeClient.
 */
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {tmpdir} from 'node:os'
import type {TLSSocket} from 'node:tls'
import {join} from 'node:path'

import {connect} from '../../src/kube/connect.js'
import {parseExecCredential} from '../../src/kube/client.js'

const SECRET = 'eyJhbGciOiJSUzI1NiJ9.c2VjcmV0LXRva2VuLXZhbHVl.c2lnbmF0dXJl'
const dir = mkdtempSync(join(tmpdir(), 'si-exec-'))
let server: http.Server
let url: string
const seen: (string | undefined)[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers.authorization)
    res.writeHead(200, {'content-type': 'application/json'})
    res.end('{"major":"1","minor":"33"}')
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise(r => server.close(r)))

/** a plugin: a shell script with this body */
function script(name: string, body: string): string {
  const file = join(dir, `${name}.sh`)
  writeFileSync(file, `#!/bin/sh\n${body}\n`)
  chmodSync(file, 0o755)
  return file
}

/** a kubeconfig whose user is `user`, against the local server */
function kubeconfig(name: string, user: Record<string, unknown>): string {
  const file = join(dir, `${name}.kubeconfig`)
  writeFileSync(
    file,
    JSON.stringify({
      clusters: [{name: 'c', cluster: {server: url, 'insecure-skip-tls-verify': true}}],
      users: [{name: 'u', user}],
      contexts: [{name, context: {cluster: 'c', user: 'u'}}],
      'current-context': name,
    }),
  )
  return file
}

const execUser = (command: string) => ({
  exec: {apiVersion: 'client.authentication.k8s.io/v1', command, args: ['get-token'], interactiveMode: 'Never'},
})

async function failure(kc: string): Promise<Error & {hint?: string}> {
  const {client} = connect({kubeconfig: kc})
  try {
    await client.get('/version')
  } catch (e) {
    return e as Error
  } finally {
    client.close()
  }
  throw new Error('the request succeeded')
}

/** the error says nothing of what the plugin printed, anywhere (message, hint, stack, cause) */
function expectNoLeak(e: Error & {hint?: string}) {
  for (const text of [e.message, e.hint ?? '', e.stack ?? '', String((e as {cause?: unknown}).cause ?? '')]) {
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain('c2VjcmV0')
  }
  // the parser's words (Node's and Bun's quote the text they choke on)
  expect(e.message).not.toMatch(/JSON Parse|Unexpected|not valid JSON/)
}

test('a plugin that prints a token, not an ExecCredential: the command is named, its output is not', async () => {
  const command = script('bare-token', `echo '${SECRET}'`)
  const e = await failure(kubeconfig('bare-token', execUser(command)))
  expect(e.message).toBe(
    `cannot get credentials for context "bare-token": the exec plugin's output is not a valid ExecCredential (command ${command})`,
  )
  expectNoLeak(e)
})

test.each([
  ['JSON, not an ExecCredential', `{"token": "${SECRET}"}`],
  ['a JSON string', `"${SECRET}"`],
  ['an identifier (what Bun quotes in its parse error)', `${SECRET.replace(/[.]/g, '')}`],
  [
    'an ExecCredential of another API version',
    `{"apiVersion": "client.authentication.k8s.io/v1beta1", "kind": "ExecCredential", "status": {"token": "${SECRET}"}}`,
  ],
  [
    'a certificate without its key',
    `{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"clientCertificateData": "${SECRET}"}}`,
  ],
])('%s: not a valid ExecCredential, and not quoted', async (name, output) => {
  const command = script(`invalid-${name.replace(/\W+/g, '-')}`, `cat <<'EOF'\n${output}\nEOF`)
  const e = await failure(kubeconfig('invalid', execUser(command)))
  expect(e.message).toContain(`the exec plugin's output is not a valid ExecCredential (command ${command})`)
  expectNoLeak(e)
})

test('a plugin that fails: its exit code, not its stderr nor its stdout', async () => {
  const command = script('fails', `echo '${SECRET}'\necho 'token ${SECRET} expired' >&2\nexit 3`)
  const e = await failure(kubeconfig('fails', execUser(command)))
  expect(e.message).toBe(`cannot get credentials for context "fails": the exec plugin ${command} failed with exit code 3`)
  expectNoLeak(e)
})

test('a plugin that is not there: named, with the install hint of the kubeconfig', async () => {
  const user = execUser(join(dir, 'missing-plugin'))
  ;(user.exec as Record<string, unknown>).installHint = 'install it with: brew install missing-plugin\n'
  const e = await failure(kubeconfig('missing', user))
  expect(e.message).toBe(`cannot get credentials for context "missing": cannot run the exec plugin ${join(dir, 'missing-plugin')} (ENOENT)`)
  expect(e.hint).toBe('install it with: brew install missing-plugin')
})

test('an auth-provider whose cmd-path prints no JSON (client-node runs it): nothing of its output in the error', async () => {
  const command = script('gcp-cmd', `echo '${SECRET}'`)
  const e = await failure(
    kubeconfig('gcp', {'auth-provider': {name: 'gcp', config: {'cmd-path': command, 'token-key': '{.token}', 'expiry-key': '{.expiry}'}}}),
  )
  expect(e.message).toBe(
    'cannot get credentials for context "gcp": the command of auth-provider "gcp" failed or printed no valid credential',
  )
  expectNoLeak(e)
  const failing = script('gcp-fails', `echo 'token ${SECRET} expired' >&2\nexit 1`)
  const f = await failure(
    kubeconfig('gcp-fails', {
      'auth-provider': {name: 'gcp', config: {'cmd-path': failing, 'token-key': '{.token}', 'expiry-key': '{.expiry}'}},
    }),
  )
  expectNoLeak(f)
})

test("a valid ExecCredential: its token is sent, with the kubeconfig's args and env given to the plugin", async () => {
  const command = script(
    'valid',
    `[ "$1" = get-token ] && [ "$SI_EXEC_TEST" = yes ] || exit 5\necho '{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "${SECRET}"}}'`,
  )
  const user = execUser(command)
  ;(user.exec as Record<string, unknown>).env = [{name: 'SI_EXEC_TEST', value: 'yes'}]
  const {client} = connect({kubeconfig: kubeconfig('valid', user)})
  seen.length = 0
  try {
    expect(await client.get('/version')).toEqual({major: '1', minor: '33'})
  } finally {
    client.close()
  }
  expect(seen).toEqual([`Bearer ${SECRET}`])
})

test('a valid ExecCredential with a client certificate: the server gets that certificate', async () => {
  const ssl = (name: string) => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-keyout',
        join(dir, `${name}.key`),
        '-out',
        join(dir, `${name}.crt`),
        '-subj',
        `/CN=${name}`,
      ],
      {stdio: 'ignore'},
    )
    return {key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8')}
  }
  const [srv, client] = [ssl('exec-test-server'), ssl('exec-test-client')]
  const cns: unknown[] = []
  const tls = https.createServer({...srv, ca: client.cert, requestCert: true, rejectUnauthorized: true}, (req, res) => {
    cns.push((req.socket as TLSSocket).getPeerCertificate().subject.CN)
    res.end('{}')
  })
  await new Promise<void>(r => tls.listen(0, '127.0.0.1', r))
  try {
    const status = {clientCertificateData: client.cert, clientKeyData: client.key}
    const command = script(
      'cert',
      `cat <<'EOF'\n${JSON.stringify({apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status})}\nEOF`,
    )
    const kc = kubeconfig('cert', execUser(command))
    writeFileSync(kc, readFileSync(kc, 'utf8').replace(url, `https://127.0.0.1:${(tls.address() as AddressInfo).port}`))
    const {client: c} = connect({kubeconfig: kc})
    try {
      expect(await c.get('/version')).toEqual({})
    } finally {
      c.close()
    }
    expect(cns).toEqual(['exec-test-client'])
  } finally {
    tls.closeAllConnections()
    await new Promise(r => tls.close(r))
  }
})

test('parseExecCredential: what client-go accepts', () => {
  const cred = (status: unknown, apiVersion = 'client.authentication.k8s.io/v1', kind = 'ExecCredential') =>
    JSON.stringify({apiVersion, kind, status})
  expect(parseExecCredential(cred({token: 't'}))).toEqual({token: 't'})
  expect(parseExecCredential(cred({token: 't'}, 'client.authentication.k8s.io/v1beta1'))).toEqual({token: 't'})
  expect(parseExecCredential(cred({clientCertificateData: 'c', clientKeyData: 'k'}), 'client.authentication.k8s.io/v1')).toEqual({
    clientCertificateData: 'c',
    clientKeyData: 'k',
  })
  expect(parseExecCredential(cred({token: 't'}), 'client.authentication.k8s.io/v1beta1')).toBeUndefined()
  expect(parseExecCredential(cred({token: 't'}, 'v1'))).toBeUndefined()
  expect(parseExecCredential(cred({token: 't'}, undefined, 'Secret'))).toBeUndefined()
  expect(parseExecCredential(cred(undefined))).toBeUndefined()
  expect(parseExecCredential(cred({}))).toBeUndefined()
  expect(parseExecCredential(cred({token: ''}))).toBeUndefined()
  expect(parseExecCredential(cred({clientKeyData: 'k'}))).toBeUndefined()
  expect(parseExecCredential('null')).toBeUndefined()
  expect(parseExecCredential('')).toBeUndefined()
})
