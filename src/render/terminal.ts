/**
 * Cluster data never reaches a terminal raw: whatever anyone may write into the cluster (names, images, annotations,
 * history records, Status messages, logs) can hold escape sequences that recolour, retitle, hide or rewrite what the
 * operator sees. Every text the plugin prints passes `escapeTerminal` at the output boundary (BaseCommand.print, its
 * warnings, notes and errors); table cells also escape line breaks and tabs (`escapeCell`). The escape is `\u00XX`,
 * which is also what JSON and a YAML double-quoted string mean by it, so machine output keeps its data.
 */

/** C0 controls but tab and newline, DEL, C1 controls, and the Unicode bidirectional controls (Trojan Source). */
const UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g
const UNSAFE_IN_CELL = /[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

const escape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** Does the text hold a character a terminal would act on? */
export const hasUnsafe = (text: string) => new RegExp(UNSAFE.source).test(text)

/** The text with every character a terminal acts on shown as `\u00XX` (newlines and tabs kept). */
export function escapeTerminal(text: string): string {
  return text.replace(UNSAFE, escape)
}

/** One table cell or one line: line breaks and tabs escaped too, so a value cannot forge rows or columns. */
export function escapeCell(text: string): string {
  return text.replace(UNSAFE_IN_CELL, escape)
}
