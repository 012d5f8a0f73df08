/**
 * Memory and CPU bombs from small objects (issue #24, item 5): whatever anyone writes into the cluster, up to the API
 * server's object size limit, must not exhaust the plugin. Each test here hung, aborted or overflowed the stack before.
 */
import {gzipSync} from 'node:zlib'
import fc from 'fast-check'

import {MAX_EDITS, unifiedDiff} from '../../src/domain/diff.js'
import {decodeRelease, manifestPart, MAX_MANIFEST_PART, ReleaseError} from '../../src/domain/helm-release.js'
import {helmOwnership} from '../../src/domain/helm.js'
import {readHistoryData, damagedMessage, describeChange, planRestore} from '../../src/domain/history.js'
import {editFields, members} from '../../src/domain/json-edit.js'
import {GO_MAX_DEPTH, jsonTooDeep, MAX_DEPTH} from '../../src/domain/json-error.js'
import {decodeStorageInitializer} from '../../src/domain/go-json.js'
import {LINE_LIMIT, LineSplitter, streamBytes} from '../../src/domain/lines.js'
import {MAX_REGEX, MAX_URI, Re2Error, re2Error, re2Match} from '../../src/domain/re2.js'
import {validate} from '../../src/domain/rules.js'
import {fromResource, matchFormats, selectInjection} from '../../src/domain/storage-containers.js'
import {DocumentSyntaxError, parseStorageInitializer} from '../../src/domain/storage-initializer.js'
import {helmReleaseData} from '../helpers.js'

const seed = Number(process.env.PROPERTY_SEED ?? 20261125)
const runs = Number(process.env.PROPERTY_RUNS ?? 300)

/** How long `f` takes, in milliseconds. */
function ms(f: () => void): number {
  const t0 = performance.now()
  f()
  return performance.now() - t0
}

