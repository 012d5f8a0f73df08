// The floor of start-up (#30): what any Bun-compiled program that answers `get -o json` must do at least. It reads
// the kubeconfig (KUBECONFIG's first file, else ~/.kube/config), takes its current context, makes the one HTTPS GET of
// the inferenceservice-config ConfigMap with the context's CA and credentials (through Bun's fetch, the faster of
// fetch and node:https on Bun), and prints the body. Nothing else: no flags, no errors worth the name, no other auth
// than a token or a client certificate. `npm run bench` compiles it with the same Bun and flags as the plugin's
// standalone executable and reports our distance to it.
/* global Bun, fetch */
import {readFileSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'
const file = (process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config')).split(':')[0]
const config = Bun.YAML.parse(readFileSync(file, 'utf8'))
const context = config.contexts.find(c => c.name === config['current-context']).context
const cluster = config.clusters.find(c => c.name === context.cluster).cluster
const user = config.users.find(u => u.name === context.user)?.user ?? {}
const b64 = s => (s ? Buffer.from(s, 'base64').toString() : undefined)
const res = await fetch(`${cluster.server}/api/v1/namespaces/kserve/configmaps/inferenceservice-config`, {
  headers: {Accept: 'application/json', ...(user.token ? {Authorization: `Bearer ${user.token}`} : {})},
  tls: {ca: b64(cluster['certificate-authority-data']), cert: b64(user['client-certificate-data']), key: b64(user['client-key-data'])},
})
process.stdout.write(await res.text())
process.exitCode = res.status === 200 ? 0 : 1
