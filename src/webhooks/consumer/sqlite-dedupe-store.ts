import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { toSqliteStoreError } from '../../stores/sqlite/sqlite-errors.js'
import { migrateSqlite } from '../../stores/sqlite/sqlite-migrator.js'
import type { SqliteDatabase } from '../../stores/sqlite/sqlite-store-config.js'
import { sqliteDatabaseOptionSchema } from '../store-connection/webhook-store-connection.js'
import { dedupeTables, sqliteDedupePlan } from './dedupe-schema.js'
import { type ClaimOutcome, type DedupeClaim, type DedupeStore, PROCESSED, PROCESSING } from './dedupe-store.js'
import { type DedupeStoreCommonOptions, dedupeStoreOptionShape, dedupeTableName, oneTableName } from './dedupe-store-options.js'

/** Options of {@link sqliteDedupeStore}. */
export interface SqliteDedupeStoreOptions extends DedupeStoreCommonOptions {
  /** A better-sqlite3 or bun:sqlite `Database`, or anything with the same `prepare`, `exec` and `transaction` (`SqliteDatabase` of `ticket-events/sqlite`). */
  readonly database: SqliteDatabase
}

const optionsSchema = z
  .strictObject({
    database: sqliteDatabaseOptionSchema,
    ...dedupeStoreOptionShape,
  })
  .check(oneTableName())

/**
 * A {@link DedupeStore} in a SQLite table, through a better-sqlite3 or bun:sqlite database.
 * Each claim is a single `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`
 * statement, so it is atomic also between processes sharing the file (set a
 * `busy_timeout` on the connection when several processes write; a lock held past it is
 * `TicketError('UNAVAILABLE')`).
 *
 * The table is created (and later upgraded) by numbered migrations on first use; with
 * `migrate: false` the store only checks the version.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * const store = sqliteDedupeStore({ database: new Database('webhooks.db') })
 * const consumer = createIdempotentConsumer({ store, handler })
 * ```
 */
export function sqliteDedupeStore(options: SqliteDedupeStoreOptions): DedupeStore {
  parseWith(optionsSchema, options, 'SQLite dedupe store options')
  const { database } = options
  const tableName = dedupeTableName(options)
  const { table, migrationsName } = dedupeTables(tableName)
  const plan = sqliteDedupePlan(tableName)

  // Prepared once, after the table exists (SQLite checks table names when preparing).
  let statements: ReturnType<typeof prepare> | undefined
  const prepare = () => ({
    claim: database.prepare(
      `INSERT INTO ${table} (event_id, state, claim_token, expires_at) VALUES (?, '${PROCESSING}', ?, ?)
       ON CONFLICT (event_id) DO UPDATE SET state = excluded.state, claim_token = excluded.claim_token, expires_at = excluded.expires_at
       WHERE ${table}.expires_at <= ?
       RETURNING claim_token`,
    ),
    state: database.prepare(`SELECT state FROM ${table} WHERE event_id = ?`),
    complete: database.prepare(`UPDATE ${table} SET state = '${PROCESSED}', expires_at = ? WHERE event_id = ? AND claim_token = ?`),
    release: database.prepare(`DELETE FROM ${table} WHERE event_id = ? AND claim_token = ? AND state = '${PROCESSING}'`),
    prune: database.prepare(`DELETE FROM ${table} WHERE expires_at <= ?`),
    // Read right after the DELETE on the same connection: nothing can run in between.
    changes: database.prepare('SELECT changes() AS count'),
  })
  const ready = () => {
    statements ??= prepare()
    return statements
  }
  // better-sqlite3's get() returns undefined for no row, bun:sqlite's returns null.
  const claimOnce = (claim: DedupeClaim): boolean => ready().claim.get(claim.eventId, claim.token, claim.leaseUntil, claim.now) != null
  /** Runs `work` with a busy or locked database reported as `UNAVAILABLE`, as the ticket store does. */
  const typed = async <T>(work: () => T): Promise<T> => {
    try {
      return work()
    } catch (error) {
      throw toSqliteStoreError(error)
    }
  }

  return {
    migrate: () => typed(() => void migrateSqlite(database, plan, [migrationsName], options.migrate ?? true)),
    claim: (claim: DedupeClaim) =>
      typed((): ClaimOutcome => {
        if (claimOnce(claim)) return 'claimed'
        const row = ready().state.get(claim.eventId) as { state: string } | null | undefined
        // No row: it was released between the two statements; the next attempt can claim it.
        if (row == null) return claimOnce(claim) ? 'claimed' : 'in_flight'
        return row.state === PROCESSED ? 'processed' : 'in_flight'
      }),
    complete: ({ eventId, token, expiresAt }) => typed(() => void ready().complete.run(expiresAt, eventId, token)),
    release: ({ eventId, token }) => typed(() => void ready().release.run(eventId, token)),
    prune: (now) =>
      typed(() => {
        ready().prune.run(now)
        return Number((ready().changes.get() as { count: number }).count)
      }),
  }
}
