/**
 * What a string must be for every store to keep it unchanged. PostgreSQL cannot store
 * U+0000 in `text` (and refuses it in JSON it has to decode), and a lone surrogate has
 * no UTF-8 form, so drivers replace it with U+FFFD: two different strings would then be
 * stored as one. Both are refused everywhere, so every store answers alike.
 *
 * @module
 */

/** Why a text with U+0000 was refused. */
export const NUL_MESSAGE = 'Must not contain the NUL character (U+0000)'
/** Why a text with a lone surrogate was refused. */
export const LONE_SURROGATE_MESSAGE = 'Must be well-formed Unicode: found a lone surrogate (ill-formed UTF-16)'
/** Why an identifier with a control character was refused. */
export const CONTROL_CHARACTER_MESSAGE = 'Must not contain control characters (U+0000–U+001F, U+007F–U+009F)'

// `String.prototype.isWellFormed` is ES2024 (Node 20, Deno, Bun, browsers since 2023).
// Older browsers and runtimes lack it; the regular expression gives the same answer
// there: with the `u` flag a paired surrogate is one code point, so `\p{Cs}` matches
// only lone ones.
const nativeIsWellFormed = (String.prototype as { isWellFormed?: (this: string) => boolean }).isWellFormed
const LONE_SURROGATE = /\p{Cs}/u

/** The fallback of {@link isWellFormed} where `String.prototype.isWellFormed` is missing. @internal */
export function isWellFormedByPattern(text: string): boolean {
  return !LONE_SURROGATE.test(text)
}

/** Whether `text` is well-formed UTF-16 (no lone surrogates). */
export const isWellFormed: (text: string) => boolean =
  typeof nativeIsWellFormed === 'function' ? (text) => nativeIsWellFormed.call(text) : isWellFormedByPattern

// C0 controls (NUL included), DEL and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/

/**
 * Why `text` cannot be stored as text, or `null` when it can: it must not contain
 * U+0000 and must be well-formed UTF-16. Newlines, tabs and every other character are
 * fine. Two native scans: on a 5 MB comment body they are 3× (non-Latin text) to 25×
 * (Latin-1 text) faster than one Unicode regular expression looking for both.
 */
export function findTextProblem(text: string): string | null {
  if (text.indexOf('\u0000') !== -1) return NUL_MESSAGE
  return isWellFormed(text) ? null : LONE_SURROGATE_MESSAGE
}

/**
 * Why `text` cannot be an identifier (a command id, an actor id, a correlation id, an
 * event type), or `null` when it can: the text rules plus no control characters at all,
 * since an identifier is compared, logged and sent in headers.
 */
export function findIdentifierProblem(text: string): string | null {
  if (CONTROL_CHARACTER.test(text)) return text.indexOf('\u0000') !== -1 ? NUL_MESSAGE : CONTROL_CHARACTER_MESSAGE
  return isWellFormed(text) ? null : LONE_SURROGATE_MESSAGE
}
