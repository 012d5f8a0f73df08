/**
 * Start-up timestamps for measuring (#30; docs/performance.md): with STORAGE_INIT_TRACE set, each mark prints the
 * milliseconds since the process started and a label on stderr. Otherwise a mark costs one property read.
 */
const on = !!process.env.STORAGE_INIT_TRACE

export function mark(label: string): void {
  if (on) process.stderr.write(`trace ${performance.now().toFixed(1)} ms ${label}\n`)
}
