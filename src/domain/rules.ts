/**
 * The rules of `validate`, as pure functions of what was read (live or from a file). Each finding has a stable rule id,
 * a severity, the path it concerns, a message and a fix hint. The rule table in the README is generated from RULES.
 */
import {mergeContainer} from './container-merge.js'
import {atLeast} from './release.js'
import {defaultContainer, fromResource, type StorageContainer} from './storage-containers.js'
import {clusterRules} from './rules/cluster.js'
import type {Context, Finding, Severity, ValidationInput} from './rules/common.js'
import {documentRules} from './rules/document.js'
import {modelRules} from './rules/models.js'
import {storageContainerRules} from './rules/storage-containers.js'

export {isPrivateRegistry, RULES, type Cluster, type Finding, type RuleSpec, type Severity, type ValidationInput} from './rules/common.js'

/** Every finding, errors first, in a stable order: the document, its storage containers, the models, the cluster. */
export function validate(input: ValidationInput): Finding[] {
  const out: Finding[] = []
  const base = `${input.configMapPath}:data.storageInitializer`
  const release = input.release
  const {doc, go, config} = documentRules(input, base, release, out)
  const containers: StorageContainer[] = input.storageContainers.map(fromResource)
  // what the webhook considers (workloadType is checked from v0.14), and the container each gives pods
  const enabled = containers
    .filter(c => !c.disabled && (c.workloadType === 'initContainer' || (release !== undefined && !atLeast(release, '0.14'))))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
  const merged = (c: StorageContainer) =>
    mergeContainer(defaultContainer(config, 'URI'), c.container, {reconcileEnv: !release || atLeast(release, '0.20')})
  const ctx: Context = {input, out, base, release, doc, go, config, containers, enabled, merged}
  storageContainerRules(ctx)
  modelRules(ctx)
  clusterRules(ctx)
  const order: Record<Severity, number> = {error: 0, warning: 1, info: 2}
  return out.sort((x, y) => order[x.severity] - order[y.severity] || x.rule.localeCompare(y.rule) || x.path.localeCompare(y.path))
}
