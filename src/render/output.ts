/** Machine-readable output: JSON (two-space indent, like kubectl) or YAML. The YAML library loads only for -o yaml. */
export async function formatStructured(value: unknown, format: 'json' | 'yaml'): Promise<string> {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n'
  const {toYaml} = await import('./yaml.js')
  return toYaml(value)
}
