/**
 * Finding model pods: listed in chunks (only the fields used kept), and watched for changes, re-listing when the watch
 * expires (410) and reopening it when it drops; a refusal ends the watch.
 */
import {isApiStatus} from '../errors.js'
import {LineSplitter} from '../domain/lines.js'
import {slimPod} from '../domain/pod-status.js'
import type {KubeClient} from './client.js'
import {explain} from './explain.js'
import {eachPage, listAll} from './list.js'
import {apiPath} from './paths.js'
import {Attempts, isTransient, POLICIES} from './retry.js'

export interface Selection {
  namespace?: string // undefined: all namespaces
  /** pods matching any of these (InferenceServices and LLMInferenceServices carry different labels) */
  labelSelectors?: string[]
  pod?: string
}

function podPath(sel: Selection): string {
  return apiPath('pods', {namespace: sel.namespace})
}

export async function listPods(client: KubeClient, sel: Selection): Promise<{items: any[]; resourceVersion: string}> {
  try {
    if (sel.pod) {
      const p = await client.get(apiPath('pods', {namespace: sel.namespace, name: sel.pod}))
      return {items: [p], resourceVersion: p.metadata.resourceVersion}
    }
    // chunked, and only the fields used are kept of each pod (memory flat in the number of pods)
    const lists = await Promise.all(
      (sel.labelSelectors ?? ['']).map(labelSelector => listAll(client, podPath(sel), {query: {labelSelector}}, slimPod)),
    )
    const seen = new Set<string>()
    const items = lists.flatMap(l => l.items).filter((p: any) => !seen.has(p.metadata.uid) && seen.add(p.metadata.uid))
    // watching from the oldest of the lists' versions replays nothing twice: pods already seen are not attached again
    const rvs = lists
      .map(l => l.resourceVersion)
      .filter(Boolean)
      .sort((a, b) => Number(a) - Number(b))
    return {items, resourceVersion: rvs[0] ?? ''}
  } catch (e) {
    throw explain(e, client, {verb: sel.pod ? 'get' : 'list', resource: 'pods', namespace: sel.namespace, name: sel.pod})
  }
}

/** Every pod with a label selector in every namespace, page by page, each keeping only the fields used (memory flat). */
export async function eachPodPage(client: KubeClient, labelSelector: string, onPage: (pods: any[]) => void): Promise<void> {
  await eachPage(client, apiPath('pods'), {query: {labelSelector}}, page => onPage(page.map(slimPod)))
}

/** Watch pods (list+watch, re-listing when the watch expires) until aborted: one watch per label selector. */
export async function watchPods(
  client: KubeClient,
  sel: Selection,
  rv: string,
  onPod: (p: any) => void,
  signal: AbortSignal,
): Promise<void> {
  const selectors = sel.pod ? [undefined] : (sel.labelSelectors ?? [undefined])
  await Promise.all(
    selectors.map(labelSelector =>
      watchOne(client, {...sel, labelSelectors: labelSelector ? [labelSelector] : undefined}, labelSelector, rv, onPod, signal),
    ),
  )
}

async function watchOne(
  client: KubeClient,
  sel: Selection,
  labelSelector: string | undefined,
  rv: string,
  onPod: (p: any) => void,
  signal: AbortSignal,
): Promise<void> {
  const query = (v: string) => ({
    watch: 1,
    resourceVersion: v,
    labelSelector,
    fieldSelector: sel.pod ? `metadata.name=${sel.pod}` : undefined,
    allowWatchBookmarks: true,
  })
  // a watch that ended is opened again at once; one that could not be opened, after POLICIES.rewatch's pause
  const tries = new Attempts(POLICIES.rewatch, signal)
  while (!signal.aborted) {
    let res
    try {
      res = await client.stream(podPath(sel), query(rv), 'application/json', signal)
    } catch (e) {
      if (signal.aborted) return
      if (isApiStatus(e, 410)) {
        const l = await listPods(client, sel)
        l.items.forEach(onPod)
        rv = l.resourceVersion
        continue
      }
      // a refusal (403, 404) is final; a dropped connection or a server in trouble is not
      if (isApiStatus(e) && !isTransient(e)) throw e
      await tries.again(e)
      continue
    }
    const abort = () => res.destroy()
    signal.addEventListener('abort', abort, {once: true})
    const lines = new LineSplitter()
    try {
      for await (const chunk of res) {
        for (const line of lines.lines(chunk)) {
          const ev = JSON.parse(line)
          if (ev.type === 'ERROR') {
            if (ev.object?.code === 410) {
              const l = await listPods(client, sel)
              l.items.forEach(onPod)
              rv = l.resourceVersion
            }
            continue
          }
          if (ev.object?.metadata?.resourceVersion) rv = ev.object.metadata.resourceVersion
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') onPod(ev.object)
        }
      }
    } catch {
      // a broken watch is resumed from the last resourceVersion seen
    } finally {
      signal.removeEventListener('abort', abort)
    }
  }
}
