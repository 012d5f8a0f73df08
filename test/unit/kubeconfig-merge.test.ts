/** Reading kubeconfigs as kubectl does: the parts that need no cluster. */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {mergeKubeconfigs, resolveContext} from '../../src/kube/kubeconfig.js'

const dir = mkdtempSync(join(tmpdir(), 'si-kc-unit-'))
function write(name: string, doc: unknown): string {
  const f = join(dir, name)
  writeFileSync(f, JSON.stringify(doc))
  return f
}

test('the context namespace is the default for -n', () => {
  const f = write('ns', {
    clusters: [{name: 'c', cluster: {server: 'https://x'}}],
    users: [{name: 'u', user: {}}],
    contexts: [{name: 'x', context: {cluster: 'c', user: 'u', namespace: 'team-a'}}],
    'current-context': 'x',
  })
  expect(resolveContext(mergeKubeconfigs([f])).namespace).toBe('team-a')
})

test('relative certificate paths resolve against the file that names them', () => {
  const f = write('rel', {
    clusters: [{name: 'c', cluster: {server: 'https://x', 'certificate-authority': 'ca.crt'}}],
    users: [],
    contexts: [],
  })
  expect(mergeKubeconfigs([f]).clusters[0].cluster['certificate-authority']).toBe(join(dir, 'ca.crt'))
})
