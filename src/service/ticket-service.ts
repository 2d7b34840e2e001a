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
  /**
   * How `execute`, `load`, `events` and `list` retry when the store is `UNAVAILABLE` (a
   * dropped connection, a failover, a busy SQLite file). Default: 50 ms doubling to 2 s,
   * for about 10 s in all; `{ maxElapsedMs: 0 }` turns retrying off.
   */
  readonly unavailableRetry?: UnavailableRetryOptions
}

/**
 * The service's backoff for a store that is `UNAVAILABLE`. Each wait is between half and
 * all of `min(maxDelayMs, initialDelayMs × 2^retry)`; retrying stops when the next wait
 * would end more than `maxElapsedMs` after the first failure, and the last error is thrown.
 *
 * @example
 * ```ts
 * // A serverless function with a 5 s budget gives the store 3 s to come back.
 * createTicketService({ store, unavailableRetry: { maxElapsedMs: 3000 } })
 * ```
 */
export interface UnavailableRetryOptions {
  /** The first wait, in ms (default 50); each further wait doubles. */
  readonly initialDelayMs?: number
  /** The longest single wait, in ms (default 2000). */
  readonly maxDelayMs?: number
  /** How long after the first failure retrying may go on, in ms (default 10 000; 0 never retries). */
  readonly maxElapsedMs?: number
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
   *
   * A store that is `UNAVAILABLE` is retried with backoff (see
   * {@link TicketServiceOptions.unavailableRetry}); when an append failed, the service first
   * asks the store whether it landed, so a command is never applied twice.
   *
   * @throws {TicketError} `UNAVAILABLE` when the store stayed unavailable; `retryable`
   * then says whether calling again can help. If you retry yourself, pass `meta.commandId`.
   */
  execute(ticketId: string, command: unknown, scope?: WorkspaceScope): Promise<HandleResult>
  /** The ticket's current state, or `null`. Retried like `execute` while the store is `UNAVAILABLE`. */
  load(ticketId: string, scope?: WorkspaceScope): Promise<Ticket | null>
  /** A page of the global log (omit `workspaceId` for the whole log). */
  events(query?: unknown): Promise<EventsPage>
  /** A page of a workspace's tickets from the projection. */
  list(query: unknown): Promise<TicketsPage>
  /** Closes the store. */
  close(): Promise<void>
}
