/**
 * The storage contract every store implements (memory, SQLite, PostgreSQL, and any a
 * user writes). Stores are driven by the ticket service, which validates all input
 * first: a store may assume well-formed arguments.
 *
 * @module
 */
import type { Audit } from '../core/model/audit.js'
import type { TicketEvent } from '../core/model/event.js'
import type { Ticket, TicketStatus } from '../core/model/ticket.js'

/** The result of one accepted command, as remembered for idempotency. */
export interface CommandResult {
  readonly state: Ticket
  readonly events: readonly TicketEvent[]
  readonly audit: Audit | null
}

/** A snapshot of a ticket and the {@link TICKET_SCHEMA_VERSION} it was written under. */
export interface TicketSnapshot {
  readonly state: Ticket
  readonly schemaVersion: number
}

/** One command's writes, appended atomically (all or nothing). */
export interface AppendBatch {
  readonly ticketId: string
  readonly workspaceId: string
  /** The ticket's version before this batch (0 for a new ticket). A mismatch is `CONCURRENCY`. */
  readonly expectedVersion: number
  /** The events, with contiguous versions starting at `expectedVersion + 1`. */
  readonly events: readonly TicketEvent[]
  /** The ticket after the batch: the `list()` projection row, written in the same transaction. */
  readonly state: Ticket
  readonly audit: Audit | null
  /** A snapshot to keep, when one is due. */
  readonly snapshot?: TicketSnapshot
  /** The idempotency record; a second record with the same ticket and command id is `CONCURRENCY`. */
  readonly command?: CommandRecord
}

/** What {@link AppendBatch.command} remembers of one command, for idempotency. */
export interface CommandRecord {
  readonly commandId: string
  /** ISO time the command ran at (the service's clock). */
  readonly recordedAt: string
  readonly result: CommandResult
  /**
   * The start of the dedupe window (ISO time), as passed to `findCommand`. A record of the
   * same ticket and command id recorded before it has expired: the store replaces it
   * instead of raising `CONCURRENCY`, so a command repeated after its window runs again.
   * A store that ignores this field stays safe (it refuses the repeat with `CONCURRENCY`).
   */
  readonly notBefore?: string
}

/** A ticket's stored stream: its newest usable snapshot and the events after it. */
export interface StoredStream {
  readonly snapshot: Ticket | null
  readonly events: readonly TicketEvent[]
}

/** The argument of {@link TicketStore.loadStreamAt}. */
export interface LoadStreamAtOptions {
  /** Only snapshots written under this {@link TICKET_SCHEMA_VERSION} may be used. */
  readonly snapshotSchemaVersion: number
  /** The version to stop at (1-based, at most the ticket's current version). */
  readonly version: number
}

/** The global log query (the events API), already validated and defaulted. */
export interface ReadEventsQuery {
  /** Only this workspace's events; absent for the whole log. */
  readonly workspaceId?: string
  /** Only events after this one in the store's global order. An id the reader cannot see is `VALIDATION`. */
  readonly afterId?: string
  /** Only events with `occurredAt` strictly after this ISO time. */
  readonly occurredAfter?: string
  readonly type?: string
  /** 0..1000. */
  readonly limit: number
}

/** One ticket's audit trail query, already validated and defaulted. */
export interface ReadAuditsQuery {
  readonly ticketId: string
  /** Only when the ticket belongs to this workspace; absent for any workspace. */
  readonly workspaceId?: string
  /** Only audits after this one (an audit id of this ticket) in version order. Any other id is `VALIDATION`. */
  readonly afterId?: string
  /** 1..1000. */
  readonly limit: number
}

/** The ticket list query (the ticket API), already validated and defaulted. */
export interface ListTicketsQuery {
  readonly workspaceId: string
  readonly status?: TicketStatus
  /** Any of these assignees (empty: no filter). */
  readonly assigneeIds: readonly string[]
  readonly chatIds: readonly string[]
  /** Tickets carrying any of these tags (empty: no filter). */
  readonly tagIds: readonly string[]
  /** A case-insensitive substring of the summary, matched literally (no wildcards). */
  readonly search?: string
  /** Include archived and deleted tickets. */
  readonly includeRemoved: boolean
  readonly pageNumber: number
  readonly pageSize: number
}

