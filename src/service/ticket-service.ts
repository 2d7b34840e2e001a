import type { Audit } from '../core/model/audit.js'
import type { Command } from '../core/model/command.js'
import type { TicketEvent } from '../core/model/event.js'
import type { Ticket, TicketStatus } from '../core/model/ticket.js'
import type { HandleResult } from '../core/reducer/handle.js'
import type { HandleContext } from '../core/reducer/handle-context.js'
import type { FREEZES_BY_DEFAULT } from '../core/reducer/immer-instances.js'
import type { EventUpcaster } from '../core/upcasting/event-upcaster.js'
import type { ServiceInstrumentation } from '../instrumentation/service-instrumentation.js'
import type { ListTicketsQuery, ReadAuditsQuery, ReadEventsQuery, TicketStore } from '../store-contract/ticket-store.js'

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
   * `false` means the service spends nothing on freezing, not that states come back
   * unfrozen: a store that keeps what it is given frozen (the memory store, by default)
   * hands those same frozen objects back.
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
  /**
   * OpenTelemetry (spans for `execute` and its steps, counters for retries, conflicts and
   * cache hits) and plain hooks (`onRetry`, `onAppend`); see {@link ServiceInstrumentation}.
   * Off by default, and free when off.
   */
  readonly instrumentation?: ServiceInstrumentation
  /**
   * The event upcaster chain every read goes through (default: the library's,
   * `EVENT_UPCASTERS`). Events read back — by `load`, `events` (and so subscriptions and
   * the relays built on it) and remembered command results — come out in each type's
   * current shape; events this service appends are stamped with their type's current
   * `meta.schemaVersion`. Pass your own only when you run a model whose payloads differ
   * from the library's (a fork, say), as `[...EVENT_UPCASTERS, ...yours]`: see
   * docs/events.md, "Changing an event's shape".
   */
  readonly upcasters?: readonly EventUpcaster[]
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
  readonly workspaceId?: string | undefined
}

/** Options of {@link TicketService.execute}. */
export interface ExecuteOptions {
  /**
   * The version the caller decided on (0: the ticket must not exist yet). When the ticket
   * is at another version, `execute` throws `CONCURRENCY` with `retryable: false` and
   * `details.expectedVersion` / `details.actualVersion`, and appends nothing: the service
   * does not retry it, since only the caller can decide again on the newer state. A
   * repeated `meta.commandId` still returns the first result.
   */
  readonly expectedVersion?: number | undefined
}

/** Options of {@link TicketService.load}. */
export interface LoadOptions {
  /**
   * Load the ticket as it was right after this version (1-based; versions count every
   * event, derived change events included) instead of as it is now. A version the ticket
   * has not reached is `NOT_FOUND` with `details.currentVersion`; 0, a negative or a
   * fractional version is `VALIDATION`; a ticket deleted since is `DELETED` at every version.
   */
  readonly version?: number | undefined
}

/**
 * The events API query (a page of the global log), as a caller writes it. Every key is
 * optional; an unknown key is a `VALIDATION` error.
 */
export interface EventsQuery {
  /** Only this workspace's events (a UUID); omit it for the whole log. */
  readonly workspaceId?: string | undefined
  /** Only events after this one (a ULID) in the store's global order: the last id of the previous page. */
  readonly afterId?: string | undefined
  /** Only events with `occurredAt` strictly after this ISO-8601 date-time (with a time zone). */
  readonly occurredAfter?: string | undefined
  /** Only events of this exact type, like `ticket:status:changed`. */
  readonly type?: string | undefined
  /** 0..1000, default 25. */
  readonly limit?: number | undefined
}

/**
 * The ticket API list query, as a caller writes it. An unknown key is a `VALIDATION`
 * error. Each id filter takes one UUID or a list, and matches any of them.
 */
export interface ListQuery {
  readonly workspaceId: string
  readonly status?: TicketStatus | undefined
  readonly assigneeIds?: string | readonly string[] | undefined
  readonly chatIds?: string | readonly string[] | undefined
  /** Tickets carrying any of these tags. */
  readonly tagIds?: string | readonly string[] | undefined
  /** Literal text, matched case-insensitively as a substring of the summary (at most 200 characters). */
  readonly search?: string | undefined
  /** Include archived and deleted tickets (default `false`; `null` means `false`). */
  readonly includeRemoved?: boolean | null | undefined
  /**
   * Start after where an earlier page ended: its {@link TicketsPage.nextCursor}, as it is
   * (with the same filters). A keyset cursor: every page costs the same, however deep,
   * and tickets created meanwhile neither shift nor repeat rows. Leave `pageNumber` at 1.
   */
  readonly cursor?: string | undefined
  /** From 1 (the default). Deep pages cost more with each page skipped: prefer `cursor`. */
  readonly pageNumber?: number | undefined
  /** 1..100, default 10. */
  readonly pageSize?: number | undefined
}

