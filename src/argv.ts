/**
 * The command line as kubectl users type it, turned into what oclif parses: `-h` is `--help`; global flags may come
 * before the command (`kubectl storage-init -n ml --context prod logs m`); an unknown command gets kubectl's "unknown
 * command" with suggestions; an argument a command does not take is one usage line, not oclif's topic lookup.
 */

/** Global flags that take a value (the others are booleans): they may stand before the command. */
export const GLOBAL_VALUE_FLAGS = [
  'kubeconfig',
  'context',
  'namespace',
  'n',
  'kserve-namespace',
  'request-timeout',
  'server',
  's',
  'cluster',
  'user',
  'token',
  'as',
  'as-group',
  'as-uid',
  'certificate-authority',
  'client-certificate',
  'client-key',
  'tls-server-name',
  'v',
]

export interface CommandShape {
  /** positional arguments it takes, by name */
  args?: Record<string, unknown>
  strict?: boolean
  hidden?: boolean
}

export type Normalised = {argv: string[]} | {error: string; hint?: string}

function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => [i, ...new Array(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
  return d[a.length][b.length]
}

/** Commands within kubectl's suggestion distance (2), or that start with what was typed. */
export function suggest(word: string, ids: string[]): string[] {
  return ids.filter(id => distance(word, id) <= 2 || (word.length > 1 && id.startsWith(word)))
}

const takesValue = (flag: string) => GLOBAL_VALUE_FLAGS.includes(flag.replace(/^-+/, ''))

export function normaliseArgv(argv: string[], commands: Record<string, CommandShape>): Normalised {
  const end = argv.indexOf('--')
  const head = (end < 0 ? argv : argv.slice(0, end)).map(a => (a === '-h' ? '--help' : a))
  // a bare --dry-run is client, as in kubectl
  for (let k = 0; k < head.length; k++)
    if (head[k] === '--dry-run' && !['none', 'client', 'server'].includes(head[k + 1] ?? '')) head[k] = '--dry-run=client'
  const tail = end < 0 ? [] : argv.slice(end)
  // flags before the command (global ones: with their values)
  const leading: string[] = []
  let i = 0
  while (i < head.length && head[i].startsWith('-') && head[i] !== '-') {
    const a = head[i]
    leading.push(a)
    i++
    if (!a.includes('=') && takesValue(a) && i < head.length) leading.push(head[i++])
  }
  if (i >= head.length) return {argv: [...leading, ...tail]}
  const id = head[i]
  const ids = Object.keys(commands).filter(k => !commands[k].hidden)
  if (!(id in commands)) {
    if (id === 'help') return {argv: [...head.slice(i), ...leading, ...tail]}
    const near = suggest(id, ids)
    return {
      error: `unknown command "${id}" for "kubectl storage-init"${near.length ? `\n\nDid you mean this?\n${near.map(n => `\t${n}`).join('\n')}\n` : ''}`,
      hint: "Run 'kubectl storage-init --help' for usage.",
    }
  }
  const rest = head.slice(i + 1)
  // a word right after a command that takes none: oclif would look it up as a sub-command ("get:extra not found")
  const shape = commands[id]
  if (shape.strict !== false && Object.keys(shape.args ?? {}).length === 0 && rest[0] !== undefined && !rest[0].startsWith('-'))
    return {
      error: `unexpected argument "${rest[0]}" for "kubectl storage-init ${id}": it takes no arguments`,
      hint: `See 'kubectl storage-init ${id} -h' for help and examples`,
    }
  return {argv: [id, ...leading, ...rest, ...tail]}
}
