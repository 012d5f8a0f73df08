/** Go's time.ParseDuration for the units people write (500ms, 90s, 20m, 1h30m, 1.5h): milliseconds, or undefined. */
export function goDurationMs(text: string | undefined): number | undefined {
  if (!text) return undefined
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let m: RegExpExecArray | null
  let consumed = 0
  while ((m = re.exec(text))) {
    total += Number(m[1]) * {ms: 1, s: 1000, m: 60_000, h: 3_600_000}[m[2] as 'ms' | 's' | 'm' | 'h']
    consumed = re.lastIndex
  }
  return consumed === text.length && consumed > 0 ? total : undefined
}
