// --version answers without loading oclif: it is the fastest path, and it names the commit the build came from.
declare const __VERSION__: string
declare const __COMMIT__: string

if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === 'version')) {
  process.stdout.write(`kubectl-storage-init v${__VERSION__} (commit ${__COMMIT__}) ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  const oclif: any = await import('@oclif/core')
  await (oclif.execute ?? oclif.default.execute)({dir: import.meta.url})
}
