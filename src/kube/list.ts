/**
 * Lists as kubectl reads them: in chunks of --chunk-size items (limit + continue, 500 by default), each chunk handed
 * to the caller and then dropped, so memory stays flat however large the cluster; optionally as metadata only
 * (PartialObjectMetadataList), when nothing else of the objects is used.
 */
import type {KubeClient, RequestOptions} from './client.js'

export const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json'

export interface ListOptions {
  query?: RequestOptions['query']
  /** ask for metadata only */
  metadata?: boolean
}

/** Every page of a list, in order; the last page's resourceVersion is the list's (the first page's, as the server keeps it). */
export async function eachPage(client: KubeClient, path: string, opts: ListOptions, onPage: (items: any[]) => void): Promise<{resourceVersion: string}> {
  let cont: string | undefined
  let resourceVersion = ''
  do {
    const page = await client.get(path, {...opts.query, limit: client.chunkSize || undefined, continue: cont}, opts.metadata ? METADATA_ONLY : undefined)
    resourceVersion = page.metadata?.resourceVersion ?? resourceVersion
    onPage(page.items ?? [])
    cont = page.metadata?.continue || undefined
  } while (cont)
  return {resourceVersion}
}

/** Every item, reduced by `keep` as each chunk arrives (so whole objects never pile up). */
export async function listAll<T>(client: KubeClient, path: string, opts: ListOptions, keep: (item: any) => T | undefined): Promise<{items: T[]; resourceVersion: string}> {
  const items: T[] = []
  const {resourceVersion} = await eachPage(client, path, opts, page => {
    for (const o of page) {
      const k = keep(o)
      if (k !== undefined) items.push(k)
    }
  })
  return {items, resourceVersion}
}
