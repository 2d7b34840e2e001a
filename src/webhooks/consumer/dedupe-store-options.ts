/**
 * The options the SQL dedupe stores share with each other and, in shape, with the SQL
 * ticket stores: how the table is named and whether the store migrates it.
 *
 * @module
 */
import * as z from 'zod/mini'
import { identifierSchema, tablePrefixSchema } from '../../stores/shared/sql-names.js'

/** The default table name of the SQL dedupe stores: the default prefix and `webhook_deliveries`. */
export const DEFAULT_DEDUPE_TABLE = 'ticket_events_webhook_deliveries'

/** The default `tablePrefix` of the SQL dedupe stores, which keeps the table name they always had. */
export const DEFAULT_DEDUPE_TABLE_PREFIX = 'ticket_events_'

/** Naming and migration options of `sqliteDedupeStore` and `postgresDedupeStore`. */
export interface DedupeStoreCommonOptions {
  /**
   * The start of the table's name (default `ticket_events_`, making
   * `ticket_events_webhook_deliveries`): up to 24 lowercase letters, digits and `_`.
   */
  readonly tablePrefix?: string
  /** The table's whole name instead (letters, digits and `_`, at most 52 characters); not with `tablePrefix`. */
  readonly tableName?: string
  /**
   * Whether the store creates and upgrades its table on first use (default `true`). With
   * `false` it only checks that the table is at the version this library needs, and the
   * consumer fails with `TicketError('UNAVAILABLE')` (`details.reason: 'schema_behind'`)
   * when it is not: apply the migrations yourself first
   * (`npx ticket-events sql postgres --store webhook-deliveries`).
   */
  readonly migrate?: boolean
}

/** The zod shape of the naming options. @internal */
export const dedupeNamingShape = {
  tablePrefix: z.optional(tablePrefixSchema),
  tableName: z.optional(identifierSchema),
}

/** The zod shape of {@link DedupeStoreCommonOptions}. @internal */
export const dedupeStoreOptionShape = {
  ...dedupeNamingShape,
  migrate: z.optional(z.boolean()),
}

/** Refuses `tablePrefix` together with `tableName`. @internal */
export function oneTableName() {
  return z.refine<{ readonly tablePrefix?: string | undefined; readonly tableName?: string | undefined }>(
    (options) => options.tablePrefix === undefined || options.tableName === undefined,
    {
      error: 'Pass tablePrefix or tableName, not both',
      path: ['tableName'],
    },
  )
}

/** The table a dedupe store uses. @internal */
export function dedupeTableName(options: DedupeStoreCommonOptions): string {
  return options.tableName ?? `${options.tablePrefix ?? DEFAULT_DEDUPE_TABLE_PREFIX}webhook_deliveries`
}
