/** `validate`: check the storage-initializer configuration of a cluster, a file, or a fleet of clusters. */
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import {CliError, isCliError} from '../errors.js'

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
    filename: Flags.string({
      char: 'f',
      description:
        "Validate this file (- for standard input) instead of the cluster: KServe's configuration, and model manifests (InferenceServices, LLMInferenceServices) as KServe would take them",
    }),
    config: Flags.string({
      description: "With -f of model manifests: KServe's configuration from this file (when the models' file does not hold it)",
      dependsOn: ['filename'],
    }),
    output: Flags.string({char: 'o', description: 'Output format', options: ['json', 'yaml', 'sarif']}),
    strict: Flags.boolean({description: 'Fail on warnings too'}),
    'all-contexts': Flags.boolean({description: 'Validate every context of the kubeconfig'}),
    compare: Flags.boolean({description: 'With several contexts: show where their storage-initializer settings differ'}),
    'kserve-version': Flags.string({description: "The KServe release to check fields against (default: the controller's, or the file's)"}),
    parallel: Flags.integer({description: 'With several contexts: how many clusters to check at once', default: 10, min: 1}),
    'cluster-timeout': Flags.string({
      description: 'With several contexts: give up on one cluster after this long (0: no limit)',
      default: '60s',
    }),
  }

  async run(): Promise<void> {
    const f = this.flags
    if (f['kserve-version'] !== undefined) {
      const {parseRelease} = await import('../domain/release.js')
      if (!parseRelease(f['kserve-version']))
        throw new CliError(
          'Usage',
          `--kserve-version "${f['kserve-version']}" is not a KServe release: expected vMAJOR.MINOR.PATCH, e.g. v0.20.0`,
        )
    }
    const contexts = f['all-contexts']
      ? (await import('../core/fleet.js')).allContexts(f.kubeconfig)
      : (f.context ?? '')
          .split(',')
          .map(c => c.trim())
          .filter(Boolean)
    const validation = await import('../core/validate.js')
    const rendering = await import('../render/validate.js')
    // a fleet's readable reports are printed as each cluster finishes
    const streamed = contexts.length > 1 && !f.filename && f.output === undefined && !f.compare
    let reports: import('../core/validate.js').Report[]
    try {
      if (f.filename) reports = [validation.validateFile(f.filename, f['kserve-version'], f.config)]
      else if (contexts.length > 1) {
        const {validateFleet} = await import('../core/fleet.js')
        const {progress} = await import('../render/progress.js')
        const spin = progress(`validating ${contexts.length} clusters`, f.output === undefined)
        let done = 0
        reports = await validateFleet({
          contexts,
          parallel: f.parallel,
          clusterTimeout: f['cluster-timeout'],
          kserveNamespace: f['kserve-namespace'],
          kserveVersion: f['kserve-version'],
          connection: f,
          onReport: report => {
            spin.text(`validating ${contexts.length} clusters: ${++done} done`)
            if (streamed) {
              spin.stop()
              this.print(rendering.renderReport(report) + '\n')
            }
          },
        })
        spin.stop()
      } else {
        const {client} = await this.connect()
        reports = [await validation.validateLive(client, f['kserve-namespace'], f['kserve-version'])]
      }
    } catch (e) {
      // the check itself could not run
      if (isCliError(e)) throw new CliError(e.kind, e.message, {hint: e.hint, exitCode: 2})
      throw e
    }
    const verdict = validation.verdict(reports, {strict: f.strict, compare: f.compare})
    this.print(await rendering.renderValidation(verdict, {output: f.output, version: this.config.version, streamed}))
    if (verdict.exitCode) process.exitCode = verdict.exitCode
  }
}
