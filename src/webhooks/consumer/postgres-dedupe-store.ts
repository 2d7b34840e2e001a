import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { migratePostgres } from '../../stores/postgres/postgres-migrator.js'
import {
  type PGliteDatabase,
  type PostgresClient,
  type PostgresPool,
  postgresConnectionShape,
} from '../../stores/postgres/postgres-store-config.js'
import { identifierSchema } from '../../stores/shared/sql-names.js'
import { exactlyOneConnection, webhookStoreExecutor } from '../store-connection/webhook-store-connection.js'
import { dedupeTables, postgresDedupePlan } from './dedupe-schema.js'
import { type ClaimOutcome, type DedupeClaim, type DedupeStore, PROCESSED, PROCESSING } from './dedupe-store.js'
import { type DedupeStoreCommonOptions, dedupeStoreOptionShape, dedupeTableName, oneTableName } from './dedupe-store-options.js'

/**
 * Options of {@link postgresDedupeStore}: exactly one of `pool`, `client` or `pglite` (the
 * driver shapes of `ticket-events/postgres`), and where the table goes.
 */
export type PostgresDedupeStoreOptions = (
  | { readonly pool: PostgresPool; readonly client?: never; readonly pglite?: never }
  | { readonly client: PostgresClient; readonly pool?: never; readonly pglite?: never }
  | { readonly pglite: PGliteDatabase; readonly pool?: never; readonly client?: never }
) &
  DedupeStoreCommonOptions & {
    /** A schema to create the table in (created when missing). Default: the connection's search path. */
    readonly schema?: string
  }

const optionsSchema = z
  .strictObject({
    ...postgresConnectionShape,
    schema: z.optional(identifierSchema),
    ...dedupeStoreOptionShape,
  })
  .check(exactlyOneConnection(), oneTableName())

/**
 * A {@link DedupeStore} in a PostgreSQL table, through `pg` (a Pool or a Client) or
 * PGlite. Each claim is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired RETURNING`
 * statement, which PostgreSQL runs atomically, so several receivers can share the table.
 *
 * The table is created (and later upgraded) by numbered migrations on first use, in one
 * transaction behind an advisory lock, so receivers starting together on a fresh schema
 * all succeed; with `migrate: false` the store only checks the version (see
 * `docs/webhooks.md`). Connection failures are `TicketError('UNAVAILABLE')`, as in the
 * ticket store. The store never closes what you pass, nor listens on it: add
 * `pool.on('error', …)` (or `client.on`), or a connection that drops while idle ends the process.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
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
  const executor = webhookStoreExecutor(options)
  const tableName = dedupeTableName(options)
  const { table, migrations } = dedupeTables(tableName, options.schema)
  const plan = postgresDedupePlan(tableName, options.schema)

  const claimOnce = async ({ eventId, token, now, leaseUntil }: DedupeClaim): Promise<boolean> => {
    const rows = await executor.query(
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
      await migratePostgres(executor, plan, migrations, options.migrate ?? true)
    },
    async claim(claim: DedupeClaim): Promise<ClaimOutcome> {
      if (await claimOnce(claim)) return 'claimed'
      const rows = await executor.query(`SELECT state FROM ${table} WHERE event_id = $1`, [claim.eventId])
      const row = rows[0] as { state: string } | undefined
      // No row: it was released between the two statements; the next attempt can claim it.
      if (row === undefined) return (await claimOnce(claim)) ? 'claimed' : 'in_flight'
      return row.state === PROCESSED ? 'processed' : 'in_flight'
    },
    async complete({ eventId, token, expiresAt }) {
      await executor.query(`UPDATE ${table} SET state = '${PROCESSED}', expires_at = $1 WHERE event_id = $2 AND claim_token = $3`, [
        expiresAt,
        eventId,
        token,
      ])
    },
    async release({ eventId, token }) {
      await executor.query(`DELETE FROM ${table} WHERE event_id = $1 AND claim_token = $2 AND state = '${PROCESSING}'`, [eventId, token])
    },
    async prune(now) {
      const rows = await executor.query(
        `WITH pruned AS (DELETE FROM ${table} WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS count FROM pruned`,
        [now],
      )
      return Number((rows[0] as { count: number | string } | undefined)?.count ?? 0)
    },
  }
}
