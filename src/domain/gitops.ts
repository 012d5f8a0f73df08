/**
 * GitOps ownership: which Argo CD Application or Flux Kustomization/HelmRelease keeps an object as Git says, and what
 * it does with a live change (undone at once, at its next reconciliation, only shown as drift, or kept).
 * Sources (facts, not code, taken from the tools' sources):
 * - Argo CD (argoproj/argo-cd v2.13, v3.x): label tracking writes `app.kubernetes.io/instance: <app>` (the default up to
 *   2.x; `application.instanceLabelKey` may name another key), annotation tracking writes
 *   `argocd.argoproj.io/tracking-id: [<app-namespace>_]<app>:<group>/<kind>:<namespace>/<name>` (the default from 3.0),
 *   and a tracking id naming another object is not Argo CD's (a copied manifest). Application.spec.syncPolicy.automated
 *   (with `enabled: false` from 3.x turning it off), `selfHeal`, `ignoreDifferences` (which hides fields from the diff
 *   only, unless the sync option RespectIgnoreDifferences=true keeps them at sync).
 * - Flux kustomize-controller (v1): `kustomize.toolkit.fluxcd.io/name` and `/namespace` labels; drift is taken back at
 *   each spec.interval by a forced server-side apply unless spec.suspend, or the object says
 *   `kustomize.toolkit.fluxcd.io/reconcile: disabled` or `kustomize.toolkit.fluxcd.io/ssa: Ignore|IfNotPresent`.
 * - Flux helm-controller (v1, HelmRelease v2): `helm.toolkit.fluxcd.io/name` and `/namespace` labels (and Helm's own);
 *   spec.driftDetection.mode `enabled` corrects drift at each interval, `warn` reports it, `disabled` (the default)
 *   leaves it until the next upgrade; `helm.toolkit.fluxcd.io/driftDetection: disabled` on an object exempts it.
 */
import {goDurationMs} from './duration.js'

/** Which tool keeps an object as Git says, from the labels and annotations the tool writes. */
export type GitOpsOwner =
  | {
      tool: 'argocd'
      application: string
      /** the Application's namespace when the tracking value names it (apps in any namespace) */
      applicationNamespace?: string
      tracking: 'annotation' | 'label'
    }
  | {tool: 'flux-kustomize' | 'flux-helm'; name: string; namespace: string}

/** An object as far as ownership reads it. */
export interface OwnedObject {
  apiVersion?: string
  kind?: string
  metadata?: {name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>}
}

export const ARGO_TRACKING_ID = 'argocd.argoproj.io/tracking-id'
export const ARGO_INSTANCE_LABEL = 'app.kubernetes.io/instance'
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/

/** `[<namespace>_]<name>`, as Argo CD writes an Application's instance name (the namespace only outside its own). */
function appName(value: string): {application: string; applicationNamespace?: string} | undefined {
  const i = value.indexOf('_')
  const [ns, name] = i < 0 ? [undefined, value] : [value.slice(0, i), value.slice(i + 1)]
  if (!DNS_SUBDOMAIN.test(name) || (ns !== undefined && !DNS_LABEL.test(ns))) return undefined
  return {application: name, ...(ns ? {applicationNamespace: ns} : {})}
}

/**
 * The GitOps tool an object's metadata names. Argo CD's tracking annotation counts only when it names this object (as
 * Argo CD checks it); its instance label only as a candidate (`label`), which Helm charts and kustomize also write, so
 * the caller confirms it by finding the Application.
 */
export function gitopsOwner(obj: OwnedObject | undefined): GitOpsOwner | undefined {
  const meta = obj?.metadata
  const labels = meta?.labels ?? {}
  const annotations = meta?.annotations ?? {}
  for (const [tool, prefix] of [
    ['flux-kustomize', 'kustomize.toolkit.fluxcd.io'],
    ['flux-helm', 'helm.toolkit.fluxcd.io'],
  ] as const) {
    const name = labels[`${prefix}/name`]
    const namespace = labels[`${prefix}/namespace`]
    if (typeof name === 'string' && DNS_SUBDOMAIN.test(name) && typeof namespace === 'string' && DNS_LABEL.test(namespace))
      return {tool, name, namespace}
  }
  const id = annotations[ARGO_TRACKING_ID]
  if (typeof id === 'string') {
    const m = /^([^:]+):([^/:]*)\/([^:]+):([^/]*)\/(.+)$/.exec(id)
    const app = m && appName(m[1])
    const group = obj?.apiVersion?.includes('/') ? obj.apiVersion.slice(0, obj.apiVersion.lastIndexOf('/')) : ''
    // a tracking id for another object (a manifest copied from one): Argo CD does not take it as its own
    // a cluster-scoped object carries the Application's destination namespace in the namespace slot
    const namespaced = typeof meta?.namespace === 'string' && meta.namespace !== ''
    if (app && m[2] === group && m[3] === obj?.kind && (!namespaced || m[4] === meta?.namespace) && m[5] === meta?.name)
      return {tool: 'argocd', ...app, tracking: 'annotation'}
  }
  const instance = labels[ARGO_INSTANCE_LABEL]
  if (typeof instance === 'string') {
    const app = appName(instance)
    if (app) return {tool: 'argocd', ...app, tracking: 'label'}
  }
  return undefined
}

