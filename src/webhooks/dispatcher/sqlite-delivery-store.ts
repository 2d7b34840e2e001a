import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { toSqliteStoreError } from '../../stores/sqlite/sqlite-errors.js'
import { migrateSqlite } from '../../stores/sqlite/sqlite-migrator.js'
import type { SqliteDatabase } from '../../stores/sqlite/sqlite-store-config.js'
import { sqliteDatabaseOptionSchema } from '../store-connection/webhook-store-connection.js'
import { DEAD_LETTER_COLUMNS, type DeadLetterRow, deadLetterValues, toDeadLetter } from './dead-letter-row.js'
import {
  DEFAULT_DELIVERY_TABLE_PREFIX,
  type DeliveryStoreCommonOptions,
  deliveryStoreOptionShape,
  deliveryTables,
  sqliteDeliveryPlan,
} from './delivery-schema.js'
import { DEFAULT_DEAD_LETTER_LIMIT, type DeliveryStore, type EndpointState } from './delivery-store.js'

/** Options of {@link sqliteDeliveryStore}. */
export interface SqliteDeliveryStoreOptions extends DeliveryStoreCommonOptions {
  /** A better-sqlite3 or bun:sqlite `Database` (`SqliteDatabase` of `ticket-events/sqlite`). */
  readonly database: SqliteDatabase
}

const optionsSchema = z.strictObject({
  database: sqliteDatabaseOptionSchema,
  ...deliveryStoreOptionShape,
})

/**
 * A {@link DeliveryStore} in two SQLite tables, through a better-sqlite3 or bun:sqlite
 * database. Every write is one statement, so dispatchers in several processes sharing
 * the file keep the lease and fencing rules (set a `busy_timeout` when they do).
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const store = sqliteDeliveryStore({ database: new Database('webhooks.db') })
 * ```
 */
export function sqliteDeliveryStore(options: SqliteDeliveryStoreOptions): DeliveryStore {
  parseWith(optionsSchema, options, 'SQLite delivery store options')
  const { database } = options
  const prefix = options.tablePrefix ?? DEFAULT_DELIVERY_TABLE_PREFIX
  const { endpoints, deadLetters, migrationsName } = deliveryTables(prefix)
  const plan = sqliteDeliveryPlan(prefix)

  // Prepared once, after the tables exist (SQLite checks table names when preparing).
  const prepare = () => ({
    ensure: database.prepare(`INSERT INTO ${endpoints} (endpoint_id) VALUES (?) ON CONFLICT (endpoint_id) DO NOTHING`),
    acquire: database.prepare(
      `UPDATE ${endpoints} SET lease_token = lease_token + 1, lease_owner = ?, lease_expires_at = ?
       WHERE endpoint_id = ? AND lease_expires_at <= ? RETURNING lease_token`,
    ),
    renew: database.prepare(`UPDATE ${endpoints} SET lease_expires_at = ? WHERE endpoint_id = ? AND lease_token = ? RETURNING 1 AS done`),
    release: database.prepare(`UPDATE ${endpoints} SET lease_expires_at = 0 WHERE endpoint_id = ? AND lease_token = ?`),
    state: database.prepare(`SELECT after_id, disabled, disabled_reason FROM ${endpoints} WHERE endpoint_id = ?`),
    saveMark: database.prepare(`UPDATE ${endpoints} SET after_id = ? WHERE endpoint_id = ? AND lease_token = ? RETURNING 1 AS done`),
    disable: database.prepare(
      `UPDATE ${endpoints} SET disabled = 1, disabled_reason = ? WHERE endpoint_id = ? AND lease_token = ? RETURNING 1 AS done`,
    ),
    enable: database.prepare(
      `INSERT INTO ${endpoints} (endpoint_id) VALUES (?) ON CONFLICT (endpoint_id) DO UPDATE SET disabled = 0, disabled_reason = NULL`,
    ),
    addLetter: database.prepare(
      `INSERT INTO ${deadLetters} (${DEAD_LETTER_COLUMNS})
       SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
       WHERE EXISTS (SELECT 1 FROM ${endpoints} WHERE endpoint_id = ? AND lease_token = ?)
       ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = excluded.attempts, last_status = excluded.last_status,
         last_error = excluded.last_error, first_attempt_at = excluded.first_attempt_at, dead_at = excluded.dead_at, body = excluded.body
       RETURNING 1 AS done`,
    ),
    letters: database.prepare(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetters} ORDER BY dead_at, event_id LIMIT ?`),
    endpointLetters: database.prepare(
      `SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetters} WHERE endpoint_id = ? ORDER BY dead_at, event_id LIMIT ?`,
    ),
    removeLetter: database.prepare(`DELETE FROM ${deadLetters} WHERE endpoint_id = ? AND event_id = ? RETURNING 1 AS done`),
  })
  let statements: ReturnType<typeof prepare> | undefined
  const ready = () => {
    statements ??= prepare()
    return statements
  }
  /** Runs `work` with a busy or locked database reported as `UNAVAILABLE`, as the ticket store does. */
  const typed = async <T>(work: () => T): Promise<T> => {
    try {
      return work()
    } catch (error) {
      throw toSqliteStoreError(error)
    }
  }
  // better-sqlite3's get() returns undefined for no row, bun:sqlite's returns null.
  const found = (row: unknown): boolean => row != null

  return {
    migrate: () => typed(() => void migrateSqlite(database, plan, [migrationsName], options.migrate ?? true)),
    acquireLease: ({ endpointId, owner, now, expiresAt }) =>
      typed(() => {
        ready().ensure.run(endpointId)
        const row = ready().acquire.get(owner, expiresAt, endpointId, now) as { lease_token: number | bigint } | null | undefined
        return row == null ? null : { endpointId, token: Number(row.lease_token), expiresAt }
      }),
    renewLease: ({ endpointId, token, expiresAt }) => typed(() => found(ready().renew.get(expiresAt, endpointId, token))),
    releaseLease: ({ endpointId, token }) => typed(() => void ready().release.run(endpointId, token)),
    endpointState: (endpointId) =>
      typed((): EndpointState => {
        const row = ready().state.get(endpointId) as
          | { after_id: string | null; disabled: number | bigint; disabled_reason: string | null }
          | null
          | undefined
        return { afterId: row?.after_id ?? null, disabled: Number(row?.disabled ?? 0) === 1, disabledReason: row?.disabled_reason ?? null }
      }),
    saveMark: ({ endpointId, token, afterId }) => typed(() => found(ready().saveMark.get(afterId, endpointId, token))),
    disable: ({ endpointId, token, reason }) => typed(() => found(ready().disable.get(reason, endpointId, token))),
    enable: (endpointId) => typed(() => void ready().enable.run(endpointId)),
    addDeadLetter: ({ token, letter }) => typed(() => found(ready().addLetter.get(...deadLetterValues(letter), letter.endpointId, token))),
    deadLetters: (filter = {}) =>
      typed(() => {
        const limit = filter.limit ?? DEFAULT_DEAD_LETTER_LIMIT
        const rows = filter.endpointId === undefined ? ready().letters.all(limit) : ready().endpointLetters.all(filter.endpointId, limit)
        return (rows as DeadLetterRow[]).map(toDeadLetter)
      }),
    removeDeadLetter: ({ endpointId, eventId }) => typed(() => found(ready().removeLetter.get(endpointId, eventId))),
  }
}
