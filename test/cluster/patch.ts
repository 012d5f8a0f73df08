/** The three patch types of the API server: JSON merge (RFC 7386), JSON patch (RFC 6902) and strategic merge. */
import {errors} from './status.js'

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v)
const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)))

export function mergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch)
  const out: Record<string, any> = isObject(target) ? {...target} : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

function unescapePointer(seg: string): string {
  return seg.replace(/~1/g, '/').replace(/~0/g, '~')
}

function parsePointer(path: string): string[] {
  if (path === '') return []
  if (!path.startsWith('/')) throw errors.patchRejected()
  return path.slice(1).split('/').map(unescapePointer)
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
}

function sortKeys(v: any): any {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map(k => [k, sortKeys(v[k])]),
    )
  return v
}

/** RFC 6902. Any failed operation (including a failed `test`) rejects the whole patch with 422, as the API server does. */
export function jsonPatch(doc: any, ops: any): any {
  if (!Array.isArray(ops)) throw errors.badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch')
  let root = clone(doc)
  const get = (segs: string[]) => {
    let cur = root
    for (const s of segs) {
      if (Array.isArray(cur)) cur = cur[Number(s)]
      else if (isObject(cur)) cur = cur[s]
      else return undefined
      if (cur === undefined) return undefined
    }
    return cur
  }
  const parentOf = (segs: string[]) => {
    const parent = get(segs.slice(0, -1))
    if (parent === undefined || typeof parent !== 'object' || parent === null) throw errors.patchRejected()
    return parent
  }
  const remove = (segs: string[]) => {
    const parent = parentOf(segs)
    const last = segs[segs.length - 1]
    if (Array.isArray(parent)) {
      const i = Number(last)
      if (!Number.isInteger(i) || i < 0 || i >= parent.length) throw errors.patchRejected()
      return parent.splice(i, 1)[0]
    }
    if (!(last in parent)) throw errors.patchRejected()
    const v = parent[last]
    delete parent[last]
    return v
  }
  const add = (segs: string[], value: any) => {
    if (segs.length === 0) {
      root = value
      return
    }
    const parent = parentOf(segs)
    const last = segs[segs.length - 1]
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last)
      if (!Number.isInteger(i) || i < 0 || i > parent.length) throw errors.patchRejected()
      parent.splice(i, 0, value)
    } else parent[last] = value
  }
  for (const op of ops) {
    const segs = parsePointer(String(op.path ?? ''))
    switch (op.op) {
      case 'add':
        add(segs, clone(op.value))
        break
      case 'remove':
        remove(segs)
        break
      case 'replace':
        if (get(segs) === undefined) throw errors.patchRejected()
        if (segs.length === 0) root = clone(op.value)
        else {
          const parent = parentOf(segs)
          parent[Array.isArray(parent) ? Number(segs[segs.length - 1]) : segs[segs.length - 1]] = clone(op.value)
        }
        break
      case 'move': {
        const v = remove(parsePointer(op.from))
        add(segs, v)
        break
      }
      case 'copy': {
        const v = get(parsePointer(op.from))
        if (v === undefined) throw errors.patchRejected()
        add(segs, clone(v))
        break
      }
      case 'test':
        if (!deepEqual(get(segs), op.value)) throw errors.patchRejected()
        break
      default:
        throw errors.patchRejected()
    }
  }
  return root
}

/** Merge keys of the list fields kubectl patches on the kinds we serve (k8s.io/api struct tags). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  env: 'name',
  volumeMounts: 'mountPath',
  volumeDevices: 'devicePath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  secrets: 'name',
  conditions: 'type',
  ownerReferences: 'uid',
  hostAliases: 'ip',
  topologySpreadConstraints: 'topologyKey',
  resourceClaims: 'name',
}
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers'])

/** Strategic merge patch as far as kubectl uses it on ConfigMaps, Secrets, Pods, Deployments and the like. */
export function strategicMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch)
  if (patch.$patch === 'replace') {
    const {$patch: _p, ...rest} = patch
    return stripDirectives(rest)
  }
  if (patch.$patch === 'delete') return undefined
  const out: Record<string, any> = isObject(target) ? {...target} : {}
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length)
      if (Array.isArray(out[field])) out[field] = out[field].filter((x: unknown) => !(v as unknown[]).includes(x))
      continue
    }
    if (v === null) {
      delete out[k]
      continue
    }
    if (Array.isArray(v)) {
      out[k] = mergeList(k, out[k], v)
      continue
    }
    const merged = strategicMergePatch(out[k], v)
    if (merged === undefined) delete out[k]
    else out[k] = merged
  }
  if (Array.isArray(patch.$retainKeys)) {
    for (const key of Object.keys(out)) if (!patch.$retainKeys.includes(key)) delete out[key]
  }
  return out
}

function stripDirectives(v: any): any {
  if (Array.isArray(v)) return v.map(stripDirectives)
  if (!isObject(v)) return v
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => !k.startsWith('$'))
      .map(([k, x]) => [k, stripDirectives(x)]),
  )
}

function mergeList(field: string, current: any, patch: any[]): any[] {
  const key = MERGE_KEYS[field]
  const replace = patch.find(e => isObject(e) && e.$patch === 'replace')
  if (replace) return stripDirectives(patch.filter(e => e !== replace))
  if (PRIMITIVE_MERGE_LISTS.has(field)) {
    const out = Array.isArray(current) ? [...current] : []
    for (const x of patch) if (!out.includes(x)) out.push(x)
    return out
  }
  if (!key) return stripDirectives(patch)
  const out: any[] = Array.isArray(current) ? current.map(clone) : []
  for (const item of patch) {
    if (!isObject(item)) continue
    const idx = out.findIndex(e => isObject(e) && e[key] === item[key])
    if (item.$patch === 'delete') {
      if (idx >= 0) out.splice(idx, 1)
      continue
    }
    if (idx >= 0) out[idx] = strategicMergePatch(out[idx], item)
    else out.push(stripDirectives(item))
  }
  return out
}
