/** Object storage with one resourceVersion counter, a bounded event history and watchers, like etcd behind the API server. */
import {randomUUID} from 'node:crypto'
import {EventEmitter} from 'node:events'

import {errors} from './status.js'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoredEvent {
  rv: number
  type: WatchEventType
  key: string // storage key of the type: group/plural
  object: any
}

const HISTORY = 2000

/** etcd's --max-request-bytes by default: 1.5 MiB (etcd embed.DefaultMaxRequestBytes). */
export const ETCD_MAX_REQUEST_BYTES = 1.5 * 1024 * 1024

/** Byte order of keys, as etcd's. */
const before = (a: string, b: string) => a < b

/** The position of the first id not before `id` in a sorted list (binary search). */
function lowerBound(ids: string[], id: string): number {
  let lo = 0
  let hi = ids.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (before(ids[mid], id)) lo = mid + 1
    else hi = mid
  }
  return lo
}

export interface Scan {
  /** objects in key order, cloned (only these) */
  items: any[]
  /** ids remain after the last one returned (matching or not) */
  more: boolean
  /** how many objects follow the last one returned, matching or not */
  remaining: number
}

/**
 * ObjectMeta's maps and lists are `omitempty` (k8s.io/apimachinery/pkg/apis/meta/v1/types.go): an object stored with
 * `labels: {}` (a merge patch that removed the last label) is served without the key.
 */
function omitEmptyMeta(o: any): any {
  const m = o?.metadata
  if (m && typeof m === 'object')
    for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences', 'managedFields'])
      if (m[k] !== undefined && m[k] !== null && typeof m[k] === 'object' && Object.keys(m[k]).length === 0) delete m[k]
  return o
}

export class Store {
  private data = new Map<string, Map<string, any>>()
  /** each bucket's ids in key order, kept sorted as objects come and go: a chunk costs its size, not the bucket's */
  private index = new Map<string, string[]>()
  private history: StoredEvent[] = []
  private rv = 1000
  readonly events = new EventEmitter()
  /** what etcd is refused above (a test may lower it) */
  maxRequestBytes = ETCD_MAX_REQUEST_BYTES
  /**
   * The bytes an object of a type is stored as: JSON unless told (server.ts tells: protobuf for built-ins, JSON for
   * custom resources, as kube-apiserver stores them).
   */
  encodedSize: (key: string, o: any) => number = (_key, o) => Buffer.byteLength(JSON.stringify(o))

  constructor() {
    this.events.setMaxListeners(0)
  }

  get resourceVersion(): string {
    return String(this.rv)
  }

  /** The oldest resourceVersion a watch can start from. */
  get oldestWatchable(): number {
    return this.history.length > 0 ? this.history[0].rv - 1 : this.rv
  }

  private bucket(key: string): Map<string, any> {
    let b = this.data.get(key)
    if (!b) {
      b = new Map()
      this.data.set(key, b)
      this.index.set(key, [])
    }
    return b
  }

  private ids(key: string): string[] {
    this.bucket(key)
    return this.index.get(key)!
  }

  private put(key: string, id: string, o: any): void {
    const b = this.bucket(key)
    if (!b.has(id)) {
      const ids = this.ids(key)
      ids.splice(lowerBound(ids, id), 0, id)
    }
    b.set(id, o)
  }

  private remove(key: string, id: string): void {
    const ids = this.ids(key)
    const i = lowerBound(ids, id)
    if (ids[i] === id) ids.splice(i, 1)
    this.bucket(key).delete(id)
  }

