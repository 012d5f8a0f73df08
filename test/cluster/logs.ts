/**
 * Pod log scripts. A container's log is a list of lines, each available from a point in time, so that `follow` sees
 * lines arrive. Scripts come from a scenario file or from the pod annotation `sim.storage-init.dev/logs`, a JSON object:
 *
 *   {"storage-initializer": ["line", {"text": "later line", "after": 2.5}, {"text": "x", "time": "2026-01-01T00:00:00Z"}],
 *    "storage-initializer@previous": ["the log of the last terminated instance"]}
 *
 * `{"text": "line {i}", "repeat": 10000}` stands for that many lines, {i} numbered from 1 (for load tests).
 * `after` is seconds from the container's start (its startedAt in the pod status, else the pod's creation); `time` is
 * absolute. A follow stream ends after the last line once the container is terminated in the pod's status.
 */
export const LOG_ANNOTATION = 'sim.storage-init.dev/logs'

export interface ScriptLine {
  text: string
  after?: number
  time?: string
  repeat?: number
}

export type LogScript = Record<string, (string | ScriptLine)[]>

export interface TimedLine {
  at: number // epoch ms
  text: string
}

export function containerStart(pod: any, container: string, previous: boolean): number {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
  const st = statuses.find((s: any) => s.name === container)
  const state = previous ? st?.lastState : st?.state
  const started = state?.running?.startedAt ?? state?.terminated?.startedAt
  return Date.parse(started ?? pod.metadata?.creationTimestamp ?? new Date().toISOString())
}

export function timedLines(script: (string | ScriptLine)[] | undefined, base: number): TimedLine[] {
  if (!script) return []
  let last = base
  const expanded = script.flatMap(l =>
    typeof l === 'object' && l.repeat
      ? Array.from({length: l.repeat}, (_, i) => ({...l, repeat: undefined, text: l.text.replaceAll('{i}', String(i + 1))}))
      : [l],
  )
  return expanded.map(l => {
    const line = typeof l === 'string' ? {text: l} : l
    const at = line.time ? Date.parse(line.time) : line.after !== undefined ? base + line.after * 1000 : last
    last = at
    return {at, text: line.text}
  })
}

/** RFC 3339 with nanoseconds, as the kubelet stamps lines. */
export function stamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')
}

export function parseLogAnnotation(pod: any): LogScript | undefined {
  const raw = pod?.metadata?.annotations?.[LOG_ANNOTATION]
  if (!raw) return undefined
  try {
    const v = JSON.parse(raw)
    return typeof v === 'object' && v !== null ? v : undefined
  } catch {
    return undefined
  }
}
