declare const __VERSION__: string
declare const __COMMIT__: string

/** `--version`: the version, the commit the build came from, and what it runs on. */
export function versionLine(kind: string): string {
  const runtime = process.versions.bun ? `bun-v${process.versions.bun}` : `node-${process.version}`
  return `kubectl-storage-init v${__VERSION__} (commit ${__COMMIT__}) ${process.platform}-${process.arch} ${kind} ${runtime}\n`
}

/** `--version` answers without loading oclif: it is the fastest path. */
export function isVersionCall(argv: string[]): boolean {
  return argv.length === 3 && (argv[2] === '--version' || argv[2] === 'version')
}
