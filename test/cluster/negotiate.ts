/**
 * Content negotiation as kube-apiserver does it (apiserver pkg/endpoints/handlers/negotiation): an `Accept` header must
 * name a media type the server can write (JSON, YAML, protobuf, or a wildcard), or the answer is 406. pods/log answers
 * text/plain, yet it negotiates like any other endpoint: `Accept: text/plain` alone is refused, kubectl's
 * `application/json` plus the any-type wildcard gets the text. Recorded: test/fixtures/apiserver/pod-log-accept-matrix.tsv, pod-log-accept-text-plain.json,
 * configmap-list-accept-text-plain.json.
 *
 * The simulator writes JSON and YAML only: a header that accepts nothing but protobuf is refused here although a real
 * server would answer in protobuf (stricter, never more lenient).
 */
import {ApiError} from './status.js'

export type MediaType = 'json' | 'yaml'

export interface Negotiated {
  media: MediaType
  /** `as=Table`, `as=PartialObjectMetadata`, `as=PartialObjectMetadataList` (meta.k8s.io), if asked for */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'
}

interface Range {
  type: string
  params: Record<string, string>
  q: number
}

function parseAccept(header: string): Range[] {
  return header
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .map(part => {
      const [type, ...rest] = part.split(';').map(s => s.trim())
      const params: Record<string, string> = {}
      for (const p of rest) {
        const i = p.indexOf('=')
        if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim()
      }
      const q = params.q === undefined ? 1 : Number(params.q)
      delete params.q
      return {type: type.toLowerCase(), params, q: Number.isNaN(q) ? 1 : q}
    })
    .filter(r => r.q > 0)
}

const ACCEPTED = 'application/json, application/yaml, application/vnd.kubernetes.protobuf'
const PRODUCES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']

/** Go type names in the 406 of a conversion that does not fit the object (`*core.Pod`, `*unstructured.Unstructured`). */
export interface Endpoint {
  /** get, list, watch, create, …; undefined for discovery and subresources */
  verb?: string
  /** pods/log: answers text/plain, and its route also produces text/plain */
  log?: boolean
  /** a built-in resource or discovery document: served through the router, which checks `Accept` first */
  builtin: boolean
  /** for the conversion errors: `*core.Pod`, `*core.PodList` */
  goType?: {object: string; list: string}
}

/**
 * The media type to answer in, or the 406 to send. Two layers, as in kube-apiserver: for built-in resources the router
 * (go-restful) first requires one Accept entry, parameters stripped, to be the wildcard or a type the route produces
 * (else the bare `406: Not Acceptable`, recorded: configmap-list-accept-text-plain.json); then the handler negotiates
 * JSON, YAML or protobuf with their `as=` conversions (else `only the following media types are accepted`, recorded:
 * pod-log-accept-text-plain.json). Custom resources skip the router.
 */
export function negotiate(header: string | undefined, ep: Endpoint): Negotiated | ApiError {
  if (!header || header.trim() === '') return {media: 'json'}
  const ranges = parseAccept(header)
  if (ep.builtin) {
    const produces = ep.log ? [...PRODUCES, 'text/plain'] : PRODUCES
    if (!ranges.some(r => r.type === '*/*' || produces.includes(r.type))) return notAcceptable()
  }
  // specific types before wildcards, then by q (goautoneg's order)
  const wild = (r: Range) => (r.type === '*/*' ? 2 : r.type.endsWith('/*') ? 1 : 0)
  ranges.sort((a, b) => wild(a) - wild(b) || b.q - a.q)
  const reads = ['get', 'list', 'watch']
  for (const r of ranges) {
    const as = r.params.as
    if (as !== undefined) {
      if (!reads.includes(ep.verb ?? '') || (r.params.g ?? '') !== 'meta.k8s.io' || !['v1', 'v1beta1'].includes(r.params.v ?? '')) continue
      if (as === 'Table' && (r.type === 'application/json' || r.type === 'application/yaml'))
        return ep.verb === 'watch' && r.type === 'application/yaml'
          ? notAcceptableWatch()
          : {media: r.type === 'application/yaml' ? 'yaml' : 'json', as}
      if (as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') {
        // the simulator writes no protobuf: such a range is passed over (stricter than a real server)
        if (r.type !== 'application/json' && r.type !== 'application/yaml') continue
        const list = ep.verb === 'list'
        if (list && as === 'PartialObjectMetadata')
          return notAcceptableMessage(`you requested PartialObjectMetadata, but the requested object is a list (${ep.goType?.list})`)
        if (!list && as === 'PartialObjectMetadataList')
          return notAcceptableMessage(
            `you requested PartialObjectMetadataList, but the requested object is not a list (${ep.goType?.object})`,
          )
        return {media: r.type === 'application/yaml' ? 'yaml' : 'json', as}
      }
      continue
    }
    if (r.type === 'application/json' || r.type === '*/*' || r.type === 'application/*') return {media: 'json'}
    if (r.type === 'application/yaml') return ep.verb === 'watch' ? notAcceptableWatch() : {media: 'yaml'}
    // pods/log writes text whatever was asked, so a protobuf-only header is served there
    if (ep.log && r.type === 'application/vnd.kubernetes.protobuf') return {media: 'json'}
  }
  return ep.verb === 'watch' ? notAcceptableWatch() : notAcceptableMessage(`only the following media types are accepted: ${ACCEPTED}`)
}

function notAcceptableMessage(message: string): ApiError {
  return new ApiError({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'NotAcceptable', code: 406})
}

function notAcceptableWatch(): ApiError {
  return notAcceptableMessage(
    'only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch',
  )
}

/** The router's 406 (recorded: configmap-list-accept-text-plain.json). */
function notAcceptable(): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: '406: Not Acceptable',
    reason: 'NotAcceptable',
    details: {},
    code: 406,
  })
}
