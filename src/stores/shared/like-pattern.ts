/**
 * The list's `search`: a literal, case-insensitive substring of the summary, matched
 * with SQL `LIKE … ESCAPE '\'` in the SQL stores.
 *
 * @internal
 * @module
 */

/**
 * The form of a summary that search compares, stored beside the projection row and
 * applied to the search text alike: lower-cased the JavaScript way (the same everywhere,
 * whatever the database's locale) and without NUL, which PostgreSQL text cannot hold.
 */
export function searchable(text: string): string {
  return text.toLowerCase().replaceAll('\u0000', '')
}

/** Escapes LIKE's wildcards and the escape character itself, so the text matches literally. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}

/** A `LIKE … ESCAPE '\'` pattern matching any text that contains `search` (case-folded by {@link searchable}). */
export function containsPattern(search: string): string {
  return `%${escapeLike(searchable(search))}%`
}