/**
 * What a store offers beyond the required methods: flags with defaults, so a store
 * written against an earlier version of the contract keeps compiling and working when a
 * later version adds one.
 *
 * The pattern for every method the contract adds later: the method is optional on
 * {@link TicketStore}, and a flag `supports<Method>` says whether the store offers it.
 * The flag defaults to whether the method is there, so a store only has to implement
 * the method; it sets the flag to `false` to keep a method it has out of use (a wrapper
 * forwarding every method, say). The service and the conformance suite read the flags,
 * never the methods' presence, and declaring a flag `true` without its method is a
 * `VALIDATION` error when the service is created.
 */
export interface StoreCapabilities {
  /**
   * Keeps snapshots (default `true`). Without them the service writes none and
   * `loadStream` always returns the whole stream.
   */
  readonly supportsSnapshots?: boolean
  /** Offers {@link TicketStore.currentVersion} (default: whether the store has the method). */
  readonly supportsCurrentVersion?: boolean
  /** Offers {@link TicketStore.hasEvent} (default: whether the store has the method). */
  readonly supportsHasEvent?: boolean
  /** Offers {@link TicketStore.prune} (default: whether the store has the method). */
  readonly supportsPrune?: boolean
  /** Offers {@link TicketStore.loadStreamAt} (default: whether the store has the method). */
  readonly supportsLoadStreamAt?: boolean
  /** Offers {@link TicketStore.readAudits} (default: whether the store has the method). */
  readonly supportsAudits?: boolean
}

/** The optional methods of {@link TicketStore}, each with the capability flag that says whether it is offered. */
export const OPTIONAL_STORE_METHODS = {
  currentVersion: 'supportsCurrentVersion',
  hasEvent: 'supportsHasEvent',
  prune: 'supportsPrune',
  loadStreamAt: 'supportsLoadStreamAt',
  readAudits: 'supportsAudits',
} as const satisfies Record<string, keyof StoreCapabilities>

/**
 * A store's capabilities with every default filled in: what the service and the
 * conformance suite go by.
 *
 * @internal
 */
export function storeCapabilities(store: TicketStore): Required<StoreCapabilities> {
  const declared = store.capabilities ?? {}
  return {
    supportsSnapshots: declared.supportsSnapshots ?? true,
    supportsCurrentVersion: declared.supportsCurrentVersion ?? typeof store.currentVersion === 'function',
    supportsHasEvent: declared.supportsHasEvent ?? typeof store.hasEvent === 'function',
    supportsPrune: declared.supportsPrune ?? typeof store.prune === 'function',
    supportsLoadStreamAt: declared.supportsLoadStreamAt ?? typeof store.loadStreamAt === 'function',
    supportsAudits: declared.supportsAudits ?? typeof store.readAudits === 'function',
  }
}

/** The argument of {@link TicketStore.prune}. */
export interface PruneOptions {
  /**
   * Delete the command records recorded before this instant (an ISO-8601 date-time or a
   * `Date`). Keep at least the service's dedupe window (48 h by default): a command id
   * whose record is gone runs again when repeated.
   */
  readonly before: string | Date
}

/**
 * A place to keep ticket events. Implement this to add a database; run
 * `describeStoreContract` from `ticket-events/testing/vitest` against it to prove it.
 *
 * Any method may throw `TicketError('UNAVAILABLE')`, with the driver's error as `cause`,
 * when the database or the connection to it failed (refused, reset, terminated, timed
 * out, a serialization failure, a busy file). The service retries those with backoff
 * while `retryable` is `true`; everything else it passes on.
 */