describe('unifiedDiff: linear in space, bounded in time', () => {
  /** The diff before (an n×m longest-common-subsequence table), the reference for the output of ordinary inputs. */
  function tableDiff(a: string, b: string, nameA: string, nameB: string, context = 3): string {
    if (a === b) return ''
    const x = a.split('\n')
    const y = b.split('\n')
    const n = x.length
    const m = y.length
    const lcs: number[][] = Array.from({length: n + 1}, () => new Array(m + 1).fill(0))
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--) lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1])
    const ops: {t: string; line: string; ai: number; bi: number}[] = []
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) ops.push({t: ' ', line: x[i], ai: i++, bi: j++})
      else if (i < n && (j >= m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({t: '-', line: x[i], ai: i++, bi: j})
      else ops.push({t: '+', line: y[j], ai: i, bi: j++})
    }
    const out = [`--- ${nameA}`, `+++ ${nameB}`]
    let k = 0
    while (k < ops.length) {
      if (ops[k].t === ' ') {
        k++
        continue
      }
      const start = Math.max(0, k - context)
      let end = k
      for (;;) {
        while (end < ops.length && ops[end].t !== ' ') end++
        let next = end
        while (next < ops.length && ops[next].t === ' ' && next - end < 2 * context) next++
        if (next < ops.length && ops[next].t !== ' ' && next - end < 2 * context) end = next
        else break
      }
      end = Math.min(ops.length, end + context)
      const hunk = ops.slice(start, end)
      const aLen = hunk.filter(o => o.t !== '+').length
      const bLen = hunk.filter(o => o.t !== '-').length
      out.push(`@@ -${hunk[0].ai + (aLen ? 1 : 0)},${aLen} +${hunk[0].bi + (bLen ? 1 : 0)},${bLen} @@`)
      for (const o of hunk) out.push(`${o.t}${o.line}`)
      k = end
    }
    return out.join('\n') + '\n'
  }

  /** b, rebuilt from a and the diff's hunks (each hunk's old lines checked against a). */
  function patch(a: string, diff: string): string {
    const x = a.split('\n')
    const out: string[] = []
    let at = 0
    const lines = diff.split('\n').slice(2, -1)
    for (let k = 0; k < lines.length; k++) {
      const h = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[k])
      if (!h) throw new Error(`not a hunk header: ${lines[k]}`)
      // an empty side is numbered by the line before it
      const start = Number(h[2]) === 0 ? Number(h[1]) : Number(h[1]) - 1
      while (at < start) out.push(x[at++])
      while (k + 1 < lines.length && !lines[k + 1].startsWith('@@')) {
        const l = lines[++k]
        if (l[0] === '+') out.push(l.slice(1))
        else {
          // (not expect(): this runs for every line of 1.5 MiB)
          if (x[at] !== l.slice(1))
            throw new Error(`line ${at + 1} is ${JSON.stringify(x[at])}, the hunk says ${JSON.stringify(l.slice(1))}`)
          if (l[0] === ' ') out.push(x[at])
          at++
        }
      }
    }
    while (at < x.length) out.push(x[at++])
    return out.join('\n')
  }

  const text = fc.array(fc.constantFrom('a', 'b', 'c', '', '{', '}'), {maxLength: 14}).map(l => l.join('\n'))

  test('ordinary inputs: the same diff as the table gave (ties: a removal before an addition)', () => {
    fc.assert(
      fc.property(text, text, fc.nat(4), (a, b, context) => {
        expect(unifiedDiff(a, b, 'a', 'b', context)).toBe(tableDiff(a, b, 'a', 'b', context))
      }),
      {numRuns: runs * 10, seed},
    )
  })

  test("applying the diff's hunks to a gives b", () => {
    fc.assert(
      fc.property(text, text, fc.nat(4), (a, b, context) => {
        expect(patch(a, unifiedDiff(a, b, 'a', 'b', context))).toBe(b)
      }),
      {numRuns: runs * 10, seed},
    )
  })

  test('30,000 lines (a 30 KB value, a 240 KB history record): fast, however many lines changed', () => {
    const a = Array.from({length: 30000}, () => '').join('\n')
    const lines = Array.from({length: 30000}, (_, i) => `    "field${i}": "${'v'.repeat(i % 7)}",`)
    const few = lines.map((l, i) => (i % 5000 === 0 ? `${l} changed` : l))
    // the table took 30,000² cells: out of memory
    expect(ms(() => expect(patch(a, unifiedDiff(a, a + '\nx', 'a', 'b'))).toBe(a + '\nx'))).toBeLessThan(2000)
    let d = ''
    expect(ms(() => (d = unifiedDiff(lines.join('\n'), few.join('\n'), 'a', 'b')))).toBeLessThan(2000)
    expect(d.split('\n').filter(l => l.startsWith('@@'))).toHaveLength(6)
    expect(patch(lines.join('\n'), d)).toBe(few.join('\n'))
  })

  test('more changes than MAX_EDITS: the whole middle shown removed and added, still a diff that applies', () => {
    const a = ['same', ...Array.from({length: 30000}, (_, i) => `old ${i}`), 'end'].join('\n')
    const b = ['same', ...Array.from({length: 30000}, (_, i) => `new ${i}`), 'end'].join('\n')
    let d = ''
    expect(ms(() => (d = unifiedDiff(a, b, 'a', 'b')))).toBeLessThan(2000)
    expect(d.split('\n').slice(2, 4)).toEqual(['@@ -1,30002 +1,30002 @@', ' same'])
    expect(d.split('\n').filter(l => l.startsWith('-'))).toHaveLength(30001)
    expect(patch(a, d)).toBe(b)
    // and just beyond the bound: the same shape
    const n = MAX_EDITS / 2 + 1
    const c = Array.from({length: n}, (_, i) => `c${i}`).join('\n')
    const e = Array.from({length: n}, (_, i) => `e${i}`).join('\n')
    expect(patch(c, unifiedDiff(c, e, 'a', 'b'))).toBe(e)
  })

  test('the worst case for the edit-script search (1.5 MiB of alternating lines) stays bounded', () => {
    const a = Array.from({length: 400000}, (_, i) => 'ab'[i % 2]).join('\n')
    const b = Array.from({length: 400000}, (_, i) => 'ba'[(i % 3) % 2]).join('\n')
    let d = ''
    expect(ms(() => (d = unifiedDiff(a, b, 'a', 'b')))).toBeLessThan(5000)
    expect(patch(a, d)).toBe(b)
  })
})

