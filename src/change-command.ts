/** The part every changing command shares: run the pipeline, then print diff, objects, report, warnings. */
import type {Command} from '@oclif/core/command'

import {BaseCommand} from './base-command.js'
import {CliError} from './errors.js'
import {redactArgv} from './domain/redact.js'
import {guardInterrupts, type InterruptGuard} from './interrupts.js'
import type {ChangeOptions, DryRun, Outcome, Planner} from './core/change.js'
import type {KubeClient} from './kube/client.js'
import type {OutcomeFlags, OutcomeOptions} from './render/outcome.js'

export interface ChangeFlagValues extends OutcomeFlags {
  rollout?: boolean
  'rollout-timeout'?: string
  'field-manager': string
  'history-limit': number
  strict: boolean
  'kserve-namespace'?: string
}

export abstract class ChangeCommand<T extends typeof Command> extends BaseCommand<T> {
  private warned = new Set<string>()
  private interrupts?: InterruptGuard

  protected get changeFlags(): ChangeFlagValues {
    return this.flags as unknown as ChangeFlagValues
  }

  /** The command line as the history records it: credentials masked (domain/redact.ts). */
  protected commandLine(): string {
    return ['kubectl storage-init', this.id, ...redactArgv(this.argv)].join(' ')
  }

  /** the client of the change, for --rollout after it */
  private changeClient?: KubeClient

  protected async change(client: KubeClient, plan: Planner, extra: Partial<ChangeOptions> = {}): Promise<Outcome> {
    this.changeClient = client
    const f = this.changeFlags
    // --rollout's timeout is checked before anything is written
    if (f.rollout && (await import('./domain/duration.js')).goDurationMs(f['rollout-timeout'] ?? '10m') === undefined)
      throw new CliError('Usage', `--rollout-timeout "${f['rollout-timeout']}" is not a duration`, {
        hint: 'a Go duration such as 90s or 10m',
      })
    const {runChange} = await import('./core/change.js')
    const {waitingFor} = await import('./render/progress.js')
    // held from the first write until the record is written: an interrupted change is always recorded
    this.interrupts ??= guardInterrupts(line => this.printErr(`${line}\n`))
    return waitingFor(
      `${f['dry-run'] === 'none' && !f.emit ? 'changing' : 'checking'} the storage-initializer configuration on ${client.server}`,
      runChange(client, plan, {
        interrupts: this.interrupts,
        kserveNamespace: f['kserve-namespace'],
        // --emit: the change is printed for Git, never written
        dryRun: f.emit ? 'client' : (f['dry-run'] as DryRun),
        emit: f.emit !== undefined,
        fieldManager: f['field-manager'],
        historyLimit: f['history-limit'],
        command: this.commandLine(),
        strict: f.strict,
        warn: text => this.warnOnce(text),
        ...extra,
      }),
      f.output === undefined,
    )
  }

  /** A warning line on stderr, once per command even when the change is re-planned after a conflict. */
  protected warnOnce(text: string): void {
    if (this.warned.has(text)) return
    this.warned.add(text)
    this.printErr(`Warning: ${text}\n`)
  }

  /** A per-model change (--isvc / --llmisvc): the model, and the change applied to its container. */
  protected async changeModel(
    client: KubeClient,
    namespace: string,
    flags: {isvc?: string; llmisvc?: string},
    change: import('./domain/plans/model.js').ContainerChange,
  ): Promise<Outcome> {
    const ref = {
      kind: flags.isvc ? ('InferenceService' as const) : ('LLMInferenceService' as const),
      namespace,
      name: (flags.isvc ?? flags.llmisvc)!,
    }
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ref.name)) throw new CliError('Usage', `"${ref.name}" is not a valid ${ref.kind} name`)
    const {planModelChange} = await import('./domain/plans/model.js')
    return this.change(client, live => planModelChange(live, ref, change, t => this.warnOnce(t)), {models: [ref]})
  }

  protected note(text: string): void {
    this.printErr(`${text}\n`)
  }

  /** Print what happened (render/outcome.ts). `helmValues` gives the values.yaml lines that make the change last. */
  protected async report(o: Outcome, opts: OutcomeOptions = {}): Promise<void> {
    const f = this.changeFlags
    if (f.emit) {
      const {emitChange} = await import('./render/emit.js')
      if (o.changed.length === 0) {
        this.note(opts.nothing ?? 'nothing to change: every target already has that value; nothing to emit')
        return
      }
      this.print(await emitChange(o, f.emit as import('./render/emit.js').EmitFormat, this.commandLine(), opts.helmValues))
      for (const x of o.owners ?? [])
        this.note(
          `${x.target.display} is managed by ${x.verdict.owner} (${x.verdict.evidence}): commit this there; nothing was written to the cluster`,
        )
      if (f['exit-code']) process.exitCode = 1
      return
    }
    const {renderOutcome} = await import('./render/outcome.js')
    const code = await renderOutcome(o, this.changeFlags, opts, {
      print: t => this.print(t),
      note: l => this.note(l),
      warn: t => this.warnOnce(t),
    })
    if (code) process.exitCode = code
    if (f.rollout && f['dry-run'] === 'none' && o.changed.length && !this.interrupts?.requested) await this.rolloutAfter(o)
    // interrupted after the last write: the change is complete and recorded, and the exit status says it was interrupted
    if (this.interrupts?.requested) process.exitCode = this.interrupts.exitCode
  }

  /** --rollout: the models the change left on the previous storage-initializer, rolled one at a time and followed. */
  private async rolloutAfter(o: Outcome): Promise<void> {
    const f = this.changeFlags
    const {goDurationMs} = await import('./domain/duration.js')
    const timeoutMs = goDurationMs(f['rollout-timeout'] ?? '10m') ?? 600_000
    const models = (o.stalePods ?? []).map(m => ({kind: m.kind, namespace: m.namespace, name: m.name}))
    if (!models.length) return
    // the interrupt guard of the change is done with: the rollout holds its own
    this.interrupts?.dispose()
    this.interrupts = undefined
    const {followRollout} = await import('./rollout-command.js')
    const before = process.exitCode
    await followRollout(
      this.changeClient!,
      {
        kserveNamespace: f['kserve-namespace'],
        select: {models},
        timeoutMs,
        json: false,
        statusOnly: false,
        watch: true,
        dryRun: false,
        maxParallel: 1,
        includeOwned: false,
        ignoreMaxUnavailable: false,
        fieldManager: f['field-manager'],
      },
      {print: t => this.printErr(t), printErr: t => this.printErr(t), command: `${this.commandLine()} (its --rollout)`},
    )
    if (before && !process.exitCode) process.exitCode = before
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    this.interrupts?.dispose()
    await super.finally(err)
  }
}
