/// <reference lib="dom" />

/**
 * Turns URL query parameters into a plain object for a zod schema.
 *
 * A list parameter may come repeated (`?tagIds=a&tagIds=b`), once (`?tagIds=a`), or in
 * the bracket style (`?tagIds[]=a&tagIds[]=b`); it always becomes an array. Any other
 * parameter becomes a string when given once, and an array when repeated, so the
 * schema reports "expected string" at its path instead of silently taking one value.
 */
export function searchParamsToObject(params: URLSearchParams, listKeys: ReadonlySet<string>): Record<string, unknown> {
  const collected = new Map<string, string[]>()
  for (const [rawKey, value] of params) {
    const bracketed = rawKey.endsWith('[]')
    const bare = bracketed ? rawKey.slice(0, -2) : rawKey
    // `status[]` is not a list parameter: keep its raw name so it is reported as unknown.
    const key = bracketed && !listKeys.has(bare) ? rawKey : bare
    const values = collected.get(key)
    if (values) values.push(value)
    else collected.set(key, [value])
  }
  const object: Record<string, unknown> = Object.create(null)
  for (const [key, values] of collected) {
    object[key] = listKeys.has(key) || values.length > 1 ? values : values[0]
  }
  return object
}