  /**
   * Objects of a type in key order, within a namespace (or all), after a key (exclusive, relative to the namespace
   * when there is one), that `match`, at most `limit` (0: all).
   */
  scan(key: string, opts: {ns?: string; after?: string; limit?: number; match?: (o: any) => boolean} = {}): Scan {
    const ids = this.ids(key)
    const b = this.bucket(key)
    const prefix = opts.ns !== undefined ? `${opts.ns}/` : ''
    const end = prefix ? lowerBound(ids, prefix.slice(0, -1) + '0') : ids.length // '0' follows '/' in byte order
    let i = opts.after !== undefined ? lowerBound(ids, prefix + opts.after + '\0') : lowerBound(ids, prefix)
    const items: any[] = []
    const limit = opts.limit ?? 0
    for (; i < end; i++) {
      const o = b.get(ids[i])
      if (opts.match && !opts.match(o)) continue
      if (limit > 0 && items.length === limit) break
      items.push(structuredClone(o))
    }
    return {items, more: i < end, remaining: end - i}
  }

  static id(ns: string | undefined, name: string): string {
    return `${ns ?? ''}/${name}`
  }

  get(key: string, ns: string | undefined, name: string): any | undefined {
    const o = this.bucket(key).get(Store.id(ns, name))
    return o === undefined ? undefined : structuredClone(o)
  }

  /** All objects of a type, in etcd key order (namespace, then name). */
  list(key: string, ns?: string): any[] {
    return this.scan(key, {ns}).items
  }

  private record(type: WatchEventType, key: string, object: any): void {
    this.history.push({rv: this.rv, type, key, object: structuredClone(object)})
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY)
    this.events.emit('event', this.history[this.history.length - 1])
  }

  /** Events of a type after a resourceVersion; undefined when that version is too old to replay. */
  since(key: string, rv: number): StoredEvent[] | undefined {
    if (rv < this.oldestWatchable) return undefined
    return this.history.filter(e => e.key === key && e.rv > rv)
  }

  /**
   * etcd refuses a write whose raft request is over --max-request-bytes (etcdserver processInternalRaftRequestOnce:
   * ErrRequestTooLarge, "etcdserver: request is too large"); the etcd3 store (apiserver pkg/storage/etcd3/store.go
   * Create, GuaranteedUpdate) returns the error as it is: a 500 (errors.storage). The request is a txn (a compare on
   * the key, a put of key and value): counted here as the encoded object, twice its key and 64 bytes, at least what
   * etcd counts. A dry run never reaches etcd, nor does an update that changes nothing.
   */
  private checkSize(key: string, o: any): void {
    const etcdKey = `/registry/${key.replace(/^\//, '')}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`
    if (this.encodedSize(key, o) + 2 * Buffer.byteLength(etcdKey) + 64 > this.maxRequestBytes)
      throw errors.storage('etcdserver: request is too large')
  }

  create(key: string, obj: any, dryRun = false): any {
    const o = omitEmptyMeta(structuredClone(obj))
    o.metadata.uid ??= randomUUID()
    o.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    if (dryRun) return o
    this.checkSize(key, o)
    o.metadata.resourceVersion = String(++this.rv)
    this.put(key, Store.id(o.metadata.namespace, o.metadata.name), o)
    this.record('ADDED', key, o)
    return structuredClone(o)
  }

  /** Replace a stored object. No change: nothing written, resourceVersion kept, as the API server does. */
  update(key: string, obj: any, dryRun = false): any {
    const id = Store.id(obj.metadata.namespace, obj.metadata.name)
    const old = this.bucket(key).get(id)
    const o = omitEmptyMeta(structuredClone(obj))
    o.metadata.resourceVersion = old.metadata.resourceVersion
    if (JSON.stringify(o) === JSON.stringify(old) || dryRun) return o
    this.checkSize(key, o)
    o.metadata.resourceVersion = String(++this.rv)
    this.put(key, id, o)
    this.record('MODIFIED', key, o)
    return structuredClone(o)
  }

  delete(key: string, ns: string | undefined, name: string, dryRun = false): any {
    const id = Store.id(ns, name)
    const old = this.bucket(key).get(id)
    if (dryRun) return structuredClone(old)
    this.remove(key, id)
    old.metadata.resourceVersion = String(++this.rv)
    this.record('DELETED', key, old)
    return structuredClone(old)
  }

  keys(): string[] {
    return [...this.data.keys()]
  }
}
