/** Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for. */
import type {ResourceType} from './registry.js'

function age(ts: string | undefined): string {
  if (!ts) return '<unknown>'
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.floor(s / 60)}m`
  if (s < 172800) return `${Math.floor(s / 3600)}h`
  return `${Math.floor(s / 86400)}d`
}

/** kubectl's pod STATUS column, including Init:N/M and Init:<reason>. */
export function podStatus(pod: any): string {
  let reason = pod.status?.reason ?? pod.status?.phase ?? 'Pending'
  const inits = pod.spec?.initContainers ?? []
  const statuses = pod.status?.initContainerStatuses ?? []
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i]
    if (s.state?.terminated?.exitCode === 0) continue
    if (s.state?.terminated)
      reason = s.state.terminated.reason ? `Init:${s.state.terminated.reason}` : `Init:ExitCode:${s.state.terminated.exitCode}`
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') reason = `Init:${s.state.waiting.reason}`
    else reason = `Init:${i}/${inits.length}`
    return reason
  }
  for (const s of pod.status?.containerStatuses ?? []) {
    if (s.state?.waiting?.reason) reason = s.state.waiting.reason
    else if (s.state?.terminated?.reason) reason = s.state.terminated.reason
  }
  return reason
}

export function toTable(rt: ResourceType, items: any[], metadata: Record<string, unknown>, single = false): any {
  const col = (name: string, type = 'string', format = '') => ({name, type, format, description: '', priority: 0})
  let columns = [col('Name', 'string', 'name'), col('Age', 'string', '')]
  let cells = (o: any): unknown[] => [o.metadata.name, age(o.metadata.creationTimestamp)]
  if (rt.kind === 'ConfigMap') {
    columns = [col('Name', 'string', 'name'), col('Data', 'string'), col('Age')]
    cells = o => [
      o.metadata.name,
      Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length,
      age(o.metadata.creationTimestamp),
    ]
  } else if (rt.kind === 'Pod') {
    columns = [col('Name', 'string', 'name'), col('Ready'), col('Status'), col('Restarts', 'string'), col('Age')]
    cells = o => {
      const cs = o.status?.containerStatuses ?? []
      const ready = cs.filter((c: any) => c.ready).length
      const restarts =
        cs.reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0) +
        (o.status?.initContainerStatuses ?? []).reduce((n: number, c: any) => n + (c.restartCount ?? 0), 0)
      return [
        o.metadata.name,
        `${ready}/${(o.spec?.containers ?? []).length}`,
        podStatus(o),
        String(restarts),
        age(o.metadata.creationTimestamp),
      ]
    }
  } else if (rt.kind === 'Namespace') {
    columns = [col('Name', 'string', 'name'), col('Status'), col('Age')]
    cells = o => [o.metadata.name, o.status?.phase ?? 'Active', age(o.metadata.creationTimestamp)]
  } else if (rt.kind === 'Deployment') {
    columns = [col('Name', 'string', 'name'), col('Ready'), col('Up-to-date'), col('Available'), col('Age')]
    cells = o => [
      o.metadata.name,
      `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`,
      o.status?.updatedReplicas ?? 0,
      o.status?.availableReplicas ?? 0,
      age(o.metadata.creationTimestamp),
    ]
  }
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata,
    columnDefinitions: single ? [] : columns,
    rows: items.map(o => ({cells: cells(o), object: {kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata}})),
  }
}
