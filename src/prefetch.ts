/**
 * `get`'s first reads, sent while the plugin is still loading (#30). Bun's fetch does its TLS and HTTP on a thread of
 * its own: the GETs every `get` starts with (the ConfigMap, the ClusterStorageContainers, the controller's Deployment,
 * the LLMInferenceServices; kube/kserve.ts, as core/kserve-state.ts makes them) are on the wire while oclif's modules
 * and the emulation load and the command parses its flags, instead of after. The client keeps their answers
 * (KubeClient.sendAhead) for the identical GETs the command then makes, once each; it makes every other request as
 * before. The command line is read here only as far as a short, strict reading of the flags that decide the client
 * goes; the command takes the client only when its own parsing (oclif's) gives the same flags, and otherwise closes it.
 * A command line this reading is not sure of prefetches nothing. Only GETs are sent ahead.
 */
import type {KubeClient} from './kube/client.js'
import {mark} from './trace.js'

declare const require: (id: string) => any

/** The flags that decide which client get has and what it reads, with their defaults (base-command.ts). */
const VALUE = [
  'kubeconfig',
  'context',
  'namespace',
  'kserve-namespace',
  'request-timeout',
  'server',
  'cluster',
  'user',
  'token',
  'as',
  'as-uid',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'tls-server-name',
] as const
const SHORT: Record<string, string> = {n: 'namespace', s: 'server'}
const DEFAULTS: Record<string, unknown> = {'request-timeout': '0', 'chunk-size': 500, 'as-group': undefined}
/** get's flags that change only how the answer is printed */
const OUTPUT_VALUE = ['output', 'isvc', 'llmisvc']
const OUTPUT_BOOLEAN = ['no-headers', 'allow-missing-template-keys', 'no-allow-missing-template-keys']

/** What decides the reads, from flags as oclif parsed them (or as read here): equal keys, equal reads. */
export function readsKey(flags: Record<string, unknown>): string {
  const k: Record<string, unknown> = {}
  for (const name of VALUE) k[name] = flags[name] ?? null
  k['insecure-skip-tls-verify'] = flags['insecure-skip-tls-verify'] === true
  for (const [name, d] of Object.entries(DEFAULTS)) k[name] = flags[name] ?? d ?? null
  // requests logged (--debug, -v 6) go through another client
  k.debug = flags.debug === true || Number(flags.v ?? 0) >= 6
  return JSON.stringify(k)
}

/** The flags of `get ARGS` as far as they decide the reads; undefined when the line is not one read here for sure. */
export function readGetFlags(args: string[]): Record<string, unknown> | undefined {
  const flags: Record<string, unknown> = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const m = /^(--([a-z][a-z-]*)|-([a-z]))(?:=(.*))?$/s.exec(a)
    if (!m) return undefined
    const name = m[2] ?? SHORT[m[3]] ?? (m[3] === 'o' ? 'output' : undefined)
    if (!name) return undefined
    if (OUTPUT_BOOLEAN.includes(name)) {
      if (m[4] !== undefined) return undefined
      continue
    }
    if (name === 'insecure-skip-tls-verify') {
      if (m[4] !== undefined || name in flags) return undefined
      flags[name] = true
      continue
    }
    if (!(VALUE as readonly string[]).includes(name) && !OUTPUT_VALUE.includes(name)) return undefined
    const value = m[4] ?? args[++i]
    // a missing value, a value that looks like a flag, or a flag given twice: oclif decides
    if (value === undefined || value.startsWith('-') || name in flags) return undefined
    flags[name] = value
  }
  // what get would refuse at once: nothing sent for it
  const o = flags.output as string | undefined
  if (o !== undefined && !['json', 'yaml', 'wide', 'name'].includes(o) && !/^(jsonpath|custom-columns)=./.test(o)) return undefined
  if (flags.isvc !== undefined && flags.llmisvc !== undefined) return undefined
  return flags
}

interface Prefetch {
  key: string
  client: KubeClient
  namespace: string
}

let pending: Prefetch | undefined

/** Start get's reads for `get ARGS` (argv after the command's name), when they can be read here for sure; whether sent. */
export function startGetPrefetch(args: string[], env: NodeJS.ProcessEnv): boolean {
  // what fast-path.ts sends through oclif's run, which makes its own client: nothing ahead
  if (env.DEBUG || env.STORAGE_INIT_OCLIF) return false
  const flags = readGetFlags(args)
  if (!flags) return false
  try {
    const {contextFor, connectTo} = require('./kube/connect.js')
    const kserve = require('./kube/kserve.js')
    const all = {...DEFAULTS, ...flags}
    const ctx = contextFor(all)
    // a credential plugin (exec, auth-provider) runs only for a command line oclif has accepted: it may prompt, open a
    // browser, or take seconds
    const user = ctx.raw?.user?.user ?? {}
    if (user.exec || user['auth-provider']) return false
    const {client, namespace} = connectTo(ctx, all)
    const ns = flags['kserve-namespace'] as string | undefined
    client.sendAhead()
    // what readKServe and inspect start with (core/kserve-state.ts, core/inspect.ts), in the same words
    for (const p of [
      kserve.listStorageContainers(client),
      kserve.getController(client, ns ?? 'kserve'),
      kserve.findConfigMap(client, ns),
      kserve.listLlmInferenceServices(client),
    ])
      p.catch(() => undefined)
    pending = {key: readsKey(flags), client, namespace}
    mark('prefetch started')
    return true
  } catch {
    // a kubeconfig the client cannot be made from: the command says so, in its own words
    return false
  }
}

/** The prefetched reads, when they are the ones these flags (as oclif parsed them) would make; else closed, and none. */
export function takePrefetch(flags: Record<string, unknown>): Prefetch | undefined {
  const p = pending
  pending = undefined
  if (!p) return undefined
  p.client.aheadDone()
  if (p.key === readsKey(flags)) return p
  p.client.close()
  return undefined
}

/** Close reads no command took (a usage error, or flags read otherwise by oclif). */
export function dropPrefetch(): void {
  pending?.client.close()
  pending = undefined
}
