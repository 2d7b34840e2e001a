/**
 * The string building blocks every schema is made of, so `handle`, the service and the
 * HTTP handler refuse the same strings, and every store keeps what they accept
 * unchanged:
 *
 * - {@link textSchema}: free text (summaries, comment bodies, search text, names). Any
 *   character but U+0000, well-formed UTF-16; newlines and tabs are fine.
 * - {@link identifierSchema}: a key that is compared, logged and sent in headers (command
 *   ids, actor ids, correlation ids, event types). The text rules, not empty, and no
 *   control characters.
 *
 * @module
 */
import * as z from 'zod/mini'
import { findIdentifierProblem, findTextProblem } from '../model/text.js'

/** The longest identifier accepted, in characters. */
export const MAX_IDENTIFIER_LENGTH = 255

/**
 * A check refusing what {@link findTextProblem} refuses, with its reason as the message,
 * for string schemas that are not built with {@link textSchema} (`z.url()`, say).
 */
export function storableText() {
  return z.refine<string>((text) => findTextProblem(text) === null, {
    error: (issue) => findTextProblem(issue.input as string) ?? undefined,
  })
}

/** A check refusing what {@link findIdentifierProblem} refuses, with its reason as the message. */
function storableIdentifier() {
  return z.refine<string>((text) => findIdentifierProblem(text) === null, {
    error: (issue) => findIdentifierProblem(issue.input as string) ?? undefined,
  })
}

/**
 * Free text of at most `max` characters (and at least `min`, default 0): any character
 * except U+0000, and well-formed UTF-16 (no lone surrogates). Newlines, tabs and other
 * control characters are kept as they are.
 *
 * @example
 * ```ts
 * const note = textSchema(1000, 1)
 * z.parse(note, 'Line one\nline two') // ok
 * z.parse(note, 'nul\u0000')          // throws: Must not contain the NUL character (U+0000)
 * ```
 */
export function textSchema(max: number, min = 0) {
  return min > 0 ? z.string().check(z.minLength(min), z.maxLength(max), storableText()) : z.string().check(z.maxLength(max), storableText())
}

/**
 * An identifier of 1 to `max` characters (default 255): the {@link textSchema} rules and
 * no control characters (U+0000–U+001F, U+007F–U+009F), so it survives logs, headers and
 * every store unchanged.
 *
 * @example
 * ```ts
 * z.parse(identifierSchema(), 'takeover-42')  // ok
 * z.parse(identifierSchema(), 'takeover\n42') // throws: Must not contain control characters …
 * ```
 */
export function identifierSchema(max = MAX_IDENTIFIER_LENGTH) {
  return z.string().check(z.minLength(1), z.maxLength(max), storableIdentifier())
}