/** The owner's own object (an Application, a Kustomization, a HelmRelease), or why it could not be read. */
export type OwnerRead = {object: any} | {absent: string} | {unreadable: string}

/** What the owner does with a live change. */
export type Reverts = 'at-once' | 'next-sync' | 'next-upgrade' | 'never' | 'unknown'

export interface OwnerVerdict {
  /** one name for the owner: `Argo CD application argocd/kserve`, `Flux Kustomization flux-system/kserve` */
  owner: string
  /** the label or annotation that says so */
  evidence: string
  reverts: Reverts
  /** what happens and when, in one clause */
  what: string
  /** where to make the change instead */
  instead: string
}

/** A JSON pointer's segments (RFC 6901). */
const segments = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))

/** A simple jq path (`.data.storageInitializer`, `.spec.container.image`, `.data["key"]`) as segments; else undefined. */
function jqSegments(expr: string): string[] | undefined {
  const out: string[] = []
  const re = /\.([A-Za-z_][\w-]*)|\["([^"\\]+)"\]|\.\["([^"\\]+)"\]/y
  let at = 0
  const text = expr.trim()
  if (text === '.') return []
  while (at < text.length) {
    re.lastIndex = at
    const m = re.exec(text)
    if (!m) return undefined
    out.push(m[1] ?? m[2] ?? m[3])
    at = re.lastIndex
  }
  return out
}

