import {KubeClient} from './client.js'
import {kubeconfigFiles, mergeKubeconfigs, resolveContext, type Overrides, type ResolvedContext} from './kubeconfig.js'
import {parseRequestTimeout} from './timeout.js'

export interface ConnectFlags extends Overrides {
  kubeconfig?: string
  context?: string
  namespace?: string
  'request-timeout'?: string
  'chunk-size'?: number
}

/** A client for the context kubectl would use with the same flags and environment. */
export function connect(flags: ConnectFlags, debug?: (line: string) => void): {client: KubeClient; namespace: string} {
  return connectTo(contextFor(flags), flags, debug)
}

/** The context kubectl would use with these flags and environment (kubeconfig files merged, overrides applied). */
export function contextFor(flags: ConnectFlags): ResolvedContext {
  return resolveContext(mergeKubeconfigs(kubeconfigFiles(flags.kubeconfig)), flags.context, flags)
}

/** A client for a context resolved by contextFor with the same flags. */
export function connectTo(
  ctx: ResolvedContext,
  flags: ConnectFlags,
  debug?: (line: string) => void,
): {client: KubeClient; namespace: string} {
  const timeoutMs = parseRequestTimeout(flags['request-timeout'])
  return {client: new KubeClient(ctx, {timeoutMs, debug, chunkSize: flags['chunk-size']}), namespace: flags.namespace || ctx.namespace}
}
