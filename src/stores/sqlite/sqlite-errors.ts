/**
 * Which SQLite driver errors are transient, and how they become a `TicketError`: the one
 * place the SQLite store classifies them.
 *
 * @internal
 * @module
 */
import { isTicketError, TicketError } from '../../core/errors/ticket-error.js'

/**
 * `SQLITE_BUSY` and its extended codes (`SQLITE_BUSY_RECOVERY`, `_SNAPSHOT`, `_TIMEOUT`):
 * another connection holds a lock the statement needs, past the busy timeout.
 * `SQLITE_LOCKED` and its extended codes: a conflict inside this connection's shared cache.
 * Both leave the database untouched, and both go away once the other side is done.
 */
const TRANSIENT_SQLITE_CODE = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/

/** The driver's result code (`better-sqlite3` puts it on `error.code`), when there is one. */
function sqliteCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' ? code : undefined
}

/** Whether `error` is a lock the database will release: worth a retry. */
export function isTransientSqliteError(error: unknown): boolean {
  const code = sqliteCode(error)
  return code !== undefined && TRANSIENT_SQLITE_CODE.test(code)
}

/**
 * Turns a busy or locked database into a retryable `UNAVAILABLE` with the driver's error as
 * `cause`; returns every other error as it is (a `TicketError` the store raised itself, or
 * a fault that a retry cannot cure).
 */
export function toSqliteStoreError(error: unknown): unknown {
  if (isTicketError(error) || !isTransientSqliteError(error)) return error
  const code = sqliteCode(error) as string
  return new TicketError(
    'UNAVAILABLE',
    `The SQLite database is locked by another connection (${code}); nothing was written. ` +
      'The ticket service retries this by itself; a longer busyTimeoutMs makes the store wait for the lock instead.',
    { cause: error, details: { driverCode: code } },
  )
}
