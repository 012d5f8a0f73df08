/**
 * The cluster connection. @kubernetes/client-node's KubeConfig supplies authentication (tokens, client certificates,
 * exec plugins, OIDC) and TLS; requests go out as plain REST calls so that resourceVersion preconditions, dryRun,
 * patch content types and streams are exactly what we ask for.
 */
import {readFileSync} from 'node:fs'
import type http from 'node:http'
import type https from 'node:https'

import {ApiStatusError, CliError} from '../errors.js'
import type {ResolvedContext} from './kubeconfig.js'
import {mark} from '../trace.js'
import {proxyFor} from './proxy.js'
import {Attempts, isTransient, POLICIES} from './retry.js'

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>
  body?: unknown
  contentType?: string
  /** aborting it cancels the request, also while waiting for the answer's headers */
  signal?: AbortSignal
  /** the Accept header (default application/json) */
  accept?: string
  /** false: a GET is sent once, not retried here (its caller retries it with more around it) */
  retry?: boolean
}

export interface KubeClientOptions {
  timeoutMs: number
  /** lists are read in chunks of this many items (limit/continue, as kubectl's --chunk-size); 0: whole */
  chunkSize?: number
  debug?: (line: string) => void
}

export class KubeClient {
  private base!: URL
  private requestOptions!: https.RequestOptions
  private ready: Promise<void>

  constructor(
    readonly context: ResolvedContext,
    private readonly opts: KubeClientOptions,
  ) {
    this.ready = this.init()
  }

