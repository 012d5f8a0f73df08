/** `history`: the recorded revisions (Helm's `history`), or one of them with what it changed. */
import * as Flags from '@oclif/core/flags'

import {BaseCommand} from '../base-command.js'
import type {KubeClient} from '../kube/client.js'
import {API_VERSION} from '../domain/api-version.js'

export const historyFlags = {
  output: Flags.string({char: 'o', description: 'Output format', options: ['json', 'yaml']}),
  revision: Flags.integer({description: 'Show this revision: its record and what it changed in each target, as a diff', min: 0}),
  max: Flags.integer({description: 'Show at most this many of the newest revisions', min: 1}),
}

export default class History extends BaseCommand<typeof History> {
  static override summary = 'List the recorded revisions, or show one'
  static override description =
    'Revisions are recorded in the cluster (configmap storage-initializer-history in KServe\'s namespace) by set-image, set-resources and rollback. STATUS: current (the newest, and the live configuration is what it left), drifted (the newest, but changed outside kubectl storage-init since), superseded, incomplete (failed half-way), damaged (the entry cannot be read; it is never written back). --revision N shows one record with the before and after of each target.'
  static override examples = ['<%= config.bin %> history', '<%= config.bin %> history --revision 3', '<%= config.bin %> history -o json']
  static override flags = historyFlags

  async run(): Promise<void> {
    const {client} = await this.connect()
    await showHistory(client, this.flags)
  }
}

/** What `history` and `rollback --list` print. */
export async function showHistory(client: KubeClient, f: {output?: string; revision?: number; max?: number; 'kserve-namespace'?: string}): Promise<void> {
  const {loadHistory, historyItem} = await import('../core/rollback.js')
  const {live, items} = await loadHistory(client, f['kserve-namespace'])
  const print = (t: string): void => {
    process.stdout.write(t)
  }
  if (f.revision !== undefined) {
    const item = historyItem(live, items, f.revision)
    if (f.output === 'json' || f.output === 'yaml') {
      const {formatStructured} = await import('../render/output.js')
      return print(await formatStructured({apiVersion: API_VERSION, kind: 'Revision', namespace: live.namespace, ...item}, f.output))
    }
    const {revisionDetail} = await import('../render/change.js')
    return print(revisionDetail(item))
  }
  const shown = f.max ? items.slice(-f.max) : items
  if (f.output === 'json' || f.output === 'yaml') {
    const {formatStructured} = await import('../render/output.js')
    return print(await formatStructured({apiVersion: API_VERSION, kind: 'RevisionList', namespace: live.namespace, items: shown}, f.output))
  }
  if (shown.length === 0) {
    process.stderr.write(`No revisions recorded in configmap ${live.namespace}/storage-initializer-history.\n`)
    return
  }
  const {historyTable} = await import('../render/change.js')
  print(historyTable(shown))
}
