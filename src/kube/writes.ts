/**
 * The writes of a change: create an object, delete one, or merge-patch a target's value; every write to an existing
 * object is conditional on the resourceVersion read (a 409 means someone else wrote first), and a server dry run
 * (dryRun=All) when asked.
 */
import {CliError} from '../errors.js'
import {mergePatchFor, resourceOf, withValue, type Target} from '../domain/plans/target.js'
import type {KubeClient} from './client.js'
import {apiPath} from './paths.js'

export type WriteVerb = 'create' | 'patch' | 'delete'

export interface WriteOptions {
  fieldManager: string
  /** a server-side dry run: validated and admitted, not stored */
  serverDryRun: boolean
}

/** Write `after` into the target with `verb` (create: from `create`); answers the object the server returned. */
export async function writeTarget(
  client: KubeClient,
  t: Target,
  verb: WriteVerb,
  after: unknown,
  create: any,
  opts: WriteOptions,
): Promise<any> {
  const dryRun = opts.serverDryRun ? 'All' : undefined
  const query = {fieldManager: opts.fieldManager, dryRun}
  const {resource, namespace} = resourceOf(t)
  const path = apiPath(resource, {namespace, name: t.name})
  if (verb === 'create') {
    if (!create) throw new CliError('NotFound', `${t.display} does not exist, and this change cannot create it`)
    return client.request('POST', apiPath(resource, {namespace}), {body: withValue(t, after, create), query})
  }
  if (verb === 'delete')
    return client.request('DELETE', path, {
      body: {apiVersion: 'v1', kind: 'DeleteOptions', preconditions: {resourceVersion: t.object?.metadata?.resourceVersion}},
      query: {dryRun},
    })
  return client.request('PATCH', path, {body: mergePatchFor(t, after), contentType: 'application/merge-patch+json', query})
}
