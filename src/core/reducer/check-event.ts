import { TicketError } from '../errors/ticket-error.js'
import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'

/**
 * Checks that `event` can follow `current`: it belongs to this ticket, carries the next
 * version, and names a comment that exists. Runs on plain values before any draft is
 * made, so a refused event costs no immer work and leaves nothing half-written.
 *
 * @throws {TicketError} `VALIDATION` naming the event and the reason
 * @internal
 */
export function checkEvent(current: Ticket | null, event: TicketEvent, version: number): void {
  if (event.type === 'ticket:created') {
    if (current !== null) throw streamError(event, `ticket ${current.id} already exists`)
    if (event.version !== 1) throw streamError(event, 'a ticket:created event must have version 1')
    return
  }
  if (current === null) throw streamError(event, 'the stream does not start with ticket:created')
  if (event.ticketId !== current.id) throw streamError(event, `it belongs to ticket ${event.ticketId}, not ${current.id}`)
  if (event.version !== version + 1) throw streamError(event, `version ${event.version} does not follow version ${version}`)
  switch (event.type) {
    case 'ticket:comment:updated':
    case 'ticket:comment:deleted':
    case 'ticket:comment:reaction:added':
    case 'ticket:comment:reaction:removed':
    case 'ticket:comment:redacted':
    case 'ticket:comment:privacy_changed':
      if (!Object.hasOwn(current.comments, event.payload.commentId)) {
        throw streamError(event, `comment ${event.payload.commentId} does not exist`)
      }
      return
    default:
      return
  }
}

function streamError(event: TicketEvent, reason: string): TicketError {
  return new TicketError('VALIDATION', `Cannot apply event ${event.id} (${event.type}, version ${event.version}): ${reason}.`, {
    details: { eventId: event.id, type: event.type, version: event.version },
  })
}
