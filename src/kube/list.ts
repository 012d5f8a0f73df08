/**
 * Lists as kubectl reads them: in chunks of --chunk-size items (limit + continue, 500 by default), each chunk handed
 * to the caller and then dropped, so memory stays flat however large the cluster; optionally as metadata only
 * (PartialObjectMetadataList), when nothing else of the objects is used.
 */
import {setFlagsFromString} from 'node:v8'
import {runInNewContext} from 'node:vm'

import type {KubeClient, RequestOptions} from './client.js'

export const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'

export interface ListOptions {
  query?: RequestOptions['query']
  /** ask for metadata only */
  metadata?: boolean
}

/**
 * A full garbage collection, where the engine lets one be asked for. Each chunk arrives as one large string (its JSON)
 * and its parsed objects; both are garbage once the chunk is folded in, but the engine collects large objects only in
 * full collections, which it schedules by heap growth: left alone, a 100,000-pod list peaks near 200 MB of garbage.
 * Asking for one every few thousand items keeps the peak flat, for a few milliseconds each.
 */
let collector: (() => void) | null | undefined
/** Made on first use only (a list long enough to need it): setting the flag and the context cost start-up time. */
function collect(): void {
  if (collector === undefined) {
    const bun = (globalThis as {Bun?: {gc(force: boolean): void}}).Bun
    try {
      // synchronous: Bun's asynchronous hint (gc(false)) left set-image at 100,000 pods peaking at 170 MB, a
      // synchronous full collection at 140 MB (bench:scale, the standalone executable)
      if (bun) collector = () => bun.gc(true)
      else {
        setFlagsFromString('--expose-gc')
        collector = runInNewContext('gc') as () => void
      }
    } catch {
      collector = null
    }
  }
  collector?.()
}

/** Items between two requested collections (JavaScriptCore, on Bun, lets more pile up between them than V8). */
const COLLECT_EVERY = (globalThis as {Bun?: unknown}).Bun ? 2500 : 5000

/** Every page of a list, in order; the last page's resourceVersion is the list's (the first page's, as the server keeps it). */
export async function eachPage(
  client: KubeClient,
  path: string,
  opts: ListOptions,
  onPage: (items: any[]) => void,
): Promise<{resourceVersion: string}> {
  let cont: string | undefined
  let resourceVersion = ''
  let sinceCollect = 0
  let total = 0
  do {
    const page = await client.get(
      path,
      {...opts.query, limit: client.chunkSize || undefined, continue: cont},
      opts.metadata ? METADATA_ONLY : undefined,
    )
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion
    const items: any[] = page.items ?? []
    onPage(items)
    cont = page.metadata?.continue || undefined
    sinceCollect += items.length
    total += items.length
    if (cont && sinceCollect >= COLLECT_EVERY) {
      sinceCollect = 0
      collect()
    }
  } while (cont)
  // after a long list, too: the report that comes next should not pile on its garbage
  if (total >= COLLECT_EVERY) collect()
  return {resourceVersion}
}

/** Every item, reduced by `keep` as each chunk arrives (so whole objects never pile up). */
export async function listAll<T>(
  client: KubeClient,
  path: string,
  opts: ListOptions,
  keep: (item: any) => T | undefined,
): Promise<{items: T[]; resourceVersion: string}> {
  const items: T[] = []
  const {resourceVersion} = await eachPage(client, path, opts, page => {
    for (const o of page) {
      const k = keep(o)
      if (k !== undefined) items.push(k)
    }
  })
  return {items, resourceVersion}
}
