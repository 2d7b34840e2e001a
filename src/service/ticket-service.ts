import type { TicketEvent } from '../core/model/event.js'
import type { Ticket } from '../core/model/ticket.js'
import type { HandleResult } from '../core/reducer/handle.js'
import type { HandleContext } from '../core/reducer/handle-context.js'
import type { FREEZES_BY_DEFAULT } from '../core/reducer/immer-instances.js'
import type { ListTicketsQuery, ReadEventsQuery, TicketStore } from '../store-contract/ticket-store.js'

/** Options of {@link createTicketService}. */
export interface TicketServiceOptions {
  readonly store: TicketStore
  /** Clock and id source handed to `handle` (defaults: system clock, monotonic ULIDs). */
  readonly ctx?: Pick<HandleContext, 'now' | 'newId'>
  /**
   * Deep-freeze the states this service returns and keeps in its cache (`true`), or not
   * (`false`). The default follows `NODE_ENV` (see {@link FREEZES_BY_DEFAULT}): frozen in
   * development, unfrozen in production. Set it to keep states frozen in production
   * (immer freezes only the parts a command changes, measured in docs/performance.md),
   * or to skip freezing in a development build. Frozen or not, states are read-only values.
   */
  readonly freeze?: boolean
  /** Write a snapshot every this many events (default 100). */
  readonly snapshotEvery?: number
  /** How long a command id is remembered, in ms (default 48 h). */
  readonly dedupeWindowMs?: number
  /** How many recently used ticket states to keep in memory for `execute` (default 1,000; 0 turns caching off). */
  readonly cacheSize?: number
  /** How many times a command is retried after a `CONCURRENCY` conflict (default 10). */
  readonly maxRetries?: number
}

/** Scopes a call to one workspace: another workspace's ticket is `NOT_FOUND` / `null`. */
export interface WorkspaceScope {
  readonly workspaceId?: string
}

/** The events API query as applied, defaults filled in: exactly what the store reads. */
export type AppliedEventsQuery = ReadEventsQuery

/** The ticket API list query as applied, defaults filled in: exactly what the store pages through. */
export type AppliedListQuery = ListTicketsQuery

/** A page of the global log: `{ query, result }` as in the events API. */
export interface EventsPage {
  readonly query: AppliedEventsQuery
  readonly result: readonly TicketEvent[]
}

/** A page of tickets. */
export interface TicketsPage {
  readonly query: AppliedListQuery
  readonly result: readonly Ticket[]
}

/** The ticket service: commands in, events stored, state and pages out. */
export interface TicketService {
  /**
   * Runs a command against a ticket: load (snapshot + tail, or the state this service
   * last saw, checked by the append's expected version), `handle`, append with the
   * expected version, retry on conflict. A repeated `meta.commandId` within the dedupe
   * window returns the first result and appends nothing.
   */
  execute(ticketId: string, command: unknown, scope?: WorkspaceScope): Promise<HandleResult>
  /** The ticket's current state, or `null`. */
  load(ticketId: string, scope?: WorkspaceScope): Promise<Ticket | null>
  /** A page of the global log (omit `workspaceId` for the whole log). */
  events(query?: unknown): Promise<EventsPage>
  /** A page of a workspace's tickets from the projection. */
  list(query: unknown): Promise<TicketsPage>
  /** Closes the store. */
  close(): Promise<void>
}
