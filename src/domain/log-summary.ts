/**
 * The outcome of many pods' storage-initializers, one row per model: pods, successes, failures by reason, still
 * initialising, images, median and slowest download. Pods are folded in one at a time, so a caller can feed it chunk by
 * chunk.
 */
import {initState, seconds} from './pod-status.js'

export interface ModelSummary {
  namespace: string
  /** InferenceService or LLMInferenceService */
  kind: string
  inferenceService: string
  pods: number
  succeeded: number
  failed: Record<string, number>
  initializing: number
  images: string[]
  medianSeconds: number | null
  slowestSeconds: number | null
}

/** One row per InferenceService: how its pods' storage-initializers went, and how long downloads took. */
export function summarise(pods: Iterable<any>): ModelSummary[] {
  const acc = summariser()
  for (const p of pods) acc.add(p)
  return acc.rows()
}

/** A selector of only `key` and `key=value` terms, as pairs (value undefined: exists); undefined for anything else. */
export function simpleSelector(selector: string): [string, string | undefined][] | undefined {
  const terms = selector
    .split(',')
    .map(t => t.trim())
    .filter(Boolean)
  const out: [string, string | undefined][] = []
  for (const t of terms) {
    const m = /^([\w./-]+)(?:==?([\w.-]*))?$/.exec(t)
    if (!m) return undefined
    out.push([m[1], m[2]])
  }
  return out
}

export function matchesLabels(labels: Record<string, string>, terms: [string, string | undefined][]): boolean {
  return terms.every(([k, v]) => (v === undefined ? k in labels : labels[k] === v))
}

export function summariser(): {add(p: any): void; rows(): ModelSummary[]} {
  const rows = new Map<string, ModelSummary & {durations: number[]}>()
  const add = (p: any) => {
    const labels = p.metadata?.labels ?? {}
    const llm = labels['app.kubernetes.io/part-of'] === 'llminferenceservice' ? labels['app.kubernetes.io/name'] : undefined
    const isvc = labels['serving.kserve.io/inferenceservice'] ?? llm
    if (!isvc) return
    const kind = llm && !labels['serving.kserve.io/inferenceservice'] ? 'LLMInferenceService' : 'InferenceService'
    const key = `${p.metadata.namespace}/${kind}/${isvc}`
    const row: ModelSummary & {durations: number[]} = rows.get(key) ?? {
      namespace: p.metadata.namespace,
      kind,
      inferenceService: isvc,
      pods: 0,
      succeeded: 0,
      failed: {},
      initializing: 0,
      images: [],
      medianSeconds: null,
      slowestSeconds: null,
      durations: [],
    }
    rows.set(key, row)
    row.pods++
    const c = (p.spec?.initContainers ?? []).find((x: any) => x.name === 'storage-initializer')
    if (!c) return
    if (c.image && !row.images.includes(c.image)) row.images.push(c.image)
    const s = initState(p, 'storage-initializer')
    if (s.kind === 'terminated' && s.exitCode === 0) {
      row.succeeded++
      const d = seconds(s.startedAt, s.finishedAt)
      if (d !== undefined) row.durations.push(d)
    } else if (s.kind === 'terminated')
      row.failed[s.reason ?? `ExitCode:${s.exitCode}`] = (row.failed[s.reason ?? `ExitCode:${s.exitCode}`] ?? 0) + 1
    else if (s.kind === 'waiting' && s.reason !== 'PodInitializing' && s.reason !== 'ContainerCreating') {
      const reason = s.reason === 'CrashLoopBackOff' && s.last?.reason ? s.last.reason : s.reason
      row.failed[reason] = (row.failed[reason] ?? 0) + 1
    } else row.initializing++
  }
  const result = () =>
    [...rows.values()]
      .map(({durations, ...r}) => {
        const d = [...durations].sort((a, b) => a - b)
        const median = d.length ? (d.length % 2 ? d[(d.length - 1) / 2] : (d[d.length / 2 - 1] + d[d.length / 2]) / 2) : null
        return {...r, medianSeconds: median, slowestSeconds: d.length ? d[d.length - 1] : null}
      })
      .sort((a, b) => `${a.namespace}/${a.inferenceService}`.localeCompare(`${b.namespace}/${b.inferenceService}`))
  return {add, rows: result}
}
