/**
 * The UTF-8 byte length of `JSON.stringify(value)`, computed without building the JSON
 * text. Used to size webhook payloads whose content fields may hold megabytes.
 *
 * @module
 */

// Characters JSON.stringify writes as themselves, one byte each: printable ASCII except `"` and `\`.
const NEEDS_SLOW_PATH = /[^\x20\x21\x23-\x5b\x5d-\x7e]/

/**
 * The UTF-8 byte length of a string as `JSON.stringify` writes it, quotes included.
 *
 * Counts JSON escapes exactly: `\"`, `\\` and the short control escapes take 2 bytes,
 * other control characters and lone surrogates (ES2019 well-formed stringify) take 6,
 * and everything else its UTF-8 length (1–4 bytes).
 */
export function jsonStringByteLength(text: string): number {
  // The common case — plain ASCII — is a single native regex scan.
  if (!NEEDS_SLOW_PATH.test(text)) return text.length + 2
  let bytes = 2
  const length = text.length
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x80) {
      if (code === 0x22 || code === 0x5c) bytes += 2
      else if (code >= 0x20) bytes += 1
      else if (code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d) bytes += 2
      else bytes += 6
    } else if (code < 0x800) {
      bytes += 2
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = index + 1 < length ? text.charCodeAt(index + 1) : 0
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4
        index++
      } else {
        bytes += 6
      }
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      bytes += 6
    } else {
      bytes += 3
    }
  }
  return bytes
}

/** Called for every value met while measuring, with its path from the root and its byte length. */
export type MeasureVisitor = (path: readonly (string | number)[], value: unknown, bytes: number, parent: unknown) => void

/**
 * The UTF-8 byte length of `JSON.stringify(value)` for plain JSON data (objects, arrays,
 * strings, finite numbers, booleans, `null`; object members whose value is `undefined`
 * are left out, as `JSON.stringify` does).
 *
 * Each value is visited once, so the cost is linear in the size of the data. The
 * optional `visit` callback learns each value's byte length together with its path.
 *
 * @example
 * ```ts
 * jsonByteLength({ body: 'héllo' }) === new TextEncoder().encode(JSON.stringify({ body: 'héllo' })).length // true
 * ```
 */
export function jsonByteLength(value: unknown, visit?: MeasureVisitor): number {
  return measure(value, undefined, { path: [], visit, longStrings: new Map() })
}

// Strings at least this long are measured once per call: a comment body appears both in
// the ticket and in the event, as the same string. (V8 hashes long strings by length, so
// the lookup does not rescan them.)
const LONG_STRING = 64 * 1024

interface MeasureContext {
  readonly path: (string | number)[]
  readonly visit: MeasureVisitor | undefined
  readonly longStrings: Map<string, number>
}

function measureString(text: string, context: MeasureContext): number {
  if (text.length < LONG_STRING) return jsonStringByteLength(text)
  let bytes = context.longStrings.get(text)
  if (bytes === undefined) {
    bytes = jsonStringByteLength(text)
    context.longStrings.set(text, bytes)
  }
  return bytes
}

function measure(value: unknown, parent: unknown, context: MeasureContext): number {
  const { path, visit } = context
  let bytes: number
  if (typeof value === 'string') bytes = measureString(value, context)
  else if (value === null || value === undefined || typeof value === 'function' || typeof value === 'symbol') bytes = 4
  else if (typeof value === 'boolean') bytes = value ? 4 : 5
  else if (typeof value === 'number') bytes = Number.isFinite(value) ? String(value).length : 4
  else if (Array.isArray(value)) {
    bytes = 2 + Math.max(0, value.length - 1)
    for (let index = 0; index < value.length; index++) {
      path.push(index)
      bytes += measure(value[index], value, context)
      path.pop()
    }
  } else if (typeof value === 'object') {
    bytes = 2
    let members = 0
    const record = value as Record<string, unknown>
    for (const key of Object.keys(record)) {
      const member = record[key]
      if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue
      path.push(key)
      bytes += jsonStringByteLength(key) + 1 + measure(member, value, context)
      path.pop()
      members++
    }
    bytes += Math.max(0, members - 1)
  } else {
    throw new TypeError(`Cannot measure a ${typeof value} as JSON`)
  }
  visit?.(path, value, bytes, parent)
  return bytes
}
