import * as Flags from '@oclif/core/flags'
import {readFileSync} from 'node:fs'

import {BaseCommand} from '../base-command.js'
import {CliError, isCliError} from '../errors.js'
import {API_VERSION} from '../domain/api-version.js'

export default class Validate extends BaseCommand<typeof Validate> {
  static override summary = 'Check the storage-initializer configuration: live, from a file, or across clusters'
  static override description =
    'Runs every rule (see the README for the table) over the live ConfigMap and ClusterStorageContainers, or, with -f, over a file (an inferenceservice-config ConfigMap, a multi-document manifest, Helm values, or the bare storageInitializer JSON; - reads standard input) with no cluster needed. Exit 0 when there is no error, 1 when there are errors (or warnings, with --strict), 2 when the check itself could not run.'
  static override examples = [
    '<%= config.bin %> validate',
    '<%= config.bin %> validate -f inferenceservice-config.yaml --strict',
    'helm template kserve … | <%= config.bin %> validate -f - -o sarif > storage-init.sarif',
    '<%= config.bin %> validate --context staging,prod --compare',
  ]
  static override flags = {
    filename: Flags.string({char: 'f', description: 'Validate this file (- for standard input) instead of the cluster'}),
    output: Flags.string({char: 'o', description: 'Output format', options: ['json', 'yaml', 'sarif']}),
    strict: Flags.boolean({description: 'Fail on warnings too'}),
    'all-contexts': Flags.boolean({description: 'Validate every context of the kubeconfig'}),
    compare: Flags.boolean({description: 'With several contexts: show where their storage-initializer settings differ'}),
    'kserve-version': Flags.string({description: 'The KServe release to check fields against (default: the controller\'s, or the file\'s)'}),
    parallel: Flags.integer({description: 'With several contexts: how many clusters to check at once', default: 10, min: 1}),
    'cluster-timeout': Flags.string({description: 'With several contexts: give up on one cluster after this long (0: no limit)', default: '60s'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const v = await import('../core/validate.js')
    let reports: import('../core/validate.js').Report[]
    let printed = false
    const contexts = f['all-contexts'] ? await this.allContexts() : (f.context ?? '').split(',').map(c => c.trim()).filter(Boolean)
    try {
      if (f.filename) {
        let text: string
        try {
          text = f.filename === '-' ? readFileSync(0, 'utf8') : readFileSync(f.filename, 'utf8')
        } catch (e) {
          throw new CliError('NotFound', `cannot read ${f.filename}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`)
        }
        reports = [v.validateText(text, f.filename === '-' ? '<stdin>' : f.filename, f['kserve-version'])]
      } else if (contexts.length > 1) {
        const {connect} = await import('../kube/connect.js')
        const {parseDuration} = await import('../kube/timeout.js')
        const {progress} = await import('../render/progress.js')
        const {validateFleet} = await import('../core/fleet.js')
        const human = f.output === undefined
        const spin = progress(`validating ${contexts.length} clusters`, human)
        const r = human && !f.compare ? await import('../render/validate.js') : undefined
        let done = 0
        reports = await validateFleet({
          contexts,
          parallel: f.parallel,
          limitMs: parseDuration('cluster-timeout', f['cluster-timeout']),
          limitText: f['cluster-timeout'],
          kserveNamespace: f['kserve-namespace'],
          kserveVersion: f['kserve-version'],
          connect: context => connect({...f, context}).client,
          onReport: report => {
            spin.text(`validating ${contexts.length} clusters: ${++done} done`)
            if (r) {
              spin.stop()
              this.print(r.renderReport(report) + '\n')
            }
          },
        })
        spin.stop()
        printed = Boolean(r)
      } else {
        const {client} = await this.connect()
        reports = [await v.validateLive(client, f['kserve-namespace'], f['kserve-version'])]
      }
    } catch (e) {
      if (isCliError(e)) throw new CliError(e.kind, e.message, {hint: e.hint, exitCode: 2})
      throw e
    }
    const fail = reports.some(r => v.failed(r, f.strict))
    const rows = f.compare && reports.length > 1 ? v.compare(reports) : undefined
    if (f.output === 'sarif') {
      const r = await import('../render/validate.js')
      this.print(JSON.stringify(r.sarif(reports, this.config.version), null, 2) + '\n')
    } else if (f.output === 'json' || f.output === 'yaml') {
      const {formatStructured} = await import('../render/output.js')
      const body = reports.length === 1 && !rows ? reports[0] : {apiVersion: API_VERSION, kind: 'ValidationReportList', items: reports, ...(rows ? {differences: rows} : {})}
      this.print(await formatStructured(body, f.output))
    } else {
      const r = await import('../render/validate.js')
      if (!printed) this.print(reports.map(r.renderReport).join('\n'))
      if (rows) this.print(r.renderComparison(reports.map(x => x.source.context ?? '?'), rows))
    }
    if (reports.some(r => r.error)) process.exitCode = 2
    else if (fail) process.exitCode = 1
  }

  private async allContexts(): Promise<string[]> {
    const {kubeconfigFiles, mergeKubeconfigs} = await import('../kube/kubeconfig.js')
    return mergeKubeconfigs(kubeconfigFiles(this.flags.kubeconfig)).contexts.map(c => c.name)
  }
}
