/**
 * A newline-delimited stream (a pod's log, a watch's events) cut into lines. Chunks arrive split anywhere, even inside a
 * multi-byte UTF-8 character: a string decoder keeps an unfinished character's bytes until the next chunk completes it,
 * so every line is decoded whole. Only '\n' ends a line: a '\r' before it is part of the line, as in the stream.
 */
import {StringDecoder} from 'node:string_decoder'

export class LineSplitter {
  private decoder = new StringDecoder('utf8')
  /** the text after the last newline seen */
  private rest = ''

  /** The lines that `chunk` completes, decoded, without their '\n'; what follows the last newline is kept. */
  lines(chunk: Uint8Array | string): string[] {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer))
    const lines = text.split('\n')
    this.rest = lines.pop()!
    return lines
  }

  /** What came after the last newline: the unterminated end of the stream so far ('' when it ended with '\n'). */
  get tail(): string {
    return this.rest
  }
}

/** The bytes a line took in the stream, its '\n' included (what limitBytes counts). */
export const streamBytes = (line: string) => Buffer.byteLength(line, 'utf8') + 1
