import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { type ClaimOutcome, type DedupeClaim, type DedupeStore, PROCESSED, PROCESSING } from './dedupe-store.js'
import { DEFAULT_DEDUPE_TABLE, quoteIdentifier, sqlIdentifierSchema } from './sql-identifier.js'

/** Anything with a `pg`-style `query(text, params)`: a `pg` Pool or Client, a PGlite instance. */
export interface PostgresQueryable {
  query(text: string, params?: unknown[]): Promise<{ readonly rows: readonly unknown[] }>
}

/** Options of {@link postgresDedupeStore}: exactly one of `pool`, `client` or `pglite`. */
export type PostgresDedupeStoreOptions = (
  | { readonly pool: PostgresQueryable; readonly client?: never; readonly pglite?: never }
  | { readonly client: PostgresQueryable; readonly pool?: never; readonly pglite?: never }
  | { readonly pglite: PostgresQueryable; readonly pool?: never; readonly client?: never }
) & {
  /** A schema to create the table in (created when missing). Default: the connection's search path. */
  readonly schema?: string
  /** The table to keep delivery ids in. Default `ticket_events_webhook_deliveries`. */
  readonly tableName?: string
}

const queryable = z.custom<PostgresQueryable>(
  (value: unknown) => typeof value === 'object' && value !== null && typeof (value as PostgresQueryable).query === 'function',
  { error: 'Expected an object with query(text, params)' },
)

const optionsSchema = z
  .strictObject({
    pool: z.optional(queryable),
    client: z.optional(queryable),
    pglite: z.optional(queryable),
    schema: z.optional(sqlIdentifierSchema),
    tableName: z.optional(sqlIdentifierSchema),
  })
  .check(
    z.refine((options) => [options.pool, options.client, options.pglite].filter((db) => db !== undefined).length === 1, {
      error: 'Pass exactly one of pool, client or pglite',
    }),
  )

/**
 * A {@link DedupeStore} in a PostgreSQL table, through `pg` (a Pool or a Client) or
 * PGlite. Each claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`
 * statement, which PostgreSQL runs atomically, so several receivers can share the table.
 *
 * The store only calls your `query()`: listen for `error` on the pool or client you pass
 * (`pool.on('error', …)`), or a connection that drops while idle ends the process.
 *
 * @example
 * ```ts
 * import pg from 'pg'
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL })
 * pool.on('error', (error) => console.warn('idle PostgreSQL connection dropped', error))
 * const store = postgresDedupeStore({ pool })
 * const consumer = createIdempotentConsumer({ store, handler })
 * ```
 */
export function postgresDedupeStore(options: PostgresDedupeStoreOptions): DedupeStore {
  parseWith(optionsSchema, options, 'PostgreSQL dedupe store options')
  const db = (options.pool ?? options.client ?? options.pglite) as PostgresQueryable
  const tableName = options.tableName ?? DEFAULT_DEDUPE_TABLE
  const table =
    options.schema === undefined ? quoteIdentifier(tableName) : `${quoteIdentifier(options.schema)}.${quoteIdentifier(tableName)}`

  const claimOnce = async ({ eventId, token, now, leaseUntil }: DedupeClaim): Promise<boolean> => {
    const { rows } = await db.query(
      `INSERT INTO ${table} AS d (event_id, state, claim_token, expires_at) VALUES ($1, '${PROCESSING}', $2, $3)
       ON CONFLICT (event_id) DO UPDATE SET state = EXCLUDED.state, claim_token = EXCLUDED.claim_token, expires_at = EXCLUDED.expires_at
       WHERE d.expires_at <= $4
       RETURNING claim_token`,
      [eventId, token, leaseUntil, now],
    )
    return rows.length > 0
  }

  return {
    async migrate() {
      if (options.schema !== undefined) await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(options.schema)}`)
      await db.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           event_id TEXT PRIMARY KEY,
           state TEXT NOT NULL CHECK (state IN ('${PROCESSING}', '${PROCESSED}')),
           claim_token TEXT NOT NULL,
           expires_at BIGINT NOT NULL
         )`,
      )
      await db.query(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${tableName}_expires_at`)} ON ${table} (expires_at)`)
    },
    async claim(claim: DedupeClaim): Promise<ClaimOutcome> {
      if (await claimOnce(claim)) return 'claimed'
      const { rows } = await db.query(`SELECT state FROM ${table} WHERE event_id = $1`, [claim.eventId])
      const row = rows[0] as { state: string } | undefined
      // No row: it was released between the two statements; the next attempt can claim it.
      if (row === undefined) return (await claimOnce(claim)) ? 'claimed' : 'in_flight'
      return row.state === PROCESSED ? 'processed' : 'in_flight'
    },
    async complete({ eventId, token, expiresAt }) {
      await db.query(`UPDATE ${table} SET state = '${PROCESSED}', expires_at = $1 WHERE event_id = $2 AND claim_token = $3`, [
        expiresAt,
        eventId,
        token,
      ])
    },
    async release({ eventId, token }) {
      await db.query(`DELETE FROM ${table} WHERE event_id = $1 AND claim_token = $2 AND state = '${PROCESSING}'`, [eventId, token])
    },
    async prune(now) {
      const { rows } = await db.query(
        `WITH pruned AS (DELETE FROM ${table} WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS count FROM pruned`,
        [now],
      )
      return Number((rows[0] as { count: number | string } | undefined)?.count ?? 0)
    },
  }
}
