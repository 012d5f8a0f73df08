/**
 * Works wherever kubectl works (#27): a plain-HTTP server (kubectl proxy, the real one, in front of the simulated
 * cluster), a connection built from the flags alone (--kubeconfig /dev/null -s URL), and 403 hints that keep the
 * identity the command ran as.
 */
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'

import {plugin, startCluster, type Started} from '../helpers.js'

let s: Started
let proxy: ChildProcess
let url: string
beforeAll(async () => {
  s = await startCluster('kserve-v0.20.0.yaml')
  proxy = spawn('kubectl', ['proxy', '--port=0', '--kubeconfig', s.kubeconfig], {stdio: ['ignore', 'pipe', 'pipe']})
  url = await new Promise<string>((resolve, reject) => {
    let out = ''
    proxy.stdout!.on('data', d => {
      out += d
      const m = /Starting to serve on ([\d.]+:\d+)/.exec(out)
      if (m) resolve(`http://${m[1]}`)
    })
    proxy.on('exit', code => reject(new Error(`kubectl proxy exited ${code}`)))
  })
})
afterAll(() => {
  proxy?.kill()
  s.cluster.stop()
})

test('kubectl proxy: -s http://… with no kubeconfig at all (--kubeconfig /dev/null), as kubectl runs', async () => {
  const r = await plugin(['get', '-o', 'json', '-s', url, '--kubeconfig', '/dev/null'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(JSON.parse(r.stdout).kserve.namespace).toBe('kserve')
})

test('--kubeconfig /dev/null -s URL --token T: the connection is built from the flags', async () => {
  const kc = parse(readFileSync(s.kubeconfig, 'utf8'))
  const server = kc.clusters[0].cluster.server
  const token = kc.users.find((u: any) => u.name === 'sim-admin').user.token
  const r = await plugin(['get', '-o', 'json', '-s', server, '--token', token, '--insecure-skip-tls-verify', '--kubeconfig', '/dev/null'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(JSON.parse(r.stdout).kserve.namespace).toBe('kserve')
})

test('a 403 hint keeps --as, --as-group and --context', async () => {
  const r = await plugin(['get', '--as', 'alice', '--as-group', 'team-a', '--context', 'sim-admin', '--kubeconfig', s.kubeconfig])
  expect(r.code).toBe(1)
  expect(r.stderr).toMatch(/try: kubectl auth can-i \w+ configmaps.* --context sim-admin --as alice --as-group team-a\)/)
})
