/**
 * Completion candidates for the word after `prev` in a command line being completed: contexts from the kubeconfig,
 * fixed values of a few flags, and names read from the cluster (ClusterStorageContainers, recorded revisions, models,
 * pods), each read with a short timeout and given up quietly (completion never prints an error).
 */
import type {KubeClient} from '../kube/client.js'
import {listObjects, type Selector} from '../kube/objects.js'
import type {Resource} from '../kube/paths.js'

/** The command line's flags, as completion reads them (no parsing: the line is incomplete). */
export type FlagOf = (name: string) => string | undefined

const OUTPUTS: Record<string, string[]> = {
  validate: ['json', 'yaml', 'sarif'],
  logs: ['json'],
  diagnose: ['json', 'yaml'],
}
const DEFAULT_OUTPUTS = [
  'json',
  'yaml',
  'wide',
  'name',
  'jsonpath=',
  'jsonpath-as-json=',
  'jsonpath-file=',
  'custom-columns=',
  'custom-columns-file=',
]

/** Flags whose value is a file: the shell completes it (Cobra's default directive). */
export const FILE_FLAGS = ['-f', '--filename', '--kubeconfig', '--certificate-authority', '--client-certificate', '--client-key']

/** Candidates for the value after `prev` in command `cmd` (those not starting with the partial word are dropped by the caller). */
export async function completeValue(cmd: string, prev: string, flag: FlagOf): Promise<string[]> {
  if (prev === '--context') {
    const {kubeconfigFiles, mergeKubeconfigs} = await import('../kube/kubeconfig.js')
    return mergeKubeconfigs(kubeconfigFiles(flag('--kubeconfig'))).contexts.map(c => c.name)
  }
  if (prev === '-o' || prev === '--output') return OUTPUTS[cmd] ?? DEFAULT_OUTPUTS
  if (prev === '--dry-run') return ['none', 'client', 'server']
  const what = prev === '-n' || prev === '--namespace' ? 'namespace' : clusterWord(cmd, prev)
  if (!what) return []
  const {connect} = await import('../kube/connect.js')
  const {client, namespace} = connect({
    kubeconfig: flag('--kubeconfig'),
    context: flag('--context'),
    namespace: flag('-n') ?? flag('--namespace'),
    'request-timeout': '2s',
  })
  try {
    return await fromCluster(client, what, namespace, flag('--kserve-namespace'))
  } finally {
    client.close()
  }
}

type ClusterWord = 'target' | 'revision' | 'llmisvc' | 'model' | 'pod' | 'namespace'

/** Which cluster names complete the word after `prev`, if any. */
function clusterWord(cmd: string, prev: string): ClusterWord | undefined {
  if (prev === '--target') return 'target'
  // rollback --to-revision N, rollback N, history --revision N: the recorded revisions
  if (prev === '--to-revision' || (cmd === 'history' && prev === '--revision') || (cmd === 'rollback' && !prev.startsWith('-')))
    return 'revision'
  if (prev === '--llmisvc') return 'llmisvc'
  // --isvc, logs and diagnose take either kind of model
  if (prev === '--isvc' || ((cmd === 'logs' || cmd === 'diagnose') && !prev.startsWith('-'))) return 'model'
  if (prev === '--pod') return 'pod'
  return undefined
}

async function fromCluster(
  client: KubeClient,
  what: ClusterWord,
  namespace: string,
  kserveNamespace: string | undefined,
): Promise<string[]> {
  const names = async (resource: Resource, s: Selector = {}) =>
    (await listObjects<{metadata: {name: string}}>(client, resource, s).catch(() => [])).map(i => i.metadata.name)
  const llms = () => names('llminferenceservices', {namespace})
  switch (what) {
    case 'target':
      return ['configmap', 'all', ...(await names('clusterstoragecontainers')).map(n => `storage-container/${n}`)]
    case 'revision': {
      const {findConfigMap} = await import('../kube/kserve.js')
      const {readHistory} = await import('../kube/history-store.js')
      const ns = (await findConfigMap(client, kserveNamespace)).namespace
      return (await readHistory(client, ns)).records.map(r => String(r.revision))
    }
    case 'llmisvc':
      return llms()
    case 'model':
      return [...new Set([...(await names('inferenceservices', {namespace})), ...(await llms())])]
    case 'pod':
      return names('pods', {namespace, labelSelector: 'serving.kserve.io/inferenceservice'})
    case 'namespace':
      return names('namespaces')
  }
}