  private async init(): Promise<void> {
    const {context} = this.context.raw
    const cluster = {...this.context.raw.cluster, cluster: {...this.context.raw.cluster.cluster}}
    const user = {...this.context.raw.user, user: {...this.context.raw.user.user}}
    // a token file (the in-cluster service account, or tokenFile in a kubeconfig) is read afresh each time, as client-go does
    if (!user.user.token && user.user.tokenFile) {
      try {
        user.user.token = readFileSync(user.user.tokenFile, 'utf8').trim()
      } catch (e) {
        throw new CliError('Unauthorized', `cannot read the token file ${user.user.tokenFile}: ${(e as Error).message}`, {cause: e})
      }
    }
    // An exec credential plugin is run here, not by client-node: its ExecAuth puts the plugin's stderr (when it fails)
    // or its output (in the JSON parser's message, when it is not JSON) into the error, and those hold credentials.
    const exec = user.user.exec
    delete user.user.exec
    const credential = exec ? await runExecPlugin(exec, this.context.name) : undefined
    // HTTPS_PROXY / NO_PROXY, as kubectl honours them when the kubeconfig names no proxy
    if (!cluster.cluster['proxy-url']) {
      const envProxy = proxyFor(cluster.cluster.server)
      if (envProxy) cluster.cluster['proxy-url'] = envProxy
    }
    // a plain-HTTP server (kubectl proxy, -s http://127.0.0.1:8001): kubectl talks to it; client-node refuses http://
    // unless TLS verification is off, which means nothing without TLS
    if (/^http:\/\//i.test(String(cluster.cluster.server ?? ''))) cluster.cluster['insecure-skip-tls-verify'] = true
    this.base = new URL(this.context.cluster.server)
    // a token, a client certificate, basic auth or an exec plugin (run above), and no proxy: the options client-node
    // would give, made here (client-node loads node:http and a dozen modules, the largest part of a command's start on
    // Bun); an auth-provider or a proxy goes through client-node
    let o: https.RequestOptions
    if (!user.user['auth-provider'] && !cluster.cluster['proxy-url'])
      try {
        o = simpleOptions(cluster.cluster, user.user, credential)
      } catch (e) {
        // a CA, certificate, key or token file that cannot be read, worded as client-node's path words it
        throw new CliError('Unauthorized', `cannot get credentials for context "${this.context.name}": ${(e as Error).message}`, {cause: e})
      }
    else o = await this.clientNodeOptions(cluster, user, context, credential)
    const agentOpts = {
      keepAlive: true,
      ca: o.ca,
      cert: o.cert,
      key: o.key,
      rejectUnauthorized: o.rejectUnauthorized,
      servername: o.servername,
    }
    // with proxy-url, client-node's proxy agent (SOCKS or HTTP CONNECT); else one keep-alive agent for every request,
    // made when the first request goes through node:https (on Bun, reads go through fetch: fetchable)
    this.proxied = Boolean(cluster.cluster['proxy-url'])
    this.agentOptions = agentOpts
    // impersonation (--as, --as-group, --as-uid, or the kubeconfig user's as, as-groups, as-uid) as kubectl sends it
    const headers: Record<string, string | string[]> = {...(o.headers as Record<string, string>)}
    if (user.user.as) headers['Impersonate-User'] = String(user.user.as)
    if (Array.isArray(user.user['as-groups']) && user.user['as-groups'].length)
      headers['Impersonate-Group'] = user.user['as-groups'].map(String)
    if (user.user['as-uid']) headers['Impersonate-Uid'] = String(user.user['as-uid'])
    this.requestOptions = {headers, auth: o.auth, agent: this.proxied ? o.agent : undefined}
  }

  /** client-node's options for a kubeconfig user and cluster (auth-providers, proxies), as applyToHTTPSOptions gives them. */
  private async clientNodeOptions(cluster: any, user: any, context: any, credential?: ExecCredentialStatus): Promise<https.RequestOptions> {
    // client-node is heavy: load it only when a command needs it
    const {KubeConfig, newClusters, newContexts, newUsers} = await import('./client-node.js')
    const kc = new KubeConfig()
    // what loadFromString does, without a YAML round trip
    kc.loadFromOptions({
      clusters: newClusters([cluster]),
      users: newUsers([user]),
      contexts: newContexts([context]),
      currentContext: context.name,
    })
    // the plugin's credential goes in where client-node's ExecAuth put it (before the agent is made, and before the
    // kubeconfig's token, which wins): the only authenticator left for a user whose exec was taken out
    if (credential)
      kc.addAuthenticator({
        isAuthProvider: () => true,
        applyAuthentication: async (_user, opts: https.RequestOptions) => {
          if (credential.clientCertificateData) {
            opts.cert = credential.clientCertificateData
            opts.key = credential.clientKeyData
          }
          if (credential.token) opts.headers = {...opts.headers, Authorization: `Bearer ${credential.token}`}
        },
      })
    const o: https.RequestOptions = {headers: {}}
    try {
      await kc.applyToHTTPSOptions(o)
    } catch (e) {
      // client-node's gcp and azure auth-providers run cmd-path and, on failure, quote its stderr or its output
      const provider = user.user['auth-provider']
      if (provider?.config?.['cmd-path'] || provider?.config?.exec)
        throw new CliError(
          'Unauthorized',
          `cannot get credentials for context "${this.context.name}": the command of auth-provider "${provider.name}" failed or printed no valid credential`,
        )
      throw new CliError('Unauthorized', `cannot get credentials for context "${this.context.name}": ${(e as Error).message}`, {cause: e})
    }
    return o
  }

  private proxied = false
  private agentOptions!: https.AgentOptions
  private nodeAgent?: http.Agent

  /** node:http or node:https for the server, and the keep-alive agent (made on first use). */
  private async transport(): Promise<{lib: typeof http | typeof https; agent: http.Agent | undefined}> {
    const secure = this.base.protocol === 'https:'
    const m = await import('./node-http.js')
    const lib = secure ? m.https : m.http
    if (this.proxied) return {lib, agent: this.requestOptions.agent as http.Agent | undefined}
    this.nodeAgent ??= secure ? new (lib as typeof https).Agent(this.agentOptions) : new lib.Agent({keepAlive: true})
    return {lib, agent: this.nodeAgent}
  }

  get chunkSize(): number {
    return this.opts.chunkSize ?? 500
  }

  get server(): string {
    return this.context.cluster.server
  }

  private url(path: string, query?: RequestOptions['query']): URL {
    const prefix = this.base.pathname.replace(/\/$/, '')
    const u = new URL(prefix + path, this.base)
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') u.searchParams.set(k, String(v))
    return u
  }

  /** Send one request and return the raw response, with errors translated. */
  private async send(method: string, path: string, ro: RequestOptions, accept: string): Promise<http.IncomingMessage> {
    await this.ready
    // a client that was closed (a command, or one cluster of a fleet, that gave up) sends nothing more
    if (this.closed) throw new CliError('Cancelled', `the request to ${this.server} was cancelled`)
    const u = this.url(path, ro.query)
    const body = ro.body === undefined ? undefined : typeof ro.body === 'string' ? ro.body : JSON.stringify(ro.body)
    const headers: Record<string, string | string[]> = {
      ...(this.requestOptions.headers as Record<string, string | string[]>),
      Accept: accept,
      'User-Agent': 'kubectl-storage_init',
    }
    if (body !== undefined) {
      headers['Content-Type'] = ro.contentType ?? 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(body))
    }
    const started = Date.now()
    const {lib, agent} = await this.transport()
    // closed while node:https was loading
    if (this.closed) throw new CliError('Cancelled', `the request to ${this.server} was cancelled`)
    return new Promise((resolvePromise, reject) => {
      const req = lib.request(u, {method, headers, agent, auth: this.requestOptions.auth, signal: ro.signal}, res => {
        this.opts.debug?.(`${method} ${u.pathname}${u.search} ${res.statusCode} in ${Date.now() - started}ms`)
        resolvePromise(res)
      })
      if (this.opts.timeoutMs > 0) {
        req.setTimeout(this.opts.timeoutMs, () => {
          req.destroy(
            new CliError('Timeout', `the request to ${this.server} timed out after ${this.opts.timeoutMs / 1000}s`, {
              hint: 'raise --request-timeout, or check the cluster',
            }),
          )
        })
      }
      req.on('error', e => reject(this.networkError(e)))
      req.end(body)
    })
  }

