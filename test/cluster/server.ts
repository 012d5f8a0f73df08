/**
 * The simulated Kubernetes API server: real HTTP and HTTPS listeners that follow the REST conventions closely enough
 * for the real `kubectl` and for @kubernetes/client-node. Used in-process by the tests and standalone by `npm run cluster`.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse as parseYaml, parseAllDocuments, stringify as toYaml} from 'yaml'

import {Controllers} from './controllers.js'
import {decide, defaultUsers, impersonate, type Attributes, type User} from './auth.js'
import type {RbacObjects} from './rbac.js'
import {makeServingCerts, type ServingCerts} from './certs.js'
import {Faults, type FaultRule} from './faults.js'
import {containerStart, parseLogAnnotation, stamp, timedLines, type LogScript, type TimedLine} from './logs.js'
import {openapiGroupVersion, openapiRoot} from './openapi.js'
import {negotiate, type Endpoint, type Negotiated} from './negotiate.js'
import {decodeKubernetesProtobuf} from './protobuf.js'
import {defaultPod, DecodeError, podSpecUpdateCauses, validatePod} from './pods.js'
import {jsonPatch, mergePatch, strategicMergePatch} from './patch.js'
import {apiVersionOf, Registry, typesFromCRD, type ResourceType} from './registry.js'
import {applyDefaults, prune, validateSchema} from './schema.js'
import {matchFields, matchLabels, parseFieldSelector, parseLabelSelector} from './selectors.js'
import {ApiError, errors} from './status.js'
import {Store} from './store.js'
import {toTable} from './table.js'

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
}

/** A request body's limit: apiserver's MaxRequestBodyBytes by default (pkg/server/config.go, 3 MiB). */
export const MAX_REQUEST_BODY_BYTES = 3 * 1024 * 1024
/** The data of a ConfigMap or Secret: core.MaxSecretSize, 1 MiB (pkg/apis/core/types.go). */
export const MAX_SECRET_SIZE = 1024 * 1024
/** Annotations, keys and values together: apimachinery pkg/api/validation/objectmeta.go totalAnnotationSizeLimitB. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024
/** A JSON patch's operations (apiserver pkg/endpoints/handlers/patch.go maxJSONPatchOperations). */
const MAX_JSON_PATCH_OPERATIONS = 10000

type Cause = {field: string; message: string; reason?: string}

/**
 * field.TooLong as Kubernetes v1.21 (the recorded fixtures' version) words it: `Too long: must have at most N bytes`
 * (apimachinery pkg/util/validation/field/errors.go TooLong; ErrorBody prints no value for FieldValueTooLong). From
 * v1.32 it reads `Too long: may not be more than N bytes`.
 */
const tooLong = (field: string, max: number): Cause => ({
  field,
  reason: 'FieldValueTooLong',
  message: `Too long: must have at most ${max} bytes`,
})

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8')

/**
 * The bytes an object takes as JSON in etcd (custom resources): Go's encoder also escapes `<`, `>`, `&` (6 bytes each)
 * and U+2028/U+2029 (6 bytes for 3).
 */
function jsonSize(o: unknown): number {
  const text = JSON.stringify(o)
  return utf8(text) + 5 * (text.match(/[<>&]/g)?.length ?? 0) + 3 * (text.match(/[\u2028\u2029]/g)?.length ?? 0)
}

/**
 * An upper bound of the bytes an object takes as protobuf in etcd (built-in types): strings as their UTF-8 bytes
 * (nothing escaped), a tag and a length for every field, every object counted as a map (its keys written out), and the
 * `k8s\0` + runtime.Unknown envelope.
 */
function protobufSize(o: unknown): number {
  const varint = (n: number) => (n < 1 << 7 ? 1 : n < 1 << 14 ? 2 : n < 1 << 21 ? 3 : n < 1 << 28 ? 4 : 5)
  const field = (n: number) => 2 + varint(n) + n
  const walk = (v: unknown): number => {
    if (typeof v === 'string') return field(utf8(v))
    if (typeof v === 'number') return 11
    if (typeof v === 'boolean') return 3
    if (Array.isArray(v)) return v.reduce((n: number, e) => n + walk(e), 0)
    if (v && typeof v === 'object') return field(Object.entries(v).reduce((n, [k, e]) => n + field(walk(k) + walk(e)), 0))
    return 0
  }
  return walk(o) + 64
}

/** What a ConfigMap's data and binaryData (decoded), or a Secret's data (decoded) with its stringData, add up to. */
function secretSize(kind: string, o: any): number {
  const sum = (m: Record<string, unknown> | undefined, decode: boolean, skip: Record<string, unknown> = {}) =>
    Object.entries(m ?? {})
      .filter(([k]) => !Object.hasOwn(skip, k))
      .reduce((n, [, v]) => n + (decode ? Buffer.from(String(v), 'base64').length : utf8(String(v))), 0)
  if (kind === 'ConfigMap') return sum(o.data, false) + sum(o.binaryData, true)
  // stringData is merged into data (its keys win) before validation: the v1 Secret's conversion
  return sum(o.data, true, o.stringData ?? {}) + sum(o.stringData, false)
}

const NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const NAME_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

export interface StartOptions {
  /** HTTPS port; 0 (default) picks a free one */
  port?: number
  /** plain HTTP port; 0 picks a free one; false: no HTTP listener */
  httpPort?: number | false
  /** install the ClusterStorageContainer and InferenceService CRDs (default true) */
  kserveCRDs?: boolean
  /** write a kubeconfig here */
  kubeconfig?: string
  /** a scenario's text (multi-document YAML) to load before listening */
  scenario?: string
}

interface Req {
  method: string
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: string
  /** the body's length in bytes, as received */
  bytes: number
  user: User
  /** what the answer is written as, once negotiated */
  neg?: Negotiated
}

export class SimCluster {
  readonly store = new Store()
  /** the RBAC objects the cluster stores, for the authorizer (read per decision: a test may bind and unbind at will) */
  private rbacObjects = (): RbacObjects => ({
    roles: this.store.list('rbac.authorization.k8s.io/roles'),
    roleBindings: this.store.list('rbac.authorization.k8s.io/rolebindings'),
    clusterRoles: this.store.list('rbac.authorization.k8s.io/clusterroles'),
    clusterRoleBindings: this.store.list('rbac.authorization.k8s.io/clusterrolebindings'),
  })
  readonly registry = new Registry()
  readonly faults = new Faults()
  /** the Deployment, ReplicaSet, webhook and kubelet controllers, off unless a test starts them (controllers.ts) */
  readonly controllers: Controllers = new Controllers(this)
  readonly users: Record<string, User> = defaultUsers()
  /** log scripts set by scenarios, keyed by namespace/pod */
  readonly logScripts = new Map<string, LogScript>()
  /** every request, for tests that check what a client did */
  readonly requests: {method: string; path: string; query: string; user?: string; accept?: string}[] = []
  certs?: ServingCerts
  url = ''
  httpUrl = ''
  /**
   * The API server's size limits (kube-apiserver's own: neither is configurable there); a test may lower one to stand
   * for a server stricter than the plugin expects. etcd's is `store.maxRequestBytes`.
   */
  readonly limits = {requestBody: MAX_REQUEST_BODY_BYTES, secretData: MAX_SECRET_SIZE}
  /** how often a watch that allows bookmarks gets one */
  bookmarkIntervalMs = 1000
  private servers: http.Server[] = []
  /** answers negotiated as YAML */
  private yamlAnswers = new WeakSet<http.ServerResponse>()
  private sockets = new Set<import('node:net').Socket>()

