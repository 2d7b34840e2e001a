import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import type { PostgresExecutor } from '../../stores/postgres/postgres-executor.js'
import { migratePostgres } from '../../stores/postgres/postgres-migrator.js'
import {
  type PGliteDatabase,
  type PostgresClient,
  type PostgresPool,
  postgresConnectionShape,
} from '../../stores/postgres/postgres-store-config.js'
import { exactlyOneConnection, webhookStoreExecutor } from '../store-connection/webhook-store-connection.js'
import { DEAD_LETTER_COLUMNS, type DeadLetterRow, deadLetterValues, toDeadLetter } from './dead-letter-row.js'
import {
  DEFAULT_DELIVERY_TABLE_PREFIX,
  type DeliveryStoreCommonOptions,
  deliverySchemaNameSchema,
  deliveryStoreOptionShape,
  deliveryTables,
  postgresDeliveryPlan,
} from './delivery-schema.js'
import { DEFAULT_DEAD_LETTER_LIMIT, type DeliveryStore, type EndpointState } from './delivery-store.js'

/**
 * Options of {@link postgresDeliveryStore}: exactly one of `pool`, `client` or `pglite`
 * (the driver shapes of `ticket-events/postgres`), and where the tables go.
 */
export type PostgresDeliveryStoreOptions = (
  | { readonly pool: PostgresPool; readonly client?: never; readonly pglite?: never }
  | { readonly client: PostgresClient; readonly pool?: never; readonly pglite?: never }
  | { readonly pglite: PGliteDatabase; readonly pool?: never; readonly client?: never }
) &
  DeliveryStoreCommonOptions & {
    /** A schema to create the tables in (created when missing). Default: the connection's search path. */
    readonly schema?: string
  }

const optionsSchema = z
  .strictObject({ ...postgresConnectionShape, schema: z.optional(deliverySchemaNameSchema), ...deliveryStoreOptionShape })
  .check(exactlyOneConnection())

/**
 * A {@link DeliveryStore} in two PostgreSQL tables, through `pg` (a Pool or a Client) or
 * PGlite: what lets several dispatchers share the work safely. A lease is taken by one
 * `UPDATE … WHERE expired RETURNING` (PostgreSQL re-checks the condition on the row a
 * rival just updated, so two dispatchers never both win), and every fenced write is a
 * single statement conditioned on the lease token.
 *
 * The tables are created (and later upgraded) by numbered migrations on first use, in
 * one transaction behind an advisory lock; with `migrate: false` the store only checks
 * the version. The store never closes what you pass, nor listens on it.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * const store = postgresDeliveryStore({ pool })
 * const dispatcher = createWebhookDispatcher({ service, store, endpoints })
 * ```
 */
