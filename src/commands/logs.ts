import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import {CliError} from '../errors.js'
import {apiPath} from '../kube/paths.js'
import {API_VERSION} from '../domain/api-version.js'

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = 'Stream the storage-initializer logs of every pod of a model, in one stream'
  static override description =
    'Finds the pods through KServe\'s labels (serving.kserve.io/inferenceservice) and shows their storage-initializer (and modelcar-init) logs, prefixed like kubectl logs --prefix. Pods whose init container has not run or cannot run get one status line with the reason instead. With -f, follows every pod at once (at most --max-log-requests streams; the others wait their turn), attaches to pods created later as soon as their init container starts, ends each with a summary line (exit code, reason, download time), and resumes a broken stream without repeating or losing lines. Status lines go to stderr, log lines to stdout.'
  static override examples = [
    '<%= config.bin %> logs my-model -n ml',
    '<%= config.bin %> logs my-model -n ml -f',
    '<%= config.bin %> logs --all -n ml --since 1h -o json',
    '<%= config.bin %> logs -A --summary',
    '<%= config.bin %> logs --pod my-model-predictor-abc -n ml --previous',
  ]
  static override args = {isvc: Args.string({description: 'The InferenceService or LLMInferenceService (or pod/NAME for one pod)'})}
  static override flags = {
    selector: Flags.string({char: 'l', description: 'Pods with these labels (kubectl\'s selector syntax)'}),
    pod: Flags.string({description: 'One pod, by name'}),
    all: Flags.boolean({description: 'Every InferenceService in the namespace'}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Every namespace'}),
    container: Flags.string({char: 'c', description: 'Another container than storage-initializer'}),
    follow: Flags.boolean({char: 'f', description: 'Stream, and attach to pods created later'}),
    previous: Flags.boolean({char: 'p', description: 'The log of the previous (restarted) run of the init container'}),
    timestamps: Flags.boolean({description: 'Show each line\'s timestamp'}),
    since: Flags.string({description: 'Only lines newer than this duration (5s, 2m, 3h)'}),
    'since-time': Flags.string({description: 'Only lines after this RFC 3339 time'}),
    tail: Flags.integer({description: 'Lines from the end of each log (-1: all)', default: -1}),
    'no-prefix': Flags.boolean({description: 'Do not prefix lines with [pod/NAME/CONTAINER]'}),
    'max-log-requests': Flags.integer({description: 'Streams open at once; the others queue', default: 50, min: 1}),
    summary: Flags.boolean({description: 'No log lines: one row per InferenceService with its pods\' storage-initializer outcomes and download times'}),
    output: Flags.string({char: 'o', description: 'json: one JSON object per line (with --summary: a JSON document)', options: ['json']}),
    color: Flags.string({description: 'Colour the pod prefixes: auto (a terminal, and no NO_COLOR), always or never', options: ['auto', 'always', 'never'], default: 'auto'}),
    include: Flags.string({description: 'Only lines matching this regular expression (repeat for several)', multiple: true}),
    exclude: Flags.string({char: 'e', description: 'No lines matching this regular expression (repeat for several)', multiple: true}),
    highlight: Flags.string({description: 'Colour what this regular expression matches (repeat for several)', multiple: true}),
    'limit-bytes': Flags.integer({description: 'At most this many bytes of each log', min: 1}),
    'ignore-errors': Flags.boolean({description: 'Keep following the other pods when one log cannot be read'}),
    'only-log-lines': Flags.boolean({description: 'Print log lines only: no status or summary lines'}),
    'no-headers': Flags.boolean({description: 'With --summary: no column headers'}),
  }

  /** kubectl says when a namespace does not exist, rather than finding nothing in it. */
  private async namespaceMustExist(client: import('../kube/client.js').KubeClient, namespace: string | undefined): Promise<void> {
    if (!namespace) return
    const {isApiStatus} = await import('../errors.js')
    try {
      await client.get(apiPath('namespaces', {name: namespace}))
    } catch (e) {
      if (isApiStatus(e, 404)) throw new CliError('NotFound', `namespaces "${namespace}" not found`)
      // forbidden to read namespaces: say nothing more
    }
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Logs)
    const f = this.flags
    // kubectl logs pod/NAME
    if (args.isvc?.startsWith('pod/') || args.isvc?.startsWith('pods/')) {
      if (f.pod) throw new CliError('Usage', 'give the pod once: pod/NAME or --pod NAME')
      ;(f as {pod?: string}).pod = args.isvc.slice(args.isvc.indexOf('/') + 1)
      args.isvc = undefined
    }
    const regexes = (flag: string, list: string[] | undefined) =>
      (list ?? []).map(r => {
        try {
          return new RegExp(r)
        } catch (e) {
          throw new CliError('Usage', `--${flag} ${JSON.stringify(r)} is not a regular expression: ${(e as Error).message}`)
        }
      })
    const include = regexes('include', f.include)
    const exclude = regexes('exclude', f.exclude)
    const highlight = regexes('highlight', f.highlight)
    const ways = [args.isvc !== undefined, f.selector !== undefined, f.pod !== undefined, f.all].filter(Boolean).length
    if (ways > 1) throw new CliError('Usage', 'give only one of ISVC, -l, --pod and --all')
    if (ways === 0 && !f['all-namespaces'] && !f.summary) throw new CliError('Usage', 'which pods? give an InferenceService, -l SELECTOR, --pod NAME, --all or -A')
    if (f.since && f['since-time']) throw new CliError('Usage', 'at most one of --since and --since-time may be given')
    if (f['since-time'] && Number.isNaN(Date.parse(f['since-time']))) throw new CliError('Usage', `--since-time "${f['since-time']}" is not an RFC 3339 time such as 2026-11-25T10:00:00Z`)
    if (f.pod && f['all-namespaces']) throw new CliError('Usage', '--pod needs a namespace (-n), not -A')
    const {parseDuration} = await import('../kube/timeout.js')
    // as kubectl: --since 0 means no limit (the API server refuses sinceSeconds=0 with 422); a fraction rounds up
    const sinceSeconds = f.since ? Math.ceil(parseDuration('since', f.since) / 1000) || undefined : undefined
    // a name goes into a label selector: it must be a Kubernetes name, or `a,b=c` would widen the selection
    if (args.isvc !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.isvc))
      throw new CliError('Usage', `"${args.isvc}" is not a valid InferenceService name: lower-case letters, digits and '-', starting and ending with a letter or digit`)
    const {client, namespace} = await this.connect()
    const {llmPodSelector} = await import('../domain/llmisvc.js')
    let labelSelectors = f.selector ? [f.selector] : ['serving.kserve.io/inferenceservice', llmPodSelector()]
    if (args.isvc !== undefined) {
      // an InferenceService of that name, else an LLMInferenceService: their pods carry different labels
      const {findInferenceService, findLlmInferenceService} = await import('../kube/kserve.js')
      const [isvc, llm] = await Promise.all([findInferenceService(client, namespace, args.isvc), findLlmInferenceService(client, namespace, args.isvc)])
      if (!isvc && !llm)
        throw new CliError('NotFound', `inferenceservice "${args.isvc}" not found in namespace "${namespace}" (nor an llminferenceservice)`, {hint: `list them with: kubectl get inferenceservices,llminferenceservices -n ${namespace}`})
      labelSelectors = [...(isvc ? [`serving.kserve.io/inferenceservice=${args.isvc}`] : []), ...(llm ? [llmPodSelector(args.isvc)] : [])]
    }
    const sel = {namespace: f['all-namespaces'] ? undefined : namespace, pod: f.pod, labelSelectors}
    const core = await import('../core/logs.js')
    if (f.summary) {
      const rows = await core.summarisePods(client, sel)
      if (f.output === 'json') return this.print(JSON.stringify({apiVersion: API_VERSION, kind: 'StorageInitializerSummary', items: rows}, null, 2) + '\n')
      const {table} = await import('../render/table.js')
      if (rows.length === 0) {
        await this.namespaceMustExist(client, sel.namespace)
        return process.stderr.write('No InferenceService or LLMInferenceService pods found.\n') as unknown as void
      }
      const secs = (n: number | null) => (n === null ? '-' : `${n.toFixed(1)}s`)
      this.print(
        table(
          [...(sel.namespace ? [] : ['namespace']), 'model', 'pods', 'succeeded', 'failed', 'initializing', 'image', 'median', 'slowest'],
          rows.map(r => [...(sel.namespace ? [] : [r.namespace]), `${r.kind === 'LLMInferenceService' ? 'llminferenceservice' : 'inferenceservice'}/${r.inferenceService}`, r.pods, r.succeeded, Object.entries(r.failed).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${v} ${k}`).join(', ') || '0', r.initializing, r.images.join(' '), secs(r.medianSeconds), secs(r.slowestSeconds)]),
        )
          .split('\n')
          .slice(f['no-headers'] ? 1 : 0)
          .join('\n') + '\n',
      )
      return
    }
    const {makePrinter, useColor} = await import('../render/logs.js')
    const print = makePrinter({
      json: f.output === 'json',
      prefix: !f['no-prefix'],
      timestamps: f.timestamps,
      withNamespace: !sel.namespace,
      color: {stdout: useColor(f.color, process.stdout), stderr: useColor(f.color, process.stderr)},
      include,
      exclude,
      highlight,
      onlyLogLines: f['only-log-lines'],
    })
    // following, on a terminal: a spinner while nothing arrives, taken down before each line
    let idle: {touch(): void; stop(): void} | undefined
    const live = new Set<string>()
    if (f.follow && f.output !== 'json') {
      const {whileIdle} = await import('../render/progress.js')
      const what = sel.pod ? `pod ${sel.pod}` : args.isvc ? `${args.isvc}` : sel.labelSelectors.join(' or ') || 'pods'
      idle = whileIdle(() => (live.size === 0 ? `waiting for the storage-initializer of ${what} to start (Ctrl-C to stop)` : `following ${live.size} storage-initializer log(s); waiting for lines or new pods (Ctrl-C to stop)`))
    }
    const emit: typeof print = e => {
      if (idle) {
        idle.touch()
        const id = `${e.namespace}/${e.pod}/${e.container}`
        if (e.type === 'line') live.add(id)
        else if (e.type === 'done') live.delete(id)
      }
      print(e)
    }
    const ac = new AbortController()
    const stop = () => ac.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      const {pods, containers, first} = await core.runLogs(
        client,
        sel,
        {follow: f.follow, previous: f.previous, tail: f.tail, sinceSeconds, sinceTime: f['since-time'], container: f.container, maxRequests: f['max-log-requests'], limitBytes: f['limit-bytes'], ignoreErrors: f['ignore-errors']},
        emit,
        ac.signal,
      )
      if (pods === 0) await this.namespaceMustExist(client, sel.namespace)
      // as kubectl logs -c: a container no pod has is an error
      if (f.container && pods > 0 && containers === 0) throw new CliError('NotFound', `container ${f.container} is not valid for ${pods === 1 ? `pod ${first}` : `any of the ${pods} pods`}`)
      if (pods === 0 && !f.follow) process.stderr.write(`No storage-initializer pods found${sel.namespace ? ` in namespace ${sel.namespace}` : ''} (selector ${sel.pod ? `pod ${sel.pod}` : sel.labelSelectors.join(' or ')}).\n`)
    } finally {
      idle?.stop()
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}
