/**
 * `history` and `rollback --list` output: the revisions as a table, or one revision with its diffs; -o json/yaml
 * envelopes (RevisionList, Revision), which -o jsonpath and custom-columns read too (a row per revision); -o name:
 * `revision/N` per revision.
 */
import type {HistoryItem} from '../core/rollback.js'
import {API_VERSION} from '../domain/api-version.js'
import {unifiedDiff} from '../domain/diff.js'
import {DAMAGED_SHOWN} from '../domain/history.js'
import {valueText} from './diff.js'
import {parseOutput, render, type Output} from './output.js'
import {safe, table} from './table.js'
import {escapeCell} from './terminal.js'

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

/** The -o formats of history (and of rollback --list, which takes a subset). */
export const HISTORY_OUTPUTS = ['json', 'yaml', 'name', 'jsonpath', 'custom-columns']

/** -o as given (checked here) or as parsed by parseOutput(…, HISTORY_OUTPUTS). */
const outputOf = (output: string | Output | undefined): Output =>
  typeof output === 'string' || output === undefined ? parseOutput(output, HISTORY_OUTPUTS) : output

const revisionName = (i: HistoryItem) => `revision/${i.revision}`

/** One revision: its record and what it changed in each target. `namespace`: KServe's, where the history is kept. */
export async function renderRevision(namespace: string, item: HistoryItem, output?: string | Output): Promise<string> {
  const out = outputOf(output)
  if (out.kind !== 'table' && out.kind !== 'wide') {
    const revision: Revision = {apiVersion: API_VERSION, kind: 'Revision', namespace, ...item}
    return render(revision, out, () => [revisionName(item)])
  }
  return item.damaged !== undefined ? damagedDetail(namespace, item) : revisionDetail(item)
}

/** The revisions, oldest first (`max`: only the newest so many; `noHeaders`: the table without its header row). */
export async function renderHistory(
  namespace: string,
  items: HistoryItem[],
  o: {output?: string | Output; max?: number; noHeaders?: boolean},
): Promise<Printed> {
  const out = outputOf(o.output)
  const shown = o.max ? items.slice(-o.max) : items
  const leaked = credentialNote(items)
  if (out.kind !== 'table' && out.kind !== 'wide') {
    const list: RevisionList = {apiVersion: API_VERSION, kind: 'RevisionList', namespace, items: shown}
    return {stdout: await render(list, out, () => shown.map(revisionName)), stderr: leaked}
  }
  if (shown.length === 0) return {stdout: '', stderr: `No revisions recorded in configmap ${namespace}/storage-initializer-history.\n`}
  return {stdout: historyTable(shown, o.noHeaders), stderr: leaked}
}

/** Records of older versions that hold a credential: masked in what is shown, but still in the cluster. */
function credentialNote(items: HistoryItem[]): string {
  const bad = items.filter(i => i.credentialMasked).map(i => i.revision)
  if (bad.length === 0) return ''
  return `Warning: the recorded command of revision ${bad.join(', ')} holds a credential (recorded by an older version; masked here, but readable by anyone who may read the ConfigMap): rotate it and remove the record (kubectl storage-init validate, rule SI080, shows how)\n`
}

/** `history`: Helm's columns, plus who and what. */
function historyTable(items: HistoryItem[], noHeaders = false): string {
  const cmd = (c: string | undefined) => (c ?? '').replace(/^kubectl storage-init /, '')
  const text =
    table(
      ['revision', 'updated', 'recorded as', 'status', 'command', 'description'],
      items.map(i => [
        i.revision,
        i.time ?? '-',
        safe(i.user ?? '-'),
        i.status,
        safe(cmd(i.command)),
        safe(i.damaged !== undefined ? `damaged: ${i.damaged}` : i.description),
      ]),
    ) + '\n'
  // the header is the first line (cells are escaped: a line break cannot come from the data)
  return noHeaders ? text.slice(text.indexOf('\n') + 1) : text
}

/** `history --revision N` of a damaged entry: why, what it holds, and how to repair it (it is never written back). */
function damagedDetail(namespace: string, i: HistoryItem): string {
  const key = `revision-${String(i.revision).padStart(6, '0')}`
  const shown = i.stored ?? ''
  return (
    [
      `Revision:     ${i.revision}`,
      'Status:       damaged',
      `Damaged:      ${escapeCell(i.damaged ?? '')}`,
      `Stored:       ${escapeCell(shown)}${shown.length >= DAMAGED_SHOWN ? ' … (cut)' : ''}`,
      `Repair:       kubectl edit configmap storage-initializer-history -n ${namespace} (key ${key}), or remove the key; it is never written back`,
    ].join('\n') + '\n'
  )
}

/** `history --revision N`: the record, then what it changed in each target as a diff. */
function revisionDetail(i: HistoryItem): string {
  const rows: [string, string | undefined][] = [
    ['Revision', String(i.revision)],
    ['Updated', i.time],
    // who the record says made it: a record is written by whoever may write the ConfigMap, so it proves nothing
    ['Recorded as', i.user],
    ['Command', i.command],
    ['Status', i.status],
    ['Description', i.description],
    ['Rollback to', i.rollbackTo?.toString()],
    ['Undo of', i.undo?.toString()],
    ['Incomplete', i.incomplete?.join(', ')],
    ['Drift', i.drift?.length ? `${i.drift.join(', ')} had been changed outside kubectl storage-init; "before" holds that` : undefined],
  ]
  const head =
    rows
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${(k + ':').padEnd(14)}${safe(v!)}`)
      .join('\n') + '\n'
  const body = (i.targets ?? [])
    .map(t => {
      const d = unifiedDiff(valueText(t.target, t.before), valueText(t.target, t.after), `${t.target} (before)`, `${t.target} (after)`)
      return `\n${t.target}:\n${d || '  (no difference)\n'}`
    })
    .join('')
  return head + body
}