const glob = (pattern: unknown, value: string) =>
  pattern === undefined || pattern === '' || pattern === '*'
    ? pattern !== '' || value === ''
    : typeof pattern === 'string' &&
      new RegExp(
        `^${pattern
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      ).test(value)

/** Whether every changed path is one of Application.spec.ignoreDifferences' (true), some may be (a jq expression: 'maybe'). */
export function ignoredByArgo(
  app: any,
  target: {group: string; kind: string; namespace?: string; name: string},
  changed: string[][],
  fieldManager: string,
): boolean | 'maybe' {
  const entries = (Array.isArray(app?.spec?.ignoreDifferences) ? app.spec.ignoreDifferences : []).filter(
    (e: any) =>
      e &&
      glob(e.group ?? '', target.group) &&
      glob(e.kind, target.kind) &&
      (e.name === undefined || e.name === '' || e.name === target.name) &&
      (e.namespace === undefined || e.namespace === '' || e.namespace === (target.namespace ?? '')),
  )
  if (entries.length === 0) return false
  // the whole change is in fields this plugin's field manager owns
  if (entries.some((e: any) => Array.isArray(e.managedFieldsManagers) && e.managedFieldsManagers.includes(fieldManager))) return true
  let maybe = false
  const prefixes: string[][] = []
  for (const e of entries) {
    for (const p of Array.isArray(e.jsonPointers) ? e.jsonPointers : []) if (typeof p === 'string') prefixes.push(segments(p))
    for (const q of Array.isArray(e.jqPathExpressions) ? e.jqPathExpressions : []) {
      const s = typeof q === 'string' ? jqSegments(q) : undefined
      if (s) prefixes.push(s)
      else maybe = true
    }
  }
  const covered = changed.every(path => prefixes.some(p => p.length <= path.length && p.every((s, i) => s === path[i])))
  return covered ? true : maybe ? 'maybe' : false
}

const every = (interval: unknown) => {
  const ms = typeof interval === 'string' ? goDurationMs(interval) : undefined
  return ms === undefined ? '' : ` (every ${interval})`
}

/** The verdict for an Argo CD-owned object. */
function argoVerdict(
  owner: Extract<GitOpsOwner, {tool: 'argocd'}>,
  read: OwnerRead,
  target: {group: string; kind: string; namespace?: string; name: string},
  changed: string[][],
  fieldManager: string,
): OwnerVerdict {
  const app = `${owner.applicationNamespace ?? ('object' in read ? read.object?.metadata?.namespace : undefined) ?? ''}`
  const owned = `Argo CD application ${app ? `${app}/` : ''}${owner.application}`
  const evidence =
    owner.tracking === 'annotation'
      ? `annotation ${ARGO_TRACKING_ID}`
      : `label ${ARGO_INSTANCE_LABEL}=${owner.applicationNamespace ? `${owner.applicationNamespace}_` : ''}${owner.application}`
  const instead = `commit the change to the Git source of ${owned} (--emit kustomize or --emit object prints it)`
  if (!('object' in read))
    return {
      owner: owned,
      evidence,
      reverts: 'unknown',
      what: `it shows OutOfSync, and Argo CD undoes the change at once if it self-heals, else at its next sync; its settings are unknown: ${'absent' in read ? read.absent : read.unreadable}`,
      instead,
    }
  const a = read.object
  // util/argo: an Application annotated skip-reconcile is not reconciled at all
  if (/^(true|1|t)$/i.test(String(a?.metadata?.annotations?.['argocd.argoproj.io/skip-reconcile'] ?? '')))
    return {
      owner: owned,
      evidence,
      reverts: 'never',
      what: 'the Application says argocd.argoproj.io/skip-reconcile: "true", so Argo CD does not reconcile it: the change stays while it does',
      instead,
    }
  const sync = a?.spec?.syncPolicy ?? {}
  const automated = sync.automated && typeof sync.automated === 'object' && sync.automated.enabled !== false
  const respect = Array.isArray(sync.syncOptions) && sync.syncOptions.includes('RespectIgnoreDifferences=true')
  const ignored = ignoredByArgo(a, target, changed, fieldManager)
  if (ignored === true)
    return respect
      ? {
          owner: owned,
          evidence,
          reverts: 'never',
          what: 'it ignores these fields (ignoreDifferences, RespectIgnoreDifferences=true): the change stays',
          instead,
        }
      : {
          owner: owned,
          evidence,
          reverts: 'next-sync',
          what: "it hides these fields from its diff (ignoreDifferences), so it stays Synced and does not self-heal them, but its next sync of this object for another reason (a commit, a sync by hand) writes Git's value back (RespectIgnoreDifferences=true is not set)",
          instead,
        }
  const maybe = ignored === 'maybe' ? ' (unless its ignoreDifferences jq expressions cover these fields)' : ''
  if (automated && sync.automated.selfHeal === true)
    return {
      owner: owned,
      evidence,
      reverts: 'at-once',
      what: `it self-heals: the change is undone within seconds of Argo CD seeing it (repeated self-heals of one revision back off up to 5 minutes)${maybe}`,
      instead,
    }
  if (automated)
    return {
      owner: owned,
      evidence,
      reverts: 'next-sync',
      what: `it shows OutOfSync, and its automated sync undoes the change at the next commit to Git (self-heal is off)${maybe}`,
      instead,
    }
  return {
    owner: owned,
    evidence,
    reverts: 'next-sync',
    what: `it shows OutOfSync, and its next sync (started by hand: automated sync is off) undoes the change${maybe}`,
    instead,
  }
}

/** The verdict for a Flux-owned object. */
function fluxVerdict(
  owner: Extract<GitOpsOwner, {tool: 'flux-kustomize' | 'flux-helm'}>,
  read: OwnerRead,
  obj: OwnedObject,
  fieldManager: string,
): OwnerVerdict {
  // Flux reads its per-object settings from labels or annotations, their values case-insensitively (fluxcd/pkg ssa)
  const setting = (k: string) => String(obj.metadata?.annotations?.[k] ?? obj.metadata?.labels?.[k] ?? '').toLowerCase()
  const kind = owner.tool === 'flux-kustomize' ? 'Kustomization' : 'HelmRelease'
  const prefix = owner.tool === 'flux-kustomize' ? 'kustomize.toolkit.fluxcd.io' : 'helm.toolkit.fluxcd.io'
  const owned = `Flux ${kind} ${owner.namespace}/${owner.name}`
  const evidence = `labels ${prefix}/name, ${prefix}/namespace`
  const instead =
    owner.tool === 'flux-kustomize'
      ? `commit the change to the Git source of ${owned} (--emit kustomize prints it as a patch)`
      : `put it in the values of ${owned} (--emit helm-values prints them)`
  const v = (reverts: Reverts, what: string): OwnerVerdict => ({owner: owned, evidence, reverts, what, instead})
  const unknown = (r: OwnerRead) => ('absent' in r ? r.absent : 'unreadable' in r ? r.unreadable : '')
  if (owner.tool === 'flux-kustomize') {
    if (setting('kustomize.toolkit.fluxcd.io/reconcile') === 'disabled')
      return v('never', 'the object says kustomize.toolkit.fluxcd.io/reconcile: disabled, so Flux leaves it alone: the change stays')
    const ssa = setting('kustomize.toolkit.fluxcd.io/ssa')
    if (ssa === 'ignore')
      return v('never', 'the object says kustomize.toolkit.fluxcd.io/ssa: Ignore, so Flux does not apply it: the change stays')
    if (ssa === 'ifnotpresent')
      return v(
        'never',
        "the object says kustomize.toolkit.fluxcd.io/ssa: IfNotPresent, so Flux only creates it: the change stays (if Git's copy says so too: Flux reads it there)",
      )
    if (!('object' in read))
      return v(
        'unknown',
        `it undoes the change at its next reconciliation unless it is suspended; its settings are unknown: ${unknown(read)}`,
      )
    const k = read.object
    if (k?.spec?.suspend === true)
      return v('next-sync', 'it is suspended (spec.suspend): the change stays until it is resumed, and is undone then')
    // Flux takes over the fields of managers whose name starts with kubectl (ssa/patch.go), unless ssa: Merge
    const added =
      fieldManager.startsWith('kubectl') && ssa !== 'merge' ? '; fields this plugin adds go too (its field manager is named kubectl*)' : ''
    return v(
      'next-sync',
      `it undoes the change at its next reconciliation${every(k?.spec?.interval)}, by a forced server-side apply${added}`,
    )
  }
  const exempt = setting('helm.toolkit.fluxcd.io/driftDetection') === 'disabled'
  const later = 'the next upgrade of the release (a change to its chart or values in Git) most likely undoes it'
  if (!('object' in read))
    return v(
      'unknown',
      `it puts back what its chart sets at its next reconciliation if its drift detection is enabled, else ${later}; its settings are unknown: ${unknown(read)}`,
    )
  const h = read.object
  const mode = exempt ? 'disabled' : String(h?.spec?.driftDetection?.mode ?? 'disabled')
  if (h?.spec?.suspend === true)
    return mode === 'enabled'
      ? v('next-sync', 'it is suspended (spec.suspend): the change stays until it is resumed, and its drift detection undoes it then')
      : v('next-upgrade', `it is suspended (spec.suspend): the change stays until it is resumed; then ${later}`)
  if (mode === 'enabled')
    return v(
      'next-sync',
      `its drift detection is enabled: it puts back the fields its chart sets at its next reconciliation${every(h?.spec?.interval)}`,
    )
  if (mode === 'warn') return v('next-upgrade', `its drift detection warns: the change is reported as drift (an event), and ${later}`)
  return v(
    'next-upgrade',
    `${exempt ? 'the object is exempt from drift detection (helm.toolkit.fluxcd.io/driftDetection: disabled)' : 'its drift detection is off (the default)'}: the change stays until ${later}`,
  )
}

/** What an owner does with a change to these paths of an object (JSON pointer segments). */
export function judgeOwner(
  owner: GitOpsOwner,
  read: OwnerRead,
  obj: OwnedObject,
  changed: string[][],
  fieldManager = 'kubectl-storage-init',
): OwnerVerdict {
  if (owner.tool === 'argocd') {
    const apiVersion = obj.apiVersion ?? ''
    const target = {
      group: apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '',
      kind: obj.kind ?? '',
      namespace: obj.metadata?.namespace,
      name: obj.metadata?.name ?? '',
    }
    return argoVerdict(owner, read, target, changed, fieldManager)
  }
  return fluxVerdict(owner, read, obj, fieldManager)
}

/** The paths (as segments) where two values of an object differ: leaves of objects, whole arrays and scalars. */
export function changedPaths(before: unknown, after: unknown, at: string[] = []): string[][] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  if (!isObj(before) || !isObj(after)) return [at]
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].flatMap(k => changedPaths(before[k], after[k], [...at, k]))
}

/** A --strict change refuses what an owner takes back (or may: its settings could not be read). */
export const strictRefuses = (v: OwnerVerdict) => v.reverts === 'at-once' || v.reverts === 'next-sync' || v.reverts === 'unknown'
