/**
 * KUBECTL_EXTERNAL_DIFF as kubectl diff runs it (staging/src/k8s.io/kubectl/pkg/cmd/diff/diff.go): the first word is
 * the program, a further word is passed on only when it matches ^[a-zA-Z0-9-=]+$; the program's exit status 1 means
 * differences, more is a failure that becomes the command's exit status. Real programs (shell scripts).
 */
import {chmodSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Outcome} from '../../src/core/change.js'
import {isCliError} from '../../src/errors.js'
import {externalDiff} from '../../src/render/outcome.js'

const dir = mkdtempSync(join(tmpdir(), 'si-ext-diff-'))

/** a diff program that records its arguments (one a line) and exits with `code` */
function program(name: string, code: number): string {
  const file = join(dir, name)
  writeFileSync(file, `#!/bin/sh\nfor a in "$@"; do echo "$a"; done > "${file}.args"\necho "the diff"\nexit ${code}\n`)
  chmodSync(file, 0o755)
  return file
}

const outcome = {
  planned: [{target: {display: 'configmap/inferenceservice-config', id: 'configmap', value: {image: 'a'}}, after: {image: 'b'}}],
} as unknown as Outcome

function run(command: string) {
  const out: string[] = []
  const warnings: string[] = []
  let error: unknown
  try {
    externalDiff(command, outcome, {print: t => out.push(t), note: () => {}, warn: t => warnings.push(t)}, (_, v) => JSON.stringify(v))
  } catch (e) {
    error = e
  }
  return {out: out.join(''), warnings, error}
}

test('only option-like words are passed on; paths, shell words and the like are dropped with a warning', () => {
  const diff = program('diff-args', 0)
  const r = run(`${diff} -u -N --color=always /etc/passwd ;id $(id) -x=y ../up  --label`)
  expect(r.error).toBeUndefined()
  expect(r.out).toBe('the diff\n')
  const args = readFileSync(`${diff}.args`, 'utf8').trimEnd().split('\n')
  expect(args.slice(0, -2)).toEqual(['-u', '-N', '--color=always', '-x=y', '--label'])
  expect(args.slice(-2).map(a => a.split('/').pop())).toEqual(['LIVE', 'MERGED'])
  expect(r.warnings).toEqual(
    ['/etc/passwd', ';id', '$(id)', '../up'].map(
      a => `KUBECTL_EXTERNAL_DIFF: invalid argument is ignored: ${a}, only Alphanumeric (case-insensitive), dash and equal are allowed`,
    ),
  )
})

test('exit status 1 is "differences", not an error', () => {
  const r = run(program('diff-differs', 1))
  expect(r.error).toBeUndefined()
  expect(r.out).toBe('the diff\n')
})

test("an exit status above 1 is the program's failure: an error carrying that status, after what it printed", () => {
  const diff = program('diff-fails', 3)
  const r = run(`${diff} -u`)
  expect(r.out).toBe('the diff\n')
  expect(isCliError(r.error)).toBe(true)
  expect(r.error).toMatchObject({message: `failed to run "${diff}": exit status 3`, exitCode: 3})
})

test('a program that cannot be run, or no program: an error', () => {
  expect(run(join(dir, 'no-such-diff')).error).toMatchObject({exitCode: 1, message: expect.stringContaining('cannot run')})
  expect(isCliError(run(' diff -u').error)).toBe(true)
})
