/**
 * Kubeconfig loading with kubectl's rules (client-go's clientcmd): --kubeconfig names one file that must exist;
 * otherwise every file of KUBECONFIG is merged, the first file to define a cluster, user, context or current-context
 * wins, and missing files are skipped; otherwise ~/.kube/config. Relative paths resolve against the defining file.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {homedir} from 'node:os'
import {delimiter, dirname, isAbsolute, resolve} from 'node:path'
// js-yaml rather than yaml: a tenth of the start-up cost, on a path every command takes
import {load} from 'js-yaml'

import {CliError} from '../errors.js'

export interface MergedKubeconfig {
  clusters: {name: string; cluster: Record<string, any>}[]
  users: {name: string; user: Record<string, any>}[]
  contexts: {name: string; context: Record<string, any>}[]
  'current-context': string
  files: string[]
}

const PATH_FIELDS: Record<string, string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
}

function absolutise(entry: Record<string, any>, kind: 'cluster' | 'user', dir: string): Record<string, any> {
  const out = {...entry}
  for (const f of PATH_FIELDS[kind]) if (typeof out[f] === 'string' && out[f] && !isAbsolute(out[f])) out[f] = resolve(dir, out[f])
  if (kind === 'user' && out.exec?.command && /[\\/]/.test(out.exec.command) && !isAbsolute(out.exec.command))
    out.exec = {...out.exec, command: resolve(dir, out.exec.command)}
  return out
}

export function kubeconfigFiles(flag: string | undefined, env = process.env): string[] {
  if (flag) {
    if (!existsSync(flag)) throw new CliError('Config', `stat ${flag}: no such file or directory`, {hint: 'check --kubeconfig'})
    return [flag]
  }
  if (env.KUBECONFIG) return env.KUBECONFIG.split(delimiter).filter(f => f !== '' && existsSync(f))
  const home = resolve(env.HOME ?? homedir(), '.kube', 'config')
  return existsSync(home) ? [home] : []
}

export function mergeKubeconfigs(files: string[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {clusters: [], users: [], contexts: [], 'current-context': '', files}
  const seen = {clusters: new Set<string>(), users: new Set<string>(), contexts: new Set<string>()}
  for (const file of files) {
    let doc: any
    try {
      doc = load(readFileSync(file, 'utf8')) ?? {}
    } catch (e) {
      throw new CliError('Config', `error loading config file "${file}": ${(e as Error).message.split('\n')[0]}`)
    }
    if (typeof doc !== 'object') throw new CliError('Config', `error loading config file "${file}": not a kubeconfig`)
    const dir = dirname(resolve(file))
    for (const c of doc.clusters ?? []) {
      if (!c?.name || seen.clusters.has(c.name)) continue
      seen.clusters.add(c.name)
      merged.clusters.push({name: c.name, cluster: absolutise(c.cluster ?? {}, 'cluster', dir)})
    }
    for (const u of doc.users ?? []) {
      if (!u?.name || seen.users.has(u.name)) continue
      seen.users.add(u.name)
      merged.users.push({name: u.name, user: absolutise(u.user ?? {}, 'user', dir)})
    }
    for (const c of doc.contexts ?? []) {
      if (!c?.name || seen.contexts.has(c.name)) continue
      seen.contexts.add(c.name)
      merged.contexts.push({name: c.name, context: c.context ?? {}})
    }
    if (!merged['current-context'] && doc['current-context']) merged['current-context'] = doc['current-context']
  }
  return merged
}

export interface ResolvedContext {
  name: string
  cluster: {name: string; server: string}
  /** the kubeconfig user, or the impersonated one (--as, or the user's as) */
  user: string
  namespace: string
  /** the flags that selected this context and identity (--context, --as, --as-group, …), for hints: `kubectl auth can-i … FLAGS` */
  flags?: string
  /** the context's entries as the kubeconfig has them (paths made absolute), for the client library */
  raw: {
    cluster: MergedKubeconfig['clusters'][number]
    user: MergedKubeconfig['users'][number]
    context: MergedKubeconfig['contexts'][number]
  }
}

/** kubectl's flags that override the kubeconfig (clientcmd ConfigOverrides). */
export interface Overrides {
  server?: string
  cluster?: string
  user?: string
  token?: string
  as?: string
  'as-group'?: string[]
  'as-uid'?: string
  'certificate-authority'?: string
  'client-certificate'?: string
  'client-key'?: string
  'insecure-skip-tls-verify'?: boolean
  'tls-server-name'?: string
}

/** Where a pod finds its service account (rest.InClusterConfig); STORAGE_INIT_SERVICEACCOUNT_DIR moves it, for tests. */
export function serviceAccountDir(env = process.env): string {
  return env.STORAGE_INIT_SERVICEACCOUNT_DIR || '/var/run/secrets/kubernetes.io/serviceaccount'
}

/**
 * Inside a pod with no kubeconfig, kubectl uses the pod's service account (KUBERNETES_SERVICE_HOST/PORT, the token,
 * the CA and the namespace files): so does the plugin.
 */
