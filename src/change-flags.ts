/** Flags shared by the commands that change the configuration. */
import * as Flags from '@oclif/core/flags'

export const changeFlags = {
  'dry-run': Flags.string({
    description:
      'none: apply; client: only show; server: the API server checks the change without storing it (dryRun=All); a bare --dry-run is client, as in kubectl',
    options: ['none', 'client', 'server'],
    default: 'none',
  }),
  diff: Flags.boolean({
    description:
      'Show a unified diff of what changes in each target (KUBECTL_EXTERNAL_DIFF runs your diff program on two directories, as kubectl diff does)',
  }),
  output: Flags.string({
    char: 'o',
    description:
      'Print the resulting objects (json, yaml), or their names as kubectl does (name: configmap/inferenceservice-config, clusterstoragecontainer.serving.kserve.io/NAME); the report goes to stderr',
    options: ['json', 'yaml', 'name'],
  }),
  'field-manager': Flags.string({description: 'Name of the manager used to track field ownership', default: 'kubectl-storage-init'}),
  'history-limit': Flags.integer({description: 'How many revisions to keep in configmap storage-initializer-history', default: 10, min: 1}),
  'show-helm-values': Flags.boolean({description: 'Print the Helm values that make the change survive the next helm upgrade'}),
  emit: Flags.string({
    description:
      'Print the change as a file for Git instead of writing it (for an install Argo CD, Flux or Helm keeps): object (the whole objects, without what the API server sets), merge-patch (kubectl patch --type=merge --patch-file), kustomize (a Kustomize Component with those patches), helm-values (the kserve-resources chart values, or a Flux HelmRelease spec.values patch)',
    options: ['object', 'merge-patch', 'kustomize', 'helm-values'],
    exclusive: ['output', 'diff'],
  }),
  'exit-code': Flags.boolean({
    description: 'Exit 1 when the change changes something (as kubectl diff), 0 when there is nothing to change: for CI, with --dry-run',
  }),
  'show-all': Flags.boolean({
    description: 'List every model whose pods still run the previous storage-initializer (default: the first 10)',
  }),
  'show-managed-fields': Flags.boolean({description: 'Keep metadata.managedFields in -o json|yaml'}),
  rollout: Flags.boolean({
    description:
      'After the change, bring it to the models whose pods run the previous storage-initializer and follow them to the end (as kubectl storage-init rollout, one model at a time; exit 1 when one is not done)',
  }),
  'rollout-timeout': Flags.string({description: 'How long --rollout waits (a Go duration)', default: '10m'}),
  strict: Flags.boolean({
    description:
      'Refuse the change when the configuration has errors (as validate finds them) that it does not fix, or when Argo CD or Flux would undo it (the objects it writes are theirs); without it both are named in a warning',
  }),
}

export const targetFlag = Flags.string({
  description:
    'Where to apply: configmap, storage-container/NAME or all (repeatable or comma-separated; default: the ConfigMap and every enabled ClusterStorageContainer running the same image repository)',
  multiple: true,
})

/** Per-model changes: one InferenceService (a dedicated ClusterStorageContainer, v0.20+) or LLMInferenceService. */
export const modelFlags = {
  isvc: Flags.string({
    description:
      'Change only what this InferenceService (in -n) gets: a ClusterStorageContainer of its own, named by its storageContainerName (KServe v0.20+)',
    exclusive: ['target', 'llmisvc'],
  }),
  llmisvc: Flags.string({
    description: 'Change only what this LLMInferenceService (in -n) gets: its spec.template.initContainers override',
    exclusive: ['target', 'isvc'],
  }),
}
