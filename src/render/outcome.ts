/**
 * The output of a change (set-image, set-resources, rollback): the diff (ours, or KUBECTL_EXTERNAL_DIFF's as kubectl
 * diff runs it), the objects (-o json|yaml), their names (-o name) or kubectl-style report lines, then notes on stderr: nothing to change, Helm,
 * the revision recorded, stale pods, LLMInferenceServices. The caller supplies the writers.
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Outcome} from '../core/change.js'
import {CliError} from '../errors.js'
import {llmNote, reportLines, staleNote} from './change.js'
import {formatStructured} from './output.js'
import {escapeTerminal} from './terminal.js'

/** The flags of a changing command that shape its output. */
export interface OutcomeFlags {
  'dry-run': string
  diff: boolean
  output?: string
  'show-helm-values': boolean
  'exit-code': boolean
  'show-all': boolean
  'show-managed-fields': boolean
  emit?: string
}

export interface OutcomeWriters {
  /** stdout */
  print(text: string): void
  /** one line on stderr */
  note(line: string): void
  /** one warning on stderr (once per command) */
  warn(text: string): void
}

export interface OutcomeOptions {
  /** the report line's verb (rolled back) */
  verb?: string
  /** the values.yaml lines that make the change last */
  helmValues?: () => string
  /** what to say when nothing changes */
  nothing?: string
  /** what was written into each target (by id), value by value (a rollback): under its report line */
  details?: Record<string, string[]>
}

/** Print what happened; answers the exit code --exit-code asks for (1: something changed, or would). */
export async function renderOutcome(o: Outcome, f: OutcomeFlags, opts: OutcomeOptions, w: OutcomeWriters): Promise<number> {
  let failed: unknown
  if (f.diff) {
    const external = process.env.KUBECTL_EXTERNAL_DIFF
    const {diffs, valueText} = await import('./diff.js')
    if (external) {
      // the program's failure is the command's (as kubectl diff), but only after the report: the change may be written
      try {
        externalDiff(external, o, w, valueText)
      } catch (e) {
        failed = e
      }
    } else w.print(diffs(o))
  }
  const lines = reportLines(o, f['dry-run'], opts.verb, opts.details)
  if (f.output === 'json' || f.output === 'yaml') {
    // as kubectl: managedFields only when asked for
    const items = f['show-managed-fields']
      ? o.objects
      : o.objects.map(x => (x?.metadata?.managedFields ? {...x, metadata: {...x.metadata, managedFields: undefined}} : x))
    w.print(await formatStructured({apiVersion: 'v1', kind: 'List', items: JSON.parse(JSON.stringify(items))}, f.output))
    for (const l of lines) w.note(l)
  } else if (f.output === 'name') {
    // as kubectl's -o name: kind.group/name of each object written (or that would be), the report on stderr
    w.print(o.planned.map((p, i) => `${objectName(o.objects[i]) ?? p.target.display.replace(/ -n \S+$/, '')}\n`).join(''))
    for (const l of lines) w.note(l)
  } else w.print(lines.map(l => l + '\n').join(''))
  if (o.changed.length === 0) {
    w.note(opts.nothing ?? 'nothing to change: every target already has that value; nothing was written and no revision was recorded')
    if (failed) throw failed
    return 0
  }
  const cmChanged = o.changed.some(p => p.target.kind === 'ConfigMap')
  const dry = f['dry-run'] !== 'none'
  // a GitOps owner: who, what it does with the change and when, and where to make it instead
  for (const x of o.owners ?? [])
    w.warn(
      `${x.target.display} is managed by ${x.verdict.owner} (${x.verdict.evidence})${dry ? '; once written' : ''}: ${x.verdict.what}; ${x.verdict.instead}`,
    )
  // a HelmRelease's verdict says what Helm's upgrade does already
  const fluxHelm = o.owners?.some(x => x.target.kind === 'ConfigMap' && x.verdict.owner.startsWith('Flux HelmRelease '))
  if (o.live.helm && cmChanged && !fluxHelm) {
    w.warn(
      `configmap ${o.live.namespace}/inferenceservice-config is managed by Helm release "${o.live.helm.release}"${o.live.helm.releaseNamespace ? ` (namespace ${o.live.helm.releaseNamespace})` : ''}: the next helm upgrade will undo this change${f['show-helm-values'] ? '' : '; --show-helm-values prints the values that make it last'}`,
    )
  }
  if (f['show-helm-values'] && opts.helmValues)
    w.print(`# values for helm upgrade ${o.live.helm?.release ?? 'RELEASE'} (kserve-resources chart)\n${opts.helmValues()}`)
  if (o.revision !== undefined)
    w.note(
      `recorded as revision ${o.revision} in configmap ${o.live.namespace}/storage-initializer-history (undo: kubectl storage-init rollback)`,
    )
  if (o.pruned?.length)
    w.note(
      `dropped revision ${o.pruned.join(', ')} from the history to keep configmap ${o.live.namespace}/storage-initializer-history under the API server's 1 MiB limit`,
    )
  const stale = staleNote(o.stalePods, f['show-all'])
  if (stale) w.note(stale)
  const llm = cmChanged ? llmNote(o.llms) : undefined
  if (llm) w.note(llm)
  if (failed) throw failed
  // --exit-code: 1 when something changes (or would), as kubectl diff
  return f['exit-code'] ? 1 : 0
}

