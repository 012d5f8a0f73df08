/**
 * Running a command without oclif's configuration (#30). oclif's run (main.ts in @oclif/core 4) loads a Config (the
 * root plugin, its manifest, directories, theme, commands and topics: 15-25 ms on Bun before the command starts), then
 * for a command line that is neither the help nor --version: finds the command, runs the `init` and `prerun` hooks,
 * `Command.run(argv, config)` (new Cmd(argv, config), cmd._run()), the `postrun` and `finally` hooks, then flush() or
 * handle(error) (execute.ts). This plugin has no hooks and no plugins but its own, and its commands read of the
 * configuration only what is below; so a command line that names a command (normaliseArgv's output: the command's
 * words first) runs here the same way with a configuration made of those few fields. The help, --version, no command,
 * __complete (it lists the configuration's commands), oclif's DEBUG logging and STORAGE_INIT_OCLIF=1 go through oclif.
 */
import {mark} from './trace.js'

declare const require: (id: string) => any

/** The command a normalised command line runs (oclif's collateSpacedCmdIDFromArgs for it), or undefined for oclif. */
export function fastCommand(argv: string[], commands: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  // oclif's debug logging; STORAGE_INIT_OCLIF=1: every command line through oclif's run, as before (to compare)
  if (env.DEBUG || env.STORAGE_INIT_OCLIF) return undefined
  const first = argv[0]
  if (first === undefined || !(first in commands)) return undefined
  // oclif's helpAddition: --help before `--` (normaliseArgv made -h --help)
  for (const a of argv) {
    if (a === '--') break
    if (a === '--help') return undefined
  }
  const id = argv[1] !== undefined && `${first}:${argv[1]}` in commands ? `${first}:${argv[1]}` : first
  return id === '__complete' ? undefined : id
}

/** What oclif's Config gives a command of this plugin: Command's constructor, _run, parse, and validate's version. */
export function liteConfig(pjson: {name: string; version: string; oclif: Record<string, any>}, commands: Record<string, any>) {
  const {arch, platform} = process
  const bin: string = pjson.oclif.bin ?? pjson.name
  // Config.scopedEnvVarKey: the bin's name, `@` dropped, `/` and `-` made `_`, upper case
  const key = (k: string) =>
    [bin, k]
      .map(p => p.replaceAll('@', '').replaceAll(/[/-]/g, '_'))
      .join('_')
      .toUpperCase()
  return {
    name: pjson.name,
    version: pjson.version,
    bin,
    pjson,
    topicSeparator: pjson.oclif.topicSeparator ?? ':',
    platform,
    arch: arch === 'ia32' ? 'x86' : arch,
    windows: platform === 'win32',
    // read on this path by oclif's Command.init only, which copies it to globalThis['http-call'] (for the http-call
    // package, which this plugin does not have; oclif's Flags.version also reads it: the plugin has no such flag), so
    // nothing shows it and WSL is told without is-wsl's file reads
    get userAgent(): string {
      return require('./help-text.js').userAgent(true)
    },
    commandIDs: Object.keys(commands),
    findCommand: (id: string) => commands[id],
    // no hooks (package.json's oclif has none; plugins are not loaded)
    runHook: async () => ({successes: [], failures: []}),
    scopedEnvVarKey: key,
    scopedEnvVarKeys: (k: string) => [key(k)],
    scopedEnvVar: (k: string) => process.env[key(k)],
    scopedEnvVarTrue: (k: string) => ['true', '1'].includes(process.env[key(k)] ?? ''),
  }
}

/** Run the command as oclif's execute() would, without its configuration. */
export async function runFast(
  id: string,
  argv: string[],
  pjson: {name: string; version: string; oclif: Record<string, any>},
  commands: Record<string, any>,
): Promise<void> {
  const Cmd = commands[id]
  // what the plugin loader sets on a command it loads
  Cmd.id = id
  const config = liteConfig(pjson, commands)
  mark('configured without oclif')
  try {
    const cmd = new Cmd(argv.slice(id.split(':').length), config)
    if (!cmd.id) cmd.id = id
    await cmd._run()
  } catch (e) {
    // an error that got past the command's catch: oclif's handle, with the exit code package.json's exitCodes.default
    // gives (oclif's Config puts exitCodes in its cache; errors made without it say 2)
    const err = e as {oclif?: {exit?: number}}
    if (err?.oclif?.exit === 2) err.oclif.exit = pjson.oclif.exitCodes?.default ?? 2
    await require('@oclif/core/handle').handle(e)
    return
  }
  // execute.ts: flush() is not awaited there either
  require('@oclif/core/flush')
    .flush()
    .catch(() => undefined)
}
