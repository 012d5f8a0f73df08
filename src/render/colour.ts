/**
 * The one colour decision, for every stream the plugin writes (the spinner, the logs' pod prefixes and highlights):
 * NO_COLOR (any value but empty) says no; FORCE_COLOR says yes ('', 1, 2, 3, true) or no (0, false), as Node's
 * util.getColorDepth and supports-color read it; TERM=dumb says no; otherwise colour is for a terminal only.
 */

/** Whether to colour what goes to `stream`. */
export function colourEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false
  const force = env.FORCE_COLOR?.trim().toLowerCase()
  if (force !== undefined) {
    if (['', '1', '2', '3', 'true'].includes(force)) return true
    if (['0', 'false'].includes(force)) return false
    // any other value: as if it were not set
  }
  if (env.TERM === 'dumb') return false
  return stream.isTTY === true
}

/** --color auto|always|never for one stream: always and never are the user's word; auto is colourEnabled's. */
export function colourFor(mode: string | undefined, stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (mode === 'always') return true
  if (mode === 'never') return false
  return colourEnabled(stream, env)
}
