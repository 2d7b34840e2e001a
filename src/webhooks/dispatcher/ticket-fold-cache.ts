import { evolve, isTicketError, type Ticket, type TicketEvent } from '../../core/index.js'
import type { TicketService } from '../../service/ticket-service.js'

/** The tickets a webhook is rendered from: the ticket after the event, and before it. */
export interface FoldedEvent {
  readonly ticket: Ticket
  readonly previousTicket: Ticket | null
}

/**
 * The ticket states an endpoint renders webhooks from, folded forward event by event in
 * a least-recently-used cache, so that following the log costs one `evolve` per event.
 * A miss (a ticket first seen after a restart, or evicted) loads the ticket as of the
 * version before the event with `service.load(ticketId, { version })`, upcast like every
 * read of the service.
 *
 * The service serves no history of a deleted ticket: on a miss, the event that deleted
 * it (its last) is rendered from the final state without `previousTicket`; an earlier
 * event of it cannot be rendered (the dispatcher dead-letters it).
 *
 * Call {@link TicketFoldCache.advance} in the log's order for each ticket.
 *
 * @internal
 */
export class TicketFoldCache {
  readonly #capacity: number
  readonly #service: Pick<TicketService, 'load'>
  readonly #states = new Map<string, Ticket>()

  constructor(service: Pick<TicketService, 'load'>, capacity: number) {
    this.#service = service
    this.#capacity = capacity
  }

  /** The ticket before and after `event`, remembering the after. */
  async advance(event: TicketEvent): Promise<FoldedEvent> {
    const cached = this.#states.get(event.ticketId)
    let previousTicket: Ticket | null
    if (event.version === 1) previousTicket = null
    else if (cached?.version === event.version - 1) previousTicket = cached
    else {
      try {
        previousTicket = await this.#service.load(event.ticketId, { version: event.version - 1 })
      } catch (error) {
        if (!isTicketError(error, 'DELETED')) throw error
        const final = await this.#service.load(event.ticketId)
        if (final === null || final.version !== event.version) throw error
        this.#remember(event.ticketId, final)
        return { ticket: final, previousTicket: null }
      }
    }
    const ticket = evolve(previousTicket, event)
    if (ticket === null) throw new Error(`Folding event ${event.id} left ticket ${event.ticketId} without a state`)
    this.#remember(event.ticketId, ticket)
    return { ticket, previousTicket }
  }

  #remember(ticketId: string, ticket: Ticket): void {
    this.#states.delete(ticketId) // re-inserted last: a Map iterates in insertion order
    if (this.#capacity === 0) return
    this.#states.set(ticketId, ticket)
    if (this.#states.size > this.#capacity) {
      const oldest = this.#states.keys().next().value
      if (oldest !== undefined) this.#states.delete(oldest)
    }
  }
}
