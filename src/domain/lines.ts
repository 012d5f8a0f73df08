/**
 * A newline-delimited stream (a pod's log, a watch's events) cut into lines. Chunks arrive split anywhere, even inside a
 * multi-byte UTF-8 character: a string decoder keeps an unfinished character's bytes until the next chunk completes it,
 * so every line is decoded whole. Only '\n' ends a line: a '\r' before it is part of the line, as in the stream.
 *
 * Anyone who can write to a pod's log decides how long a line is, so a line costs time and memory in proportion to its
 * length only once: each chunk is searched for '\n' on its own, the unterminated end is kept as pieces and joined when
 * its newline comes. A line longer than LINE_LIMIT characters keeps only its first LINE_LIMIT, the rest is counted and
 * dropped, and it comes out with a marker that says so and how many bytes the stream really had (see streamBytes).
 */
import {StringDecoder} from 'node:string_decoder'

/** Characters of a line kept: 16 Mi (16 MiB of ASCII), far beyond any real log line or watch event (≤ 1.5 MiB objects). */
export const LINE_LIMIT = 16 * 1024 * 1024

const cutMarker = (bytes: number) => ` … [line cut at 16 MiB; ${bytes} bytes in all]`
const CUT = / … \[line cut at 16 MiB; (\d+) bytes in all\]$/

export class LineSplitter {
  private decoder = new StringDecoder('utf8')
  /** the text after the last newline seen, in the order it came */
  private pieces: string[] = []
  /** characters in pieces */
  private size = 0
  /** the stream bytes of the unterminated line, once it is cut (pieces then hold only what is kept) */
  private cutBytes: number | undefined

  constructor(private readonly limit = LINE_LIMIT) {}

  /** The lines that `chunk` completes, decoded, without their '\n'; what follows the last newline is kept. */
  lines(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer)
    const out: string[] = []
    let from = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      // the common case, a whole line inside the chunk, costs one slice
      if (this.size === 0 && this.cutBytes === undefined && nl - from <= this.limit) out.push(text.slice(from, nl))
      else {
        this.add(text.slice(from, nl))
        out.push(this.take())
      }
      from = nl + 1
    }
    if (from < text.length) this.add(from === 0 ? text : text.slice(from))
    return out
  }

  /** What came after the last newline: the unterminated end of the stream so far ('' when it ended with '\n'). */
  get tail(): string {
    const kept = this.joined()
    return this.cutBytes === undefined ? kept : kept + cutMarker(this.cutBytes)
  }

  private add(s: string): void {
    if (this.cutBytes !== undefined) {
      this.cutBytes += Buffer.byteLength(s, 'utf8')
      return
    }
    this.pieces.push(s)
    this.size += s.length
    if (this.size <= this.limit) return
    const whole = this.joined()
    // not between the two halves of a surrogate pair
    const end = /[\uD800-\uDBFF]/.test(whole[this.limit - 1]) ? this.limit - 1 : this.limit
    this.cutBytes = Buffer.byteLength(whole, 'utf8')
    this.pieces = [whole.slice(0, end)]
    this.size = end
  }

  /** The pieces as one string (kept joined, so that reading the tail again costs nothing). */
  private joined(): string {
    if (this.pieces.length > 1) this.pieces = [this.pieces.join('')]
    return this.pieces[0] ?? ''
  }

  /** The unterminated line, now terminated: returned, and forgotten. */
  private take(): string {
    const line = this.tail
    this.pieces = []
    this.size = 0
    this.cutBytes = undefined
    return line
  }
}

/**
 * The bytes a line took in the stream, its '\n' included (what limitBytes counts). A line cut by LineSplitter says in its
 * marker how many it had; no line that was not cut is longer than LINE_LIMIT, so no log line can pass for one.
 */
export const streamBytes = (line: string) => {
  const cut = line.length > LINE_LIMIT ? CUT.exec(line.slice(-64)) : null
  return cut ? Number(cut[1]) + 1 : Buffer.byteLength(line, 'utf8') + 1
}
