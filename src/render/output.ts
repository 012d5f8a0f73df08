/** Machine-readable output: JSON (two-space indent, like kubectl) or YAML. */
export async function formatStructured(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n'
  const {stringify} = await import('yaml')
  return stringify(value, {lineWidth: 0})
}
