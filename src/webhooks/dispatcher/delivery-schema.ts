/**
 * The webhook dispatcher's tables and their numbered migrations, for PostgreSQL and
 * SQLite, run by the same migration runner as the ticket stores and the webhook dedupe
 * store. Its migrations are recorded in a table of its own
 * (`<prefix>webhook_dispatch_migrations`).
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { Migration, MigrationPlan } from '../../migrations/migration.js'
import { type MigrationSql, migrationSql } from '../../migrations/migration-sql.js'
import { postgresMigrationBookkeeping } from '../../stores/postgres/postgres-schema.js'
import { identifierSchema, quoteIdentifier, tablePrefixSchema } from '../../stores/shared/sql-names.js'
import { sqliteMigrationBookkeeping } from '../../stores/sqlite/sqlite-schema.js'

/** The default `tablePrefix` of the SQL delivery stores. */
export const DEFAULT_DELIVERY_TABLE_PREFIX = 'ticket_events_'

/** Naming and migration options of `sqliteDeliveryStore` and `postgresDeliveryStore`. */
export interface DeliveryStoreCommonOptions {
  /**
   * The start of the tables' names (default `ticket_events_`, making
   * `ticket_events_webhook_endpoints` and `ticket_events_webhook_dead_letters`): up to 24
   * lowercase letters, digits and `_`.
   */
  readonly tablePrefix?: string
  /**
   * Whether the store creates and upgrades its tables on first use (default `true`). With
   * `false` it only checks that they are at the version this library needs, and fails
   * with `TicketError('UNAVAILABLE')` (`details.reason: 'schema_behind'`) when they are not.
   */
  readonly migrate?: boolean
}

/** The zod shape of {@link DeliveryStoreCommonOptions}. @internal */
export const deliveryStoreOptionShape = {
  tablePrefix: z.optional(tablePrefixSchema),
  migrate: z.optional(z.boolean()),
}

/** @internal */
export const deliverySchemaNameSchema = identifierSchema

/** Where a delivery store's tables are. @internal */
export interface DeliveryTables {
  /** Endpoint records (mark, flag, lease), qualified and quoted. */
  readonly endpoints: string
  /** Dead letters, qualified and quoted. */
  readonly deadLetters: string
  /** The migrations table, qualified and quoted. */
  readonly migrations: string
  /** The migrations table, unquoted (SQLite looks it up by name). */
  readonly migrationsName: string
  /** Where the tables are, in messages. */
  readonly label: string
}

/** The tables of a delivery store with `prefix`, in `schema` (PostgreSQL) or the default place. @internal */
export function deliveryTables(prefix: string, schema?: string): DeliveryTables {
  const qualify = (name: string): string =>
    schema === undefined ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`
  const migrationsName = `${prefix}webhook_dispatch_migrations`
  return {
    endpoints: qualify(`${prefix}webhook_endpoints`),
    deadLetters: qualify(`${prefix}webhook_dead_letters`),
    migrations: qualify(migrationsName),
    migrationsName,
    label: `${schema === undefined ? '' : `schema "${schema}", `}prefix "${prefix}"`,
  }
}

/** The steps, oldest first. Times are integers of ms since the epoch from the dispatcher's clock. */
function deliveryMigrations(prefix: string, tables: DeliveryTables, dialect: 'postgres' | 'sqlite'): readonly Migration[] {
  const big = dialect === 'postgres' ? 'BIGINT' : 'INTEGER'
  const flag = dialect === 'postgres' ? 'BOOLEAN NOT NULL DEFAULT FALSE' : 'INTEGER NOT NULL DEFAULT 0'
  return [
    {
      version: 1,
      description: 'webhook endpoints (low-water mark, disabled flag, lease) and dead letters',
      statements: [
        `CREATE TABLE ${tables.endpoints} (
  endpoint_id TEXT PRIMARY KEY,
  after_id TEXT,
  disabled ${flag},
  disabled_reason TEXT,
  lease_owner TEXT,
  lease_token ${big} NOT NULL DEFAULT 0,
  lease_expires_at ${big} NOT NULL DEFAULT 0
)`,
        `CREATE TABLE ${tables.deadLetters} (
  endpoint_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  ticket_id TEXT NOT NULL,
  type TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  first_attempt_at ${big} NOT NULL,
  dead_at ${big} NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (endpoint_id, event_id)
)`,
        `CREATE INDEX ${quoteIdentifier(`${prefix}webhook_dead_letters_dead_at`)} ON ${tables.deadLetters} (dead_at, event_id)`,
      ],
    },
  ]
}

/** The migration plan of a PostgreSQL delivery store. @internal */
export function postgresDeliveryPlan(prefix: string, schema: string | undefined): MigrationPlan {
  const tables = deliveryTables(prefix, schema)
  return {
    store: `the PostgreSQL webhook delivery store (${tables.label})`,
    migrations: deliveryMigrations(prefix, tables, 'postgres'),
    ...postgresMigrationBookkeeping(schema, tables.migrations),
    printCommand: (after) =>
      `npx ticket-events sql postgres --store webhook-dispatch --table-prefix ${prefix}${schema === undefined ? '' : ` --schema ${schema}`}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/** The migration plan of a SQLite delivery store. @internal */
export function sqliteDeliveryPlan(prefix: string): MigrationPlan {
  const tables = deliveryTables(prefix)
  return {
    store: `the SQLite webhook delivery store (${tables.label})`,
    migrations: deliveryMigrations(prefix, tables, 'sqlite'),
    ...sqliteMigrationBookkeeping(tables.migrationsName),
    printCommand: (after) =>
      `npx ticket-events sql sqlite --store webhook-dispatch --table-prefix ${prefix}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/** Options of {@link postgresDeliveryMigrationSql} and {@link sqliteDeliveryMigrationSql}. */
export interface DeliveryMigrationSqlOptions {
  /** As in the store's options (default `ticket_events_`). */
  readonly tablePrefix?: string
  /** Leave out the migrations up to this version, which the database has already. */
  readonly after?: number
}

const migrationSqlOptionsSchema = z.optional(
  z.strictObject({
    tablePrefix: z.optional(tablePrefixSchema),
    schema: z.optional(identifierSchema),
    after: z.optional(z.int().check(z.nonnegative())),
  }),
)

/**
 * The PostgreSQL delivery store's migrations as SQL, each with the insert that records
 * it, for `postgresDeliveryStore({ migrate: false })`. The same as
 * `npx ticket-events sql postgres --store webhook-dispatch`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 */
export function postgresDeliveryMigrationSql(options?: DeliveryMigrationSqlOptions & { readonly schema?: string }): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'postgresDeliveryMigrationSql options')
  const plan = postgresDeliveryPlan(options?.tablePrefix ?? DEFAULT_DELIVERY_TABLE_PREFIX, options?.schema)
  return migrationSql(plan, { after: options?.after ?? 0 })
}

/**
 * The SQLite delivery store's migrations as SQL, each with the insert that records it,
 * for `sqliteDeliveryStore({ migrate: false })`. The same as
 * `npx ticket-events sql sqlite --store webhook-dispatch`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 */
export function sqliteDeliveryMigrationSql(options?: DeliveryMigrationSqlOptions): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'sqliteDeliveryMigrationSql options')
  const plan = sqliteDeliveryPlan(options?.tablePrefix ?? DEFAULT_DELIVERY_TABLE_PREFIX)
  return migrationSql(plan, { after: options?.after ?? 0, begin: 'BEGIN IMMEDIATE' })
}
