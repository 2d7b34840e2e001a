import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { applyEvent } from './apply-event.js'
import { cloneTicket, freezeState, type MutableTicket } from './mutable-ticket.js'

/**
 * Rebuilds a ticket from its stored events, optionally starting from a snapshot.
 * This is a pure function: `from` and the events are never mutated.
 *
 * Built for long streams: it copies `from` once, folds every event into that private
 * copy with the same applier `handle` uses (no per-event copies or drafts), and freezes
 * the result once at the end (outside production), so no caller can mutate it by mistake.
 *
 * @param events - the ticket's events in version order (facts and derived events)
 * @param from - a snapshot to continue from; the first event must follow its version
 * @returns the ticket, or `null` when there were no events and no snapshot
 * @throws {TicketError} `VALIDATION` when an event does not follow the state before it
 *
 * @example
 * ```ts
 * const ticket = replay(await loadEvents(ticketId))
 * const later = replay(tail, snapshot)
 * ```
 */
export function replay(events: Iterable<TicketEvent>, from: Ticket | null = null): Ticket | null {
  let state: MutableTicket | null = null
  let copied = false
  for (const event of events) {
    if (!copied) {
      // Copy lazily, so an empty tail hands back the (already frozen) snapshot itself.
      state = from === null ? null : cloneTicket(from)
      copied = true
    }
    state = applyEvent(state, event)
  }
  if (!copied) return from
  return state === null ? null : (freezeState(state) as Ticket)
}
