/**
 * Minimal OpenAPI v3 documents: kubectl reads them to learn whether the server validates fields itself
 * (`fieldValidation` on the write operations of a GVK); with that, it skips client-side schema validation.
 */
import {apiVersionOf, gvPath, type Registry} from './registry.js'

export function openapiRoot(reg: Registry) {
  const paths: Record<string, {serverRelativeURL: string}> = {}
  for (const t of reg.all()) {
    const p = gvPath(t.group, t.version).slice(1)
    paths[p] = {serverRelativeURL: `/openapi/v3/${p}?hash=${encodeURIComponent(t.version)}`}
  }
  return {paths}
}

export function openapiGroupVersion(reg: Registry, group: string, version: string) {
  const types = reg.all().filter(t => t.group === group && t.version === version)
  if (types.length === 0) return undefined
  const fieldValidation = {
    name: 'fieldValidation',
    in: 'query',
    description: 'fieldValidation instructs the server on how to handle objects in the request',
    schema: {type: 'string', uniqueItems: true},
  }
  const paths: Record<string, unknown> = {}
  for (const t of types) {
    const gvk = {group: t.group, version: t.version, kind: t.kind}
    const op = (id: string) => ({
      operationId: id,
      'x-kubernetes-group-version-kind': gvk,
      'x-kubernetes-action': id,
      parameters: [fieldValidation],
      responses: {'200': {description: 'OK'}},
    })
    const base = gvPath(t.group, t.version) + (t.namespaced ? `/namespaces/{namespace}/${t.plural}` : `/${t.plural}`)
    paths[base] = {post: op('post'), get: {...op('list'), parameters: []}}
    paths[`${base}/{name}`] = {
      get: {...op('get'), parameters: []},
      put: op('put'),
      patch: op('patch'),
      delete: {...op('delete'), parameters: []},
    }
  }
  return {
    openapi: '3.0.0',
    info: {title: 'Kubernetes', version: 'v1.32.0'},
    paths,
    components: {schemas: {}},
    'x-api-version': apiVersionOf({group, version}),
  }
}
