import * as Flags from '@oclif/core/flags'

import {ChangeCommand} from '../change-command.js'
import {changeFlags, modelFlags, targetFlag} from '../change-flags.js'
import {CliError} from '../errors.js'

export default class SetResources extends ChangeCommand<typeof SetResources> {
  static override summary = 'Change the storage-initializer\'s CPU and memory requests and limits'
  static override description =
    'Takes kubectl\'s syntax. Values are merged with the current ones, and each request must stay at or below its limit; both are checked before anything is written. Applies to the same targets as set-image (ClusterStorageContainers through their container\'s resources). With --modelcar, sets the modelcar\'s cpuModelcar / memoryModelcar (request = limit) in the ConfigMap instead.'
  static override examples = [
    '<%= config.bin %> set-resources --requests cpu=200m,memory=512Mi --limits cpu=2,memory=4Gi',
    '<%= config.bin %> set-resources --limits memory=16Gi --target storage-container/default --diff',
    '<%= config.bin %> set-resources --modelcar --limits cpu=50m,memory=64Mi',
    '<%= config.bin %> set-resources --requests memory=8Gi --limits memory=8Gi --isvc big-model -n ml',
  ]
  static override flags = {
    ...changeFlags,
    requests: Flags.string({description: 'Resource requests, e.g. cpu=200m,memory=512Mi'}),
    limits: Flags.string({description: 'Resource limits, e.g. cpu=2,memory=4Gi'}),
    modelcar: Flags.boolean({description: 'Set the modelcar (OCI) container\'s cpu/memory instead (request = limit)'}),
    target: targetFlag,
    ...modelFlags,
  }

