import * as z from 'zod/mini'

// Years 0001–9999 in UTC: the range of ISO-8601's four-digit years, of `toISOString()`'s
// fixed-width form (so text order stays time order), and of PostgreSQL's timestamps
// (which have no year 0). An offset can carry a valid local time out of it:
// `9999-12-31T23:59:59-14:00` is in year 10000 in UTC.
const EARLIEST = Date.parse('0001-01-01T00:00:00.000Z')
const LATEST = Date.parse('9999-12-31T23:59:59.999Z')

function inStorableRange(text: string): boolean {
  const instant = Date.parse(text)
  return instant >= EARLIEST && instant <= LATEST
}

/**
 * An ISO-8601 date-time with a time zone (`Z` or an offset), normalised to UTC with
 * milliseconds (`2024-05-01T10:00:00.000Z`), the form events carry. Years 0001–9999
 * after converting to UTC; anything outside is refused rather than stored or compared
 * differently by each store.
 *
 * @example
 * ```ts
 * z.parse(isoDateTimeSchema, '2024-05-01T12:00:00+02:00') // → '2024-05-01T10:00:00.000Z'
 * z.parse(isoDateTimeSchema, '9999-12-31T23:59:59-14:00') // throws: year 10000 in UTC
 * ```
 */
export const isoDateTimeSchema = z.pipe(
  z.iso
    .datetime({ offset: true, error: 'Expected an ISO-8601 date-time with a time zone, like 2024-05-01T12:00:00Z' })
    .check(z.refine(inStorableRange, { error: 'Expected a date-time between years 0001 and 9999 in UTC' })),
  z.transform((text: string) => new Date(text).toISOString()),
)
