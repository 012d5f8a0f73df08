import {Document, visit} from 'yaml'

import {hasUnsafe} from './terminal.js'

/**
 * YAML as kubectl prints it: block style, no line folding. A string holding a control or bidi character is written
 * double-quoted, the one YAML style in which the terminal boundary's `\u00XX` escape keeps its meaning.
 */
export function toYaml(value: unknown): string {
  const doc = new Document(value)
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string') return
      // a block scalar whose first line is empty or indented needs an indentation indicator that Go's YAML readers
      // (kustomize, kubectl) and this library do not agree on: such a string is written double-quoted, exact for both
      if (hasUnsafe(node.value) || (node.value.includes('\n') && /^[\s]/.test(node.value))) node.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({lineWidth: 0})
}
