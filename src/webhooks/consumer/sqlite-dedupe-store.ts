import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { type ClaimOutcome, type DedupeClaim, type DedupeStore, PROCESSED, PROCESSING } from './dedupe-store.js'
import { DEFAULT_DEDUPE_TABLE, quoteIdentifier, sqlIdentifierSchema } from './sql-identifier.js'

/** The part of a better-sqlite3 (or bun:sqlite) prepared statement the store uses. */
export interface SqliteStatementLike {
  run(...params: unknown[]): { readonly changes: number | bigint }
  /** The first row, or `undefined` (better-sqlite3) or `null` (bun:sqlite) when there is none. */
  get(...params: unknown[]): unknown
}

/**
 * The part of a better-sqlite3 `Database` the store uses (no driver types are imported);
 * Bun's `bun:sqlite` `Database` has it too.
 */
export interface SqliteDatabaseLike {
  exec(sql: string): unknown
  prepare(sql: string): SqliteStatementLike
}

/** Options of {@link sqliteDedupeStore}. */
export interface SqliteDedupeStoreOptions {
  /** A better-sqlite3 or bun:sqlite `Database` (or anything with the same `exec` / `prepare`). */
  readonly database: SqliteDatabaseLike
  /** The table to keep delivery ids in. Default `ticket_events_webhook_deliveries`. */
  readonly tableName?: string
}

const optionsSchema = z.strictObject({
  database: z.custom<SqliteDatabaseLike>(
    (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as SqliteDatabaseLike).exec === 'function' &&
      typeof (value as SqliteDatabaseLike).prepare === 'function',
    { error: 'Expected a better-sqlite3 or bun:sqlite Database (with exec and prepare)' },
  ),
  tableName: z.optional(sqlIdentifierSchema),
})

/**
 * A {@link DedupeStore} in a SQLite table, through a better-sqlite3 or bun:sqlite database.
 * Each claim is a single `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`
 * statement, so it is atomic also between processes sharing the file (set a
 * `busy_timeout` on the connection when several processes write).
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
  const table = quoteIdentifier(options.tableName ?? DEFAULT_DEDUPE_TABLE)
  const index = quoteIdentifier(`${options.tableName ?? DEFAULT_DEDUPE_TABLE}_expires_at`)

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
  })
  const ready = () => {
    statements ??= prepare()
    return statements
  }
  // better-sqlite3's get() returns undefined for no row, bun:sqlite's returns null.
  const claimOnce = (claim: DedupeClaim): boolean => ready().claim.get(claim.eventId, claim.token, claim.leaseUntil, claim.now) != null

  return {
    async migrate() {
      database.exec(
        `CREATE TABLE IF NOT EXISTS ${table} (
           event_id TEXT PRIMARY KEY,
           state TEXT NOT NULL CHECK (state IN ('${PROCESSING}', '${PROCESSED}')),
           claim_token TEXT NOT NULL,
           expires_at INTEGER NOT NULL
         );
         CREATE INDEX IF NOT EXISTS ${index} ON ${table} (expires_at);`,
      )
    },
    async claim(claim: DedupeClaim): Promise<ClaimOutcome> {
      if (claimOnce(claim)) return 'claimed'
      const row = ready().state.get(claim.eventId) as { state: string } | null | undefined
      // No row: it was released between the two statements; the next attempt can claim it.
      if (row == null) return claimOnce(claim) ? 'claimed' : 'in_flight'
      return row.state === PROCESSED ? 'processed' : 'in_flight'
    },
    async complete({ eventId, token, expiresAt }) {
      ready().complete.run(expiresAt, eventId, token)
    },
    async release({ eventId, token }) {
      ready().release.run(eventId, token)
    },
    async prune(now) {
      return Number(ready().prune.run(now).changes)
    },
  }
}
