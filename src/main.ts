// Entry of the npm build (ESM, split into lazily loaded chunks).
import {isVersionCall, versionLine} from './version.js'

if (isVersionCall(process.argv)) {
  process.stdout.write(versionLine('npm'))
} else {
  // CommonJS modules: esbuild hands them over as the default export
  const [m, st]: any[] = await Promise.all([import('@oclif/core/execute'), import('@oclif/core/settings')])
  // the build is JavaScript: never look for TypeScript sources, even with NODE_ENV=development or test
  ;(st.settings ?? st.default.settings).enableAutoTranspile = false
  await (m.execute ?? m.default.execute)({dir: import.meta.url})
}
