/**
 * Kubeconfig loading with kubectl's rules (client-go's clientcmd): --kubeconfig names one file that must exist;
 * otherwise every file of KUBECONFIG is merged, the first file to define a cluster, user, context or current-context
 * wins, and missing files are skipped; otherwise ~/.kube/config. Relative paths resolve against the defining file.
 */
import {existsSync, readFileSync} from 'node:fs'
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
  user: string
  namespace: string
  /** the context's entries as the kubeconfig has them (paths made absolute), for the client library */
  raw: {cluster: MergedKubeconfig['clusters'][number]; user: MergedKubeconfig['users'][number]; context: MergedKubeconfig['contexts'][number]}
}

/** The context to use, checked as kubectl checks it. */
export function resolveContext(merged: MergedKubeconfig, contextFlag?: string): ResolvedContext {
  const name = contextFlag || merged['current-context']
  if (!name) {
    if (merged.files.length === 0)
      throw new CliError('Config', 'no kubeconfig found: ~/.kube/config does not exist and KUBECONFIG is not set', {hint: 'pass --kubeconfig FILE or set KUBECONFIG'})
    throw new CliError('Config', 'current-context is not set in the kubeconfig', {hint: 'pass --context NAME, or run kubectl config use-context NAME'})
  }
  const ctx = merged.contexts.find(c => c.name === name)
  if (!ctx) {
    const known = merged.contexts.map(c => c.name)
    throw new CliError('Config', `context "${name}" does not exist`, {hint: known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig has no contexts'})
  }
  const cluster = merged.clusters.find(c => c.name === ctx.context.cluster)
  if (!cluster) throw new CliError('Config', `context "${name}" refers to cluster "${ctx.context.cluster}", which is not in the kubeconfig`)
  if (!cluster.cluster.server) throw new CliError('Config', `cluster "${cluster.name}" has no server address`)
  const user = merged.users.find(u => u.name === ctx.context.user) ?? {name: ctx.context.user ?? '', user: {}}
  const raw = {cluster, user, context: {name, context: {cluster: cluster.name, user: user.name}}}
  return {name, cluster: {name: cluster.name, server: cluster.cluster.server}, user: user.name, namespace: ctx.context.namespace || 'default', raw}
}
