/**
 * `npm run cluster -- [--scenario FILE] [--objects FILE.jsonl] [--latency MS] --kubeconfig OUT [--port N]`: the simulated
 * cluster in the foreground. --objects seeds one object per line (large generated clusters: bench/scale.mjs), read as a
 * stream; --latency delays every answer, like a remote cluster's round trip.
 */
import {createReadStream, readFileSync} from 'node:fs'
import {createInterface} from 'node:readline'
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'

import {SimCluster} from './server.js'

const {values} = parseArgs({
  options: {
    scenario: {type: 'string'},
    objects: {type: 'string'},
    kubeconfig: {type: 'string'},
    port: {type: 'string'},
    'http-port': {type: 'string'},
    latency: {type: 'string'},
    help: {type: 'boolean', short: 'h'},
  },
})
if (values.help || !values.kubeconfig) {
  console.error('usage: npm run cluster -- [--scenario FILE] --kubeconfig OUT [--port N] [--http-port N]')
  process.exit(values.help ? 0 : 2)
}
const out = resolve(values.kubeconfig)
const cluster = await SimCluster.start({
  scenario: values.scenario ? readFileSync(values.scenario, 'utf8') : undefined,
  port: Number(values.port ?? 0),
  httpPort: values['http-port'] ? Number(values['http-port']) : 0,
  kubeconfig: out,
})
// a remote cluster's round trip, added to every answer (bench/scale.mjs's fleet)
if (values.latency) cluster.faults.add({latencyMs: Number(values.latency)})
if (values.objects) {
  let n = 0
  for await (const line of createInterface({input: createReadStream(values.objects), crlfDelay: Infinity})) {
    if (!line.trim()) continue
    cluster.seed(JSON.parse(line))
    n++
  }
  console.log(`seeded ${n} objects from ${values.objects}`)
}
console.log(`simulated cluster listening on ${cluster.url} (plain HTTP on ${cluster.httpUrl})`)
console.log(`kubeconfig: ${out}  (contexts: ${Object.keys(cluster.users).join(', ')})`)
console.log(`try: KUBECONFIG=${out} kubectl get configmaps -A`)
const stop = async () => {
  await cluster.stop()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
