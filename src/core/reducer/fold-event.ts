import type { TicketEvent } from '../model/event.js'
import { applyFact } from './apply-event.js'
import { checkEvent } from './check-event.js'
import { cloneTicket, type WritableTicket } from './mutable-ticket.js'

/**
 * Folds one event into a ticket the caller owns, in place, and returns it
 * (`ticket:created` returns a new object: a deep copy of the event's ticket). No draft
 * and no copy per event: nothing else can see the object until the caller hands it
 * out. `replay` folds into a deep copy of its snapshot, so the result shares nothing
 * with its inputs.
 *
 * @throws {TicketError} `VALIDATION` when the event does not follow the state
 * @internal
 */
export function foldEvent(state: WritableTicket | null, event: TicketEvent): WritableTicket {
  checkEvent(state, event, state?.version ?? 0)
  if (event.type === 'ticket:created') {
    const created = cloneTicket(event.payload.ticket)
    created.version = 1
    return created
  }
  const current = state as WritableTicket
  current.version = event.version
  applyFact(current, current, event)
  return current
}
