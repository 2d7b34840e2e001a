/**
 * Which PostgreSQL driver errors are transient, and how they become a `TicketError`: the
 * one place the PostgreSQL store classifies them.
 *
 * @internal
 * @module
 */
import { isTicketError, TicketError } from '../../core/errors/ticket-error.js'

/**
 * SQLSTATEs that end the session: the server shut the backend down (`57P01`
 * admin_shutdown, also what `pg_terminate_backend` sends; `57P02` crash_shutdown), would
 * not take a connection yet (`57P03` cannot_connect_now, a server starting or promoting),
 * had no slot left (`53300` too_many_connections), or the connection itself failed
 * (class `08`, connection exception).
 */
const SESSION_ENDING_SQLSTATE = /^(57P01|57P02|57P03|53300|08[0-9A-Z]{3})$/

/**
 * SQLSTATEs that abort only the transaction, on a connection that stays usable: a
 * serialization failure (`40001`) or a deadlock (`40P01`). Running it again is the cure.
 */
const TRANSACTION_ONLY_SQLSTATE = /^(40001|40P01)$/

/**
 * Socket errors (`errno` codes from Node): refused, reset, timed out, written after the
 * peer closed, and the host or its name briefly unreachable (as during a failover).
 */
const NETWORK_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

/**
 * Messages node-postgres and pg-pool give a lost connection, which carry no code: the
 * socket closed under a query, a client used after that (or after it was ended), a
 * connect that timed out.
 */
const LOST_CONNECTION_MESSAGE =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client (has encountered a connection error|was closed) and is not queryable|timeout exceeded when trying to connect)$/

function stringField(error: unknown, field: 'code' | 'message'): string | undefined {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[field] : undefined
  return typeof value === 'string' ? value : undefined
}

/**
 * Whether `error` means the connection is gone (or never came up): the query did not
 * run, or its outcome is unknown, and this connection will not answer again.
 */
export function isLostConnection(error: unknown): boolean {
  if (isTicketError(error)) return false
  const code = stringField(error, 'code')
  if (code !== undefined && (SESSION_ENDING_SQLSTATE.test(code) || NETWORK_ERRNO.has(code))) return true
  return LOST_CONNECTION_MESSAGE.test(stringField(error, 'message') ?? '')
}

/**
 * Whether `error`, or the driver error a `TicketError` carries as its `cause` (a failed
 * migration step), means the connection is gone.
 */
export function losesConnection(error: unknown): boolean {
  return isLostConnection(error) || (isTicketError(error) && isLostConnection(error.cause))
}

/** Whether `error` is a failure that running the work again can cure. */
export function isTransientPostgresError(error: unknown): boolean {
  if (isLostConnection(error)) return true
  const code = stringField(error, 'code')
  return code !== undefined && TRANSACTION_ONLY_SQLSTATE.test(code)
}

/** The driver's own words, for the message: `"terminating connection due to administrator command" (57P01)`. */
function describe(error: unknown): string {
  const message = stringField(error, 'message') ?? String(error)
  const code = stringField(error, 'code')
  return code === undefined ? `"${message}"` : `"${message}" (${code})`
}

function detailsOf(error: unknown): Readonly<Record<string, unknown>> {
  const code = stringField(error, 'code')
  return code === undefined ? {} : { driverCode: code }
}

/**
 * Turns a transient driver error into a retryable `UNAVAILABLE` with the driver's error
 * as `cause`; returns every other error as it is (a `TicketError` the store raised
 * itself, a constraint violation the store handles, a fault no retry can cure).
 */
export function toPostgresStoreError(error: unknown): unknown {
  if (!isTransientPostgresError(error)) return error
  return new TicketError('UNAVAILABLE', `PostgreSQL is unavailable: ${describe(error)}. The ticket service retries this by itself.`, {
    cause: error,
    details: detailsOf(error),
  })
}

/**
 * The error for every call on a single connection (`postgresStore({ client })`) after it
 * was lost: no retry on it can help, so it is not retryable.
 */
export function lostClientError(error: unknown): TicketError {
  return new TicketError(
    'UNAVAILABLE',
    `The PostgreSQL client given to postgresStore({ client }) lost its connection: ${describe(error)}. ` +
      'Every later call on this store fails: open a new client and a new store, or pass { pool } or ' +
      '{ connectionString } instead, which replace lost connections by themselves and survive failovers.',
    { cause: error, retryable: false, details: detailsOf(error) },
  )
}
