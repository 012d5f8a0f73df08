import {KubeClient} from './client.js'
import {kubeconfigFiles, mergeKubeconfigs, resolveContext, type Overrides} from './kubeconfig.js'
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
  const timeoutMs = parseRequestTimeout(flags['request-timeout'])
  const ctx = resolveContext(mergeKubeconfigs(kubeconfigFiles(flags.kubeconfig)), flags.context, flags)
  return {client: new KubeClient(ctx, {timeoutMs, debug, chunkSize: flags['chunk-size']}), namespace: flags.namespace || ctx.namespace}
}
