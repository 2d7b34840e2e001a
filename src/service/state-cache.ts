import type { Ticket } from '../core/model/ticket.js'

/**
 * A small least-recently-used map of ticket id → the state this service last wrote or
 * read. `execute` decides on a cached state without reading the store; that is safe
 * because the append carries the version the state was at, and the store refuses it
 * with `CONCURRENCY` when another writer got there first (the service then reloads).
 * @internal
 */
export class StateCache {
  readonly #entries = new Map<string, Ticket>()
  readonly #capacity: number

  constructor(capacity: number) {
    this.#capacity = capacity
  }

  get(ticketId: string): Ticket | undefined {
    const state = this.#entries.get(ticketId)
    if (state !== undefined) {
      // Re-insert to mark it most recently used (a Map iterates in insertion order).
      this.#entries.delete(ticketId)
      this.#entries.set(ticketId, state)
    }
    return state
  }

  set(ticketId: string, state: Ticket | null): void {
    if (this.#capacity === 0) return
    this.#entries.delete(ticketId)
    if (state === null) return
    this.#entries.set(ticketId, state)
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
  }

  delete(ticketId: string): void {
    this.#entries.delete(ticketId)
  }
}
