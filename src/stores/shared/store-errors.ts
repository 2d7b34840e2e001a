/**
 * The errors every store raises for the same situations, worded once: a lost race on a
 * ticket's version, a command id already recorded, and an `afterId` the reader cannot
 * see. (A call on a closed store is `storeClosedError` in the core errors.)
 *
 * @internal
 * @module
 */
import { TicketError } from '../../core/errors/ticket-error.js'

/**
 * `CONCURRENCY`: the ticket is not at the version the batch expected (another command
 * changed it first, or a create found the id taken). Nothing was written.
 */
export function versionConflictError(ticketId: string, expectedVersion: number, actualVersion: number, cause?: unknown): TicketError {
  return new TicketError(
    'CONCURRENCY',
    `Ticket ${ticketId} is at version ${actualVersion}, not the expected ${expectedVersion}: another command changed it first, ` +
      'and nothing was written. Load it again and retry.',
    { details: { ticketId, expectedVersion, actualVersion }, ...(cause === undefined ? {} : { cause }) },
  )
}

/**
 * `CONCURRENCY`: the batch's command id is already recorded for the ticket, within the
 * dedupe window. Nothing was written; the first run's result stands (the service returns it).
 */
export function commandRecordedError(ticketId: string, commandId: string, version: number): TicketError {
  return new TicketError(
    'CONCURRENCY',
    `Command ${commandId} already ran on ticket ${ticketId}: its first result stands, and nothing was written.`,
    {
      details: { ticketId, commandId, expectedVersion: version, actualVersion: version },
    },
  )
}

/** `VALIDATION`: an `afterId` that names no event, or one of another workspace (reported alike). */
export function unknownCursorError(afterId: string): TicketError {
  return new TicketError('VALIDATION', `Invalid events query: afterId ${afterId} is not an event this reader can see.`, {
    issues: [{ path: ['afterId'], message: 'Unknown event id', code: 'custom' }],
  })
}

/** `VALIDATION`: an audits query `afterId` that names no audit of the ticket. */
export function unknownAuditCursorError(afterId: string, ticketId: string): TicketError {
  return new TicketError('VALIDATION', `Invalid audits query: afterId ${afterId} is not an audit of ticket ${ticketId}.`, {
    issues: [{ path: ['afterId'], message: 'Unknown audit id', code: 'custom' }],
  })
}
