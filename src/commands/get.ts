import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'

export default class Get extends BaseCommand<typeof Get> {
  static override summary = 'Show the storage-initializer configuration, and what a model will actually get'
  static override description = `Shows KServe's namespace and version, whether the ConfigMap is Helm-managed, every field of the storageInitializer key (unknown fields flagged), every ClusterStorageContainer, and which source serves each kind of storage URI.

With --isvc, shows which container the webhook injects for that InferenceService's storage URIs and why, beside the init container its pods actually run, flagging pods made before the last change, and what it takes to roll them. An LLMInferenceService of that name is shown when there is no InferenceService (--llmisvc asks for one directly): the LLM controller builds its storage-initializer from the ConfigMap, without ClusterStorageContainers.`
  static override examples = [
    '<%= config.bin %> get',
    '<%= config.bin %> get -o json',
    '<%= config.bin %> get --isvc my-model -n ml',
    '<%= config.bin %> get --llmisvc my-llm -n ml',
    '<%= config.bin %> get --context prod --kserve-namespace kserve -o wide',
  ]
  static override flags = {
    isvc: Flags.string({description: 'An InferenceService (in -n): which init container its pods get, and why'}),
    llmisvc: Flags.string({description: 'An LLMInferenceService (in -n): which init container its pods get, and why', exclusive: ['isvc']}),
    output: Flags.string({
      char: 'o',
      description:
        'Output format: json, yaml, wide, name, jsonpath=TEMPLATE, jsonpath-as-json=TEMPLATE, jsonpath-file=FILE, custom-columns=HEADER:PATH,…, custom-columns-file=FILE',
    }),
    'no-headers': Flags.boolean({description: 'Print the tables (and -o custom-columns) without their column headers'}),
    'allow-missing-template-keys': Flags.boolean({
      description:
        'With -o jsonpath: a field that is missing prints nothing (as kubectl); --allow-missing-template-keys=false makes it an error',
      default: true,
      allowNo: true,
    }),
  }

  async run(): Promise<void> {
    const {parseOutput, render} = await import('../render/output.js')
    const out = parseOutput(this.flags.output, ['json', 'yaml', 'wide', 'name', 'jsonpath', 'custom-columns'], {
      allowMissingKeys: this.flags['allow-missing-template-keys'],
      noHeaders: this.flags['no-headers'],
    })
    const [{client, namespace}, {inspect, inspectIsvc}] = await Promise.all([this.connect(), import('../core/inspect.js')])
    const ksNs = this.flags['kserve-namespace']
    const f = this.flags
    const {waitingFor} = await import('../render/progress.js')
    const human = out.kind === 'table' || out.kind === 'wide'
    const result: import('../core/inspect.js').IsvcInspection | import('../core/inspect.js').Inspection = await waitingFor<
      import('../core/inspect.js').IsvcInspection | import('../core/inspect.js').Inspection
    >(
      `reading the storage-initializer configuration from ${client.server}`,
      f.isvc
        ? inspectIsvc(client, ksNs, namespace, f.isvc)
        : f.llmisvc
          ? inspectIsvc(client, ksNs, namespace, f.llmisvc, 'LLMInferenceService')
          : inspect(client, ksNs).then(l => l.inspection),
      human,
    )
    if (out.kind !== 'table' && out.kind !== 'wide')
      return this.print(
        await render(result, out, () =>
          'storage' in result
            ? [
                `${result.inferenceService.kind.toLowerCase()}.serving.kserve.io/${result.inferenceService.name}`,
                ...result.pods.map(p => `pod/${p.name}`),
              ]
            : [
                `configmap/${result.configMap.name}`,
                ...result.storageContainers.items.map(c => `clusterstoragecontainer.serving.kserve.io/${c.name}`),
              ],
        ),
      )
    const rendering = await import('../render/inspection.js')
    const text =
      'storage' in result ? rendering.renderIsvc(result, out.kind === 'wide') : rendering.renderInspection(result, out.kind === 'wide')
    this.print(f['no-headers'] ? rendering.withoutHeaders(text) : text)
  }
}
