import { evolve, replay, TICKET_SCHEMA_VERSION, type Ticket, type TicketEvent } from '../../core/index.js'
import type { TicketStore } from '../../store-contract/ticket-store.js'

/** The tickets a webhook is rendered from: the ticket after the event, and before it. */
export interface FoldedEvent {
  readonly ticket: Ticket
  readonly previousTicket: Ticket | null
}

/**
 * The ticket states an endpoint renders webhooks from, folded forward event by event in
 * a least-recently-used cache, so that following the log costs one `evolve` per event.
 * A miss (a ticket first seen after a restart, or evicted) loads the ticket as of the
 * version before the event from the ticket store: its snapshot when that is not past
 * the event, otherwise the whole stream.
 *
 * Call {@link TicketFoldCache.advance} in the log's order for each ticket.
 *
 * @internal
 */
export class TicketFoldCache {
  readonly #capacity: number
  readonly #store: Pick<TicketStore, 'loadStream'>
  readonly #states = new Map<string, Ticket>()

  constructor(store: Pick<TicketStore, 'loadStream'>, capacity: number) {
    this.#store = store
    this.#capacity = capacity
  }

  /** The ticket before and after `event`, remembering the after. */
  async advance(event: TicketEvent): Promise<FoldedEvent> {
    const cached = this.#states.get(event.ticketId)
    const previousTicket =
      event.version === 1 ? null : cached?.version === event.version - 1 ? cached : await this.#loadAt(event.ticketId, event.version - 1)
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

  async #loadAt(ticketId: string, version: number): Promise<Ticket | null> {
    let stream = await this.#store.loadStream(ticketId, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    if (stream !== null && stream.snapshot !== null && stream.snapshot.version > version) {
      // The snapshot is past the event: no snapshot is written under schema version 0, so this reads the whole stream.
      stream = await this.#store.loadStream(ticketId, { snapshotSchemaVersion: 0 })
    }
    if (stream === null) return null
    return replay(
      stream.events.filter((event) => event.version <= version),
      stream.snapshot,
      { freeze: false },
    )
  }
}
