/** The pure parts of kubectl's manners: the command line as oclif sees it, and Go's proxy-from-environment rules. */
import {normaliseArgv, suggest} from '../../src/argv.js'
import {proxyFor} from '../../src/kube/proxy.js'

const COMMANDS = {get: {}, logs: {args: {isvc: {}}}, 'set-image': {args: {image: {}}}, __complete: {hidden: true, strict: false}}

test.each([
  [
    ['-n', 'ml', 'logs', 'm', '-f'],
    ['logs', '-n', 'ml', 'm', '-f'],
  ],
  [
    ['--context=prod', '--debug', 'get', '-o', 'json'],
    ['get', '--context=prod', '--debug', '-o', 'json'],
  ],
  [
    ['get', '-h'],
    ['get', '--help'],
  ],
  [['-h'], ['--help']],
  [
    ['logs', 'm', '--', '-h'],
    ['logs', 'm', '--', '-h'],
  ],
  [
    ['--as', 'jane', '--as-group', 'dev', 'set-image', 'x:1'],
    ['set-image', '--as', 'jane', '--as-group', 'dev', 'x:1'],
  ],
])('%j is %j', (argv, want) => {
  expect(normaliseArgv(argv, COMMANDS)).toEqual({argv: want})
})

test('unknown commands and extra arguments', () => {
  expect(normaliseArgv(['lgos'], COMMANDS)).toMatchObject({error: expect.stringContaining('Did you mean this?\n\tlogs')})
  expect(normaliseArgv(['get', 'x'], COMMANDS)).toMatchObject({
    error: 'unexpected argument "x" for "kubectl storage-init get": it takes no arguments',
  })
  expect(suggest('set', ['get', 'set-image', 'logs'])).toEqual(['get', 'set-image'])
})

test.each([
  ['https://api.example.com:6443', {HTTPS_PROXY: 'proxy:3128'}, 'http://proxy:3128'],
  ['https://api.example.com:6443', {https_proxy: 'http://p:1'}, 'http://p:1'],
  ['http://api.example.com', {HTTPS_PROXY: 'http://p:1'}, undefined],
  ['https://127.0.0.1:6443', {HTTPS_PROXY: 'http://p:1'}, undefined],
  ['https://localhost:6443', {HTTPS_PROXY: 'http://p:1'}, undefined],
  ['https://api.example.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: 'example.com'}, undefined],
  ['https://api.example.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: '.example.com'}, undefined],
  ['https://example.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: '.example.com'}, undefined],
  ['https://api.example.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: 'other.com,*'}, undefined],
  ['https://10.1.2.3:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: '10.0.0.0/8'}, undefined],
  ['https://11.1.2.3:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: '10.0.0.0/8'}, 'http://p:1'],
  ['https://api.example.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: 'api.example.com:443'}, 'http://p:1'],
  ['https://notexample.com:6443', {HTTPS_PROXY: 'http://p:1', NO_PROXY: 'example.com'}, 'http://p:1'],
])('%s with %j: %s', (server, env, want) => {
  expect(proxyFor(server, env as NodeJS.ProcessEnv)).toBe(want)
})
