/**
 * validate against a Helm release Secret someone else wrote (issue #24, item 5): a gzip bomb, and a ConfigMap whose
 * release-namespace annotation would climb out of the request path. Each is one line in notChecked, never a crash.
 */
import {gzipSync} from 'node:zlib'

import {validateLive} from '../../src/core/validate.js'
import {inProcess} from './harness.js'

test('a release Secret that decompresses beyond 64 MiB: SI070 not checked, in one line, and nothing else changes', async () => {
  const s = await inProcess('kserve-helm.yaml')
  try {
    // 65 MiB gzips to 65 KB: before, the plugin inflated whatever the Secret held (500 KB: 4.5 GB, an abort)
    const bomb = Buffer.from(gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20)).toString('base64')).toString('base64')
    s.cluster.seed({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'helm.sh/release.v1',
      metadata: {
        name: 'sh.helm.release.v1.kserve.v4',
        namespace: 'kserve',
        labels: {owner: 'helm', name: 'kserve', status: 'deployed', version: '4'},
      },
      data: {release: bomb},
    })
    const r = await validateLive(s.client)
    expect(r.notChecked).toEqual([
      {
        rule: 'SI070',
        reason:
          'the Helm release "kserve" could not be read: the release Secret decompresses to more than 64 MiB (Secret in namespace kserve)',
      },
    ])
  } finally {
    s.stop()
  }
})

test('a release-namespace annotation that is not a namespace name is ignored with a note: no request is built from it', async () => {
  const s = await inProcess('kserve-helm.yaml')
  try {
    const cm = s.cluster.store.get('/configmaps', 'kserve', 'inferenceservice-config')
    s.cluster.seed({...cm, metadata: {...cm.metadata, annotations: {...cm.metadata.annotations, 'meta.helm.sh/release-namespace': '..'}}})
    const r = await validateLive(s.client)
    expect(r.notChecked).toEqual([
      {
        rule: 'SI070',
        reason:
          'the Helm release "kserve" could not be read: the annotation meta.helm.sh/release-namespace is not a namespace name (".."): ignored',
      },
    ])
  } finally {
    s.stop()
  }
})
