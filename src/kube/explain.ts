/** API errors turned into one line that says what failed and what to do. */
import {CliError, isApiStatus, isCliError} from '../errors.js'
import type {KubeClient} from './client.js'

export interface Action {
  verb: string
  resource: string // configmaps, clusterstoragecontainers.serving.kserve.io
  namespace?: string
  name?: string
}

export function explain(e: unknown, client: KubeClient, a: Action): Error {
  if (isCliError(e)) return e
  if (!isApiStatus(e)) return e as Error
  const target = `${a.resource}${a.name ? ` "${a.name}"` : ''}${a.namespace ? ` in namespace "${a.namespace}"` : ''}`
  switch (e.code) {
    case 401:
      return new CliError(
        'Unauthorized',
        `You must be logged in to the server (Unauthorized): the credentials of user "${client.context.user}" (context "${client.context.name}") were rejected`,
        {
          hint: 'they may have expired: log in again, then check with kubectl auth whoami',
        },
      )
    case 403:
      return new CliError('Forbidden', `forbidden: cannot ${a.verb} ${target}: ${e.message}`, {
        hint: `try: kubectl auth can-i ${a.verb} ${a.resource}${a.namespace ? ` -n ${a.namespace}` : ''}${client.context.flags ? ` ${client.context.flags}` : ''}`,
      })
    case 404:
      return new CliError('NotFound', `${target} not found`)
    case 409:
      return new CliError('Conflict', `Error from server (${e.reason || 'Conflict'}): ${e.message}`)
    case 422:
      return new CliError('Invalid', `Error from server (Invalid): ${e.message}`)
    default:
      return new CliError('Server', `Error from server (${e.reason || `HTTP ${e.code}`}): ${e.message}`)
  }
}
