/** The part every changing command shares: run the pipeline, then print diff, objects, report, warnings. */
import type {Command} from '@oclif/core/command'

import {BaseCommand} from './base-command.js'
import type {ChangeOptions, DryRun, Outcome, Planner} from './core/change.js'
import type {KubeClient} from './kube/client.js'

export interface ChangeFlagValues {
  'dry-run': string
  diff: boolean
  output?: string
  'field-manager': string
  'history-limit': number
  'show-helm-values': boolean
  'kserve-namespace'?: string
}

export abstract class ChangeCommand<T extends typeof Command> extends BaseCommand<T> {
  protected get changeFlags(): ChangeFlagValues {
    return this.flags as unknown as ChangeFlagValues
  }

  protected commandLine(): string {
    return ['kubectl storage-init', this.id, ...this.argv].join(' ')
  }

  protected async change(client: KubeClient, plan: Planner, extra: Partial<ChangeOptions> = {}): Promise<Outcome> {
    const f = this.changeFlags
    const {runChange} = await import('./core/change.js')
    return runChange(client, plan, {
      kserveNamespace: f['kserve-namespace'],
      dryRun: f['dry-run'] as DryRun,
      fieldManager: f['field-manager'],
      historyLimit: f['history-limit'],
      command: this.commandLine(),
      ...extra,
    })
  }

  protected warn2(text: string): void {
    process.stderr.write(`Warning: ${text}\n`)
  }

  protected note(text: string): void {
    process.stderr.write(`${text}\n`)
  }

  /** Print what happened. `helmValues` gives the values.yaml lines that make the change last. */
  protected async report(o: Outcome, opts: {verb?: string; helmValues?: () => string; nothing?: string} = {}): Promise<void> {
    const f = this.changeFlags
    const r = await import('./render/change.js')
    if (f.diff) this.print(r.diffs(o))
    const lines = r.reportLines(o, f['dry-run'], opts.verb)
    if (f.output === 'json' || f.output === 'yaml') {
      const {formatStructured} = await import('./render/output.js')
      this.print(await formatStructured({apiVersion: 'v1', kind: 'List', items: o.objects}, f.output))
      for (const l of lines) this.note(l)
    } else this.print(lines.map(l => l + '\n').join(''))
    if (o.changed.length === 0) {
      this.note(opts.nothing ?? 'nothing to change: every target already has that value; nothing was written and no revision was recorded')
      return
    }
    const cmChanged = o.changed.some(p => p.target.kind === 'ConfigMap')
    if (o.live.helm && cmChanged) {
      this.warn2(
        `configmap ${o.live.namespace}/inferenceservice-config is managed by Helm release "${o.live.helm.release}"${o.live.helm.releaseNamespace ? ` (namespace ${o.live.helm.releaseNamespace})` : ''}: the next helm upgrade will undo this change${f['show-helm-values'] ? '' : '; --show-helm-values prints the values that make it last'}`,
      )
    }
    if (f['show-helm-values'] && opts.helmValues) this.print(`# values for helm upgrade ${o.live.helm?.release ?? 'RELEASE'} (kserve-resources chart)\n${opts.helmValues()}`)
    if (o.revision !== undefined) this.note(`recorded as revision ${o.revision} in configmap ${o.live.namespace}/storage-initializer-history (undo: kubectl storage-init rollback)`)
    const stale = r.staleNote(o.stalePods)
    if (stale) this.note(stale)
  }
}
