/**
 * Times in one form, so that text comparison is time comparison.
 *
 * @internal
 * @module
 */
import { TicketError } from '../../core/errors/ticket-error.js'

/**
 * Rewrites an ISO-8601 time as `Date.prototype.toISOString()` does — the form every
 * stored time has — so that comparing the strings compares the instants
 * (`…T10:00:00Z` and `…T12:00:00+02:00` are the same moment).
 *
 * @throws {TicketError} `VALIDATION` for text that is not a date-time
 */
export function canonicalTime(time: string | Date): string {
  const ms = typeof time === 'string' ? Date.parse(time) : time.getTime()
  if (Number.isNaN(ms)) {
    throw new TicketError('VALIDATION', `Invalid time ${JSON.stringify(String(time))}: expected an ISO-8601 date-time.`, {
      issues: [{ path: [], message: 'Invalid date-time', code: 'custom' }],
    })
  }
  return new Date(ms).toISOString()
}
