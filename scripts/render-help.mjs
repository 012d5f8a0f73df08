// help.json: the help of the root and of each command, as oclif renders it for a stdout that is not a terminal (80
// columns, no colour), rendered at build time by the plugin itself through oclif's own run (STORAGE_INIT_OCLIF=1).
// src/help-text.ts prints it for `--help` into a pipe, without loading oclif (#30); a terminal (another width, colours,
// a user's theme) still gets oclif's rendering. The runtime's name in the VERSION line is a placeholder, filled in at
// run time. `npm run build` writes dist/help.json (after `oclif manifest`); scripts/package.mjs renders its own, from
// the bundle it compiles, for the standalone executables.
import {execFile} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
/** what src/help-text.ts fills in with the runtime's userAgent */
const RUNTIME = '\u0000user-agent\u0000'

/** Render every help with `node ...launcher ARGS --help` and write them to `file`. */
export async function renderHelp(launcher, file) {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
  const env = {...process.env, STORAGE_INIT_OCLIF: '1', NO_COLOR: '1'}
  for (const k of ['OCLIF_COLUMNS', 'FORCE_COLOR', 'DEBUG', 'KUBECONFIG']) delete env[k]
  const run = promisify(execFile)
  const ids = ['', ...Object.keys(manifest.commands).filter(id => !id.startsWith('_'))]
  const texts = await Promise.all(
    ids.map(async id => {
      const {stdout} = await run(process.execPath, [...launcher, ...(id ? id.split(':') : []), '--help'], {env, maxBuffer: 1 << 24})
      if (!stdout.includes('USAGE')) throw new Error(`the help of "${id || 'the root'}" is not a help: ${stdout.slice(0, 200)}`)
      return [id, stdout]
    }),
  )
  // the root's VERSION line is oclif's userAgent (name/version platform-arch runtime): the runtime's, filled in later
  const line = /^VERSION\n {2}(\S+\/\S+ \S+ \S+)\n/.exec(texts[0][1])
  if (!line) throw new Error(`the root's help has no VERSION line: ${texts[0][1].slice(0, 200)}`)
  for (const t of texts) t[1] = t[1].split(line[1]).join(RUNTIME)
  writeFileSync(file, JSON.stringify(Object.fromEntries(texts)))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await renderHelp([join(root, 'bin', 'kubectl-storage_init')], join(root, 'dist', 'help.json'))
