/** Machine-readable output: JSON (two-space indent, like kubectl) or YAML. This module is loaded only for -o json|yaml. */
import {stringify} from 'yaml'

export function formatStructured(value: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return JSON.stringify(value, null, 2) + '\n'
  return stringify(value, {lineWidth: 0})
}