/** Options of {@link TicketService.audits}: a page of one ticket's audit trail. An unknown key is a `VALIDATION` error. */
export interface AuditsOptions {
  /** Only audits after this one (an audit id of the ticket, a ULID): the last id of the previous page. */
  readonly afterId?: string | undefined
  /** 1..1000, default 25. */
  readonly limit?: number | undefined
}

/** The audit trail query as applied (ticket, scope, cursor, limit): exactly what the store reads. */
export type AppliedAuditsQuery = ReadAuditsQuery

/** A page of one ticket's audit trail, in ticket-version order. */
export interface AuditsPage {
  readonly query: AppliedAuditsQuery
  readonly result: readonly Audit[]
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
  /**
   * The `cursor` of the next page: set when this page is full (`pageSize` tickets), `null`
   * when it is the last. A full page may be followed by an empty one. Always `null` on a
   * store that does not page by cursor (`supportsListCursor: false`).
   */
  readonly nextCursor: string | null
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
   * With `options.expectedVersion`, the command runs only on that version of the ticket
   * (optimistic concurrency across calls, for a caller that showed a person the state it
   * decided on).
   *
   * The command is validated first (JavaScript callers and wire data may send anything),
   * unless it is the result of `parseCommand`, which is trusted.
   *
   * @throws {TicketError} `UNAVAILABLE` when the store stayed unavailable; `retryable`
   * then says whether calling again can help. If you retry yourself, pass `meta.commandId`.
   * @throws {TicketError} `CONCURRENCY` after `maxRetries` lost races, or at once (not
   * retryable) when the ticket is not at `options.expectedVersion`.
   */
  execute(ticketId: string, command: Command, scope?: WorkspaceScope, options?: ExecuteOptions): Promise<HandleResult>
  /**
   * The ticket's current state, or `null` (also for another workspace's ticket when
   * `scope` names one). Retried like `execute` while the store is `UNAVAILABLE`.
   *
   * With `options.version`, the ticket as it was right after that version: the newest
   * snapshot at or before it plus the events up to it, folded (a store that keeps only
   * its newest snapshot folds from the first event when that snapshot is newer).
   *
   * @throws {TicketError} `NOT_FOUND` when the ticket has not reached `options.version`
   * (`details.currentVersion` says where it is); `DELETED` when `options.version` is given
   * and the ticket is deleted (its history is not served once it is deleted); `VALIDATION`
   * for a version below 1 or not an integer.
   *
   * @example
   * ```ts
   * const asCreated = await tickets.load(ticketId, { version: 1 })
   * ```
   */
  load(ticketId: string, options?: LoadOptions, scope?: WorkspaceScope): Promise<Ticket | null>
  /**
   * A page of one ticket's audit trail: what happened to it and who did it, one
   * Zendesk-style audit record per accepted command, in ticket-version order. Page on with
   * `afterId` set to the last id of the previous page. A deleted ticket's audits stay
   * readable. Retried like `load` while the store is `UNAVAILABLE`.
   *
   * @throws {TicketError} `NOT_FOUND` when the ticket does not exist (or belongs to
   * another workspace than `scope` names)
   * @throws {TicketError} `VALIDATION` for malformed options, or an `afterId` that is not
   * an audit of this ticket
   * @throws {TicketError} `UNSUPPORTED` when the store does not offer audits (`supportsAudits`)
   *
   * @example
   * ```ts
   * const { result } = await tickets.audits(ticketId, { limit: 100 })
   * for (const audit of result) console.log(audit.version, audit.authorId, audit.events)
   * ```
   */
  audits(ticketId: string, options?: AuditsOptions, scope?: WorkspaceScope): Promise<AuditsPage>
  /** A page of the global log (omit `workspaceId` for the whole log). */
  events(query?: EventsQuery): Promise<EventsPage>
  /** A page of a workspace's tickets from the projection. */
  list(query: ListQuery): Promise<TicketsPage>
  /** Closes the store; afterwards every call fails with `CLOSED`. */
  close(): Promise<void>
}