  private networkError(e: Error & {code?: string}): Error {
    if (e instanceof CliError) return e
    const code = e.code ?? ''
    if (code === 'ECONNREFUSED')
      return new CliError(
        'Unreachable',
        `the connection to the server ${this.base.host} was refused - did you specify the right host or port?`,
        {cause: e},
      )
    // the server's alert: it wants a client certificate (none given, or one it does not trust); kubectl says "remote
    // error: tls: certificate required" (Go's words for the alert)
    const alert = /ALERT_([A-Z_]+)$/.exec(code)?.[1]
    if (alert)
      return new CliError(
        'Unreachable',
        `unable to connect to the server ${this.base.host}: remote error: tls: ${alert === 'UNKNOWN_CA' ? 'unknown certificate authority' : alert.toLowerCase().replace(/_/g, ' ')}`,
        {
          hint: /CERTIFICATE|UNKNOWN_CA|HANDSHAKE_FAILURE/.test(alert)
            ? `the server wants a client certificate it trusts: check client-certificate-data and client-key-data of user "${this.context.user}" in the kubeconfig`
            : undefined,
          cause: e,
        },
      )
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|SIGNATURE/.test(code))
      return new CliError(
        'Unreachable',
        `unable to connect to the server ${this.base.host}: TLS certificate not trusted (${firstLine(e.message)})`,
        {
          hint: 'check certificate-authority in the kubeconfig',
          cause: e,
        },
      )
    // one line: OpenSSL's messages end in a newline, some span several
    const err = new CliError('Unreachable', `unable to connect to the server ${this.base.host}: ${firstLine(e.message) || code}`, {
      cause: e,
    })
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up|aborted/.test(e.message))
      (err as CliError & {transient?: boolean}).transient = true
    return err
  }

  private async readAll(res: http.IncomingMessage): Promise<string> {
    // decoded as it arrives (a multi-byte character split between chunks is kept whole): no Buffers are held, nor one
    // big copy made of them, so a large list page costs its text and nothing more
    res.setEncoding('utf8')
    let text = ''
    try {
      for await (const c of res) text += c as string
    } catch (e) {
      throw this.networkError(e as Error)
    }
    return text
  }

  private statusError(code: number, text: string, retryAfter?: string): ApiStatusError {
    let s: any
    try {
      s = JSON.parse(text)
    } catch {
      s = undefined
    }
    const retry = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined
    if (s?.kind === 'Status') return new ApiStatusError(code, s.reason ?? '', s.message ?? `HTTP ${code}`, s.details ?? {}, retry)
    return new ApiStatusError(code, '', text.trim().slice(0, 200) || `HTTP ${code}`, {}, retry)
  }

  /**
   * A JSON request; non-2xx answers throw ApiStatusError. Reads (GET) are retried, with bounded backoff, on 429 (after
   * its Retry-After), 5xx and a reset connection; writes never are here (the change pipeline re-reads and re-plans).
   */
  async request<T = any>(method: string, path: string, ro: RequestOptions = {}): Promise<T> {
    // a retry's wait ends when the client is closed (a prefetch no command took must not keep the process alive)
    const tries = new Attempts(method === 'GET' && ro.retry !== false ? POLICIES.read : POLICIES.once, this.aborter.signal)
    for (;;) {
      try {
        return await this.requestOnce<T>(method, path, ro)
      } catch (e) {
        if (
          !isTransient(e) ||
          this.closed ||
          !(await tries.again(e, () => this.opts.debug?.(`retrying ${method} ${path}: ${(e as Error).message}`)))
        ) {
          if (tries.retries > 0 && e instanceof Error) e.message += ` (gave up after ${tries.attempt} attempts)`
          throw e
        }
      }
    }
  }

  private async requestOnce<T>(method: string, path: string, ro: RequestOptions): Promise<T> {
    await this.ready
    mark(`${method} ${path}`)
    const {code, text, retryAfter} =
      (this.fetchable(method, ro) && (await this.fetchOnce(method, path, ro))) || (await this.nodeOnce(method, path, ro))
    mark(`${code} ${method} ${path}`)
    if (code < 200 || code >= 300) throw this.statusError(code, text, retryAfter)
    try {
      return JSON.parse(text) as T
    } catch {
      throw new CliError('Server', `the server answered ${method} ${path} with something that is not JSON`)
    }
  }

  private async nodeOnce(method: string, path: string, ro: RequestOptions): Promise<{code: number; text: string; retryAfter?: string}> {
    const res = await this.send(method, path, ro, ro.accept ?? 'application/json')
    const text = await this.readAll(res)
    return {code: res.statusCode ?? 0, text, retryAfter: res.headers['retry-after'] as string | undefined}
  }

  /**
   * On Bun, a read goes through its native fetch: node:http is the largest module a command would load (about 16 ms
   * of Bun's start), and fetch keeps its own connections alive. Only a plain GET with the kubeconfig's TLS (no proxy,
   * no tls-server-name, no caller's signal); anything else, and any request fetch cannot complete, goes through
   * node:https, which also words the errors (a failed GET is sent again that way: reads are idempotent).
   */
  private fetchable(method: string, ro: RequestOptions): boolean {
    return (
      method === 'GET' &&
      !ro.signal &&
      !this.proxied &&
      !this.agentOptions.servername &&
      typeof process.versions.bun === 'string' &&
      // Bun's fetch applies the proxy variables by its own rules (no loopback or CIDR exceptions, as kubectl's have):
      // with any of them set, node:https, which uses only the proxy proxyFor chose
      !PROXY_VARIABLES.some(v => process.env[v])
    )
  }

  /** aborted by close(): a fetch in flight is cancelled, as destroying the agent ends node:https's requests */
  private readonly aborter = new AbortController()

  private async fetchOnce(
    method: string,
    path: string,
    ro: RequestOptions,
  ): Promise<{code: number; text: string; retryAfter?: string} | undefined> {
    if (this.closed) throw new CliError('Cancelled', `the request to ${this.server} was cancelled`)
    const u = this.url(path, ro.query)
    const headers = new Headers()
    for (const [k, v] of Object.entries(this.requestOptions.headers as Record<string, string | string[]>))
      for (const x of Array.isArray(v) ? v : [v]) headers.append(k, x)
    headers.set('Accept', ro.accept ?? 'application/json')
    headers.set('User-Agent', 'kubectl-storage_init')
    // node:https sends basic auth only when there is no Authorization header (a token wins)
    if (this.requestOptions.auth && !headers.has('Authorization'))
      headers.set('Authorization', `Basic ${Buffer.from(this.requestOptions.auth).toString('base64')}`)
    const a = this.agentOptions
    const started = Date.now()
    const signal =
      this.opts.timeoutMs > 0 ? AbortSignal.any([this.aborter.signal, AbortSignal.timeout(this.opts.timeoutMs)]) : this.aborter.signal
    const stopped = (e: unknown) =>
      this.closed
        ? new CliError('Cancelled', `the request to ${this.server} was cancelled`)
        : (e as Error)?.name === 'TimeoutError'
          ? new CliError('Timeout', `the request to ${this.server} timed out after ${this.opts.timeoutMs / 1000}s`, {
              hint: 'raise --request-timeout, or check the cluster',
            })
          : undefined
    let res: Response
    try {
      res = await fetch(u, {
        method,
        headers,
        signal,
        // as node:https: a redirect is an answer (an error), never followed to another server with the credentials
        redirect: 'manual',
        // Bun's fetch takes the TLS options (https://bun.sh/docs/api/fetch#tls)
        ...({tls: {ca: a.ca, cert: a.cert, key: a.key, ...(a.rejectUnauthorized === false ? {rejectUnauthorized: false} : {})}} as object),
      })
    } catch (e) {
      const s = stopped(e)
      if (s) throw s
      return undefined
    }
    let text: string
    try {
      text = await res.text()
    } catch (e) {
      throw stopped(e) ?? this.networkError(e as Error)
    }
    this.opts.debug?.(`${method} ${u.pathname}${u.search} ${res.status} in ${Date.now() - started}ms`)
    return {code: res.status, text, retryAfter: res.headers.get('retry-after') ?? undefined}
  }

  get<T = any>(path: string, query?: RequestOptions['query'], accept?: string): Promise<T> {
    const key = this.ahead && JSON.stringify([path, query ?? null, accept ?? null])
    const early = key === undefined ? undefined : this.ahead!.get(key)
    if (early) {
      this.ahead!.delete(key!)
      return early as Promise<T>
    }
    const p = this.request<T>('GET', path, {query, accept})
    if (key !== undefined && this.sendingAhead) {
      p.catch(() => undefined)
      this.ahead!.set(key, p)
    }
    return p
  }

  /** GETs sent ahead (prefetch.ts): each one's answer goes to the first identical GET made afterwards, once. */
  private ahead?: Map<string, Promise<unknown>>
  private sendingAhead = false

  /** From now on, GETs are kept for the identical GETs that follow (prefetch.ts), until aheadDone(). */
  sendAhead(): void {
    this.ahead ??= new Map()
    this.sendingAhead = true
  }

  /** GETs are no longer kept; those kept still answer their first identical GET. */
  aheadDone(): void {
    this.sendingAhead = false
  }

  /** A streaming GET (logs, watches); the caller reads the response. Non-2xx answers throw ApiStatusError. */
  async stream(path: string, query: RequestOptions['query'], accept: string, signal?: AbortSignal): Promise<http.IncomingMessage> {
    const res = await this.send('GET', path, {query, signal}, accept)
    const code = res.statusCode ?? 0
    if (code < 200 || code >= 300) throw this.statusError(code, await this.readAll(res), res.headers['retry-after'] as string | undefined)
    return res
  }

  private closed = false

  close(): void {
    this.closed = true
    this.aborter.abort()
    const agent = this.requestOptions?.agent ?? this.nodeAgent
    if (agent && typeof agent === 'object') agent.destroy()
  }
}

