import {KubeConfig} from '@kubernetes/client-node/dist/config.js'
test('client-node loads under jest ESM', () => {
  const kc = new KubeConfig()
  expect(typeof kc.loadFromString).toBe('function')
})
