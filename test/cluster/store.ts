/** Object storage with one resourceVersion counter, a bounded event history and watchers, like etcd behind the API server. */
import {randomUUID} from 'node:crypto'
import {EventEmitter} from 'node:events'

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

export interface StoredEvent {
  rv: number
  type: WatchEventType
  key: string // storage key of the type: group/plural
  object: any
}

const HISTORY = 2000

export class Store {
  private data = new Map<string, Map<string, any>>()
  private history: StoredEvent[] = []
  private rv = 1000
  readonly events = new EventEmitter()

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
    }
    return b
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
    const out: any[] = []
    for (const [id, o] of this.bucket(key)) {
      if (ns !== undefined && !id.startsWith(`${ns}/`)) continue
      out.push(o)
    }
    return out
      .sort((a, b) => {
        // byte order of the keys, as etcd's
        const x = Store.id(a.metadata.namespace, a.metadata.name)
        const y = Store.id(b.metadata.namespace, b.metadata.name)
        return x < y ? -1 : x > y ? 1 : 0
      })
      .map(o => structuredClone(o))
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

  create(key: string, obj: any, dryRun = false): any {
    const o = structuredClone(obj)
    o.metadata.uid ??= randomUUID()
    o.metadata.creationTimestamp ??= new Date().toISOString().replace(/\.\d+Z$/, 'Z')
    if (dryRun) return o
    o.metadata.resourceVersion = String(++this.rv)
    this.bucket(key).set(Store.id(o.metadata.namespace, o.metadata.name), o)
    this.record('ADDED', key, o)
    return structuredClone(o)
  }

  /** Replace a stored object. No change: nothing written, resourceVersion kept, as the API server does. */
  update(key: string, obj: any, dryRun = false): any {
    const id = Store.id(obj.metadata.namespace, obj.metadata.name)
    const old = this.bucket(key).get(id)
    const o = structuredClone(obj)
    o.metadata.resourceVersion = old.metadata.resourceVersion
    if (JSON.stringify(o) === JSON.stringify(old) || dryRun) return o
    o.metadata.resourceVersion = String(++this.rv)
    this.bucket(key).set(id, o)
    this.record('MODIFIED', key, o)
    return structuredClone(o)
  }

  delete(key: string, ns: string | undefined, name: string, dryRun = false): any {
    const id = Store.id(ns, name)
    const old = this.bucket(key).get(id)
    if (dryRun) return structuredClone(old)
    this.bucket(key).delete(id)
    old.metadata.resourceVersion = String(++this.rv)
    this.record('DELETED', key, old)
    return structuredClone(old)
  }

  keys(): string[] {
    return [...this.data.keys()]
  }
}