/** The environment variables Bun's fetch takes a proxy from. */
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'ALL_PROXY', 'all_proxy']

/** A file's bytes, else base64 data's, as client-node's bufferFromFileOrString (a file wins). */
function fileOrData(file: unknown, data: unknown): Buffer | undefined {
  if (file) return readFileSync(String(file))
  if (data) return Buffer.from(String(data), 'base64')
  return undefined
}

/**
 * The request options client-node's KubeConfig.applyToHTTPSOptions gives a kubeconfig cluster and user that need
 * neither an auth-provider nor a proxy (@kubernetes/client-node 1.x, config.js applyHTTPSOptions,
 * applyAuthorizationHeader, applyToHTTPSOptions; config_types.js findToken): TLS verification off for
 * insecure-skip-tls-verify, tls-server-name, the CA, client certificate and key (a file before its -data), then the
 * exec plugin's credential where its authenticator put it (a certificate replaces the kubeconfig's; its token is a
 * bearer header), then the kubeconfig's token (or token-file), which wins, and username/password as basic auth.
 */
export function simpleOptions(
  cluster: Record<string, any>,
  user: Record<string, any>,
  credential?: ExecCredentialStatus,
): https.RequestOptions {
  const o: https.RequestOptions = {headers: {}}
  if (cluster['insecure-skip-tls-verify'] === true) o.rejectUnauthorized = false
  if (cluster['tls-server-name']) o.servername = cluster['tls-server-name']
  const ca = fileOrData(cluster['certificate-authority'], cluster['certificate-authority-data'])
  if (ca) o.ca = ca
  const cert = fileOrData(user['client-certificate'], user['client-certificate-data'])
  if (cert) o.cert = cert
  const key = fileOrData(user['client-key'], user['client-key-data'])
  if (key) o.key = key
  const headers = o.headers as Record<string, string>
  if (credential?.clientCertificateData) {
    o.cert = credential.clientCertificateData
    o.key = credential.clientKeyData
  }
  if (credential?.token) headers.Authorization = `Bearer ${credential.token}`
  const token = user.token || (user['token-file'] ? readFileSync(user['token-file']).toString() : undefined)
  if (token) headers.Authorization = `Bearer ${token}`
  if (user.username) o.auth = `${user.username}:${user.password}`
  return o
}

