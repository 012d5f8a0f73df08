// Keeps test/fixtures/ (the recorded API-server answers and KServe's release files that the tests use) a copy of
// ../shared/fixtures/. The tests read only the copy, so a fresh clone passes on its own; CI runs `--check` when
// ../shared is beside the checkout and fails on any difference. `node scripts/sync-fixtures.mjs` refreshes the copy.
import {copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = process.env.SHARED_FIXTURES ?? join(root, '..', 'shared', 'fixtures')
const target = join(root, 'test', 'fixtures')
const check = process.argv.includes('--check')

function files(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap(n => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]))
}

if (!existsSync(source)) {
  console.log(`no ${relative(root, source)} beside the checkout: nothing to compare`)
  process.exit(0)
}
const want = new Map(files(source).map(f => [relative(source, f), f]))
const have = new Map(files(target).map(f => [relative(target, f), f]))
const stale = []
for (const [rel, f] of want) if (!have.has(rel) || !readFileSync(f).equals(readFileSync(have.get(rel)))) stale.push(rel)
const extra = [...have.keys()].filter(rel => !want.has(rel))
if (check) {
  if (stale.length || extra.length) {
    for (const f of stale) console.log(`differs or missing: test/fixtures/${f}`)
    for (const f of extra) console.log(`not in ../shared/fixtures: test/fixtures/${f}`)
    console.log('test/fixtures is stale: run node scripts/sync-fixtures.mjs and commit it')
    process.exit(1)
  }
  console.log(`test/fixtures matches ../shared/fixtures (${want.size} files)`)
} else {
  for (const rel of stale) {
    mkdirSync(dirname(join(target, rel)), {recursive: true})
    copyFileSync(want.get(rel), join(target, rel))
  }
  for (const rel of extra) rmSync(join(target, rel))
  console.log(`test/fixtures: ${stale.length} copied, ${extra.length} removed`)
}