export function postgresDeliveryStore(options: PostgresDeliveryStoreOptions): DeliveryStore {
  parseWith(optionsSchema, options, 'PostgreSQL delivery store options')
  const executor: PostgresExecutor = webhookStoreExecutor(options)
  const prefix = options.tablePrefix ?? DEFAULT_DELIVERY_TABLE_PREFIX
  const { endpoints, deadLetters, migrations } = deliveryTables(prefix, options.schema)
  const plan = postgresDeliveryPlan(prefix, options.schema)
  const query = (text: string, params: unknown[]) => executor.query(text, params)

  return {
    async migrate() {
      await migratePostgres(executor, plan, migrations, options.migrate ?? true)
    },
    async acquireLease({ endpointId, owner, now, expiresAt }) {
      await query(`INSERT INTO ${endpoints} (endpoint_id) VALUES ($1) ON CONFLICT (endpoint_id) DO NOTHING`, [endpointId])
      const rows = (await query(
        `UPDATE ${endpoints} SET lease_token = lease_token + 1, lease_owner = $2, lease_expires_at = $3
         WHERE endpoint_id = $1 AND lease_expires_at <= $4
         RETURNING lease_token`,
        [endpointId, owner, expiresAt, now],
      )) as readonly { lease_token: number | string }[]
      const row = rows[0]
      return row === undefined ? null : { endpointId, token: Number(row.lease_token), expiresAt }
    },
    async renewLease({ endpointId, token, expiresAt }) {
      const rows = await query(
        `UPDATE ${endpoints} SET lease_expires_at = $3 WHERE endpoint_id = $1 AND lease_token = $2 RETURNING 1 AS renewed`,
        [endpointId, token, expiresAt],
      )
      return rows.length > 0
    },
    async releaseLease({ endpointId, token }) {
      await query(`UPDATE ${endpoints} SET lease_expires_at = 0 WHERE endpoint_id = $1 AND lease_token = $2`, [endpointId, token])
    },
    async endpointState(endpointId): Promise<EndpointState> {
      const rows = (await query(`SELECT after_id, disabled, disabled_reason FROM ${endpoints} WHERE endpoint_id = $1`, [
        endpointId,
      ])) as readonly { after_id: string | null; disabled: boolean; disabled_reason: string | null }[]
      const row = rows[0]
      return { afterId: row?.after_id ?? null, disabled: row?.disabled ?? false, disabledReason: row?.disabled_reason ?? null }
    },
    async saveMark({ endpointId, token, afterId }) {
      const rows = await query(`UPDATE ${endpoints} SET after_id = $3 WHERE endpoint_id = $1 AND lease_token = $2 RETURNING 1 AS saved`, [
        endpointId,
        token,
        afterId,
      ])
      return rows.length > 0
    },
    async disable({ endpointId, token, reason }) {
      const rows = await query(
        `UPDATE ${endpoints} SET disabled = TRUE, disabled_reason = $3 WHERE endpoint_id = $1 AND lease_token = $2 RETURNING 1 AS done`,
        [endpointId, token, reason],
      )
      return rows.length > 0
    },
    async enable(endpointId) {
      await query(
        `INSERT INTO ${endpoints} (endpoint_id) VALUES ($1)
         ON CONFLICT (endpoint_id) DO UPDATE SET disabled = FALSE, disabled_reason = NULL`,
        [endpointId],
      )
    },
    async addDeadLetter({ token, letter }) {
      const rows = await query(
        `INSERT INTO ${deadLetters} (${DEAD_LETTER_COLUMNS})
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10
         WHERE EXISTS (SELECT 1 FROM ${endpoints} WHERE endpoint_id = $1 AND lease_token = $11)
         ON CONFLICT (endpoint_id, event_id) DO UPDATE SET attempts = EXCLUDED.attempts, last_status = EXCLUDED.last_status,
           last_error = EXCLUDED.last_error, first_attempt_at = EXCLUDED.first_attempt_at, dead_at = EXCLUDED.dead_at, body = EXCLUDED.body
         RETURNING 1 AS added`,
        [...deadLetterValues(letter), token],
      )
      return rows.length > 0
    },
    async deadLetters(filter = {}) {
      const limit = filter.limit ?? DEFAULT_DEAD_LETTER_LIMIT
      const rows = (
        filter.endpointId === undefined
          ? await query(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetters} ORDER BY dead_at, event_id LIMIT $1`, [limit])
          : await query(`SELECT ${DEAD_LETTER_COLUMNS} FROM ${deadLetters} WHERE endpoint_id = $1 ORDER BY dead_at, event_id LIMIT $2`, [
              filter.endpointId,
              limit,
            ])
      ) as readonly DeadLetterRow[]
      return rows.map(toDeadLetter)
    },
    async removeDeadLetter({ endpointId, eventId }) {
      const rows = await query(`DELETE FROM ${deadLetters} WHERE endpoint_id = $1 AND event_id = $2 RETURNING 1 AS removed`, [
        endpointId,
        eventId,
      ])
      return rows.length > 0
    },
  }
}