/** The first line of a message, trimmed. */
const firstLine = (text: string) => text.split('\n')[0].trim()

/** What an exec credential plugin gives: a bearer token, or a client certificate and its key (PEM), or both. */
export interface ExecCredentialStatus {
  token?: string
  clientCertificateData?: string
  clientKeyData?: string
}

/**
 * The status of the ExecCredential an exec plugin printed, checked as client-go checks it (kind, an API version of
 * client.authentication.k8s.io, the kubeconfig's when it names one, a token or a certificate and key pair); undefined
 * when `stdout` is not one. Nothing of `stdout` goes into an error: it holds credentials.
 */
export function parseExecCredential(stdout: string, apiVersion?: string): ExecCredentialStatus | undefined {
  let c: any
  try {
    c = JSON.parse(stdout)
  } catch {
    return undefined
  }
  if (c === null || typeof c !== 'object' || c.kind !== 'ExecCredential') return undefined
  if (typeof c.apiVersion !== 'string' || !c.apiVersion.startsWith('client.authentication.k8s.io/')) return undefined
  if (apiVersion && c.apiVersion !== apiVersion) return undefined
  const s = c.status
  if (s === null || typeof s !== 'object') return undefined
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)
  const [token, cert, key] = [text(s.token), text(s.clientCertificateData), text(s.clientKeyData)]
  if (!cert !== !key || (!token && !cert)) return undefined
  return {token, clientCertificateData: cert, clientKeyData: key}
}

