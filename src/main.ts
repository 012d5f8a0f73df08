// Entry of the npm build (ESM, split into lazily loaded chunks).
import {isVersionCall, versionLine} from './version.js'

if (isVersionCall(process.argv)) {
  process.stdout.write(versionLine('npm'))
} else {
  // a CommonJS module: esbuild hands it over as the default export
  const m: any = await import('@oclif/core/execute')
  await (m.execute ?? m.default.execute)({dir: import.meta.url})
}