function inCluster(env = process.env): MergedKubeconfig | undefined {
  const host = env.KUBERNETES_SERVICE_HOST
  const port = env.KUBERNETES_SERVICE_PORT
  const dir = serviceAccountDir(env)
  if (!host || !port || !existsSync(join(dir, 'token'))) return undefined
  const ns = existsSync(join(dir, 'namespace')) ? readFileSync(join(dir, 'namespace'), 'utf8').trim() : 'default'
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`
  return {
    clusters: [{name: 'in-cluster', cluster: {server, 'certificate-authority': join(dir, 'ca.crt')}}],
    users: [{name: 'in-cluster', user: {tokenFile: join(dir, 'token')}}],
    contexts: [{name: 'in-cluster', context: {cluster: 'in-cluster', user: 'in-cluster', namespace: ns}}],
    'current-context': 'in-cluster',
    files: [],
  }
}

/** The context to use, checked as kubectl checks it, with kubectl's overriding flags applied. */
export function resolveContext(mergedIn: MergedKubeconfig, contextFlag?: string, o: Overrides = {}): ResolvedContext {
  let merged = mergedIn
  if (merged.files.length === 0) merged = inCluster() ?? merged
  // --server alone is a configuration (kubectl get --server https://… --token …), also with a kubeconfig that names no
  // current context (--kubeconfig /dev/null)
  if (!contextFlag && !merged['current-context'] && o.server)
    merged = {
      clusters: [{name: 'flags', cluster: {}}],
      users: [{name: 'flags', user: {}}],
      contexts: [{name: 'flags', context: {cluster: 'flags', user: 'flags'}}],
      'current-context': 'flags',
      files: [],
    }
  const name = contextFlag || merged['current-context']
  if (!name) {
    if (merged.files.length === 0)
      throw new CliError('Config', 'no kubeconfig found: ~/.kube/config does not exist and KUBECONFIG is not set', {
        hint: 'pass --kubeconfig FILE or set KUBECONFIG',
      })
    throw new CliError('Config', 'current-context is not set in the kubeconfig', {
      hint: 'pass --context NAME, or run kubectl config use-context NAME',
    })
  }
  const ctx = merged.contexts.find(c => c.name === name)
  if (!ctx) {
    const known = merged.contexts.map(c => c.name)
    throw new CliError('Config', `context "${name}" does not exist`, {
      hint: known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig has no contexts',
    })
  }
  const clusterName = o.cluster || ctx.context.cluster
  const found = merged.clusters.find(c => c.name === clusterName)
  if (!found && !o.server)
    throw new CliError(
      'Config',
      `${o.cluster ? `--cluster ${o.cluster}` : `context "${name}" refers to cluster "${clusterName}", which`} is not in the kubeconfig`,
    )
  const cluster = {name: found?.name ?? clusterName ?? 'flags', cluster: {...found?.cluster}}
  const c = cluster.cluster
  if (o.server) c.server = o.server
  if (o['certificate-authority']) {
    c['certificate-authority'] = resolve(o['certificate-authority'])
    delete c['certificate-authority-data']
    // clientcmd's merge (getCluster): a CA on the command line also replaces the kubeconfig's insecure-skip-tls-verify
    delete c['insecure-skip-tls-verify']
  }
  if (o['insecure-skip-tls-verify']) {
    if (o['certificate-authority']) throw new CliError('Usage', 'specifying a root certificates file with the insecure flag is not allowed')
    c['insecure-skip-tls-verify'] = true
    delete c['certificate-authority']
    delete c['certificate-authority-data']
  }
  if (o['tls-server-name']) c['tls-server-name'] = o['tls-server-name']
  // kubectl refuses a CA with insecure-skip-tls-verify from the kubeconfig too (client-go's transport.TLSConfigFor);
  // client-node would skip verification
  const ca = c['certificate-authority-data'] ? 'certificate-authority-data' : c['certificate-authority'] ? 'certificate-authority' : ''
  if (c['insecure-skip-tls-verify'] === true && ca)
    throw new CliError('Config', 'specifying a root certificates file with the insecure flag is not allowed', {
      hint: `cluster "${cluster.name}" in the kubeconfig has both ${ca} and insecure-skip-tls-verify: true; remove one`,
    })
  if (!c.server) throw new CliError('Config', `cluster "${cluster.name}" has no server address`)
  const userName = o.user || ctx.context.user
  if (o.user && !merged.users.some(u => u.name === o.user)) throw new CliError('Config', `--user ${o.user} is not in the kubeconfig`)
  const foundUser = merged.users.find(u => u.name === userName) ?? {name: userName ?? '', user: {}}
  const user = {name: foundUser.name, user: {...foundUser.user}}
  const u = user.user
  // a token given on the command line replaces the kubeconfig's credentials, as kubectl's --token does
  if (o.token) {
    for (const k of ['token', 'tokenFile', 'exec', 'auth-provider', 'username', 'password']) delete u[k]
    u.token = o.token
  }
  if (o['client-certificate']) {
    u['client-certificate'] = resolve(o['client-certificate'])
    delete u['client-certificate-data']
  }
  if (o['client-key']) {
    u['client-key'] = resolve(o['client-key'])
    delete u['client-key-data']
  }
  if (o.as) u.as = o.as
  if (o['as-group']?.length) u['as-groups'] = o['as-group']
  if (o['as-uid']) u['as-uid'] = o['as-uid']
  const raw = {cluster, user, context: {name, context: {cluster: cluster.name, user: user.name}}}
  // who the requests act as: the impersonated user when there is one
  // the flags that chose who and where, for the commands a hint suggests (never a credential: no --token)
  const q = (v: string) => (/^[\w@.:/=-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`)
  const selection = [
    ...(contextFlag ? ['--context', q(contextFlag)] : []),
    ...(o.cluster ? ['--cluster', q(o.cluster)] : []),
    ...(o.user ? ['--user', q(o.user)] : []),
    ...(o.as ? ['--as', q(o.as)] : []),
    ...(o['as-group'] ?? []).flatMap(g => ['--as-group', q(g)]),
    ...(o['as-uid'] ? ['--as-uid', q(o['as-uid'])] : []),
  ]
  return {
    name,
    cluster: {name: cluster.name, server: c.server},
    user: u.as ? String(u.as) : user.name,
    namespace: ctx.context.namespace || 'default',
    raw,
    flags: selection.join(' '),
  }
}
