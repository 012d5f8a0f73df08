/** `diagnose`: why a model's download fails or never starts (core/diagnose.ts), with the fix. */
import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import {CliError} from '../errors.js'

export default class Diagnose extends BaseCommand<typeof Diagnose> {
  static override summary = "Why a model's download fails or never starts, and the command that fixes it"
  static override description =
    "Compares what KServe would make for the model (the emulation behind get --isvc) with what happened: its pods' storage-initializer states and restarts, the events about the model and its pods, and the tail of the storage-initializer's log (and of the run before a restart). Known causes (from KServe's storage code and Kubernetes' reasons: credentials, access denied, a missing bucket or key, TLS, a full disk, OOMKilled, an image that cannot be pulled, Pod Security, a download that stalls) are named with their evidence and the fix. Exit code 0 when nothing is wrong, 1 when something is; what could not be read is listed under NOT CHECKED."
  static override examples = [
    '<%= config.bin %> diagnose my-model -n ml',
    '<%= config.bin %> diagnose my-llm -n ml --llmisvc -o json',
    '<%= config.bin %> diagnose --all -n ml',
    '<%= config.bin %> diagnose -A -o json',
  ]
  static override args = {name: Args.string({description: 'The InferenceService (or LLMInferenceService) to diagnose'})}
  static override flags = {
    all: Flags.boolean({description: 'Every model in the namespace; only the ones with a problem are shown'}),
    'all-namespaces': Flags.boolean({char: 'A', description: 'Every model in every namespace; only the ones with a problem are shown'}),
    llmisvc: Flags.boolean({description: 'NAME is an LLMInferenceService (found without it when no InferenceService has that name)'}),
    output: Flags.string({char: 'o', description: 'Output format: json or yaml', options: ['json', 'yaml']}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Diagnose)
    const name = args.name
    const every = this.flags.all || this.flags['all-namespaces']
    if (name && every)
      throw new CliError('Usage', `diagnose takes a model's name or --all/-A, not both`, {
        hint: 'kubectl storage-init diagnose NAME -n NAMESPACE',
      })
    if (every && this.flags.llmisvc) throw new CliError('Usage', '--llmisvc names one model; --all and -A diagnose both kinds')
    if (every) return this.every()
    if (!name)
      throw new CliError('Usage', 'diagnose needs the name of a model, or --all (-n NAMESPACE) or -A', {
        hint: 'kubectl storage-init diagnose NAME -n NAMESPACE',
      })
    const [{client, namespace}, {diagnoseModel}] = await Promise.all([this.connect(), import('../core/diagnose.js')])
    const {waitingFor} = await import('../render/progress.js')
    const d = await waitingFor(
      `diagnosing ${name} in ${namespace}`,
      diagnoseModel(client, this.flags['kserve-namespace'], namespace, name, this.flags.llmisvc ? 'LLMInferenceService' : undefined),
      !this.flags.output,
    )
    if (this.flags.output) {
      const {render, parseOutput} = await import('../render/output.js')
      this.print(await render(d, parseOutput(this.flags.output, ['json', 'yaml']), () => []))
    } else this.print((await import('../render/diagnose.js')).renderDiagnosis(d))
    // as validate: the exit status without an error of its own
    if (d.findings.some(f => f.severity === 'error')) process.exitCode = 1
  }

  private async every(): Promise<void> {
    const [{client, namespace}, {diagnoseAll}] = await Promise.all([this.connect(), import('../core/diagnose.js')])
    const {waitingFor} = await import('../render/progress.js')
    const scope = this.flags['all-namespaces'] ? undefined : namespace
    const d = await waitingFor(
      `diagnosing every model ${scope ? `in ${scope}` : 'in every namespace'}`,
      diagnoseAll(client, this.flags['kserve-namespace'], scope),
      !this.flags.output,
    )
    if (this.flags.output) {
      const {render, parseOutput} = await import('../render/output.js')
      this.print(await render(d, parseOutput(this.flags.output, ['json', 'yaml']), () => []))
    } else this.print((await import('../render/diagnose.js')).renderDiagnosisList(d))
    if (d.failed || d.items.some(i => i.findings.some(f => f.severity === 'error'))) process.exitCode = 1
  }
}
