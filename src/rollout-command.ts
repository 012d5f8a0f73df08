/** What `rollout` and `rollout status` share: the selection, the run, its lines or JSON events, the summary and the record. */
import type {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from './base-command.js'
import {redactArgv} from './domain/redact.js'
import {CliError} from './errors.js'

export const rolloutFlags = {
  all: Flags.boolean({description: 'Every model in the namespace'}),
  'all-namespaces': Flags.boolean({char: 'A', description: 'Every model in every namespace'}),
  llmisvc: Flags.boolean({description: 'NAME is an LLMInferenceService (found without it when no InferenceService has that name)'}),
  timeout: Flags.string({
    description: 'How long to wait for the models to run the new storage-initializer (a Go duration: 90s, 10m; 0: forever)',
    default: '10m',
  }),
  output: Flags.string({
    char: 'o',
    description: 'json: one event per line (planned, started, progress, done, failed, skipped, timeout, then finished)',
    options: ['json'],
  }),
}

interface RolloutFlagValues {
  all: boolean
  'all-namespaces': boolean
  llmisvc: boolean
  timeout: string
  output?: string
  'kserve-namespace'?: string
}

/** How a rollout runs, as each command (rollout, rollout status, set-* --rollout) asks for it. */
type RollMode = Pick<
  import('./core/rollout.js').RolloutOptions,
  'statusOnly' | 'watch' | 'dryRun' | 'maxParallel' | 'includeOwned' | 'ignoreMaxUnavailable' | 'fieldManager'
>

export abstract class RolloutCommand<T extends typeof Command> extends BaseCommand<T> {
  protected async roll(name: string | undefined, o: RollMode): Promise<void> {
    const f = this.flags as unknown as RolloutFlagValues
    const every = f.all || f['all-namespaces']
    const cmd = `kubectl storage-init ${this.id?.replace(':', ' ')}`
    if (name && every) throw new CliError('Usage', "give a model's name or --all/-A, not both", {hint: `${cmd} NAME -n NAMESPACE`})
    if (!name && !every)
      throw new CliError('Usage', `${cmd} needs the name of a model, or --all (-n NAMESPACE) or -A`, {hint: `${cmd} NAME -n NAMESPACE`})
    const {goDurationMs} = await import('./domain/duration.js')
    const timeoutMs = f.timeout === '0' ? Infinity : goDurationMs(f.timeout)
    if (timeoutMs === undefined)
      throw new CliError('Usage', `--timeout "${f.timeout}" is not a duration`, {
        hint: 'a Go duration such as 90s, 10m or 1h; 0 waits forever',
      })
    const {client, namespace} = await this.connect()
    await followRollout(
      client,
      {
        kserveNamespace: f['kserve-namespace'],
        select: name
          ? {name, namespace, ...(f.llmisvc ? {kind: 'LLMInferenceService' as const} : {})}
          : {all: true, namespace: f['all-namespaces'] ? undefined : namespace},
        timeoutMs,
        json: f.output === 'json',
        ...o,
      },
      {
        print: t => this.print(t),
        printErr: t => this.printErr(t),
        command: ['kubectl storage-init', 'rollout', ...redactArgv(this.argv)].join(' '),
      },
    )
  }
}

/** Where a rollout's lines go: stdout, stderr (both through the terminal boundary), and its command line for the record. */
export interface RolloutIO {
  print(text: string): void
  printErr(text: string): void
  command: string
}

/**
 * Run a rollout and say how it went: the view or the event lines, the summary, each failure's fix, the record beside
 * the change; the exit status (0: every selected model done; 1: something left; 130…: interrupted). Shared by rollout,
 * rollout status and set-* --rollout.
 */
export async function followRollout(
  client: import('./kube/client.js').KubeClient,
  o: RollMode & {
    kserveNamespace?: string
    select: import('./core/rollout.js').RolloutOptions['select']
    timeoutMs: number
    json: boolean
  },
  io: RolloutIO,
): Promise<void> {
  const [core, {guardInterrupts}] = await Promise.all([import('./core/rollout.js'), import('./interrupts.js')])
  const json = o.json
  // a terminal gets the progress view, redrawn in place; a pipe gets the events as lines
  const view =
    !json && process.stdout.isTTY && !process.env.NO_PROGRESS_VIEW
      ? new (await import('./render/rollout-view.js')).RolloutView(
          raw => process.stdout.write(raw),
          () => process.stdout.columns || 120,
        )
      : undefined
  const guard = guardInterrupts(line => io.printErr(`${line}\n`))
  // held throughout: an interrupt ends the following, and what was done is still said and recorded
  guard.hold()
  const started = new Date().toISOString()
  let result: import('./core/rollout.js').RolloutResult
  try {
    result = await core.runRollout(client, {
      kserveNamespace: o.kserveNamespace,
      select: o.select,
      dryRun: o.dryRun,
      statusOnly: o.statusOnly,
      watch: o.watch,
      maxParallel: o.maxParallel,
      timeoutMs: o.timeoutMs,
      pollMs: Number(process.env.STORAGE_INIT_POLL_MS) > 0 ? Number(process.env.STORAGE_INIT_POLL_MS) : 1000,
      includeOwned: o.includeOwned,
      ignoreMaxUnavailable: o.ignoreMaxUnavailable,
      fieldManager: o.fieldManager,
      interrupted: () => guard.requested !== undefined,
      emit: e =>
        view
          ? view.event(e)
          : io.print(
              json
                ? JSON.stringify(e) + '\n'
                : `${e.model ? `${core.display(e.model)}: ` : ''}${e.type === 'progress' || e.type === 'planned' ? '' : `${e.type}: `}${e.message}\n`,
            ),
    })
  } finally {
    guard.release()
  }
  // not done: failed, still rolling, or left alone (owned) while its pods run the previous storage-initializer
  const left = result.models.filter(m => m.state !== 'done' && (m.state !== 'skipped' || m.current < m.pods))
  const failed = result.models.filter(m => m.state === 'failed')
  const done = result.models.filter(m => m.state === 'done')
  const names = (ms: typeof left) => ms.map(m => core.display(m.model)).join(', ')
  const waiting = left.filter(m => m.state !== 'failed')
  const summary = o.dryRun
    ? `${result.models.filter(m => m.state === 'pending').length} model(s) would be rolled (--dry-run: nothing was changed)`
    : `${done.length} of ${result.models.length} model(s) run the new storage-initializer` +
      (failed.length ? `; failed: ${names(failed)}` : '') +
      (waiting.length
        ? `; not done${result.ended === 'timeout' ? ' in time' : result.ended === 'interrupted' ? ' (interrupted)' : ''}: ${names(waiting)}`
        : '')
  if (json)
    io.print(
      JSON.stringify({
        type: 'finished',
        time: new Date().toISOString(),
        message: summary,
        ...(result.ended ? {ended: result.ended} : {}),
      }) + '\n',
    )
  else io.printErr(`${summary}\n`)
  if (!json) for (const m of failed) if (m.fix) io.printErr(`${core.display(m.model)}: fix: ${m.fix}\n`)
  // recorded beside the change that caused it (not a dry run, nor rollout status)
  if (!o.dryRun && !o.statusOnly && result.models.some(m => m.rolled)) {
    const note = await core
      .recordRollout(client, result.namespace, {
        time: started,
        command: io.command,
        models: result.models,
      })
      .catch(e => `the rollout could not be recorded in the history: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`)
    io.printErr(`${note ?? `recorded beside the newest revision in configmap ${result.namespace}/storage-initializer-history`}\n`)
  }
  guard.dispose()
  if (guard.requested) process.exitCode = guard.exitCode
  else if (!o.dryRun && left.length) process.exitCode = 1
}
