/** `history` and `rollback --list` output: the revisions as a table, or one revision with its diffs; -o json/yaml envelopes. */
import type {HistoryItem} from '../core/rollback.js'
import {API_VERSION} from '../domain/api-version.js'
import {historyTable, revisionDetail} from './change.js'
import {formatStructured} from './output.js'

/** -o json/yaml of one revision (--revision N). */
export type Revision = {apiVersion: typeof API_VERSION; kind: 'Revision'; namespace: string} & HistoryItem

/** -o json/yaml of the history. */
export interface RevisionList {
  apiVersion: typeof API_VERSION
  kind: 'RevisionList'
  namespace: string
  items: HistoryItem[]
}

/** What to print: `stdout`, and `stderr` for the note that nothing is recorded. */
export interface Printed {
  stdout: string
  stderr: string
}

const structured = (output: string | undefined): output is 'json' | 'yaml' => output === 'json' || output === 'yaml'

/** One revision: its record and what it changed in each target. `namespace`: KServe's, where the history is kept. */
export async function renderRevision(namespace: string, item: HistoryItem, output?: string): Promise<string> {
  if (structured(output)) {
    const revision: Revision = {apiVersion: API_VERSION, kind: 'Revision', namespace, ...item}
    return formatStructured(revision, output)
  }
  return revisionDetail(item)
}

/** The revisions, oldest first (`max`: only the newest so many). */
export async function renderHistory(namespace: string, items: HistoryItem[], o: {output?: string; max?: number}): Promise<Printed> {
  const shown = o.max ? items.slice(-o.max) : items
  if (structured(o.output)) {
    const list: RevisionList = {apiVersion: API_VERSION, kind: 'RevisionList', namespace, items: shown}
    return {stdout: await formatStructured(list, o.output), stderr: ''}
  }
  if (shown.length === 0) return {stdout: '', stderr: `No revisions recorded in configmap ${namespace}/storage-initializer-history.\n`}
  return {stdout: historyTable(shown), stderr: ''}
}
