/**
 * A newline-delimited stream (a pod's log, a watch's events) cut into lines. Chunks arrive split anywhere, even inside a
 * multi-byte UTF-8 character, so they are split on the newline byte (which never occurs inside a UTF-8 sequence) and each
 * line is decoded whole. Only '\n' ends a line: a '\r' before it is part of the line, as in the stream.
 */
export class LineSplitter {
  /** the bytes after the last newline seen, in the chunks they came in (joined once the line is complete) */
  private rest: Uint8Array[] = []
  private restBytes = 0

  /** The lines that `chunk` completes, as bytes without their '\n'; what follows the last newline is kept. */
  push(chunk: Uint8Array | string): Buffer[] {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    const lines: Buffer[] = []
    let start = 0
    for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, start)) {
      const head = b.subarray(start, i)
      lines.push(this.restBytes === 0 ? head : Buffer.concat([...this.rest, head]))
      this.rest = []
      this.restBytes = 0
      start = i + 1
    }
    if (start < b.length) {
      this.rest.push(b.subarray(start))
      this.restBytes += b.length - start
    }
    return lines
  }

  /** The lines that `chunk` completes, decoded as UTF-8. */
  lines(chunk: Uint8Array | string): string[] {
    return this.push(chunk).map(l => l.toString('utf8'))
  }

  /** What came after the last newline: the unterminated end of the stream so far (empty when it ended with '\n'). */
  get tail(): Buffer {
    return Buffer.concat(this.rest)
  }
}
