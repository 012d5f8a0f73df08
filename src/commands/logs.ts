/** `logs`: the flags and their checks, wired to core/logs.ts (which pods, their streams) and render/ (lines, summary). */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import {CliError} from '../errors.js'

export default class Logs extends BaseCommand<typeof Logs> {
  static override summary = 'Stream the storage-initializer logs of every pod of a model, in one stream'
  static override description =
    "Finds the pods through KServe's labels (serving.kserve.io/inferenceservice) and shows their storage-initializer (and modelcar-init) logs, prefixed like kubectl logs --prefix. Pods whose init container has not run or cannot run get one status line with the reason instead. With -f, follows every pod at once (at most --max-log-requests streams; the others wait their turn), attaches to pods created later as soon as their init container starts, ends each with a summary line (exit code, reason, download time). A broken stream, followed or not, is resumed without repeating or losing lines. Status lines go to stderr, log lines to stdout."
  static override examples = [
    '<%= config.bin %> logs my-model -n ml',
    '<%= config.bin %> logs my-model -n ml -f',
    '<%= config.bin %> logs --all -n ml --since 1h -o json',
    '<%= config.bin %> logs -A --summary',
    '<%= config.bin %> logs --pod my-model-predictor-abc -n ml --previous',
  ]
  static override args = {isvc: Args.string({description: 'The InferenceService or LLMInferenceService (or pod/NAME for one pod)'})}
  static override flags = {
    selector: Flags.string({char: 'l', description: "Pods with these labels (kubectl's selector syntax)"}),
    pod: Flags.string({description: 'One pod, by name'}),
    all: Flags.boolean({description: 'Every InferenceService in the namespace'}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Every namespace'}),
    container: Flags.string({char: 'c', description: 'Another container than storage-initializer'}),
    follow: Flags.boolean({char: 'f', description: 'Stream, and attach to pods created later'}),
    previous: Flags.boolean({char: 'p', description: 'The log of the previous (restarted) run of the init container'}),
    timestamps: Flags.boolean({description: "Show each line's timestamp"}),
    since: Flags.string({description: 'Only lines newer than this duration (5s, 2m, 3h)'}),
    'since-time': Flags.string({description: 'Only lines after this RFC 3339 time'}),
    tail: Flags.integer({description: 'Lines from the end of each log (-1: all)', default: -1}),
    // kubectl logs --prefix: the default here; --no-prefix and --prefix=false turn it off
    prefix: Flags.boolean({
      description: 'Prefix each line with [pod/NAME/CONTAINER] (the default; --no-prefix or --prefix=false: none)',
      default: true,
      allowNo: true,
    }),
    'max-log-requests': Flags.integer({
      description: 'Streams open at once; the others queue (kubectl -f refuses more streams than this; here they wait their turn)',
      default: 50,
      min: 1,
    }),
    summary: Flags.boolean({
      description: "No log lines: one row per InferenceService with its pods' storage-initializer outcomes and download times",
    }),
    output: Flags.string({char: 'o', description: 'json: one JSON object per line (with --summary: a JSON document)', options: ['json']}),
    color: Flags.string({
      description: 'Colour the pod prefixes: auto (a terminal, and no NO_COLOR), always or never',
      options: ['auto', 'always', 'never'],
      default: 'auto',
    }),
    include: Flags.string({description: 'Only lines matching this regular expression (repeat for several)', multiple: true}),
    exclude: Flags.string({char: 'e', description: 'No lines matching this regular expression (repeat for several)', multiple: true}),
    highlight: Flags.string({description: 'Colour what this regular expression matches (repeat for several)', multiple: true}),
    'limit-bytes': Flags.integer({description: 'At most this many bytes of each log', min: 1}),
    'ignore-errors': Flags.boolean({description: 'Keep following the other pods when one log cannot be read'}),
    'only-log-lines': Flags.boolean({description: 'Print log lines only: no status or summary lines'}),
    'no-headers': Flags.boolean({description: 'With --summary: no column headers'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Logs)
    const f = this.flags
    // kubectl logs pod/NAME
    let pod = f.pod
    if (args.isvc?.startsWith('pod/') || args.isvc?.startsWith('pods/')) {
      if (pod) throw new CliError('Usage', 'give the pod once: pod/NAME or --pod NAME')
      pod = args.isvc.slice(args.isvc.indexOf('/') + 1)
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
    const ways = [args.isvc !== undefined, f.selector !== undefined, pod !== undefined, f.all].filter(Boolean).length
    if (ways > 1) throw new CliError('Usage', 'give only one of ISVC, -l, --pod and --all')
    if (ways === 0 && !f['all-namespaces'] && !f.summary)
      throw new CliError('Usage', 'which pods? give an InferenceService, -l SELECTOR, --pod NAME, --all or -A')
    if (f.since && f['since-time']) throw new CliError('Usage', 'at most one of --since and --since-time may be given')
    if (f['since-time'] && Number.isNaN(Date.parse(f['since-time'])))
      throw new CliError('Usage', `--since-time "${f['since-time']}" is not an RFC 3339 time such as 2026-11-25T10:00:00Z`)
    if (pod && f['all-namespaces']) throw new CliError('Usage', '--pod needs a namespace (-n), not -A')
    const {parseDuration} = await import('../kube/timeout.js')
    // as kubectl: --since 0 means no limit (the API server refuses sinceSeconds=0 with 422); a fraction rounds up
    const sinceSeconds = f.since ? Math.ceil(parseDuration('since', f.since) / 1000) || undefined : undefined
    // a name goes into a label selector: it must be a Kubernetes name, or `a,b=c` would widen the selection
    if (args.isvc !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.isvc))
      throw new CliError(
        'Usage',
        `"${args.isvc}" is not a valid InferenceService name: lower-case letters, digits and '-', starting and ending with a letter or digit`,
      )
    const {client, namespace} = await this.connect()
    const core = await import('../core/logs.js')
    const sel = await core.selectPods(client, namespace, {model: args.isvc, selector: f.selector, pod, allNamespaces: f['all-namespaces']})
    if (sel.note) this.printErr(`${sel.note}\n`)
    if (f.summary) {
      const rows = await core.summarisePods(client, sel)
      const summary = await import('../render/log-summary.js')
      if (f.output === 'json') return this.print(summary.summaryJson(rows))
      if (rows.length === 0) {
        await core.namespaceMustExist(client, sel.namespace)
        return void this.printErr(summary.NO_MODEL_PODS)
      }
      return this.print(summary.summaryTable(rows, {withNamespace: !sel.namespace, headers: !f['no-headers']}))
    }
    const {makePrinter, noPodsFound, useColor, withIdleSpinner} = await import('../render/logs.js')
    const print = makePrinter({
      json: f.output === 'json',
      prefix: f.prefix,
      timestamps: f.timestamps,
      withNamespace: !sel.namespace,
      color: {stdout: useColor(f.color, process.stdout), stderr: useColor(f.color, process.stderr)},
      include,
      exclude,
      highlight,
      onlyLogLines: f['only-log-lines'],
      out: t => void process.stdout.write(t),
      err: t => void process.stderr.write(t),
    })
    // following, on a terminal: a spinner while nothing arrives, taken down before each line
    const idle = f.follow && f.output !== 'json' ? await withIdleSpinner(print, sel, args.isvc) : undefined
    const ac = new AbortController()
    const stop = () => ac.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      const {pods} = await core.runLogs(
        client,
        sel,
        {
          follow: f.follow,
          previous: f.previous,
          tail: f.tail,
          sinceSeconds,
          sinceTime: f['since-time'],
          container: f.container,
          maxRequests: f['max-log-requests'],
          limitBytes: f['limit-bytes'],
          ignoreErrors: f['ignore-errors'],
          // kubectl logs -f refuses more streams than --max-log-requests; this queues them, and says so once
          onQueue: max =>
            this.printErr(
              `note: more than ${max} log streams to follow: at most ${max} are followed at once, the others wait their turn (kubectl logs -f would refuse; --max-log-requests raises the limit)\n`,
            ),
        },
        idle?.emit ?? print,
        ac.signal,
      )
      if (pods === 0 && !f.follow) this.printErr(noPodsFound(sel))
    } finally {
      idle?.stop()
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
    }
  }
}
