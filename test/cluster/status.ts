/** Status error bodies shaped exactly like the Kubernetes API server's (see test/fixtures/apiserver). */
import type {ResourceType} from './registry.js'

export interface StatusBody {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure' | 'Success'
  message: string
  /** absent when empty (Go's `omitempty`): StatusReasonUnknown, for an error that is no Status (see errors.storage) */
  reason?: string
  details?: Record<string, unknown>
  code: number
}

export class ApiError extends Error {
  constructor(
    readonly status: StatusBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(status.message)
  }
}

function body(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  const s: StatusBody = {kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code}
  if (details) s.details = details
  // keep the real key order: details before code
  return details ? {kind: s.kind, apiVersion: s.apiVersion, metadata: {}, status: s.status, message, reason, details, code} : s
}

/** `configmaps` for the core group, `clusterstoragecontainers.serving.kserve.io` otherwise. */
export function qualified(rt: ResourceType): string {
  return rt.group ? `${rt.plural}.${rt.group}` : rt.plural
}

function details(rt: ResourceType, name?: string): Record<string, unknown> {
  const d: Record<string, unknown> = {}
  if (name !== undefined) d.name = name
  if (rt.group) d.group = rt.group
  d.kind = rt.plural
  return d
}

export const errors = {
  notFound: (rt: ResourceType, name: string) =>
    new ApiError(body(404, 'NotFound', `${qualified(rt)} "${name}" not found`, details(rt, name))),
  namespaceNotFound: (ns: string) => new ApiError(body(404, 'NotFound', `namespaces "${ns}" not found`, {name: ns, kind: 'namespaces'})),
  alreadyExists: (rt: ResourceType, name: string) =>
    new ApiError(body(409, 'AlreadyExists', `${qualified(rt)} "${name}" already exists`, details(rt, name))),
  conflict: (rt: ResourceType, name: string) =>
    new ApiError(
      body(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${qualified(rt)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        details(rt, name),
      ),
    ),
  preconditionFailed: (rt: ResourceType, name: string, why: string) =>
    new ApiError(body(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(rt)} "${name}": ${why}`, details(rt, name))),
  forbidden: (
    user: string,
    verb: string,
    rt: {plural: string; group: string; sub?: string},
    ns: string | undefined,
    name?: string,
    /** the authorizer's reason (RBAC: a binding's role not found), appended as kube-apiserver appends it */
    reason?: string,
  ) => {
    const res = rt.sub ? `${rt.plural}/${rt.sub}` : rt.plural
    const q = rt.group ? `${rt.plural}.${rt.group}` : rt.plural
    // apierrors.NewForbidden(GroupResource{group, resource without the subresource}, name, …) (responsewriters/errors.go)
    const subject = name === undefined ? `${q} is forbidden` : `${q} "${name}" is forbidden`
    const where = ns ? `in the namespace "${ns}"` : 'at the cluster scope'
    const d: Record<string, unknown> = {}
    if (name !== undefined) d.name = name
    if (rt.group) d.group = rt.group
    d.kind = rt.plural
    return new ApiError(
      body(
        403,
        'Forbidden',
        `${subject}: User "${user}" cannot ${verb} resource "${res}" in API group "${rt.group}" ${where}${reason ? `: ${reason}` : ''}`,
        d,
      ),
    )
  },
  unauthorized: () => new ApiError(body(401, 'Unauthorized', 'Unauthorized')),
  invalid: (kind: string, name: string, causes: {field: string; message: string; reason?: string}[], rt?: ResourceType) =>
    new ApiError(
      body(
        422,
        'Invalid',
        `${kind} "${name}" is invalid: ${causes.length > 1 ? '[' : ''}${causes.map(c => `${c.field}: ${c.message}`).join(', ')}${causes.length > 1 ? ']' : ''}`,
        {
          name,
          ...(rt?.group ? {group: rt.group} : {}),
          kind,
          causes: causes.map(c => ({reason: c.reason ?? 'FieldValueInvalid', message: c.message, field: c.field})),
        },
      ),
    ),
  /**
   * A body over the API server's MaxRequestBodyBytes (3 MiB by default: apiserver pkg/server/config.go), refused by
   * limitedReadBody (apiserver pkg/endpoints/handlers/rest.go) with apimachinery's NewRequestEntityTooLargeError; also
   * a JSON patch of more than 10000 operations (handlers/patch.go applyJSPatch).
   */
  requestEntityTooLarge: (message: string) => new ApiError(body(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`)),
  /**
   * An error of the storage layer that is no Status (etcd's "etcdserver: request is too large"): the etcd3 store
   * returns it as it is, storage/errors InterpretCreateError/InterpretUpdateError pass it through, and
   * responsewriters.ErrorToAPIStatus answers 500 with its text and reason StatusReasonUnknown (""), which `omitempty`
   * leaves out of the body. Not `internal` (reason InternalError, "Internal error occurred: …").
   */
  storage: (message: string) =>
    new ApiError({kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code: 500} satisfies StatusBody),
  patchRejected: () => new ApiError(body(422, 'Invalid', 'the server rejected our request due to an error in our request', {})),
  badRequest: (message: string) => new ApiError(body(400, 'BadRequest', message)),
  methodNotAllowed: () => new ApiError(body(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource')),
  unsupportedMediaType: (accepted: string[]) =>
    new ApiError(
      body(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
      ),
    ),
  gone: (message: string) => new ApiError(body(410, 'Expired', message)),
  tooManyRequests: (retryAfter: number) =>
    new ApiError(
      body(429, 'TooManyRequests', 'the server has received too many requests and has asked us to try again later', {
        retryAfterSeconds: retryAfter,
      }),
      {
        'Retry-After': String(retryAfter),
      },
    ),
  internal: (message: string) => new ApiError(body(500, 'InternalError', `Internal error occurred: ${message}`)),
  unavailable: (message = 'the server is currently unable to handle the request') => new ApiError(body(503, 'ServiceUnavailable', message)),
  timeout: () =>
    new ApiError(
      body(504, 'Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'),
    ),
  pathNotFound: () => new ApiError(body(404, 'NotFound', 'the server could not find the requested resource')),
  serverStatus: (code: number, message?: string) => {
    const reasons: Record<number, string> = {
      400: 'BadRequest',
      401: 'Unauthorized',
      403: 'Forbidden',
      404: 'NotFound',
      409: 'Conflict',
      410: 'Expired',
      422: 'Invalid',
      429: 'TooManyRequests',
      500: 'InternalError',
      502: 'BadGateway',
      503: 'ServiceUnavailable',
      504: 'Timeout',
    }
    return new ApiError(body(code, reasons[code] ?? 'Unknown', message ?? `injected fault: HTTP ${code}`))
  },
}
