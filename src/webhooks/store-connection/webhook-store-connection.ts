/**
 * How the SQL webhook stores (delivery and dedupe) take their connection: the same
 * drivers as the ticket stores, checked and wrapped the same way in both.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'
import { type PostgresExecutor, poolExecutor, singleConnectionExecutor } from '../../stores/postgres/postgres-executor.js'
import type { PGliteDatabase, PostgresClient, PostgresPool } from '../../stores/postgres/postgres-store-config.js'
import type { SqliteDatabase } from '../../stores/sqlite/sqlite-store-config.js'

/** The `database` option of a SQLite webhook store: anything with `prepare`, `exec` and `transaction`. */
export const sqliteDatabaseOptionSchema = z.custom<SqliteDatabase>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ['prepare', 'exec', 'transaction'].every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
  { error: 'Expected a better-sqlite3 or bun:sqlite Database (with prepare, exec and transaction)' },
)

/** The connection options of a PostgreSQL webhook store, of which exactly one is given. */
export interface PostgresWebhookStoreConnection {
  readonly pool?: PostgresPool | undefined
  readonly client?: PostgresClient | undefined
  readonly pglite?: PGliteDatabase | undefined
}

/** Refuses options that give no connection, or more than one. */
export function exactlyOneConnection() {
  return z.refine<{ readonly pool?: unknown; readonly client?: unknown; readonly pglite?: unknown }>(
    (options) => [options.pool, options.client, options.pglite].filter((db) => db !== undefined).length === 1,
    { error: 'Pass exactly one of pool, client or pglite' },
  )
}

/**
 * The same executors as the ticket store's: a pool hands each migration its own
 * connection (listened to until it goes back); a client or PGlite runs one call at a
 * time. The webhook stores have no `close()`, so they do not listen on a single
 * connection themselves.
 */
export function webhookStoreExecutor(connection: PostgresWebhookStoreConnection): PostgresExecutor {
  if (connection.pool !== undefined) {
    const pool = connection.pool
    return poolExecutor(async () => pool, null)
  }
  return singleConnectionExecutor((connection.client ?? connection.pglite) as PostgresClient, { listen: false })
}