export interface TicketStore {
  /** A short name for messages and test titles, like `"sqlite"`. */
  readonly name: string
  /** What the store offers beyond the required methods (see {@link StoreCapabilities}). */
  readonly capabilities?: StoreCapabilities
  /** Creates tables and indexes. Idempotent; the service calls it once before first use. */
  migrate(): Promise<void>
  /**
   * Loads a ticket's newest snapshot written under `snapshotSchemaVersion` (others are
   * ignored) and the events after it, in version order. `null` when the ticket has no events.
   */
  loadStream(ticketId: string, options: { readonly snapshotSchemaVersion: number }): Promise<StoredStream | null>
  /**
   * Optional (capability `supportsLoadStreamAt`): the ticket as it was at
   * `options.version`, for `load(ticketId, { version })`: the newest usable snapshot at or
   * before that version (or none) and the events after it up to and including that version,
   * in version order. `null` when the ticket has no events. The service asks only for
   * versions the ticket has reached. Without this method the service reads the whole
   * stream with `loadStream` (asking for a snapshot schema version that never exists) and
   * folds its prefix.
   */
  loadStreamAt?(ticketId: string, options: LoadStreamAtOptions): Promise<StoredStream | null>
  /**
   * Appends one command's batch atomically with the projection row, audit, snapshot and
   * idempotency record.
   * @throws {TicketError} `CONCURRENCY` when the ticket's version is not `expectedVersion`
   * or the command id was already recorded for the ticket; nothing is written then.
   * @throws {TicketError} `UNAVAILABLE` when the database failed; the batch may then have
   * been stored or not (see {@link TicketStore.hasEvent}).
   */
  append(batch: AppendBatch): Promise<void>
  /**
   * Reads the global log in the store's one global order. A reader paging with `afterId`
   * must see every committed event exactly once, even while others append.
   */
  readEvents(query: ReadEventsQuery): Promise<TicketEvent[]>
  /** Pages through the projection, newest `createdAt` first (ties by id). */
  listTickets(query: ListTicketsQuery): Promise<Ticket[]>
  /**
   * Optional (capability `supportsCurrentVersion`): the ticket's current version (0 when
   * it has no events), read cheaply. The service uses it to confirm a cached state is
   * still current before it trusts a no-op or a rejection decided on it; without it the
   * service reloads the stream.
   */
  currentVersion?(ticketId: string): Promise<number>
  /**
   * Optional (capability `supportsHasEvent`): whether an event with this id is stored.
   * The service asks it after an
   * `append` failed with `UNAVAILABLE` — the connection may have died after the commit
   * was sent, so the batch may or may not have landed — with the batch's first event id,
   * before it retries: a batch is stored whole or not at all, so the answer settles the
   * outcome. If an earlier append of this store may still be committing, wait for it to
   * end (or throw a retryable `UNAVAILABLE`) rather than answer `false` too early.
   * Without this method the service cannot tell; see `docs/adapters.md` for what it
   * does then.
   */
  hasEvent?(eventId: string): Promise<boolean>
  /**
   * Optional (capability `supportsPrune`): deletes the idempotency records of
   * commands recorded before `options.before`, and returns how many it deleted. Nothing
   * else reads them once they are older than the dedupe window, so they only take space;
   * run it on a schedule (see `docs/adapters.md`). Events, audits and snapshots are kept.
   *
   * @throws {TicketError} `VALIDATION` when `before` is not a time
   */
  prune?(options: PruneOptions): Promise<number>
  /**
   * Optional (capability `supportsAudits`): a page of one ticket's audit records, in the
   * order of the ticket `version` each ends at (not by id or time: ids minted by two
   * processes in one millisecond are not in commit order), after `afterId` and at most
   * `limit`. Records stored in an older shape come back upcast (`upcastAudit`). `null`
   * when the ticket has no events, or belongs to another workspace than
   * `query.workspaceId`; a deleted ticket's audits stay readable.
   *
   * @throws {TicketError} `VALIDATION` when `afterId` is not an audit of this ticket
   */
  readAudits?(query: ReadAuditsQuery): Promise<Audit[] | null>
  /** The remembered result of a command recorded at or after `notBefore` (ISO time), or `null`. */
  findCommand(ticketId: string, commandId: string, notBefore: string): Promise<CommandResult | null>
  /** Releases what the store opened itself (not connections or pools the caller passed in). */
  close(): Promise<void>
}

/** A store that offers {@link TicketStore.prune}, as the built-in stores do. */
export interface PrunableTicketStore extends TicketStore {
  prune(options: PruneOptions): Promise<number>
}
