/**
 * Usage errors in kubectl's words (issue #27): the command line as argv.ts normalises it (help, flags alone,
 * `--flag=false`), and oclif's own parse errors, made by oclif's parser from the commands' real flags, reworded by
 * src/usage-error.ts as cobra words them.
 */
import {parse} from '@oclif/core/parser'

import {normaliseArgv} from '../../src/argv.js'
import Get from '../../src/commands/get.js'
import Logs from '../../src/commands/logs.js'
import SetImage from '../../src/commands/set-image.js'
import {kubectlUsageError, unknownFlag} from '../../src/usage-error.js'

const COMMANDS = {get: Get, logs: Logs, 'set-image': SetImage}
const HINT = "See 'kubectl storage-init -h' for help and examples"

describe('normaliseArgv', () => {
  test.each([
    [['help'], ['--help']],
    [
      ['help', 'get'],
      ['get', '--help'],
    ],
    [
      ['-n', 'ml', 'help', 'logs'],
      ['logs', '--help'],
    ],
    [['-h'], ['--help']],
    [['--help'], ['--help']],
    // global flags and no command: the help, as kubectl shows it
    [
      ['-n', 'ml'],
      ['--help', '-n', 'ml'],
    ],
    [
      ['-v', '6'],
      ['--help', '-v', '6'],
    ],
    [['--debug'], ['--help', '--debug']],
    [
      ['--chunk-size', '5', 'get'],
      ['get', '--chunk-size', '5'],
    ],
    // cobra's booleans take =true and =false
    [
      ['logs', 'm', '--prefix=false'],
      ['logs', 'm', '--no-prefix'],
    ],
    [
      ['logs', 'm', '--prefix=true'],
      ['logs', 'm', '--prefix'],
    ],
    [['--debug=false', 'get'], ['get']],
    [
      ['get', '--debug=true'],
      ['get', '--debug'],
    ],
    [
      ['get', '-n=false'],
      ['get', '-n=false'],
    ],
    [
      ['logs', 'm', '--', '--prefix=false'],
      ['logs', 'm', '--', '--prefix=false'],
    ],
  ])('%j is %j', (argv, want) => {
    expect(normaliseArgv(argv, COMMANDS)).toEqual({argv: want})
  })

  test.each([
    [['-v'], "flag needs an argument: 'v' in -v"],
    [['--context'], 'flag needs an argument: --context'],
    [['--foo'], 'unknown flag: --foo'],
    [['--foo=1'], 'unknown flag: --foo'],
    [['-A'], "unknown shorthand flag: 'A' in -A"],
    [['-n', 'ml', '-A2'], "unknown shorthand flag: 'A' in -A2"],
    [['-v', 'x'], 'invalid argument "x" for "-v, --v" flag: expected an integer'],
  ])('%j alone: error: %s', (argv, error) => {
    expect(normaliseArgv(argv, COMMANDS)).toEqual({error, hint: HINT})
  })

  test('help of what does not exist', () => {
    expect(normaliseArgv(['help', 'lgos'], COMMANDS)).toMatchObject({
      error: expect.stringMatching(/^unknown help topic "lgos" for "kubectl storage-init"\n\nDid you mean this\?\n\tlogs\n/),
      hint: "Run 'kubectl storage-init --help' for usage.",
    })
  })
})

/** oclif's error for `argv` given to `cmd`, and what the user reads */
async function usage(cmd: typeof Get | typeof Logs | typeof SetImage, argv: string[]): Promise<string> {
  const flags: Record<string, any> = {...cmd.baseFlags, ...cmd.flags}
  let err: unknown
  try {
    await parse(argv, {flags, args: cmd.args, strict: cmd.strict})
  } catch (e) {
    err = e
  }
  expect(err).toBeInstanceOf(Error)
  expect((err as {oclif?: unknown}).oclif).toBeDefined()
  return kubectlUsageError(err as Error, {argv, flags})
}

describe("oclif's parse errors in kubectl's words", () => {
  test.each([
    [Get, ['--foo'], 'unknown flag: --foo'],
    [Get, ['--foo=3'], 'unknown flag: --foo'],
    [Get, ['-A'], "unknown shorthand flag: 'A' in -A"],
    [Get, ['-Z', '--foo'], "unknown shorthand flag: 'Z' in -Z"],
    [Logs, ['m', '-fQ'], "unknown shorthand flag: 'Q' in -Q"],
    [Get, ['-v'], "flag needs an argument: 'v' in -v"],
    [Get, ['--v'], 'flag needs an argument: --v'],
    [Get, ['--context'], 'flag needs an argument: --context'],
    [Logs, ['m', '-o'], "flag needs an argument: 'o' in -o (one of: json)"],
    [Get, ['--chunk-size', 'abc'], 'invalid argument "abc" for "--chunk-size" flag: expected an integer'],
    [Get, ['-v', 'x'], 'invalid argument "x" for "-v, --v" flag: expected an integer'],
    [Get, ['--chunk-size=-1'], 'invalid argument "-1" for "--chunk-size" flag: expected an integer greater than or equal to 0'],
    [Logs, ['m', '--color', 'pink'], 'invalid argument "pink" for "--color" flag: must be one of: auto, always, never'],
    [
      SetImage,
      ['x:1', '--target', 'all', '--isvc', 'm'],
      'if any flags in the group [isvc target] are set none of the others can be; [isvc target] were all set',
    ],
    [Logs, ['a', 'b'], 'unexpected argument "b"'],
  ])('%p %j: %s', async (cmd, argv, want) => {
    const got = await usage(cmd, argv)
    expect(got).toBe(want)
    // every usage error reads as kubectl's: lower case, one line, none of oclif's phrases
    expect(got).not.toMatch(/^[A-Z]|\n|The following|See more help|Nonexistent/)
  })

  test('colour in the message (oclif dims its reasons) is not kept', () => {
    const err = new Error('The following error occurred:\n  \x1b[2m--a=1 cannot also be provided when using --b\x1b[22m')
    expect(kubectlUsageError(err)).toBe('if any flags in the group [a b] are set none of the others can be; [a b] were all set')
  })

  test('anything else: its lines in one, lower case', () => {
    expect(kubectlUsageError(new Error('Something odd\n  happened\nSee more help with --help'))).toBe('something odd: happened')
  })

  test.each([
    ['--foo', 'unknown flag: --foo'],
    ['--foo=bar', 'unknown flag: --foo'],
    ['-A', "unknown shorthand flag: 'A' in -A"],
    ['-A2', "unknown shorthand flag: 'A' in -A2"],
  ])('unknownFlag(%s)', (flag, want) => {
    expect(unknownFlag(flag)).toBe(want)
  })
})