  async run(): Promise<void> {
    const f = this.flags
    if (f.requests === undefined && f.limits === undefined) throw new CliError('Usage', 'you must specify an update to requests or limits (in the form of --requests/--limits)')
    const {parseResourceList, requestsAboveLimits} = await import('../domain/resources-arg.js')
    let requests: Record<string, string>
    let limits: Record<string, string>
    try {
      requests = parseResourceList('requests', f.requests)
      limits = parseResourceList('limits', f.limits)
    } catch (e) {
      throw new CliError('Usage', (e as Error).message)
    }
    if (f.modelcar) {
      for (const r of Object.keys(requests)) if (limits[r] !== undefined && limits[r] !== requests[r]) throw new CliError('Usage', `--modelcar: the modelcar's ${r} request and limit are one value; got ${requests[r]} and ${limits[r]}`)
      if (f.target?.some(t => t !== 'configmap')) throw new CliError('Usage', '--modelcar applies to the ConfigMap only (--target configmap)')
    }
    const {editFields} = await import('../domain/json-edit.js')
    const {decodeStorageInitializer} = await import('../domain/go-json.js')
    const {resourceValues} = await import('../domain/helm-values.js')
    const {mergedViolations} = await import('../domain/storage-containers.js')
    const {selectTargets} = await import('../core/change.js')
    const names: Record<string, [string, string]> = {cpu: ['cpuRequest', 'cpuLimit'], memory: ['memoryRequest', 'memoryLimit']}
    const {client, namespace} = await this.connect()
    if (f.modelcar && (f.isvc || f.llmisvc)) throw new CliError('Usage', '--modelcar is a ConfigMap setting: it cannot be given per model')
    // one model: its own container's requests and limits, merged with what it has
    const perModel = (c: Record<string, any>) => {
      const res = c.resources ?? {}
      const next = {requests: {...res.requests, ...requests}, limits: {...res.limits, ...limits}}
      const bad = requestsAboveLimits(next.requests, next.limits)
      if (bad.length) throw new CliError('Invalid', `${bad.join('; ')}; nothing was changed`, {hint: 'raise --limits too, or lower --requests'})
      return {...c, resources: {...(Object.keys(next.requests).length ? {requests: next.requests} : {}), ...(Object.keys(next.limits).length ? {limits: next.limits} : {})}}
    }
    const outcome = f.isvc || f.llmisvc ? await this.changeModel(client, namespace, f, {what: 'resource requirements', apply: perModel}) : await this.change(client, live => {
      if (f.modelcar) {
        const t = live.targets[0]
        const both = {...requests, ...limits}
        const fields: Record<string, string> = {}
        if (both.cpu) fields.cpuModelcar = both.cpu
        if (both.memory) fields.memoryModelcar = both.memory
        return [{target: t, after: editFields(t.value as string, fields), what: 'modelcar resource requirements'}]
      }
      const planned = selectTargets(live, f.target).map(t => {
        let cur: {requests: Record<string, string>; limits: Record<string, string>}
        if (t.kind === 'ConfigMap') {
          const d = live.doc as Record<string, string>
          const pick = (i: 0 | 1) => Object.fromEntries(Object.entries(names).filter(([, n]) => typeof d[n[i]] === 'string' && d[n[i]] !== '').map(([r, n]) => [r, d[n[i]]]))
          cur = {requests: pick(0), limits: pick(1)}
        } else {
          const res = (t.value as any).resources ?? {}
          cur = {requests: {...res.requests}, limits: {...res.limits}}
        }
        const next = {requests: {...cur.requests, ...requests}, limits: {...cur.limits, ...limits}}
        const bad = requestsAboveLimits(next.requests, next.limits)
        if (bad.length) throw new CliError('Invalid', `${t.display}: ${bad.join('; ')}; nothing was changed`, {hint: 'raise --limits too, or lower --requests'})
        if (t.kind === 'ConfigMap') {
          const fields: Record<string, string> = {}
          for (const [r, v] of Object.entries(requests)) fields[names[r][0]] = v
          for (const [r, v] of Object.entries(limits)) fields[names[r][1]] = v
          return {target: t, after: editFields(t.value as string, fields), what: 'resource requirements'}
        }
        const c = t.value as any
        return {target: t, after: {...c, resources: {...c.resources, ...(Object.keys(requests).length ? {requests: next.requests} : {}), ...(Object.keys(limits).length ? {limits: next.limits} : {})}}, what: 'resource requirements'}
      })
      // what pods get is a ClusterStorageContainer's container merged over the ConfigMap's (container_merge.go@v0.20.0):
      // a change to either side must not leave a request above a limit there
      const cmAfter = planned.find(p => p.target.kind === 'ConfigMap')?.after ?? live.targets[0].value
      const config = decodeStorageInitializer(String(cmAfter), live.release).config
      const serving = live.targets.filter(t => t.kind === 'ClusterStorageContainer' && t.serving).map(t => ({name: t.display, container: (planned.find(p => p.target === t)?.after ?? t.value) as any}))
      const before = new Set(mergedViolations(live.doc, live.targets.filter(t => t.kind === 'ClusterStorageContainer' && t.serving).map(t => ({name: t.display, container: t.value as any})), live.release).map(v => v.name))
      const broken = mergedViolations(config, serving, live.release).filter(v => !before.has(v.name))
      if (broken.length)
        throw new CliError('Invalid', `pods served by ${broken[0].name} would get ${broken[0].problems.join(', ')} (its container merged over the ConfigMap's): the API server would reject every one; nothing was changed`, {
          hint: `set that container's own values too (--target ${broken[0].name.replace(/^clusterstoragecontainer\.serving\.kserve\.io\//, 'storage-container/')}), or choose values that fit`,
        })
      return planned
    })
    await this.report(outcome, {
      helmValues: () => {
        if (f.modelcar) {
          const both = {...requests, ...limits}
          return `kserve:\n  storage:\n${both.cpu ? `    cpuModelcar: ${both.cpu}\n` : ''}${both.memory ? `    memoryModelcar: ${both.memory}\n` : ''}`
        }
        const cm = outcome.planned.find(p => p.target.kind === 'ConfigMap')
        return resourceValues(cm ? decodeStorageInitializer(String(cm.after), outcome.live.release).config : {}, outcome.live.release)
      },
    })
  }
}
