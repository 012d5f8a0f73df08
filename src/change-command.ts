/** The part every changing command shares: run the pipeline, then print diff, objects, report, warnings. */
import type {Command} from '@oclif/core/command'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {BaseCommand} from './base-command.js'
import {CliError} from './errors.js'
import type {ChangeOptions, DryRun, Outcome, Planner} from './core/change.js'
import type {KubeClient} from './kube/client.js'

export interface ChangeFlagValues {
  'dry-run': string
  diff: boolean
  output?: string
  'field-manager': string
  'history-limit': number
  'show-helm-values': boolean
  'exit-code': boolean
  'show-all': boolean
  'show-managed-fields': boolean
  strict: boolean
  'kserve-namespace'?: string
}

export abstract class ChangeCommand<T extends typeof Command> extends BaseCommand<T> {
  private warned = new Set<string>()

  protected get changeFlags(): ChangeFlagValues {
    return this.flags as unknown as ChangeFlagValues
  }

  protected commandLine(): string {
    return ['kubectl storage-init', this.id, ...this.argv].join(' ')
  }

  protected async change(client: KubeClient, plan: Planner, extra: Partial<ChangeOptions> = {}): Promise<Outcome> {
    const f = this.changeFlags
    const {runChange} = await import('./core/change.js')
    const {waitingFor} = await import('./render/progress.js')
    return waitingFor(`${f['dry-run'] === 'none' ? 'changing' : 'checking'} the storage-initializer configuration on ${client.server}`, runChange(client, plan, {
      kserveNamespace: f['kserve-namespace'],
      dryRun: f['dry-run'] as DryRun,
      fieldManager: f['field-manager'],
      historyLimit: f['history-limit'],
      command: this.commandLine(),
      strict: f.strict,
      warn: text => this.warnOnce(text),
      ...extra,
    }), f.output === undefined)
  }

  /** A warning line on stderr, once per command even when the change is re-planned after a conflict. */
  protected warnOnce(text: string): void {
    if (this.warned.has(text)) return
    this.warned.add(text)
    process.stderr.write(`Warning: ${text}\n`)
  }

  /** A per-model change (--isvc / --llmisvc): the model, and the change applied to its container. */
  protected async changeModel(client: KubeClient, namespace: string, flags: {isvc?: string; llmisvc?: string}, change: import('./core/model-change.js').ContainerChange): Promise<Outcome> {
    const ref = {kind: flags.isvc ? ('InferenceService' as const) : ('LLMInferenceService' as const), namespace, name: (flags.isvc ?? flags.llmisvc)!}
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ref.name)) throw new CliError('Usage', `"${ref.name}" is not a valid ${ref.kind} name`)
    const {planModelChange} = await import('./core/model-change.js')
    return this.change(client, live => planModelChange(live, ref, change, t => this.warnOnce(t)), {models: [ref]})
  }

  protected note(text: string): void {
    process.stderr.write(`${text}\n`)
  }

  /** Print what happened. `helmValues` gives the values.yaml lines that make the change last. */
  protected async report(o: Outcome, opts: {verb?: string; helmValues?: () => string; nothing?: string} = {}): Promise<void> {
    const f = this.changeFlags
    const r = await import('./render/change.js')
    if (f.diff) {
      const external = process.env.KUBECTL_EXTERNAL_DIFF
      if (external) await this.externalDiff(external, o)
      else this.print(r.diffs(o))
    }
    const lines = r.reportLines(o, f['dry-run'], opts.verb)
    if (f.output === 'json' || f.output === 'yaml') {
      const {formatStructured} = await import('./render/output.js')
      // as kubectl: managedFields only when asked for
      const items = f['show-managed-fields'] ? o.objects : o.objects.map(x => (x?.metadata?.managedFields ? {...x, metadata: {...x.metadata, managedFields: undefined}} : x))
      this.print(await formatStructured({apiVersion: 'v1', kind: 'List', items: JSON.parse(JSON.stringify(items))}, f.output))
      for (const l of lines) this.note(l)
    } else this.print(lines.map(l => l + '\n').join(''))
    if (o.changed.length === 0) {
      this.note(opts.nothing ?? 'nothing to change: every target already has that value; nothing was written and no revision was recorded')
      return
    }
    // --exit-code: 1 when something changes (or would), as kubectl diff
    if (f['exit-code']) process.exitCode = 1
    const cmChanged = o.changed.some(p => p.target.kind === 'ConfigMap')
    if (o.live.helm && cmChanged) {
      this.warnOnce(
        `configmap ${o.live.namespace}/inferenceservice-config is managed by Helm release "${o.live.helm.release}"${o.live.helm.releaseNamespace ? ` (namespace ${o.live.helm.releaseNamespace})` : ''}: the next helm upgrade will undo this change${f['show-helm-values'] ? '' : '; --show-helm-values prints the values that make it last'}`,
      )
    }
    if (f['show-helm-values'] && opts.helmValues) this.print(`# values for helm upgrade ${o.live.helm?.release ?? 'RELEASE'} (kserve-resources chart)\n${opts.helmValues()}`)
    if (o.revision !== undefined) this.note(`recorded as revision ${o.revision} in configmap ${o.live.namespace}/storage-initializer-history (undo: kubectl storage-init rollback)`)
    const stale = r.staleNote(o.stalePods, f['show-all'])
    if (stale) this.note(stale)
    const llm = cmChanged ? r.llmNote(o.llms) : undefined
    if (llm) this.note(llm)
  }

  /** kubectl diff's way: the live and the changed values in two directories, and the user's program on them. */
  private async externalDiff(command: string, o: Outcome): Promise<void> {
    const {valueText} = await import('./render/change.js')
    const root = mkdtempSync(join(tmpdir(), 'storage-init-diff-'))
    const [live, merged] = [join(root, 'LIVE'), join(root, 'MERGED')]
    mkdirSync(live)
    mkdirSync(merged)
    for (const p of o.planned) {
      const file = p.target.display.replace(/[^\w.-]+/g, '.')
      writeFileSync(join(live, file), valueText(p.target.id, p.target.value))
      writeFileSync(join(merged, file), valueText(p.target.id, p.after))
    }
    const [cmd, ...args] = command.split(' ').filter(Boolean)
    const res = spawnSync(cmd, [...args, live, merged], {encoding: 'utf8'})
    rmSync(root, {recursive: true, force: true})
    if (res.error) throw new CliError('Usage', `KUBECTL_EXTERNAL_DIFF: cannot run ${cmd}: ${res.error.message}`)
    this.print(res.stdout)
    if (res.stderr) process.stderr.write(res.stderr)
  }
}
