/**
 * Who the user is and what they may do, asked of the API server: SelfSubjectReview (kubectl auth whoami) and
 * SelfSubjectAccessReview (kubectl auth can-i), so that a change is refused before its first write, not half-way.
 */
import {CliError} from '../errors.js'
import type {KubeClient} from './client.js'
import {apiPath, apiVersionOf} from './paths.js'

/** One permission a command needs, and why (for the refusal). */
export interface AccessCheck {
  verb: string
  resource: string
  group: string
  namespace?: string
  why: string
}

/** Ask, before writing anything, whether every write is allowed; refuse with one line if not. No answer: the write decides. */
export async function preflight(client: KubeClient, checks: AccessCheck[]): Promise<void> {
  const answers = await Promise.all(
    checks.map(c =>
      client
        .request('POST', apiPath('selfsubjectaccessreviews'), {
          body: {
            apiVersion: apiVersionOf('selfsubjectaccessreviews'),
            kind: 'SelfSubjectAccessReview',
            spec: {resourceAttributes: {verb: c.verb, resource: c.resource, group: c.group, namespace: c.namespace}},
          },
        })
        .then(r => r?.status?.allowed !== false)
        .catch(() => true),
    ),
  )
  const denied = checks.find((_, i) => !answers[i])
  if (denied) {
    const res = denied.group ? `${denied.resource}.${denied.group}` : denied.resource
    throw new CliError(
      'Forbidden',
      `forbidden: user "${client.context.user}" cannot ${denied.verb} ${res}${denied.namespace ? ` in namespace "${denied.namespace}"` : ''} (needed ${denied.why}); nothing was changed`,
      {
        hint: `try: kubectl auth can-i ${denied.verb} ${res}${denied.namespace ? ` -n ${denied.namespace}` : ''}${client.context.flags ? ` ${client.context.flags}` : ''}`,
      },
    )
  }
}

/** The user as the API server knows them (kubectl auth whoami), else the kubeconfig's user name. */
export async function whoAmI(client: KubeClient): Promise<string> {
  try {
    const r = await client.request('POST', apiPath('selfsubjectreviews'), {
      body: {apiVersion: apiVersionOf('selfsubjectreviews'), kind: 'SelfSubjectReview'},
    })
    return r?.status?.userInfo?.username || client.context.user
  } catch {
    return client.context.user
  }
}
