/**
 * `ticket-events`: an event-sourced domain model for support tickets.
 *
 * The pure core — {@link handle}, {@link evolve}, {@link replay} — and the ticket
 * service ({@link createTicketService}) and catch-up subscriptions ({@link subscribe})
 * run unchanged in Node, Deno, Bun, browsers and edge runtimes: nothing here imports a
 * Node built-in. Stores come from their own entries (`ticket-events/memory`,
 * `ticket-events/sqlite`, `ticket-events/postgres`).
 *
 * @module
 */
export * from './core/index.js'
export * from './service/index.js'
export type {
  AppendBatch,
  CommandRecord,
  CommandResult,
  ListTicketsQuery,
  PrunableTicketStore,
  PruneOptions,
  ReadEventsQuery,
  StoreCapabilities,
  StoredStream,
  TicketSnapshot,
  TicketStore,
} from './store-contract/ticket-store.js'
export { DEFAULT_CAPABILITIES } from './store-contract/ticket-store.js'
export * from './subscriptions/index.js'
