/**
 * The one error type the library throws for bad input and broken rules.
 *
 * @module
 */

/** Every reason a command, query or store call can be refused. */
export type TicketErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'INVALID_TRANSITION'
  | 'DELETED'
  | 'ARCHIVED'
  | 'CONCURRENCY'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNAVAILABLE'

/** One problem found while validating input; `path` follows zod's issue paths. */
export interface TicketIssue {
  readonly path: readonly (string | number)[]
  readonly message: string
  readonly code: string
}

/** Construction options for {@link TicketError}. */
export interface TicketErrorOptions {
  readonly issues?: readonly TicketIssue[]
  readonly details?: Readonly<Record<string, unknown>>
  readonly cause?: unknown
  /**
   * Whether calling again can help. Defaults to `true` for `UNAVAILABLE` and `CONCURRENCY`
   * and `false` for every other code; a store sets `false` on an `UNAVAILABLE` that no
   * retry can cure (a caller's single connection that died).
   */
  readonly retryable?: boolean
}

/** The codes whose errors are {@link TicketError.retryable} unless the thrower says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<TicketErrorCode> = new Set<TicketErrorCode>(['UNAVAILABLE', 'CONCURRENCY'])

// A registry symbol, so two bundled copies of the library recognise each other's errors.
const brand: unique symbol = Symbol.for('ticket-events.TicketError') as never

/**
 * The error thrown for every refused command, query or append.
 *
 * `code` says what went wrong, `issues` lists zod's findings for `VALIDATION`,
 * and `details` carries the facts behind the message (for example `from` and `to`
 * for `INVALID_TRANSITION`, `expectedVersion` and `actualVersion` for `CONCURRENCY`).
 *
 * `UNAVAILABLE` means a store or its connection failed (a dropped connection, a
 * failover, a busy SQLite file); the driver's error is the `cause`. `retryable` says
 * whether calling again can help: `true` for `CONCURRENCY` and, unless the store knows
 * better, for `UNAVAILABLE`. The ticket service already retries both before an error
 * reaches you (see `docs/reliability.md`).
 *
 * @example
 * ```ts
 * try {
 *   handle(ticket, { type: 'takeover', assigneeId })
 * } catch (error) {
 *   if (isTicketError(error) && error.code === 'INVALID_TRANSITION') {
 *     console.log(error.details) // { from: 'ongoing', to: 'ongoing', command: 'takeover' }
 *   }
 * }
 * ```
 */
export class TicketError extends Error {
  override readonly name = 'TicketError'
  readonly code: TicketErrorCode
  readonly issues: readonly TicketIssue[]
  readonly details: Readonly<Record<string, unknown>>
  /** Whether calling again can help (see {@link TicketErrorOptions.retryable} for the defaults). */
  readonly retryable: boolean
  readonly [brand] = true

  constructor(code: TicketErrorCode, message: string, options: TicketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.code = code
    this.issues = options.issues ?? []
    this.details = options.details ?? {}
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code)
  }

  /** A plain object for logs and HTTP problem responses. */
  toJSON(): {
    name: string
    code: TicketErrorCode
    message: string
    retryable: boolean
    issues: readonly TicketIssue[]
    details: Readonly<Record<string, unknown>>
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
 * Tells whether `value` is a {@link TicketError}, also when it was thrown by another
 * bundled copy of the library (the check uses a `Symbol.for` brand, not `instanceof`).
 */
export function isTicketError(value: unknown): value is TicketError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true
}