describe('decodeRelease: a gzip bomb in a release Secret', () => {
  test('a release that decompresses beyond 64 MiB is refused in one line, without inflating it', () => {
    // 65 MiB of one byte gzips to 65 KB; at 4.5 GB the process aborted out of memory
    const bomb = Buffer.from(gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20)).toString('base64')).toString('base64')
    expect(bomb.length).toBeLessThan(200_000)
    let e: unknown
    expect(
      ms(() => {
        try {
          decodeRelease(bomb)
        } catch (x) {
          e = x
        }
      }),
    ).toBeLessThan(3000)
    expect(e).toBeInstanceOf(ReleaseError)
    expect((e as Error).message).toBe('the release Secret decompresses to more than 64 MiB')
  })

  test('Secret data larger than any the API server stores, or that holds no release, is refused in one line', () => {
    expect(() => decodeRelease('A'.repeat(5 * 1024 * 1024))).toThrow('the release Secret holds more than 4 MiB')
    expect(() => decodeRelease(Buffer.from('not json').toString('base64'))).toThrow(/^the release Secret does not hold a release: /)
    const truncated = Buffer.from(gzipSync(Buffer.from('{"manifest":""}')).subarray(0, 12).toString('base64')).toString('base64')
    expect(() => decodeRelease(truncated)).toThrow(/^the release Secret is not valid gzip \(/)
    // a real one still decodes
    expect(decodeRelease(helmReleaseData({version: 3, manifest: 'x'}))).toEqual({version: 3, manifest: 'x'})
  })

  test('only the documents validate compares are parsed as YAML, and at most 1 MiB of them', () => {
    const manifest = [
      '---\n# Source: a\nkind: ConfigMap\nmetadata:\n  name: inferenceservice-config\n',
      '---\n# Source: b\nkind: Deployment\nmetadata:\n  name: kserve-controller-manager\n',
      '--- # Source: c\nkind: ClusterStorageContainer\nmetadata:\n  name: default\n',
      '---\nkind: Service\n---x: 1\n',
    ].join('')
    expect(manifestPart(manifest, ['inferenceservice-config', 'ClusterStorageContainer'])).toBe(
      '---\n# Source: a\nkind: ConfigMap\nmetadata:\n  name: inferenceservice-config\n--- # Source: c\nkind: ClusterStorageContainer\nmetadata:\n  name: default\n',
    )
    const doc = `---\nkind: ClusterStorageContainer\nmetadata:\n  name: x\nspec: ${'y'.repeat(1000)}\n`
    expect(() => manifestPart(doc.repeat(Math.ceil(MAX_MANIFEST_PART / doc.length) + 1), ['ClusterStorageContainer'])).toThrow(
      "the release's manifest holds more than 1 MiB of ClusterStorageContainer documents",
    )
    // 64 MiB of other documents cost one pass over the text
    const other = '---\nkind: Deployment\nmetadata:\n  name: big\n'.repeat(500_000)
    expect(ms(() => expect(manifestPart(other, ['ClusterStorageContainer'])).toBe(''))).toBeLessThan(2000)
  })

  test('a release namespace annotation that is not a namespace name never reaches a request path: ignored, with a note', () => {
    const owner = (annotations: Record<string, string>) => helmOwnership({labels: {'app.kubernetes.io/managed-by': 'Helm'}, annotations})
    expect(owner({'meta.helm.sh/release-name': 'kserve', 'meta.helm.sh/release-namespace': 'kserve'})).toEqual({
      release: 'kserve',
      releaseNamespace: 'kserve',
    })
    for (const ns of ['..', 'kserve/../..', 'a%2F..', 'KServe', '-x', 'x'.repeat(64)])
      expect(owner({'meta.helm.sh/release-name': 'kserve', 'meta.helm.sh/release-namespace': ns})).toEqual({
        release: 'kserve',
        releaseNamespace: '',
        ignored: `the annotation meta.helm.sh/release-namespace is not a namespace name (${JSON.stringify(ns)}): ignored`,
      })
    // a release name goes into a label selector: one with a comma would add terms to it
    expect(owner({'meta.helm.sh/release-name': 'kserve,owner!=helm', 'meta.helm.sh/release-namespace': 'kserve'})?.ignored).toBe(
      'the annotation meta.helm.sh/release-name is not a release name ("kserve,owner!=helm"): ignored',
    )
    // 256 KiB of annotation is cut in the note, and checked in no time
    expect(
      ms(() => expect(owner({'meta.helm.sh/release-name': 'a'.repeat(262144) + '!'})?.ignored).toMatch(/…"?\): ignored$/)),
    ).toBeLessThan(100)
  })
})

describe('ClusterStorageContainer regexes: lengths bounded, time bounded', () => {
  // (?:[ab]*) keeps every state of the regex alive at every character: the slowest kind of RE2 match
  const slow = '(?:[ab]*)'.repeat(1112) + '[cd]'
  const uri = 'ab'.repeat(10000)

  test('a 10 KB regex and a 20 KB URI (8 s before) return at once: the regex too long to match, the URI unmatched', () => {
    expect(slow.length).toBeGreaterThan(10000)
    expect(ms(() => expect(() => re2Match(slow, 's3://x')).toThrow(Re2Error))).toBeLessThan(100)
    expect(re2Error(slow)).toEqual({
      message: `regexp too long to match (${slow.length} characters, this plugin matches up to ${MAX_REGEX}): ${JSON.stringify(slow.slice(0, 40))}…`,
      tooLong: true,
    })
    const short = '(?:[ab]*)'.repeat(200) + '[cd]'
    let m: ReturnType<typeof matchFormats> | undefined
    expect(ms(() => (m = matchFormats([{regex: short}, {prefix: 'ab'}], uri)))).toBeLessThan(100)
    // prefixes still match, regexes are not tried
    expect(m).toEqual({match: true, format: {prefix: 'ab'}, unmatched: undefined})
    expect(matchFormats([{regex: short}], uri)).toEqual({
      match: false,
      unmatched: `the URI is too long to match (20000 characters, this plugin matches up to ${MAX_URI}): "${uri.slice(0, 40)}"…: ClusterStorageContainer regexes were not tried, as if none matched`,
    })
  })

  test('the longest regex against the longest URI matched takes well under a second', () => {
    const longest = '(?:[ab]*)'.repeat(Math.floor((MAX_REGEX - 4) / 9)) + '[cd]'
    expect(ms(() => expect(re2Match(longest, 'ab'.repeat(MAX_URI / 2))).toBe(false))).toBeLessThan(1000)
  })

  test('a regex of literal text (what set-* --isvc writes) is matched as text, whatever its length', () => {
    const u = `https://example.com/${'m.d+l?'.repeat(2000)}`
    const exact = `^${u.replace(/[\\^$.|?*+()[\]{}]/g, c => `\\${c}`)}$`
    expect(exact.length).toBeGreaterThan(MAX_REGEX)
    expect(re2Error(exact)).toBeUndefined()
    expect(re2Match(exact, u)).toBe(true)
    expect(re2Match(exact, u + 'x')).toBe(false)
    expect(re2Match(exact.slice(1), 'x' + u)).toBe(true)
    expect(re2Match('\\.tar\\.gz$', 'https://h/m.tar.gz')).toBe(true)
    expect(re2Match('\\.tar\\.gz$', 'https://h/m.tar.gz?x')).toBe(false)
    // anything else goes to RE2: `\d`, classes, repetitions
    expect(re2Match('^s3://b\\d$', 's3://b1')).toBe(true)
    expect(re2Match('^s3://b\\d$', 's3://bd')).toBe(false)
  })

  test('get and validate say "too long to match", in one line; a URI too long is a note, not a refusal', () => {
    const csc = (name: string, regex: string) =>
      fromResource({
        metadata: {name},
        spec: {container: {name: 'storage-initializer', image: 'x'}, supportedUriFormats: [{regex}], workloadType: 'initContainer'},
      })
    // a config KServe can decode: the four quantities set
    const cfg = {cpuRequest: '100m', cpuLimit: '1', memoryRequest: '200Mi', memoryLimit: '1Gi'}
    const a = selectInjection('s3://bucket/model', cfg, [csc('slow', slow)])
    expect(a.source).toBe('error')
    // the controller's ValidateStorageURI runs the same lookup first (v0.20: it wraps the error)
    expect(a.reason).toMatch(
      /^StorageURI not supported: error resolving storage container for "s3:\/\/bucket\/model": error checking storage container slow: regexp too long to match \(10012 characters.*KServe would try it/,
    )
    const b = selectInjection(`s3://bucket/${'m'.repeat(MAX_URI)}`, cfg, [csc('s3', '^s3://')])
    expect(b.source).toBe('configmap')
    expect(b.reason).toMatch(
      /^no enabled ClusterStorageContainer matches; the ConfigMap applies \(the URI is too long to match \(8204 characters/,
    )
    const findings = validate({
      configMapPath: 'cm',
      text: '{}',
      storageContainers: [{metadata: {name: 'slow'}, spec: {supportedUriFormats: [{regex: slow}]}}],
    })
    const f = findings.find(x => x.rule === 'SI050')!
    expect(f.message).toMatch(
      /^regexp too long to match \(10012 characters, this plugin matches up to 2048\): .*…: not checked, so which pods slow serves is not known$/,
    )
    expect(f.message.length).toBeLessThan(200)
  })
})

describe('JSON nested deeper than the walks that use it can go', () => {
  const deep = (d: number) => '{"x":'.repeat(d) + '1' + '}'.repeat(d)

  test('the depth is found in one pass, brackets in strings not counted, and where Go would stop', () => {
    expect(jsonTooDeep(`{"a":"${'['.repeat(1000)}"}`)).toBeUndefined()
    expect(jsonTooDeep(`{"a":"\\"${'['.repeat(1000)}"}`)).toBeUndefined()
    expect(jsonTooDeep('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).toBeUndefined()
    expect(jsonTooDeep('['.repeat(MAX_DEPTH + 1))).toEqual({
      offset: MAX_DEPTH,
      message: expect.stringMatching(/^nested deeper than 256 levels/),
      beyondPlugin: true,
    })
    expect(jsonTooDeep('['.repeat(GO_MAX_DEPTH + 1))).toEqual({
      offset: GO_MAX_DEPTH,
      message: "nested deeper than 10000 levels (Go's limit: KServe cannot read it either)",
      beyondPlugin: false,
    })
  })

  test('a storageInitializer nested 9,000 deep (a RangeError before) is one line everywhere it is read', () => {
    const text = `{"image": "kserve/storage-initializer:v0.20.0", "x": ${deep(9000)}}`
    expect(() => parseStorageInitializer(text)).toThrow(
      new DocumentSyntaxError(
        `nested deeper than 256 levels (more than this plugin reads; Go reads up to 10000) at line 1, column ${text.indexOf('{"x"') + 5 * 255 + 1}`,
        1,
        0,
      ),
    )
    // valid for KServe, only too deep for the plugin: said so (not "KServe rejects every pod")
    expect(() => parseStorageInitializer(text)).toThrow(expect.objectContaining({beyondPlugin: true}))
    // beyond Go's limit KServe fails too; a syntax error before the depth is the error, as Go's scanner finds it first
    expect(() => parseStorageInitializer(`{"x": ${deep(12000)}}`)).toThrow(/^nested deeper than 10000 levels \(Go's limit/)
    expect(() => parseStorageInitializer(`{"image": tru, "x": ${deep(9000)}}`)).toThrow(/^Unexpected token/)
    // the scanners that find members and edit them do not recurse any more
    expect(members(text).map(m => m.key)).toEqual(['image', 'x'])
    expect(decodeStorageInitializer(text).config).toEqual({image: 'kserve/storage-initializer:v0.20.0'})
    expect(editFields(text, {image: 'y'})).toBe(text.replace('kserve/storage-initializer:v0.20.0', 'y'))
    const f = validate({configMapPath: 'cm', text, storageContainers: []})
    expect(f.map(x => x.rule)).toEqual(['SI001'])
    expect(f[0].message).toMatch(/^invalid JSON: nested deeper than 256 levels/)
  })

  test('a history record nested 9,000 deep is damaged, in one line; a deep storageInitializer text in one is a whole value', () => {
    const record = (after: string) =>
      `{"revision":1,"time":"t","user":"u","command":"c","targets":[{"target":"storage-container/default","before":{"image":"a"},"after":${after}}]}`
    const h = readHistoryData({'revision-000001': record(`{"image":"b","x":${deep(9000)}}`)})
    expect(h.records).toEqual([])
    expect(damagedMessage(h.damaged[0], 'kserve')).toBe(
      'revision 1 in configmap kserve/storage-initializer-history is damaged: nested deeper than 256 levels',
    )
    expect(() => planRestore(h, new Map())).toThrow('is damaged: nested deeper than 256 levels; it cannot be undone')
    // the ConfigMap's text is a string in the record: compared whole, never walked
    const text = `{"image":"b","x":${deep(9000)}}`
    const cm = readHistoryData({
      'revision-000001': JSON.stringify({
        revision: 1,
        time: 't',
        user: 'u',
        command: 'c',
        targets: [{target: 'configmap', before: '{"image":"a"}', after: text}],
      }),
    })
    expect(describeChange(cm.records[0])).toBe('whole value replaced (configmap)')
    const plan = planRestore(cm, new Map([['configmap', `{"image":"c","x":${deep(9000)}}`]]))
    expect(plan.targets[0].merge).toMatchObject({state: 'conflict', conflicts: [{path: ''}]})
  })
})

describe('LineSplitter: a log line of any length', () => {
  test('32 MB with no newline, in 64 KB chunks (24 s before): well under a second, memory bounded by the cut', () => {
    const chunk = Buffer.alloc(64 * 1024, 'x')
    const s = new LineSplitter()
    let lines: string[] = []
    const t = ms(() => {
      for (let i = 0; i < 512; i++) lines.push(...s.lines(chunk))
      expect(s.tail.length).toBeGreaterThan(LINE_LIMIT)
      lines = s.lines('end\n')
    })
    expect(t).toBeLessThan(1500)
    expect(lines).toHaveLength(1)
    const cut = ` … [line cut at 16 MiB; ${32 * 1024 * 1024 + 3} bytes in all]`
    expect(lines[0].endsWith(cut)).toBe(true)
    expect(lines[0].length).toBe(LINE_LIMIT + cut.length)
    // what the stream really took, as --limit-bytes counts it when a stream is resumed
    expect(streamBytes(lines[0])).toBe(32 * 1024 * 1024 + 4)
    expect(s.tail).toBe('')
  })

  test('a cut line ends at its newline, the next one is whole; a line merely ending like a cut one counts its own bytes', () => {
    const s = new LineSplitter(10)
    expect(s.lines('0123456789abc')).toEqual([])
    expect(s.tail).toBe('0123456789 … [line cut at 16 MiB; 13 bytes in all]')
    expect(s.lines('def\nnext\n')).toEqual(['0123456789 … [line cut at 16 MiB; 16 bytes in all]', 'next'])
    // not between the halves of a surrogate pair
    expect(new LineSplitter(3).lines('ab🚀cd\n')[0].startsWith('ab …')).toBe(true)
    const forged = 'x … [line cut at 16 MiB; 999 bytes in all]'
    expect(streamBytes(forged)).toBe(Buffer.byteLength(forged) + 1)
  })

  test('many short lines and a long one in pieces: the same lines as splitting the whole text', () => {
    const text = Array.from({length: 20000}, (_, i) => (i === 7 ? 'y'.repeat(300000) : `line ${i}`)).join('\n') + '\ntail'
    const s = new LineSplitter()
    const out: string[] = []
    for (let i = 0; i < text.length; i += 4096) out.push(...s.lines(text.slice(i, i + 4096)))
    expect([...out, s.tail]).toEqual(text.split('\n'))
  })
})