/** kubectl's -o name of an object: `configmap/x`, `clusterstoragecontainer.serving.kserve.io/default`. */
export function objectName(obj: unknown): string | undefined {
  const o = obj as {apiVersion?: unknown; kind?: unknown; metadata?: {name?: unknown}} | null | undefined
  if (typeof o?.kind !== 'string' || typeof o.metadata?.name !== 'string') return undefined
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : ''
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : ''
  return `${o.kind.toLowerCase()}${group ? `.${group}` : ''}/${o.metadata.name}`
}

/**
 * kubectl diff's way: the live and the changed values in two directories, and the user's program on them. Exported for
 * tests.
 */
export function externalDiff(command: string, o: Outcome, w: OutcomeWriters, valueText: (target: string, v: unknown) => string): void {
  // as kubectl diff (DiffProgram.getCommand): the first word is the program, a further word is passed on only when it
  // is letters, digits, dashes and equals signs (an option), so the variable cannot add paths or other operands
  const [cmd, ...words] = command.split(' ')
  if (!cmd) throw new CliError('Usage', 'KUBECTL_EXTERNAL_DIFF: the first word must be the diff program (it starts with a space)')
  const args: string[] = []
  for (const a of words)
    if (/^[a-zA-Z0-9-=]+$/.test(a)) args.push(a)
    else if (a)
      w.warn(`KUBECTL_EXTERNAL_DIFF: invalid argument is ignored: ${a}, only Alphanumeric (case-insensitive), dash and equal are allowed`)
  const root = mkdtempSync(join(tmpdir(), 'storage-init-diff-'))
  const [live, merged] = [join(root, 'LIVE'), join(root, 'MERGED')]
  mkdirSync(live)
  mkdirSync(merged)
  for (const p of o.planned) {
    const file = p.target.display.replace(/[^\w.-]+/g, '.')
    writeFileSync(join(live, file), valueText(p.target.id, p.target.value))
    writeFileSync(join(merged, file), valueText(p.target.id, p.after))
  }
  const res = spawnSync(cmd, [...args, live, merged], {encoding: 'utf8'})
  rmSync(root, {recursive: true, force: true})
  if (res.error) throw new CliError('Usage', `KUBECTL_EXTERNAL_DIFF: cannot run ${cmd}: ${res.error.message}`)
  w.print(res.stdout)
  // the program's own output shows cluster data: through the terminal boundary like everything else
  if (res.stderr) process.stderr.write(escapeTerminal(res.stderr))
  // as kubectl diff: 1 means differences, more is the program's failure, and kubectl exits with its status
  if (res.status !== null && res.status > 1)
    throw new CliError('Usage', `failed to run "${cmd}": exit status ${res.status}`, {exitCode: res.status})
  if (res.signal) throw new CliError('Usage', `failed to run "${cmd}": killed by ${res.signal}`)
}
