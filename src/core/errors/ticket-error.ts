/**
 * The one error type the library throws for bad input and broken rules.
 *
 * @module
 */

import type { CommandType } from '../model/command.js'
import type { TicketStatus } from '../model/ticket.js'

/**
 * The `details` of a {@link TicketError}, by `code`: the facts behind the message, for
 * code that reacts to an error. Keys a throw site may not know are optional.
 *
 * Adding a code means adding an entry here (and its HTTP status in `ticket-events/http`);
 * {@link TicketErrorCode} follows from this map.
 */
export interface TicketErrorDetailsByCode {
  /**
   * Bad input: the issues are in {@link TicketError.issues}. An event that does not follow
   * the stream names it; a webhook that fails verification gives its `reason`.
   */
  VALIDATION: {
    readonly eventId?: string
    readonly type?: string
    readonly version?: number
    readonly reason?: string
  } & JetStreamErrorDetails
  /**
   * The ticket, a comment or a CSAT survey does not exist (or belongs to another
   * workspace), or the ticket has not reached the `version` asked for (`currentVersion`
   * is where it stands).
   */
  NOT_FOUND: {
    readonly ticketId?: string
    readonly version?: number
    readonly currentVersion?: number
    readonly command?: CommandType
    readonly commentId?: string
    readonly surveyId?: string | null
  } & JetStreamErrorDetails
  /** A `create` on a ticket id, or an `addComment` on a comment id, that is taken. */
  ALREADY_EXISTS: { readonly ticketId?: string; readonly commentId?: string }
  /** A workflow move from the wrong status. */
  INVALID_TRANSITION: {
    readonly ticketId: string
    readonly command: CommandType
    readonly from: TicketStatus
    readonly to: TicketStatus
    /** The statuses the move is allowed from. */
    readonly allowedFrom: readonly TicketStatus[]
  }
  /** A command on, or a read of, a deleted ticket. */
  DELETED: { readonly ticketId: string; readonly command?: CommandType }
  /** A command other than `unarchive` or `delete` on an archived ticket. */
  ARCHIVED: { readonly ticketId: string; readonly command: CommandType }
  /**
   * A lost race: the ticket was not at `expectedVersion` (it was at `actualVersion`), or the
   * command id was already recorded, or a webhook event is being handled by another consumer.
   */
  CONCURRENCY: {
    readonly ticketId?: string
    readonly expectedVersion?: number
    readonly actualVersion?: number
    readonly commandId?: string
    readonly eventId?: string
  }
  /** A webhook payload that cannot be made to fit, even with every content field truncated. */
  PAYLOAD_TOO_LARGE: {
    readonly eventId?: string
    readonly type?: string
    readonly maxBytes?: number
    readonly originalBytes?: number
    readonly minimumBytes?: number
  } & JetStreamErrorDetails
  /** A store or its connection failed; the driver's error is the `cause`. */
  UNAVAILABLE: {
    /** The driver's error code (`57P01`, `SQLITE_BUSY`, `ECONNRESET`, …). */
    readonly driverCode?: string
    readonly ticketId?: string
    /** `'unknown'`: an append failed and the store could not be asked whether it landed. */
    readonly outcome?: 'unknown'
    /** The PostgreSQL transaction of an append whose connection was lost, still in progress. */
    readonly transactionId?: string
    /** The PostgreSQL server process that got an append whose connection was lost, told to end and not yet gone. */
    readonly backendPid?: number
  } & JetStreamErrorDetails &
    MigrationErrorDetails
  /** An optional peer dependency a store needs is not installed. */
  MISSING_DRIVER: {
    /** The npm package to install, like `pg` or `better-sqlite3`. */
    readonly driver: string
  }
  /** A call on a store, or a service, after it was closed. */
  CLOSED: {
    /** The store's name, like `postgres`. */
    readonly store: string
  }
  /** A read the store does not offer (its capability flag is `false`), like `audits()` on a store without `readAudits`. */
  UNSUPPORTED: {
    /** The store's name. */
    readonly store: string
    /** The capability it lacks, like `supportsAudits`. */
    readonly capability: string
  }
}

/**
 * Why a store's schema is not usable (`UNAVAILABLE`, not retryable unless the cause was
 * transient): the database is behind (`migrate: false` and steps missing), ahead
 * (migrated by a newer version of the library), or a migration step failed.
 */
export interface MigrationErrorDetails {
  readonly reason?: 'schema_behind' | 'schema_ahead' | 'migration_failed'
  /** The store, in words, like `the postgres ticket store (schema "public", table prefix "ticket_")`. */
  readonly store?: string
  /** The schema version this library needs. */
  readonly expectedVersion?: number
  /** The schema version the database is at. */
  readonly foundVersion?: number
  /** The step that failed: its number, or `setup` (the lock and the migrations table) or `check`. */
  readonly failedStep?: number | 'setup' | 'check'
  /** What the failed step does. */
  readonly description?: string
  /** The version the database stayed at (a failed run rolls back whole). */
  readonly fromVersion?: number
}

/** Where a NATS JetStream operation failed (`ticket-events/nats`); absent elsewhere. */
export interface JetStreamErrorDetails {
  readonly stream?: string
  readonly subject?: string
  /** The durable consumer's name. */
  readonly durable?: string
  /** A consumer status the client reported, like `heartbeats_missed`. */
  readonly status?: string
}

/** Every reason a command, query or store call can be refused. */
export type TicketErrorCode = keyof TicketErrorDetailsByCode

