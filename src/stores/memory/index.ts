/**
 * `ticket-events/memory`: a `TicketStore` kept in this process's memory, for
 * tests, demos and prototypes. It needs no dependencies and runs in every runtime.
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { memoryStore } from 'ticket-events/memory'
 *
 * const tickets = createTicketService({ store: memoryStore() })
 * ```
 *
 * @module
 */

export { memoryStore } from './memory-store.js'
export type { MemoryStoreOptions } from './memory-store-config.js'