  constructor() {
    // what etcd is sent: protobuf for built-in types, JSON for custom resources
    this.store.encodedSize = (key, o) =>
      this.registry.all().find(t => this.registry.storageKey(t) === key)?.custom ? jsonSize(o) : protobufSize(o)
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
      this.seed({apiVersion: 'v1', kind: 'Namespace', metadata: {name: ns}})
  }

  static async start(opts: StartOptions = {}): Promise<SimCluster> {
    const c = new SimCluster()
    if (opts.kserveCRDs !== false) c.installKServeCRDs()
    if (opts.scenario) c.loadScenario(opts.scenario)
    await c.listen(opts)
    if (opts.kubeconfig) c.writeKubeconfig(opts.kubeconfig)
    return c
  }

  installKServeCRDs(): void {
    for (const crd of KSERVE_CRDS) this.seed(crd)
  }

  async listen(opts: StartOptions = {}): Promise<void> {
    this.certs = await makeServingCerts()
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res)
    const secure = https.createServer({key: this.certs.keyPem, cert: this.certs.certPem}, handler)
    this.servers.push(secure)
    await new Promise<void>(r => secure.listen(opts.port ?? 0, '127.0.0.1', r))
    this.url = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`
    const httpPort = opts.httpPort
    if (httpPort !== false) {
      const plain = http.createServer(handler)
      this.servers.push(plain)
      await new Promise<void>(r => plain.listen(httpPort ?? 0, '127.0.0.1', r))
      this.httpUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`
    }
    for (const s of this.servers) {
      s.on('connection', sock => {
        this.sockets.add(sock)
        sock.on('close', () => this.sockets.delete(sock))
      })
      s.on('secureConnection', sock => {
        this.sockets.add(sock)
        sock.on('close', () => this.sockets.delete(sock))
      })
    }
  }

  async stop(): Promise<void> {
    this.controllers.stop()
    for (const s of this.sockets) s.destroy()
    // streams still open (watches, followed logs) must not keep close() waiting
    for (const s of this.servers) s.closeAllConnections()
    await Promise.all(this.servers.map(s => new Promise(r => s.close(r))))
    this.store.events.removeAllListeners()
  }

  /** A kubeconfig with one context per user; `sim-admin` is the current one. */
  kubeconfig(): string {
    const ca = Buffer.from(this.certs!.caPem).toString('base64')
    const users = Object.entries(this.users)
    return toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{name: 'sim', cluster: {server: this.url, 'certificate-authority-data': ca}}],
      users: users.map(([name, u]) => ({name, user: {token: u.token}})),
      contexts: users.map(([name]) => ({name, context: {cluster: 'sim', user: name}})),
      'current-context': 'sim-admin',
      preferences: {},
    })
  }

  writeKubeconfig(path: string): string {
    mkdirSync(dirname(path), {recursive: true})
    writeFileSync(path, this.kubeconfig(), {mode: 0o600})
    return path
  }

  expireToken(user: string): void {
    this.users[user].expired = true
  }

  // ---------------------------------------------------------------- seeding

  private typeOf(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion]
    return this.registry.all().find(t => t.group === group && t.version === version && t.kind === kind)
  }

  /** Put an object straight into the store (namespaces created as needed), bypassing auth and faults. */
  seed(obj: any): any {
    const rt = this.typeOf(obj.apiVersion, obj.kind)
    if (!rt) throw new Error(`the simulated cluster does not serve ${obj.apiVersion} ${obj.kind}`)
    const o = structuredClone(obj)
    o.metadata ??= {}
    if (rt.namespaced) {
      o.metadata.namespace ??= 'default'
      this.ensureNamespace(o.metadata.namespace)
    } else delete o.metadata.namespace
    if (rt.custom || rt.kind === 'Deployment') o.metadata.generation ??= 1
    // what the API server would have stored, and shows on read
    const stored = this.stored(rt, o)
    const key = this.registry.storageKey(rt)
    const existing = this.store.get(key, o.metadata.namespace, o.metadata.name)
    const out = existing
      ? this.store.update(key, {...stored, metadata: {...existing.metadata, ...stored.metadata}})
      : this.store.create(key, stored)
    if (rt.kind === 'CustomResourceDefinition') this.refreshCRDs()
    return out
  }

  /** Load a scenario: multi-document YAML of objects, plus `kind: Scenario` documents with log scripts. */
  loadScenario(text: string): void {
    const docs = parseAllDocuments(text)
      .map(d => d.toJS())
      .filter(d => d && typeof d === 'object')
    // settings first, then CRDs, so that their custom resources can be served
    const rank = (d: any) => (d.kind === 'Scenario' ? 0 : d.kind === 'CustomResourceDefinition' ? 1 : 2)
    docs.sort((a, b) => rank(a) - rank(b))
    for (const d of docs) {
      if (d.kind === 'Scenario') {
        if (d.spec?.kserveCRDs === false) this.removeKServeCRDs()
        for (const f of d.spec?.crdFixtures ?? []) this.seed(fixtureObject(f))
        for (const l of d.spec?.logs ?? []) {
          const cur = this.logScripts.get(l.pod) ?? {}
          cur[l.previous ? `${l.container}@previous` : l.container] = l.lines
          this.logScripts.set(l.pod, cur)
        }
        continue
      }
      this.seed(d)
    }
  }

  removeKServeCRDs(): void {
    for (const crd of KSERVE_CRDS) {
      const key = 'apiextensions.k8s.io/customresourcedefinitions'
      if (this.store.get(key, undefined, crd.metadata.name)) this.store.delete(key, undefined, crd.metadata.name)
    }
    this.refreshCRDs()
  }

  private ensureNamespace(ns: string): void {
    if (!this.store.get('/namespaces', undefined, ns))
      this.store.create('/namespaces', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {name: ns},
        spec: {finalizers: ['kubernetes']},
        status: {phase: 'Active'},
      })
  }

  private refreshCRDs(): void {
    const crds = this.store.list('apiextensions.k8s.io/customresourcedefinitions')
    this.registry.setCustom(crds.flatMap(typesFromCRD))
  }

  // ---------------------------------------------------------------- HTTP

  private async handle(raw: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const u = new URL(raw.url ?? '/', 'http://x')
    const chunks: Buffer[] = []
    for await (const c of raw) chunks.push(c as Buffer)
    const received = Buffer.concat(chunks)
    const body = received.toString('utf8')
    try {
      if (u.pathname.startsWith('/_sim/')) return this.control(raw.method ?? 'GET', u.pathname, body, res)
      const requester = this.authenticate(raw.headers.authorization)
      const imp = impersonate(requester, raw.headers, this.users)
      if ('denied' in imp)
        throw errors.forbidden(
          requester.name,
          'impersonate',
          {plural: imp.denied.resource, group: imp.denied.resource === 'uids' ? 'authentication.k8s.io' : ''},
          undefined,
          imp.denied.name,
        )
      const user = imp.user
      this.requests.push({method: raw.method ?? 'GET', path: u.pathname, query: u.search, user: user.name, accept: raw.headers.accept})
      const req: Req = {
        method: raw.method ?? 'GET',
        path: u.pathname,
        query: u.searchParams,
        headers: raw.headers,
        body,
        bytes: received.length,
        user,
      }
      if (String(raw.headers['content-type'] ?? '').includes('protobuf')) {
        try {
          req.body = JSON.stringify(decodeKubernetesProtobuf(received))
        } catch (e) {
          throw errors.unsupportedMediaType(['application/json', 'application/yaml'])
        }
        req.headers = {...req.headers, 'content-type': 'application/json'}
      }
      await this.route(req, res)
    } catch (e) {
      this.sendError(res, e)
    }
  }

  private sendError(res: http.ServerResponse, e: unknown): void {
    if (res.headersSent) {
      res.destroy()
      return
    }
    const err = e instanceof ApiError ? e : errors.internal(e instanceof Error ? e.message : String(e))
    if (!(e instanceof ApiError) && process.env.SIM_DEBUG) console.error(e)
    res.writeHead(err.status.code, {'Content-Type': 'application/json', ...err.headers})
    res.end(JSON.stringify(err.status))
  }

  private send(res: http.ServerResponse, code: number, obj: unknown): void {
    if (this.yamlAnswers.has(res)) {
      res.writeHead(code, {'Content-Type': 'application/yaml'})
      return void res.end(toYaml(obj))
    }
    res.writeHead(code, {'Content-Type': 'application/json'})
    res.end(JSON.stringify(obj))
  }

  /** Content negotiation (negotiate.ts): 406 when the Accept header names nothing the server writes. */
  private negotiate(req: Req, res: http.ServerResponse, ep: Endpoint = {builtin: true}): void {
    const neg = negotiate(req.headers.accept, ep)
    if (neg instanceof ApiError) throw neg
    req.neg = neg
    if (neg.media === 'yaml' && !ep.log) this.yamlAnswers.add(res)
  }

  private authenticate(header: string | undefined): User {
    const m = /^Bearer\s+(.+)$/i.exec(header ?? '')
    const user = m ? Object.values(this.users).find(u => u.token === m[1].trim()) : undefined
    if (!user || user.expired) throw errors.unauthorized()
    return user
  }

  private control(method: string, path: string, body: string, res: http.ServerResponse): void {
    if (path === '/_sim/faults' && method === 'POST') {
      this.faults.add(JSON.parse(body) as FaultRule)
      return this.send(res, 201, {faults: this.faults.list()})
    }
    if (path === '/_sim/faults' && method === 'DELETE') {
      this.faults.clear()
      return this.send(res, 200, {faults: []})
    }
    if (path === '/_sim/faults') return this.send(res, 200, {faults: this.faults.list()})
    const m = /^\/_sim\/users\/([^/]+)\/expire$/.exec(path)
    if (m && method === 'POST' && this.users[m[1]]) {
      this.expireToken(m[1])
      return this.send(res, 200, {expired: m[1]})
    }
    throw errors.pathNotFound()
  }

  private async applyFaults(
    res: http.ServerResponse,
    info: {verb: string; resource: string; namespace?: string; name?: string; user?: string},
  ) {
    const hits = this.faults.take(info)
    let drop: FaultRule | undefined
    for (const f of hits) {
      if (f.before) await f.before()
      if (f.latencyMs) await new Promise(r => setTimeout(r, f.latencyMs))
      if (f.reset) {
        res.socket?.destroy()
        return {stop: true}
      }
      if (f.status) {
        const e =
          f.status === 429
            ? errors.tooManyRequests(f.retryAfter ?? 1)
            : f.status === 401
              ? errors.unauthorized()
              : errors.serverStatus(f.status)
        if (f.retryAfter !== undefined) e.headers['Retry-After'] = String(f.retryAfter)
        throw e
      }
      if (f.dropAfterLines !== undefined) drop = f
    }
    return {stop: false, drop}
  }

  private async route(req: Req, res: http.ServerResponse): Promise<void> {
    const p = req.path.replace(/\/+$/, '') || '/'
    if (req.method === 'GET') {
      if (p === '/version') return this.send(res, 200, VERSION_INFO)
      if (p === '/healthz' || p === '/livez' || p === '/readyz') {
        res.writeHead(200, {'Content-Type': 'text/plain'})
        return void res.end('ok')
      }
      if (p === '/api' || p === '/apis') this.negotiate(req, res)
      if (p === '/api') return this.send(res, 200, this.registry.apiVersions())
      if (p === '/apis') return this.send(res, 200, this.registry.groups())
      if (p === '/openapi/v3') return this.send(res, 200, openapiRoot(this.registry))
      if (p.startsWith('/openapi/v3/')) {
        const parts = p.slice('/openapi/v3/'.length).split('/')
        const doc =
          parts[0] === 'api' ? openapiGroupVersion(this.registry, '', parts[1]) : openapiGroupVersion(this.registry, parts[1], parts[2])
        if (doc) return this.send(res, 200, doc)
      }
    }
    const segs = p.split('/').filter(Boolean).map(decodeURIComponent)
    let group: string
    let version: string
    let rest: string[]
    if (segs[0] === 'api' && segs.length >= 2) {
      ;[group, version, rest] = ['', segs[1], segs.slice(2)]
    } else if (segs[0] === 'apis' && segs.length >= 2) {
      if (segs.length === 2) {
        const g = this.registry.group(segs[1])
        if (!g || req.method !== 'GET') throw errors.pathNotFound()
        this.negotiate(req, res)
        return this.send(res, 200, {kind: 'APIGroup', apiVersion: 'v1', ...g})
      }
      ;[group, version, rest] = [segs[1], segs[2], segs.slice(3)]
    } else throw errors.pathNotFound()

    if (rest.length === 0) {
      const list = this.registry.resourceList(group, version)
      if (!list || req.method !== 'GET') throw errors.pathNotFound()
      this.negotiate(req, res)
      return this.send(res, 200, list)
    }

    let namespace: string | undefined
    if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
      namespace = rest[1]
      rest = rest.slice(2)
    }
    const [plural, name, sub] = rest
    if (rest.length > 3) throw errors.pathNotFound()
    const rt = this.registry.find(group, version, plural)
    if (!rt || (namespace !== undefined && !rt.namespaced)) throw errors.pathNotFound()
    if (sub !== undefined && !rt.subresources.includes(sub)) throw errors.pathNotFound()

    const watch = ['1', 'true'].includes(req.query.get('watch') ?? '')
    const verb =
      req.method === 'GET'
        ? name === undefined
          ? watch
            ? 'watch'
            : 'list'
          : 'get'
        : req.method === 'POST'
          ? 'create'
          : req.method === 'PUT'
            ? 'update'
            : req.method === 'PATCH'
              ? 'patch'
              : req.method === 'DELETE'
                ? name === undefined
                  ? 'deletecollection'
                  : 'delete'
                : ''
    if (!verb) throw errors.methodNotAllowed()
    if ((verb === 'create' && name !== undefined) || (['update', 'patch'].includes(verb) && name === undefined))
      throw errors.methodNotAllowed()

    const resource = sub ? `${plural}/${sub}` : plural
    const attrs: Attributes = {verb, group, resource, namespace, name}
    const decision = decide(req.user, attrs, this.rbacObjects)
    if (!decision.allowed) throw errors.forbidden(req.user.name, verb, {plural, group, sub}, namespace, name, decision.reason)
    const faulted = await this.applyFaults(res, {verb, resource, namespace, name, user: req.user.name})
    if (faulted.stop) return
    const goGroup = rt.group ? rt.group.split('.')[0] : 'core'
    this.negotiate(req, res, {
      verb: sub === undefined ? verb : undefined,
      log: sub === 'log',
      builtin: !rt.custom,
      goType: rt.custom
        ? {object: '*unstructured.Unstructured', list: '*unstructured.UnstructuredList'}
        : {object: `*${goGroup}.${rt.kind}`, list: `*${goGroup}.${rt.listKind}`},
    })

    if (verb === 'create' || verb === 'update' || verb === 'patch') {
      // the handlers (apiserver pkg/endpoints/handlers create.go, update.go, patch.go) read the body through
      // limitedReadBody (rest.go): over MaxRequestBodyBytes, 413; PatchResource checks the patch type (415) first
      if (verb === 'patch') this.patchType(rt, req)
      if (req.bytes > this.limits.requestBody) throw errors.requestEntityTooLarge(`limit is ${this.limits.requestBody}`)
    }
    if (rt.kind === 'SelfSubjectAccessReview' || rt.kind === 'SelfSubjectReview') return this.review(rt, req, res)
    if (sub === 'log') return this.podLog(namespace!, name!, req, res, faulted.drop)

    const key = this.registry.storageKey(rt)
    const dryRun = req.query.getAll('dryRun').includes('All')
    const writeOptions: Record<string, string> = {
      create: 'CreateOptions',
      update: 'UpdateOptions',
      patch: 'PatchOptions',
      delete: 'DeleteOptions',
      deletecollection: 'DeleteOptions',
    }
    // dryRun is ignored on reads; on writes only All is valid (422)
    const badDryRun = req.query.getAll('dryRun').filter(v => v !== 'All')
    if (writeOptions[verb] && badDryRun.length > 0)
      throw errors.invalid(`${writeOptions[verb]}.meta.k8s.io`, '', [
        {
          field: 'dryRun',
          reason: 'FieldValueNotSupported',
          message: `Unsupported value: []string{${req.query
            .getAll('dryRun')
            .map(v => JSON.stringify(v))
            .join(', ')}}: supported values: "All"`,
        },
      ])
    if (rt.namespaced && namespace !== undefined && verb === 'create' && !this.store.get('/namespaces', undefined, namespace))
      throw errors.namespaceNotFound(namespace)

    switch (verb) {
      case 'get': {
        const o = this.store.get(key, namespace, name!)
        if (!o) throw errors.notFound(rt, name!)
        return this.sendObject(req, res, rt, this.present(rt, o), 200)
      }
      case 'list':
        return this.list(rt, key, namespace, req, res)
      case 'watch':
        return this.watch(rt, key, namespace, req, res, faulted.drop)
      case 'create':
        return this.send(res, 201, this.present(rt, this.create(rt, key, namespace, this.parseBody(req), dryRun)))
      case 'update':
        return this.send(res, 200, this.present(rt, this.update(rt, key, namespace, name!, sub, this.parseBody(req), dryRun)))
      case 'patch':
        return this.send(res, 200, this.present(rt, this.patch(rt, key, namespace, name!, sub, req, dryRun)))
      case 'delete':
        return this.remove(rt, key, namespace, name!, dryRun, res, req.body)
      case 'deletecollection': {
        const items = this.filtered(key, namespace, req, rt)
        for (const o of items) this.store.delete(key, o.metadata.namespace, o.metadata.name, dryRun)
        return this.send(res, 200, {
          kind: rt.listKind,
          apiVersion: apiVersionOf(rt),
          metadata: {resourceVersion: this.store.resourceVersion},
          items: items.map(o => this.present(rt, o)),
        })
      }
    }
  }

  /** Objects as served by a version: apiVersion follows the request's version. */
  private present(rt: ResourceType, o: any): any {
    return {...o, apiVersion: apiVersionOf(rt), kind: rt.kind}
  }

  private sendObject(req: Req, res: http.ServerResponse, rt: ResourceType, o: any, code: number): void {
    if (req.neg?.as === 'Table') return this.send(res, code, toTable(rt, [o], {resourceVersion: o.metadata.resourceVersion}))
    if (req.neg?.as === 'PartialObjectMetadata') return this.send(res, code, partialMetadata(o))
    this.send(res, code, o)
  }

  private parseBody(req: Req): any {
    const ct = String(req.headers['content-type'] ?? 'application/json')
    try {
      const v = ct.includes('yaml') ? parseYaml(req.body) : JSON.parse(req.body)
      if (typeof v !== 'object' || v === null) throw new Error('not an object')
      return v
    } catch (e) {
      throw errors.badRequest(`json: cannot unmarshal request body: ${(e as Error).message}`)
    }
  }

  private filtered(key: string, namespace: string | undefined, req: Req, rt: ResourceType): any[] {
    const ls = parseLabelSelector(req.query.get('labelSelector') ?? '')
    const fs = parseFieldSelector(req.query.get('fieldSelector') ?? '', rt.kind, rt.custom)
    return this.store.list(key, namespace).filter(o => matchLabels(ls, o.metadata.labels) && matchFields(fs, o))
  }

  /**
   * A list, chunked as kube-apiserver chunks it (recorded: pod-list-limit2*.json, configmap-list-limit1.json): items in
   * etcd key order; with `limit`, a `continue` token (base64 JSON of the list's resourceVersion and the last key plus a
   * NUL, relative to the namespace when the list is namespaced) and, only when no selector filters the list,
   * `remainingItemCount`; a continued page reports the first page's resourceVersion. Custom resources always carry
   * `continue: ""` (csc-list.json).
   */
  private list(rt: ResourceType, key: string, namespace: string | undefined, req: Req, res: http.ServerResponse): void {
    const relKey = (o: any) => (namespace === undefined && rt.namespaced ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name)
    const limitText = req.query.get('limit')
    // resourceVersion=0 is served whole from the watch cache: limit is ignored there
    const limit = limitText === null || limitText === '' || req.query.get('resourceVersion') === '0' ? 0 : Number(limitText)
    if (!Number.isInteger(limit)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(limitText)}: invalid syntax`)
    const cont = req.query.get('continue') ?? ''
    if (cont && req.query.get('resourceVersion')) throw errors.badRequest('specifying resource version is not allowed when using continue')
    let rv = this.store.resourceVersion
    let start: string | undefined
    if (cont) {
      let token: any
      try {
        // base64url without padding, as Go's base64.RawURLEncoding
        token = /^[A-Za-z0-9_-]+$/.test(cont) ? JSON.parse(Buffer.from(cont, 'base64url').toString()) : undefined
      } catch {
        token = undefined
      }
      if (!token || token.v !== 'meta.k8s.io/v1')
        throw errors.badRequest(
          'invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
        )
      if (typeof token.start !== 'string' || token.start === '')
        throw errors.badRequest('invalid continue token: continue key is not valid: encoded start key empty')
      if (Number(token.rv) < this.store.oldestWatchable)
        throw errors.gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
        )
      rv = String(token.rv)
      start = token.start.endsWith('\0') ? token.start.slice(0, -1) : token.start
    }
    const selected = Boolean(req.query.get('labelSelector') || req.query.get('fieldSelector'))
    const ls = parseLabelSelector(req.query.get('labelSelector') ?? '')
    const fs = parseFieldSelector(req.query.get('fieldSelector') ?? '', rt.kind, rt.custom)
    // one chunk costs its size: the store keeps keys sorted and clones only what is returned
    const scan = this.store.scan(key, {
      ns: namespace,
      after: start === undefined ? undefined : !rt.namespaced ? `/${start}` : start,
      limit: limit > 0 ? limit : 0,
      match: selected ? o => matchLabels(ls, o.metadata.labels) && matchFields(fs, o) : undefined,
    })
    const items = scan.items
    const metadata: Record<string, unknown> = {resourceVersion: rv}
    if (limit > 0 && scan.more) {
      const last = items[items.length - 1]
      metadata.continue = Buffer.from(JSON.stringify({v: 'meta.k8s.io/v1', rv: Number(rv), start: `${relKey(last)}\0`})).toString(
        'base64url',
      )
      if (!selected) metadata.remainingItemCount = scan.remaining
    } else if (rt.custom) metadata.continue = ''
    if (req.neg?.as === 'Table') return this.send(res, 200, toTable(rt, items, metadata))
    if (req.neg?.as === 'PartialObjectMetadataList')
      return this.send(res, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata,
        items: items.map(partialMetadata),
      })
    this.send(res, 200, {kind: rt.listKind, apiVersion: apiVersionOf(rt), metadata, items: items.map(o => this.present(rt, o))})
  }

  private watch(rt: ResourceType, key: string, namespace: string | undefined, req: Req, res: http.ServerResponse, drop?: FaultRule): void {
    const ls = parseLabelSelector(req.query.get('labelSelector') ?? '')
    const fs = parseFieldSelector(req.query.get('fieldSelector') ?? '', rt.kind, rt.custom)
    const matches = (o: any) =>
      (namespace === undefined || o.metadata.namespace === namespace) && matchLabels(ls, o.metadata.labels) && matchFields(fs, o)
    const table = req.neg?.as === 'Table'
    const partial = req.neg?.as === 'PartialObjectMetadata'
    res.writeHead(200, {'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked'})
    // as kube-apiserver's watch handler does: the headers go out at once, before any event
    res.flushHeaders()
    let sent = 0
    const write = (type: string, object: any) => {
      // the watch ended (its timeoutSeconds, a drop): a bookmark or an event due before 'close' fires is not sent
      if (res.writableEnded || res.destroyed) return
      const shown =
        type === 'ERROR' || type === 'BOOKMARK'
          ? object
          : table
            ? toTable(rt, [object], {resourceVersion: object.metadata.resourceVersion}, true)
            : partial
              ? partialMetadata(object)
              : object
      const line = JSON.stringify({type, object: shown}) + '\n'
      if (drop?.dropAfterLines !== undefined && sent >= drop.dropAfterLines) {
        if (drop.midLine) res.write(line.slice(0, Math.max(1, line.length >> 1)))
        res.socket?.destroy()
        return
      }
      sent++
      res.write(line)
    }
    const rvParam = req.query.get('resourceVersion') ?? ''
    if (rvParam === '' || rvParam === '0') {
      for (const o of this.store.list(key, namespace)) if (matches(o)) write('ADDED', this.present(rt, o))
    } else {
      const past = this.store.since(key, Number(rvParam))
      if (!past) {
        write('ERROR', errors.gone(`too old resource version: ${rvParam} (${this.store.oldestWatchable})`).status)
        return void res.end()
      }
      for (const e of past) if (matches(e.object)) write(e.type, this.present(rt, e.object))
    }
    const onEvent = (e: {key: string; type: string; object: any}) => {
      if (e.key === key && matches(e.object)) write(e.type, this.present(rt, e.object))
    }
    this.store.events.on('event', onEvent)
    const timeout = Number(req.query.get('timeoutSeconds') ?? 0)
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined
    // BOOKMARK events when asked for: a real server sends them about once a minute; sooner here, so that every client
    // meets them
    const bookmarks = ['1', 'true'].includes(req.query.get('allowWatchBookmarks') ?? '')
    const bookmark = () =>
      write('BOOKMARK', {
        kind: rt.kind,
        apiVersion: apiVersionOf(rt),
        metadata: {resourceVersion: this.store.resourceVersion, creationTimestamp: null},
      })
    const ticker = bookmarks ? setInterval(bookmark, this.bookmarkIntervalMs) : undefined
    res.on('close', () => {
      this.store.events.off('event', onEvent)
      if (timer) clearTimeout(timer)
      if (ticker) clearInterval(ticker)
    })
  }

  private validate(rt: ResourceType, o: any): void {
    const name = o.metadata?.name
    if (!name)
      throw errors.invalid(
        rt.kind,
        '',
        [{field: 'metadata.name', reason: 'FieldValueRequired', message: 'Required value: name or generateName is required'}],
        rt,
      )
    if (!NAME_RE.test(name) || name.length > 253)
      throw errors.invalid(rt.kind, name, [{field: 'metadata.name', message: `Invalid value: "${name}": ${NAME_MSG}`}], rt)
    const secretLike = rt.kind === 'ConfigMap' || rt.kind === 'Secret'
    // what does not decode is a 400 before any validation
    for (const field of secretLike ? (['data', 'stringData'] as const) : [])
      for (const v of Object.values(o[field] ?? {}))
        if (typeof v !== 'string')
          throw errors.badRequest(
            `${rt.kind} in version "v1" cannot be handled as a ${rt.kind}: json: cannot unmarshal ${typeof v} into Go struct field ${rt.kind}.${field} of type string`,
          )
    // every cause, in the order kube-apiserver finds them: ValidateObjectMeta (annotations), then the kind's own rules
    const causes: Cause[] = []
    const annotations = Object.entries(o.metadata.annotations ?? {})
    if (annotations.reduce((n, [k, v]) => n + utf8(k) + utf8(String(v)), 0) > TOTAL_ANNOTATION_SIZE_LIMIT)
      causes.push(tooLong('metadata.annotations', TOTAL_ANNOTATION_SIZE_LIMIT))
    if (secretLike) {
      for (const field of ['data', 'stringData'] as const)
        for (const k of Object.keys(o[field] ?? {}))
          if (!/^[-._a-zA-Z0-9]+$/.test(k))
            causes.push({
              field: `${field}[${k}]`,
              message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
            })
      // pkg/apis/core/validation/validation.go ValidateConfigMap: len() of every data and binaryData value (bytes) over
      // core.MaxSecretSize is field.TooLong on field.NewPath("") ("[]": the whole object); ValidateSecret: the same on
      // "data". Create, update and every patch come here with the object as it would be stored.
      const max = this.limits.secretData
      if (secretSize(rt.kind, o) > max) causes.push(tooLong(rt.kind === 'ConfigMap' ? '[]' : 'data', max))
    }
    if (rt.kind === 'Pod') causes.push(...validatePod(o))
    if (rt.custom && rt.schema) causes.push(...validateSchema(o, rt.schema))
    if (causes.length) throw errors.invalid(rt.custom ? `${rt.kind}.${rt.group}` : rt.kind, name, causes, rt)
  }

  /**
   * An object as the API server stores it: pods defaulted with canonical quantities (pods.ts), custom resources pruned
   * and defaulted by their schema (schema.ts).
   */
  private stored(rt: ResourceType, obj: any): any {
    if (rt.kind === 'Pod') {
      const o = structuredClone(obj)
      try {
        defaultPod(o)
      } catch (e) {
        if (e instanceof DecodeError) throw errors.badRequest(e.message)
        throw e
      }
      return o
    }
    if (rt.custom && rt.schema) return applyDefaults(prune(obj, rt.schema), rt.schema)
    return obj
  }

  private create(rt: ResourceType, key: string, namespace: string | undefined, body: any, dryRun: boolean): any {
    let o = structuredClone(body)
    o.metadata ??= {}
    if (rt.namespaced) {
      if (o.metadata.namespace && namespace && o.metadata.namespace !== namespace)
        throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request')
      o.metadata.namespace = namespace ?? o.metadata.namespace
      if (!o.metadata.namespace) throw errors.pathNotFound()
    } else delete o.metadata.namespace
    if (!o.metadata.name && o.metadata.generateName) o.metadata.name = o.metadata.generateName + Math.random().toString(36).slice(2, 7)
    o = this.stored(rt, o)
    this.validate(rt, o)
    if (this.store.get(key, o.metadata.namespace, o.metadata.name)) throw errors.alreadyExists(rt, o.metadata.name)
    // the storage layer refuses it, as a plain error (500); apply creates go through here with it cleared
    if (o.metadata.resourceVersion) throw errors.internal('resourceVersion should not be set on objects to be created')
    o.apiVersion = apiVersionOf(rt)
    o.kind = rt.kind
    if (rt.custom || rt.kind === 'Deployment') o.metadata.generation = 1
    if (rt.kind === 'Namespace') o.status = {phase: 'Active'}
    if (rt.kind === 'Pod') o.status ??= {phase: 'Pending'}
    const out = this.store.create(key, o, dryRun)
    if (rt.kind === 'CustomResourceDefinition' && !dryRun) this.refreshCRDs()
    return out
  }

  /** Write a changed object: keep identity fields, honour the status subresource, bump generation on spec changes. */
  private commit(rt: ResourceType, key: string, old: any, next: any, sub: string | undefined, dryRun: boolean): any {
    let o = structuredClone(next)
    o.metadata ??= {}
    if (o.metadata.name !== undefined && o.metadata.name !== old.metadata.name)
      throw errors.badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${old.metadata.name})`)
    if (o.metadata.namespace !== undefined && o.metadata.namespace !== old.metadata.namespace)
      throw errors.badRequest('the namespace of the provided object does not match the namespace sent on the request')
    o.metadata = {
      ...o.metadata,
      name: old.metadata.name,
      namespace: old.metadata.namespace,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
    }
    if (old.metadata.namespace === undefined) delete o.metadata.namespace
    o.apiVersion = apiVersionOf(rt)
    o.kind = rt.kind
    if (sub === 'status') {
      const merged = {...old, status: o.status}
      return this.store.update(key, merged, dryRun)
    }
    if (rt.subresources.includes('status')) o.status = old.status
    if (o.status === undefined) delete o.status
    if (old.metadata.generation !== undefined) {
      o.metadata.generation = old.metadata.generation
      if (JSON.stringify(o.spec) !== JSON.stringify(old.spec)) o.metadata.generation++
    }
    o = this.stored(rt, o)
    if (rt.kind === 'Pod') {
      const causes = podSpecUpdateCauses(old, o)
      if (causes.length) throw errors.invalid('Pod', old.metadata.name, causes, rt)
    }
    this.validate(rt, o)
    const out = this.store.update(key, o, dryRun)
    if (rt.kind === 'CustomResourceDefinition' && !dryRun) this.refreshCRDs()
    return out
  }

  private update(
    rt: ResourceType,
    key: string,
    namespace: string | undefined,
    name: string,
    sub: string | undefined,
    body: any,
    dryRun: boolean,
  ): any {
    const old = this.store.get(key, namespace, name)
    if (!old) throw errors.notFound(rt, name)
    const rv = body.metadata?.resourceVersion
    // custom resources allow no unconditional update (customresource strategy AllowUnconditionalUpdate: false)
    if (rt.custom && (rv === undefined || rv === '') && sub === undefined)
      throw errors.invalid(
        `${rt.kind}.${rt.group}`,
        name,
        [{field: 'metadata.resourceVersion', message: 'Invalid value: 0x0: must be specified for an update'}],
        rt,
      )
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw errors.conflict(rt, name)
    return this.commit(rt, key, old, body, sub, dryRun)
  }

  /** The patch type of a PATCH request; 415 for one the resource does not take. */
  private patchType(rt: ResourceType, req: Req): string {
    const ct = String(req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
    const accepted = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml']
    if (!rt.custom) accepted.splice(2, 0, 'application/strategic-merge-patch+json')
    if (!accepted.includes(ct)) throw errors.unsupportedMediaType(accepted)
    return ct
  }

  private patch(
    rt: ResourceType,
    key: string,
    namespace: string | undefined,
    name: string,
    sub: string | undefined,
    req: Req,
    dryRun: boolean,
  ): any {
    const ct = this.patchType(rt, req)
    const old = this.store.get(key, namespace, name)
    if (ct === 'application/apply-patch+yaml') {
      if (!req.query.get('fieldManager'))
        throw errors.invalid('PatchOptions.meta.k8s.io', '', [
          {field: 'fieldManager', reason: 'FieldValueRequired', message: 'Required value: is required for apply patch'},
        ])
      const body = this.parseBody(req)
      if (!old) return this.create(rt, key, namespace, body, dryRun)
      return this.commit(rt, key, old, mergePatch(old, body), sub, dryRun)
    }
    if (!old) throw errors.notFound(rt, name)
    let patchBody: any
    try {
      patchBody = JSON.parse(req.body)
    } catch (e) {
      throw errors.badRequest(`error decoding patch: ${(e as Error).message}`)
    }
    // handlers/patch.go applyJSPatch
    if (ct === 'application/json-patch+json' && Array.isArray(patchBody) && patchBody.length > MAX_JSON_PATCH_OPERATIONS)
      throw errors.requestEntityTooLarge(
        `The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patchBody.length}`,
      )
    const next =
      ct === 'application/json-patch+json'
        ? jsonPatch(old, patchBody)
        : ct === 'application/merge-patch+json'
          ? mergePatch(old, patchBody)
          : strategicMergePatch(old, patchBody)
    const rv = next?.metadata?.resourceVersion
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw errors.conflict(rt, name)
    return this.commit(rt, key, old, next, sub, dryRun)
  }

  private remove(
    rt: ResourceType,
    key: string,
    namespace: string | undefined,
    name: string,
    dryRun: boolean,
    res: http.ServerResponse,
    body = '',
  ): void {
    const old = this.store.get(key, namespace, name)
    if (!old) throw errors.notFound(rt, name)
    // DeleteOptions preconditions (uid, resourceVersion): a mismatch is 409, as the registry's BeforeDelete answers
    let pre: any
    try {
      pre = body ? JSON.parse(body)?.preconditions : undefined
    } catch {
      throw errors.badRequest('json: cannot unmarshal the DeleteOptions body')
    }
    if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion)
      throw errors.preconditionFailed(
        rt,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      )
    if (pre?.uid && pre.uid !== old.metadata.uid)
      throw errors.preconditionFailed(
        rt,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      )
    // a pod bound to a node is first marked for deletion (a MODIFIED event with deletionTimestamp), then removed once the
    // kubelet confirms; an unbound one goes at once (recorded: pod-watch-stream.jsonl)
    if (rt.kind === 'Pod' && old.spec?.nodeName && !dryRun) {
      const marked = structuredClone(old)
      marked.metadata.deletionTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z')
      marked.metadata.deletionGracePeriodSeconds = 0
      this.store.update(key, marked)
    }
    const gone = this.store.delete(key, namespace, name, dryRun)
    if (rt.kind === 'Namespace' && !dryRun) {
      for (const k of this.store.keys()) for (const o of this.store.list(k, name)) this.store.delete(k, name, o.metadata.name)
    }
    if (rt.kind === 'CustomResourceDefinition' && !dryRun) this.refreshCRDs()
    if (rt.kind === 'Pod' || rt.kind === 'Namespace' || rt.custom) return this.send(res, 200, this.present(rt, gone))
    const details: Record<string, unknown> = {name, kind: rt.plural, uid: old.metadata.uid}
    if (rt.group) details.group = rt.group
    this.send(res, 200, {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details})
  }

  private review(rt: ResourceType, req: Req, res: http.ServerResponse): void {
    const body = this.parseBody(req)
    if (rt.kind === 'SelfSubjectReview') {
      return this.send(res, 201, {
        kind: 'SelfSubjectReview',
        apiVersion: 'authentication.k8s.io/v1',
        metadata: {creationTimestamp: null},
        status: {userInfo: {username: req.user.name, groups: req.user.groups}},
      })
    }
    const ra = body.spec?.resourceAttributes ?? {}
    const attrs: Attributes = {
      verb: ra.verb,
      group: ra.group ?? '',
      resource: ra.subresource ? `${ra.resource}/${ra.subresource}` : ra.resource,
      namespace: ra.namespace || undefined,
      name: ra.name,
    }
    const decision = decide(req.user, attrs, this.rbacObjects)
    const allowed = decision.allowed
    const status: Record<string, unknown> = {allowed}
    if (allowed)
      status.reason =
        decision.reason ??
        `RBAC: allowed by ClusterRoleBinding "${req.user.name}" of ClusterRole "${req.user.name === 'sim-admin' ? 'cluster-admin' : 'view'}" to User "${req.user.name}"`
    this.send(res, 201, {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: {creationTimestamp: null},
      spec: body.spec,
      status,
    })
  }

  // ---------------------------------------------------------------- pods/log

  private async podLog(namespace: string, name: string, req: Req, res: http.ServerResponse, drop?: FaultRule): Promise<void> {
    // PodLogOptions validation (recorded: pod-log-sinceseconds-0.json)
    const intParam = (k: string, min: number, msg: string) => {
      const v = req.query.get(k)
      if (v === null) return
      if (!/^-?\d+$/.test(v)) throw errors.badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`)
      if (Number(v) < min) throw errors.invalid('PodLogOptions', name, [{field: k, message: `Invalid value: ${v}: ${msg}`}])
    }
    intParam('sinceSeconds', 1, 'must be greater than 0')
    intParam('limitBytes', 1, 'must be greater than 0')
    intParam('tailLines', 0, 'must be greater than or equal to 0')
    const podType = this.registry.find('', 'v1', 'pods')!
    const pod = this.store.get('/pods', namespace, name)
    if (!pod) throw errors.notFound(podType, name)
    const containers: string[] = (pod.spec?.containers ?? []).map((c: any) => c.name)
    const inits: string[] = (pod.spec?.initContainers ?? []).map((c: any) => c.name)
    let container = req.query.get('container') ?? ''
    if (!container) {
      if (containers.length === 1) container = containers[0]
      else
        throw errors.badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''}`,
        )
    }
    if (!containers.includes(container) && !inits.includes(container))
      throw errors.badRequest(`container ${container} is not valid for pod ${name}`)
    const previous = ['1', 'true'].includes(req.query.get('previous') ?? '')
    const status = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].find(
      (s: any) => s.name === container,
    )
    const script = {...this.logScripts.get(`${namespace}/${name}`), ...parseLogAnnotation(pod)}
    if (previous) {
      if (!status?.lastState?.terminated && !script[`${container}@previous`])
        throw errors.badRequest(`previous terminated container "${container}" in pod "${name}" not found`)
    } else if (status?.state?.waiting) {
      throw errors.badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${status.state.waiting.reason ?? 'ContainerCreating'}`,
      )
    } else if (!status && script[container] === undefined) {
      const initStatuses: any[] = pod.status?.initContainerStatuses ?? []
      const initsDone =
        inits.includes(container) || inits.every(n => initStatuses.find(s => s.name === n)?.state?.terminated?.exitCode === 0)
      throw errors.badRequest(
        `container "${container}" in pod "${name}" is waiting to start: ${initsDone ? 'ContainerCreating' : 'PodInitializing'}`,
      )
    }
    const lines = timedLines(script[previous ? `${container}@previous` : container], containerStart(pod, container, previous))
    const follow = !previous && ['1', 'true'].includes(req.query.get('follow') ?? '')
    const timestamps = ['1', 'true'].includes(req.query.get('timestamps') ?? '')
    const sinceSeconds = req.query.get('sinceSeconds')
    const sinceTime = req.query.get('sinceTime')
    if (sinceSeconds && sinceTime)
      throw errors.invalid('PodLogOptions', name, [
        {field: '', reason: 'FieldValueForbidden', message: 'Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified'},
      ])
    const since = sinceSeconds ? Date.now() - Number(sinceSeconds) * 1000 : sinceTime ? Date.parse(sinceTime) : -Infinity
    const tail = req.query.get('tailLines')
    let limitBytes = req.query.get('limitBytes') ? Number(req.query.get('limitBytes')) : Infinity

    const now = Date.now()
    let ready = lines.filter(l => l.at <= now && l.at >= since)
    if (tail !== null && Number(tail) >= 0) ready = Number(tail) === 0 ? [] : ready.slice(-Number(tail))
    const pending = follow ? lines.filter(l => l.at > now && l.at >= since) : []

    res.writeHead(200, {'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked'})
    let sent = 0
    let closed = false
    res.on('close', () => (closed = true))
    const write = (l: TimedLine): boolean => {
      if (closed) return false
      const text = (timestamps ? `${stamp(l.at)} ` : '') + l.text + '\n'
      if (drop?.dropAfterLines !== undefined && sent >= drop.dropAfterLines) {
        if (drop.midLine) res.write(text.slice(0, Math.max(1, text.length >> 1)))
        res.socket?.destroy()
        closed = true
        return false
      }
      // the kubelet's limit counts bytes and cuts where the limit falls, inside a character if need be
      let bytes = Buffer.from(text)
      if (bytes.length > limitBytes) bytes = bytes.subarray(0, limitBytes)
      limitBytes -= bytes.length
      res.write(bytes)
      sent++
      if (limitBytes <= 0) {
        res.end()
        closed = true
        return false
      }
      return true
    }
    res.cork()
    for (const l of ready) if (!write(l)) return
    res.uncork()
    if (!follow) return void res.end()
    for (const l of pending) {
      const wait = l.at - Date.now()
      if (wait > 0) await new Promise(r => setTimeout(r, wait))
      if (closed) return
      if (!this.store.get('/pods', namespace, name)) return void res.end()
      if (!write(l)) return
    }
    // keep following until the container has terminated (or the pod is gone)
    while (!closed) {
      const cur = this.store.get('/pods', namespace, name)
      const st = [...(cur?.status?.initContainerStatuses ?? []), ...(cur?.status?.containerStatuses ?? [])].find(
        (s: any) => s.name === container,
      )
      if (!cur || st?.state?.terminated || !st) break
      await new Promise(r => setTimeout(r, 50))
    }
    if (!closed) res.end()
  }
}

/** An object reduced to its metadata (Accept: ...;as=PartialObjectMetadata;g=meta.k8s.io;v=v1). */
function partialMetadata(o: any): any {
  return {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}
}

const fixtureCache = new Map<string, any>()

/** An object from test/fixtures (a scenario's large CRDs), parsed once per process. */
function fixtureObject(rel: string): any {
  let o = fixtureCache.get(rel)
  if (!o) {
    const here = dirname(fileURLToPath(import.meta.url))
    // test/cluster/server.ts in the tests, dist/cluster.js for npm run cluster
    const dir = [join(here, '..', 'fixtures'), join(here, '..', 'test', 'fixtures')].find(d => existsSync(join(d, rel)))
    if (!dir) throw new Error(`scenario fixture ${rel} not found under test/fixtures`)
    o = parseYaml(readFileSync(join(dir, rel), 'utf8'))
    fixtureCache.set(rel, o)
  }
  return structuredClone(o)
}

/** Minimal copies of KServe's CRDs (schema-less, as KServe's "minimal" CRDs are) for clusters started without a scenario. */
export const KSERVE_CRDS: any[] = [
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: 'clusterstoragecontainers.serving.kserve.io'},
    spec: {
      group: 'serving.kserve.io',
      names: {
        kind: 'ClusterStorageContainer',
        listKind: 'ClusterStorageContainerList',
        plural: 'clusterstoragecontainers',
        singular: 'clusterstoragecontainer',
      },
      scope: 'Cluster',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}},
        },
      ],
    },
  },
  {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {name: 'inferenceservices.serving.kserve.io'},
    spec: {
      group: 'serving.kserve.io',
      names: {
        kind: 'InferenceService',
        listKind: 'InferenceServiceList',
        plural: 'inferenceservices',
        singular: 'inferenceservice',
        shortNames: ['isvc'],
        categories: ['all'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1beta1',
          served: true,
          storage: true,
          subresources: {status: {}},
          schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}},
        },
      ],
    },
  },
]
