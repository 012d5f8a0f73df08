/**
 * `--help` into a pipe without loading oclif (#30): the help oclif renders for a stdout that is not a terminal (80
 * columns, no colour) is rendered at build time (scripts/render-help.mjs, dist/help.json) and printed here as it is,
 * the runtime's name filled in. Only the plainest command lines (`-h`, `--help`, `help`, `help CMD`, `CMD -h`, `CMD
 * --help`, `rollout status --help`) and only into a pipe: a terminal (its width, colours, a user's oclif theme),
 * OCLIF_COLUMNS, FORCE_COLOR, DEBUG or STORAGE_INIT_OCLIF=1 get oclif's own rendering, as does a help this file lacks.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

/** the placeholder scripts/render-help.mjs leaves for the runtime in oclif's userAgent */
const RUNTIME = '\u0000user-agent\u0000'

/** Which help a command line asks for ('' the root's, 'rollout:status'), when it is one of the plainest forms. */
export function helpKey(argv: string[], ids: (id: string) => boolean): string | undefined {
  const help = (a: string | undefined) => a === '--help' || a === '-h'
  if (argv.length === 0) return ''
  if (argv.length === 1 && (help(argv[0]) || argv[0] === 'help')) return ''
  if (argv.length === 2 && argv[0] === 'help' && !argv[1].startsWith('-') && argv[1] !== 'help') return ids(argv[1]) ? argv[1] : undefined
  if (argv.length === 2 && help(argv[1])) return ids(argv[0]) ? argv[0] : undefined
  if (argv.length === 3 && help(argv[2])) return ids(`${argv[0]}:${argv[1]}`) ? `${argv[0]}:${argv[1]}` : undefined
  return undefined
}

/**
 * Print the help rendered at build time, when it is what oclif would print here; whether it was printed. `tty` is asked
 * only for a help command line: on Bun, the first use of process.stdout loads its stream modules (3-5 ms), which a
 * command's first requests must not wait for (#30).
 */
export function printBuiltHelp(argv: string[], file: string | undefined, env: NodeJS.ProcessEnv, tty: () => boolean): boolean {
  if (env.OCLIF_COLUMNS || env.FORCE_COLOR || env.DEBUG || env.STORAGE_INIT_OCLIF || !file) return false
  // the file is read only for a command line of the plainest help forms, into a pipe
  if (helpKey(argv, () => true) === undefined || tty()) return false
  let texts: Record<string, string>
  try {
    texts = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return false
  }
  const key = helpKey(argv, id => id !== '' && !id.startsWith('_') && Object.hasOwn(texts, id))
  const text = key === undefined ? undefined : texts[key]
  if (typeof text !== 'string') return false
  // oclif's own handler (command.ts): a reader that went away (`--help | head`) ends the output quietly
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err?.code !== 'EPIPE') throw err
  })
  process.stdout.write(text.includes(RUNTIME) ? text.split(RUNTIME).join(userAgent()) : text)
  return true
}

/**
 * oclif's userAgent (config.ts): its platform is `wsl` under WSL (util/os.ts getPlatform, is-wsl). `byRelease`: WSL
 * is told by the kernel's release alone (is-wsl's first test: "…-Microsoft" under WSL 1, "…-microsoft-standard-WSL2"
 * under WSL 2), without is-wsl's file reads (/proc/version, and container checks: 2-3 ms on Bun).
 */
export function userAgent(byRelease = false): string {
  const {arch} = process
  const runtime = process.versions.bun ? `bun-v${process.versions.bun}` : `node-${process.version}`
  const wsl =
    process.platform === 'linux' &&
    (byRelease ? require('node:os').release().toLowerCase().includes('microsoft') : require('is-wsl').default)
  const platform = wsl ? 'wsl' : process.platform
  return `${__PJSON__.name}/${__PJSON__.version} ${platform}-${arch === 'ia32' ? 'x86' : arch} ${runtime}`
}

/** dist/help.json beside the bundle (npm: the package root; the standalone executable: embedded, its path given). */
export function builtHelpFile(root: string | undefined): string | undefined {
  return globalThis.__storageInitHelp ?? (root ? join(root, 'dist', 'help.json') : undefined)
}

declare const __PJSON__: {name: string; version: string}
declare const require: (id: string) => any
declare global {
  /** where the standalone executable's embedded help.json is */
  var __storageInitHelp: string | undefined
}
