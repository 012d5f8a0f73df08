/**
 * oclif's flag-parsing errors in kubectl's (cobra's) words: `unknown flag: --foo`, `unknown shorthand flag: 'A' in -A`,
 * `flag needs an argument: 'v' in -v`, `invalid argument "x" for "--chunk-size" flag: …`, and the mutually exclusive
 * flags' `if any flags in the group [isvc target] are set none of the others can be; [isvc target] were all set`.
 * Pure: the caller prints `error: ` before it and the `See '… -h'` line after it.
 */

/** What the wording needs to know of a command's flags: their one-letter forms. */
export interface FlagShape {
  char?: string
}

export interface UsageContext {
  /** the arguments the command was given (to tell `-v` from `--v`) */
  argv?: string[]
  /** the command's flags (its own and the global ones), by name */
  flags?: Record<string, FlagShape>
}

// oclif's parse errors may carry colour (its theme's `dim`)
const ANSI = /\x1b\[[0-9;]*m/g

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s)

/** How the flag was typed: `'v' in -v` for its one-letter form, else `--name` (as cobra says it). */
function typed(name: string, ctx: UsageContext): string {
  const char = ctx.flags?.[name]?.char
  const argv = ctx.argv ?? []
  if (char && !argv.includes(`--${name}`)) {
    const short = [...argv].reverse().find(a => /^-[^-]/.test(a) && a.endsWith(char))
    if (short) return `'${char}' in ${short}`
  }
  return `--${name}`
}

/** `unknown flag: --foo` or `unknown shorthand flag: 'A' in -A2`, for what oclif calls a nonexistent flag. */
export function unknownFlag(flag: string): string {
  if (flag.startsWith('--')) return `unknown flag: ${flag.split('=')[0]}`
  const body = flag.replace(/^-/, '').split('=')[0]
  return `unknown shorthand flag: '${body[0] ?? ''}' in -${body}`
}

/** The message of an oclif error in kubectl's words, without the `error: ` before it or the help line after it. */
export function kubectlUsageError(err: Error & {flags?: string[]}, ctx: UsageContext = {}): string {
  const message = err.message.replace(ANSI, '')
  const lines = message
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('See more help'))
  const first = lines[0] ?? ''
  let m: RegExpMatchArray | null
  // NonExistentFlagsError (cobra stops at the first)
  if (err.name === 'NonExistentFlagsError' || /^Nonexistent flags?:/.test(first)) {
    const flags = err.flags ?? first.replace(/^Nonexistent flags?:\s*/, '').split(', ')
    return unknownFlag(flags[0])
  }
  // a flag with nothing after it
  if ((m = first.match(/^Flag --(\S+) expects (?:a value|one of these values: (.*))$/)))
    return `flag needs an argument: ${typed(m[1], ctx)}${m[2] ? ` (one of: ${m[2]})` : ''}`
  // a value its type refuses: "Parsing --chunk-size \n\tExpected an integer but received: abc"
  if ((m = first.match(/^Parsing --(\S+)\s*$/)) && lines[1]) {
    const why = lines[1].match(/^(.*?) but received: (.*)$/)
    const flag = ctx.flags?.[m[1]]?.char ? `-${ctx.flags[m[1]].char}, --${m[1]}` : `--${m[1]}`
    return why
      ? `invalid argument ${JSON.stringify(why[2])} for "${flag}" flag: ${lowerFirst(why[1])}`
      : `invalid argument for "${flag}" flag: ${lowerFirst(lines[1])}`
  }
  // a value outside the flag's options
  if ((m = first.match(/^Expected --([^=\s]+)=(.*) to be one of: (.*)$/)))
    return `invalid argument ${JSON.stringify(m[2])} for "--${m[1]}" flag: must be one of: ${m[3]}`
  // the validations oclif runs after parsing (exclusive, dependsOn, exactlyOne…): one reason a line
  if (/^The following errors? occurred:?$/.test(first)) {
    const reasons = lines.slice(1)
    const set = new Set<string>()
    for (const r of reasons) {
      const x = r.match(/^--([^=\s]+)(?:=.*)? cannot also be provided when using --(\S+)$/)
      if (x) set.add(x[1]).add(x[2])
    }
    if (set.size && set.size === new Set(reasons.flatMap(r => r.match(/--([^=\s]+)/g) ?? []).map(f => f.slice(2))).size) {
      // oclif's exclusive is pairwise: each pair is one of cobra's groups
      const group = [...set].sort().join(' ')
      return `if any flags in the group [${group}] are set none of the others can be; [${group}] were all set`
    }
    return reasons.map(lowerFirst).join('; ')
  }
  if ((m = first.match(/^Unexpected arguments?: (.*)$/))) {
    const extra = m[1].split(', ')
    return `unexpected argument${extra.length === 1 ? '' : 's'} ${extra.map(a => JSON.stringify(a)).join(', ')}`
  }
  if ((m = first.match(/^Missing (\d+) required args?:?$/)))
    return `missing required argument${m[1] === '1' ? '' : 's'}${
      lines.length > 1
        ? `: ${lines
            .slice(1)
            .map(l => l.split(/\s+/)[0])
            .join(', ')}`
        : ''
    }`
  return lowerFirst(lines.join(': '))
}
