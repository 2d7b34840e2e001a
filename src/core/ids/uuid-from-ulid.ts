import { TicketError } from '../errors/ticket-error.js'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const HEX = '0123456789abcdef'

/** Character code → its Crockford base-32 value, or -1; both cases decode. */
const DECODE = new Int8Array(128).fill(-1)
for (let value = 0; value < CROCKFORD.length; value++) {
  DECODE[CROCKFORD.charCodeAt(value)] = value
  DECODE[CROCKFORD.toLowerCase().charCodeAt(value)] = value
}

/**
 * Turns a ULID into a UUID with version 7 and the RFC 9562 variant, keeping its
 * millisecond timestamp in the same place (UUIDv7 and ULID share that layout).
 * Used for ticket and comment ids when a command gives none.
 *
 * No `BigInt`: four base-32 digits are 20 bits, exactly five hex digits, so the 26
 * digits decode as the 8 bits of the first two and six groups of 20 bits, each a small
 * integer.
 *
 * @throws {TicketError} `VALIDATION` when `id` is not a ULID
 *
 * @example
 * ```ts
 * uuidFromUlid('01ARZ3NDEKTSV4RRFFQ69G5FAV') // → '01563e3a-b5d3-7676-8c61-efb99302bd5b'
 * ```
 */
export function uuidFromUlid(id: string): string {
  if (id.length !== 26) throw notAUlid(id)
  const head = digits(id, 0, 2)
  if (head > 0xff) throw notAUlid(id)
  let hex = head.toString(16).padStart(2, '0')
  for (let index = 2; index < 26; index += 4) hex += digits(id, index, 4).toString(16).padStart(5, '0')
  const variant = HEX[(Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8]
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`
}

/** The value of `count` base-32 digits of `id` from `start` (at most 4: 20 bits). */
function digits(id: string, start: number, count: number): number {
  let value = 0
  for (let index = start; index < start + count; index++) {
    const digit = DECODE[id.charCodeAt(index)] ?? -1
    if (digit < 0) throw notAUlid(id)
    value = (value << 5) | digit
  }
  return value
}

function notAUlid(id: string): TicketError {
  return new TicketError('VALIDATION', `${JSON.stringify(id)} is not a ULID (26 Crockford base-32 digits, the first 0–7).`, {
    issues: [{ path: [], message: 'Expected a ULID', code: 'custom' }],
  })
}
