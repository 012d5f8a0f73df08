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
  'chunk-size',
  'v',
]

/** Global flags that take no value. */
export const GLOBAL_BOOLEAN_FLAGS = ['insecure-skip-tls-verify', 'debug', 'help', 'h']

/** Global flags whose value is an integer (cobra checks it as it parses). */
const GLOBAL_INTEGER_FLAGS = ['chunk-size', 'v']

/** What argv needs of a flag: booleans take `--name=true|false` as cobra's do. */
export interface FlagShape {
  type?: string
  allowNo?: boolean
}

export interface CommandShape {
  /** positional arguments it takes, by name */
  args?: Record<string, unknown>
  flags?: Record<string, FlagShape>
  baseFlags?: Record<string, FlagShape>
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

const ROOT_HINT = "See 'kubectl storage-init -h' for help and examples"

/**
 * Flags with no command after them, checked as kubectl checks its root command's: an unknown flag, a flag without its
 * value or an integer flag's non-integer value is a usage error; otherwise they change nothing and the help is shown.
 */
function flagsAlone(leading: string[]): Normalised {
  for (let k = 0; k < leading.length; k++) {
    const a = leading[k]
    const long = a.startsWith('--')
    // cobra reads `-nml` as -n ml; `-n=ml` as -n ml
    const name = long ? a.slice(2).split('=')[0] : a.slice(1, 2)
    const inline = long
      ? a.includes('=')
        ? a.slice(a.indexOf('=') + 1)
        : undefined
      : a.length > 2
        ? a.slice(2).replace(/^=/, '')
        : undefined
    if (GLOBAL_BOOLEAN_FLAGS.includes(name) && (long || name === 'h')) continue
    if (!GLOBAL_VALUE_FLAGS.includes(name) || (!long && name.length !== 1) || (long && name.length === 1 && name !== 'v'))
      return {error: long ? `unknown flag: --${name}` : `unknown shorthand flag: '${name}' in ${a}`, hint: ROOT_HINT}
    let value = inline
    if (value === undefined) {
      value = leading[k + 1]
      if (value === undefined) return {error: `flag needs an argument: ${long ? `--${name}` : `'${name}' in ${a}`}`, hint: ROOT_HINT}
      k++
    }
    if (GLOBAL_INTEGER_FLAGS.includes(name) && !/^-?\d+$/.test(value)) {
      const flag = name === 'v' ? '-v, --v' : `--${name}`
      return {error: `invalid argument ${JSON.stringify(value)} for "${flag}" flag: expected an integer`, hint: ROOT_HINT}
    }
  }
  return {argv: leading.includes('--help') ? leading : ['--help', ...leading]}
}

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
  if (i >= head.length) return tail.length ? {argv: [...leading, ...tail]} : flagsAlone(leading)
  const id = head[i]
  const ids = Object.keys(commands).filter(k => !commands[k].hidden)
  const unknown = (word: string, what: string) => {
    const near = suggest(word, ids)
    return {
      error: `${what}${near.length ? `\n\nDid you mean this?\n${near.map(n => `\t${n}`).join('\n')}\n` : ''}`,
      hint: "Run 'kubectl storage-init --help' for usage.",
    }
  }
  if (!(id in commands)) {
    // `help` and `help CMD` (kubectl's): the root's help, or CMD's as `CMD --help` shows it
    if (id === 'help') {
      const topic = head.slice(i + 1).find(a => !a.startsWith('-'))
      if (topic === undefined) return {argv: ['--help']}
      if (!(topic in commands)) return unknown(topic, `unknown help topic "${topic}" for "kubectl storage-init"`)
      return {argv: [topic, '--help']}
    }
    return unknown(id, `unknown command "${id}" for "kubectl storage-init"`)
  }
  let rest = head.slice(i + 1)
  // a sub-command (rollout status): its own flags decide
  const words = [id]
  if (rest[0] !== undefined && `${id}:${rest[0]}` in commands) {
    words.push(rest[0])
    rest = rest.slice(1)
  }
  // a word right after a command that takes none: oclif would look it up as a sub-command ("get:extra not found")
  const shape = commands[words.join(':')]
  if (shape.strict !== false && Object.keys(shape.args ?? {}).length === 0 && rest[0] !== undefined && !rest[0].startsWith('-'))
    return {
      error: `unexpected argument "${rest[0]}" for "kubectl storage-init ${words.join(' ')}": it takes no arguments`,
      hint: `See 'kubectl storage-init ${words.join(' ')} -h' for help and examples`,
    }
  return {argv: [...words, ...booleanValues([...leading, ...rest], shape), ...tail]}
}

/** Go's strconv.ParseBool, which cobra's boolean flags use for `--name=VALUE` */
const GO_TRUE = ['1', 't', 'T', 'TRUE', 'true', 'True']
const GO_FALSE = ['0', 'f', 'F', 'FALSE', 'false', 'False']

/**
 * `--name=true` and `--name=false` for a boolean flag, as cobra takes them (oclif would read `--name` and an argument
 * "false"): `--name`, and `--no-name` (or nothing, for a flag that is false unless given).
 */
function booleanValues(args: string[], shape: CommandShape): string[] {
  const flags = {...shape.baseFlags, ...shape.flags}
  return args.flatMap(a => {
    const m = /^--([^=]+)=(.*)$/.exec(a)
    const flag = m && flags[m[1]]
    if (!m || flag?.type !== 'boolean') return [a]
    if (GO_TRUE.includes(m[2])) return [`--${m[1]}`]
    if (GO_FALSE.includes(m[2])) return flag.allowNo ? [`--no-${m[1]}`] : []
    return [a]
  })
}
