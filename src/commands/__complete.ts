import {BaseCommand} from '../base-command.js'
import {apiPath} from '../kube/paths.js'

/** Candidates for the last (partial) argument, one per line, then Cobra's ":4" (no file completion). */
export default class Complete extends BaseCommand<typeof Complete> {
  static override hidden = true
  static override strict = false
  static override summary = 'Completion candidates (run by kubectl_complete-storage_init)'

  /** The words are not flags to parse: they are the command line being completed. */
  public override async init(): Promise<void> {
    this.flags = {} as typeof this.flags
  }

  async run(): Promise<void> {
    const words = this.argv
    const partial = words[words.length - 1] ?? ''
    const before = words.slice(0, -1)
    const commands = this.config.commands.filter(c => !c.hidden).map(c => c.id)
    const out: string[] = []
    const cmd = before.find(w => commands.includes(w))
    if (!cmd) out.push(...commands)
    else if (partial.startsWith('-')) {
      const c = this.config.findCommand(cmd)
      for (const [name, f] of Object.entries(c?.flags ?? {})) {
        out.push(`--${name}`)
        if ((f as {char?: string}).char) out.push(`-${(f as {char?: string}).char}`)
      }
    } else out.push(...(await this.live(cmd, before[before.length - 1] ?? '', before).catch(() => [])))
    this.print(out.filter(x => x.startsWith(partial)).join('\n') + (out.length ? '\n' : '') + ':4\n')
  }

  /** Names that come from the cluster or the kubeconfig. */
  private async live(cmd: string, prev: string, words: string[]): Promise<string[]> {
    const flag = (name: string) => {
      const i = words.indexOf(name)
      return i >= 0 ? words[i + 1] : undefined
    }
    const {kubeconfigFiles, mergeKubeconfigs} = await import('../kube/kubeconfig.js')
    if (prev === '--context') return mergeKubeconfigs(kubeconfigFiles(flag('--kubeconfig'))).contexts.map(c => c.name)
    if (prev === '-o' || prev === '--output') return cmd === 'validate' ? ['json', 'yaml', 'sarif'] : cmd === 'logs' ? ['json'] : ['json', 'yaml', 'wide', 'name', 'jsonpath=', 'jsonpath-as-json=', 'jsonpath-file=']
    if (prev === '--dry-run') return ['none', 'client', 'server']
    const {connect} = await import('../kube/connect.js')
    const {client, namespace} = connect({kubeconfig: flag('--kubeconfig'), context: flag('--context'), namespace: flag('-n') ?? flag('--namespace'), 'request-timeout': '2s'})
    try {
      if (prev === '--target') {
        const l = await client.get(apiPath('clusterstoragecontainers')).catch(() => ({items: []}))
        return ['configmap', 'all', ...l.items.map((c: any) => `storage-container/${c.metadata.name}`)]
      }
      // rollback --to-revision N, rollback N, history --revision N: the recorded revisions
      if (prev === '--to-revision' || (cmd === 'history' && prev === '--revision') || (cmd === 'rollback' && !prev.startsWith('-'))) {
        const {findConfigMap} = await import('../kube/kserve.js')
        const {readHistory} = await import('../core/change.js')
        const ns = (await findConfigMap(client, flag('--kserve-namespace'))).namespace
        return (await readHistory(client, ns)).records.map(r => String(r.revision))
      }
      const names = async (path: string) => ((await client.get(path).catch(() => ({items: []}))).items as any[]).map(i => i.metadata.name as string)
      const isvcs = () => names(apiPath('inferenceservices', {namespace}))
      const llms = () => names(apiPath('llminferenceservices', {namespace}))
      if (prev === '--llmisvc') return await llms()
      // --isvc and logs take either kind of model
      if (prev === '--isvc' || (cmd === 'logs' && !prev.startsWith('-'))) return [...new Set([...(await isvcs()), ...(await llms())])]
      if (prev === '--pod') return (await client.get(apiPath('pods', {namespace}), {labelSelector: 'serving.kserve.io/inferenceservice'})).items.map((p: any) => p.metadata.name)
      return []
    } finally {
      client.close()
    }
  }
}
