/** `logs --summary`: one row per model (kubectl-style table, or a JSON document), and the line said when there is none. */
import {API_VERSION} from '../domain/api-version.js'
import type {ModelSummary} from '../domain/log-summary.js'
import {table} from './table.js'

export const NO_MODEL_PODS = 'No InferenceService or LLMInferenceService pods found.\n'

/** -o json: the rows in the plugin's versioned envelope. */
export function summaryJson(rows: ModelSummary[]): string {
  return JSON.stringify({apiVersion: API_VERSION, kind: 'StorageInitializerSummary', items: rows}, null, 2) + '\n'
}

const secs = (n: number | null) => (n === null ? '-' : `${n.toFixed(1)}s`)

/** The table; a namespace column when the rows come from every namespace; --no-headers leaves out the header row. */
export function summaryTable(rows: ModelSummary[], o: {withNamespace: boolean; headers: boolean}): string {
  const ns = <T>(v: T): T[] => (o.withNamespace ? [v] : [])
  const text = table(
    [...ns('namespace'), 'model', 'pods', 'succeeded', 'failed', 'initializing', 'image', 'median', 'slowest'],
    rows.map(r => [
      ...ns(r.namespace),
      `${r.kind === 'LLMInferenceService' ? 'llminferenceservice' : 'inferenceservice'}/${r.inferenceService}`,
      r.pods,
      r.succeeded,
      Object.entries(r.failed)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${v} ${k}`)
        .join(', ') || '0',
      r.initializing,
      r.images.join(' '),
      secs(r.medianSeconds),
      secs(r.slowestSeconds),
    ]),
  )
  return (
    text
      .split('\n')
      .slice(o.headers ? 0 : 1)
      .join('\n') + '\n'
  )
}
