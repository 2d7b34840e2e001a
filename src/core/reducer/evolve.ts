import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { produceTicket } from './copy-on-write.js'

/**
 * Folds one stored event into a ticket. This is a pure function: the input state is
 * never mutated; the result shares unchanged parts with it and is deeply frozen
 * (outside `NODE_ENV=production`).
 *
 * @param state - the ticket before the event, or `null` before `ticket:created`
 * @param event - the next event of the ticket's stream (`version` = `state.version + 1`)
 * @returns the ticket after the event
 * @throws {TicketError} `VALIDATION` when the event does not follow the state
 *
 * @example
 * ```ts
 * const ticket = events.reduce(evolve, null)
 * ```
 */
export function evolve(state: Ticket | null, event: TicketEvent): Ticket | null {
  return produceTicket(state, [event])
}