/** The `details` of an error with code `C`. */
export type TicketErrorDetails<C extends TicketErrorCode = TicketErrorCode> = TicketErrorDetailsByCode[C]

/** One problem found while validating input; `path` follows zod's issue paths. */
export interface TicketIssue {
  readonly path: readonly (string | number)[]
  readonly message: string
  readonly code: string
}

/** Construction options for {@link TicketError}; `details` is required for the codes whose details have required keys. */
export type TicketErrorOptions<C extends TicketErrorCode = TicketErrorCode> = {
  readonly issues?: readonly TicketIssue[]
  readonly cause?: unknown
  /**
   * Whether calling again can help. Defaults to `true` for `UNAVAILABLE` and `CONCURRENCY`
   * and `false` for every other code; a store sets `false` on an `UNAVAILABLE` that no
   * retry can cure (a caller's single connection that died).
   */
  readonly retryable?: boolean
} & (Partial<TicketErrorDetails<C>> extends TicketErrorDetails<C>
  ? { readonly details?: TicketErrorDetails<C> }
  : { readonly details: TicketErrorDetails<C> })

/** The codes whose errors are {@link TicketError.retryable} unless the thrower says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<string> = new Set<TicketErrorCode>(['UNAVAILABLE', 'CONCURRENCY'])

// A registry symbol, so two bundled copies of the library recognise each other's errors.
const brand: unique symbol = Symbol.for('ticket-events.TicketError') as never

/**
 * The error thrown for every refused command, query or append.
 *
 * `code` says what went wrong, `issues` lists zod's findings for `VALIDATION`, and
 * `details` carries the facts behind the message, typed per code
 * ({@link TicketErrorDetailsByCode}): `from`, `to` and `allowedFrom` for
 * `INVALID_TRANSITION`, `expectedVersion` and `actualVersion` for `CONCURRENCY`, …
 * Narrow with {@link isTicketError} (optionally naming the codes) and then on `code`.
 *
 * `UNAVAILABLE` means a store or its connection failed (a dropped connection, a
 * failover, a busy SQLite file); the driver's error is the `cause`. `retryable` says
 * whether calling again can help: `true` for `CONCURRENCY` and, unless the store knows
 * better, for `UNAVAILABLE`. The ticket service already retries both before an error
 * reaches you (see `docs/reliability.md`). The codes and their details:
 * `docs/errors.md`.
 *
 * @example
 * ```ts
 * try {
 *   handle(ticket, { type: 'takeover', assigneeId })
 * } catch (error) {
 *   if (isTicketError(error, 'INVALID_TRANSITION')) {
 *     console.log(error.details.from, error.details.allowedFrom) // 'ongoing' [ 'pending' ]
 *   }
 * }
 * ```
 */
export class TicketError<C extends TicketErrorCode = TicketErrorCode> extends Error {
  override readonly name = 'TicketError'
  readonly code: C
  readonly issues: readonly TicketIssue[]
  readonly details: TicketErrorDetails<C>
  /** Whether calling again can help (see {@link TicketErrorOptions.retryable} for the defaults). */
  readonly retryable: boolean
  readonly [brand] = true

  constructor(
    code: C,
    message: string,
    // Options are optional for a code whose details are; required where the code promises details.
    ...[options]: Partial<TicketErrorDetails<C>> extends TicketErrorDetails<C>
      ? [options?: TicketErrorOptions<C>]
      : [options: TicketErrorOptions<C>]
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.issues = options?.issues ?? []
    this.details = options?.details ?? ({} as TicketErrorDetails<C>)
    this.retryable = options?.retryable ?? RETRYABLE_BY_DEFAULT.has(code)
  }

  /** A plain object for logs and HTTP problem responses. */
  toJSON(): {
    name: string
    code: C
    message: string
    retryable: boolean
    issues: readonly TicketIssue[]
    details: TicketErrorDetails<C>
  } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      issues: this.issues,
      details: this.details,
    }
  }
}

/**
 * A {@link TicketError} of one of the codes `C`, as a union of one type per code, so that
 * checking `code` narrows `details`.
 */
export type TicketErrorOf<C extends TicketErrorCode = TicketErrorCode> = C extends TicketErrorCode ? TicketError<C> : never

/**
 * Tells whether `value` is a {@link TicketError} (of one of `codes`, when given), also
 * when it was thrown by another bundled copy of the library (the check uses a
 * `Symbol.for` brand, not `instanceof`). The result narrows: afterwards `code` and
 * `details` have the types of the codes it can be.
 *
 * @example
 * ```ts
 * if (isTicketError(error, 'CONCURRENCY')) error.details.actualVersion // number | undefined
 * if (isTicketError(error) && error.code === 'ARCHIVED') error.details.ticketId // string
 * ```
 */
export function isTicketError<C extends TicketErrorCode = TicketErrorCode>(
  value: unknown,
  ...codes: readonly C[]
): value is TicketErrorOf<C> {
  if (typeof value !== 'object' || value === null || (value as { [brand]?: unknown })[brand] !== true) return false
  return codes.length === 0 || codes.includes((value as TicketError).code as C)
}

/**
 * The `CLOSED` error for a call on a store, or a service, after `close()`: a programming
 * error (or a request arriving during shutdown) that no retry on this object can cure.
 *
 * @internal
 */
export function storeClosedError(store: string, message = `The ${store} store is closed.`): TicketError<'CLOSED'> {
  return new TicketError('CLOSED', `${message} Open a new one to go on.`, { details: { store } })
}
