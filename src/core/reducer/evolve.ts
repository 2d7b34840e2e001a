import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { FREEZES_BY_DEFAULT } from './immer-instances.js'
import { produceTicket } from './produce-ticket.js'

/**
 * Folds one stored event into a ticket. This is a pure function: the input state is
 * never mutated; the result shares unchanged parts with it (through immer) and is
 * deeply frozen outside `NODE_ENV=production` (see {@link FREEZES_BY_DEFAULT}).
 *
 * `evolve` takes no options, so `events.reduce(evolve, null)` type-checks; to choose
 * freezing explicitly, fold with {@link replay} and its `freeze` option.
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
  return produceTicket(state, [event], FREEZES_BY_DEFAULT)
}
