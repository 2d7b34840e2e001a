/**
 * The values a parse in this library produced, so the next layer inward can trust them
 * instead of parsing again (validate once, then trust: the HTTP handler parses a body
 * and hands the command to the service, which hands it to `handle`).
 *
 * A module-private `WeakSet`, not a type-only brand: a plain object that merely has the
 * right type (or was cast to it) is not in the set and is parsed like any other input.
 * Only objects a schema returned are added, and a parse always returns a new object, so
 * nothing a caller built by hand can be trusted by accident. A parsed value is a
 * read-only value by contract (its types say so); the set holds it weakly, so it is
 * collected with the value.
 *
 * @internal
 * @module
 */

const parsed = new WeakSet<object>()

/** Records `value` as the output of a parse, and returns it. */
export function markParsed<T extends object>(value: T): T {
  parsed.add(value)
  return value
}

/** Whether `value` is an object an earlier parse in this copy of the library returned. */
export function isParsed(value: unknown): boolean {
  return typeof value === 'object' && value !== null && parsed.has(value)
}
