import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import {mark} from '../trace.js'

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
    filename: Flags.string({
      char: 'f',
      description:
        'Models in this file (- for standard input; several documents, or a List): what KServe would give each before it is applied (--isvc/--llmisvc NAME picks one)',
    }),
    config: Flags.string({
      description:
        "With -f: KServe's configuration from this file (the inferenceservice-config ConfigMap, ClusterStorageContainers, the kserve-controller-manager Deployment, or Helm values) instead of the cluster: no cluster is needed",
      dependsOn: ['filename'],
    }),
    'kserve-version': Flags.string({
      description: "With --config: the KServe release whose rules apply (default: the file's controller, else the newest known)",
    }),
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
    if (this.flags.filename) return this.fromFile(out)
    const f = this.flags
    // the reads started while the plugin loaded (prefetch.ts), when they are the ones these flags make
    const pre = this.prefetched()
    const [{client, namespace}, {inspect, inspectIsvc, warmUp, withOwners}] = await Promise.all([
      pre ?? this.connect(),
      import('../core/inspect.js'),
    ])
    const ksNs = this.flags['kserve-namespace']
    const {waitingFor} = await import('../render/progress.js')
    // the emulation's first run, while the reads are in flight (inspect.ts warmUp)
    const warming = <T>(p: Promise<T>): Promise<T> => {
      let waiting = true
      warmUp(() => waiting)
      return p.finally(() => (waiting = false))
    }
    const human = out.kind === 'table' || out.kind === 'wide'
    const result: import('../core/inspect.js').IsvcInspection | import('../core/inspect.js').Inspection = await waitingFor<
      import('../core/inspect.js').IsvcInspection | import('../core/inspect.js').Inspection
    >(
      `reading the storage-initializer configuration from ${client.server}`,
      f.isvc
        ? inspectIsvc(client, ksNs, namespace, f.isvc, undefined, {owners: true})
        : f.llmisvc
          ? inspectIsvc(client, ksNs, namespace, f.llmisvc, 'LLMInferenceService', {owners: true})
          : warming(inspect(client, ksNs)).then(l => withOwners(client, l)),
      human,
    )
    mark('inspected')
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

  /** get -f FILE [--config FILE]: the models in a file, before they are applied. */
  private async fromFile(out: import('../render/output.js').Output): Promise<void> {
    const f = this.flags
    const [{parseDocs, readInput, modelsIn, configIn}, {fileBase, inspect, inspectFile}, {parseRelease}, {CliError}] = await Promise.all([
      import('../core/manifests.js'),
      import('../core/inspect.js'),
      import('../domain/release.js'),
      import('../errors.js'),
    ])
    if (f['kserve-version'] !== undefined && !parseRelease(f['kserve-version']))
      throw new CliError(
        'Usage',
        `--kserve-version "${f['kserve-version']}" is not a KServe release: expected vMAJOR.MINOR.PATCH, e.g. v0.20.0`,
      )
    if (f['kserve-version'] !== undefined && !f.config)
      throw new CliError('Usage', '--kserve-version goes with --config: a cluster says its own release')
    const input = readInput(f.filename!)
    const wanted = f.isvc ?? f.llmisvc
    const models = modelsIn(parseDocs(input.text, input.file)).filter(
      m => !wanted || (m.object.metadata?.name === wanted && m.kind === (f.llmisvc ? 'LLMInferenceService' : 'InferenceService')),
    )
    if (!models.length)
      throw new CliError(
        'Invalid',
        `${input.file} holds no ${wanted ? `${f.llmisvc ? 'LLMInferenceService' : 'InferenceService'} named "${wanted}"` : 'InferenceService or LLMInferenceService (apiVersion serving.kserve.io/…)'}`,
      )
    let views: import('../core/inspect.js').IsvcInspection[]
    if (f.config) {
      const c = readInput(f.config)
      const config = configIn(parseDocs(c.text, c.file), c.file, f['kserve-version'])
      if (!config)
        throw new CliError(
          'Invalid',
          `${c.file} holds no inferenceservice-config ConfigMap, ClusterStorageContainer, Helm values (kserve.storage) or kserve-controller-manager Deployment`,
        )
      views = await inspectFile({
        models,
        base: fileBase(config, config.release),
        context: c.file,
        namespace: f.namespace ?? 'default',
        file: input.file,
      })
    } else {
      const {client, namespace} = await this.connect()
      const {getObject} = await import('../kube/objects.js')
      const base = await inspect(client, f['kserve-namespace'])
      views = await inspectFile({
        models,
        base,
        context: client.context.name,
        namespace,
        namespaceOf: n => getObject(client, 'namespaces', n),
        file: input.file,
      })
    }
    const result = views.length === 1 ? views[0] : {apiVersion: 'v1', kind: 'List', items: views}
    if (out.kind !== 'table' && out.kind !== 'wide') {
      const {render} = await import('../render/output.js')
      return this.print(
        await render(result, out, () =>
          views.map(v => `${v.inferenceService.kind.toLowerCase()}.serving.kserve.io/${v.inferenceService.name}`),
        ),
      )
    }
    const rendering = await import('../render/inspection.js')
    const text = views.map(v => rendering.renderIsvc(v, out.kind === 'wide')).join('\n')
    this.print(f['no-headers'] ? rendering.withoutHeaders(text) : text)
  }
}