/** a plugin printing more than this is not printing a credential */
const MAX_EXEC_OUTPUT = 4 << 20

/**
 * Run the kubeconfig user's exec credential plugin (command, args, env) and answer its credential. Its stderr is not
 * read and its output never quoted: errors name the command and what went wrong, nothing it printed.
 */
export async function runExecPlugin(exec: Record<string, any>, context: string): Promise<ExecCredentialStatus> {
  const {spawn} = await import('./node-http.js')
  const command = typeof exec.command === 'string' ? exec.command : ''
  const fail = (what: string, hint?: string) =>
    new CliError('Unauthorized', `cannot get credentials for context "${context}": ${what}`, {hint})
  if (!command) throw fail('the exec plugin of the kubeconfig user names no command')
  const env = {...process.env}
  for (const e of Array.isArray(exec.env) ? exec.env : []) if (e?.name) env[String(e.name)] = String(e.value ?? '')
  const args = Array.isArray(exec.args) ? exec.args.map(String) : []
  const apiVersion = typeof exec.apiVersion === 'string' ? exec.apiVersion : undefined
  return new Promise((resolvePromise, reject) => {
    // stdin: nothing to read (a plugin waiting on it would hang the command); stderr: not ours to repeat
    const child = spawn(command, args, {env, stdio: ['ignore', 'pipe', 'ignore']})
    const chunks: Buffer[] = []
    let size = 0
    let tooMuch = false
    child.stdout.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_EXEC_OUTPUT) {
        tooMuch = true
        child.kill()
      } else chunks.push(c)
    })
    child.on('error', (e: Error & {code?: string}) =>
      reject(
        fail(
          `cannot run the exec plugin ${command} (${e.code ?? 'spawn failed'})`,
          typeof exec.installHint === 'string' ? exec.installHint.trim().replace(/\s+/g, ' ') : undefined,
        ),
      ),
    )
    child.on('close', (code, signal) => {
      const invalid = () =>
        fail(
          `the exec plugin's output is not a valid ExecCredential (command ${command})`,
          'it must print an ExecCredential with status.token, or status.clientCertificateData and clientKeyData',
        )
      if (tooMuch) return reject(invalid())
      if (signal) return reject(fail(`the exec plugin ${command} was killed by ${signal}`))
      if (code !== 0) return reject(fail(`the exec plugin ${command} failed with exit code ${code}`))
      const status = parseExecCredential(Buffer.concat(chunks).toString('utf8'), apiVersion)
      if (status) resolvePromise(status)
      else reject(invalid())
    })
  })
}
