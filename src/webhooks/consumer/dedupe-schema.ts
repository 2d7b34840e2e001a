/**
 * The webhook dedupe table and its numbered migrations, for PostgreSQL and SQLite, run
 * by the same migration runner as the ticket stores. Its migrations are recorded in a
 * table of its own, named after it (`…_migrations`).
 *
 * @module
 */
import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { Migration, MigrationPlan } from '../../migrations/migration.js'
import { type MigrationSql, migrationSql } from '../../migrations/migration-sql.js'
import { postgresMigrationBookkeeping } from '../../stores/postgres/postgres-schema.js'
import { identifierSchema, quoteIdentifier } from '../../stores/shared/sql-names.js'
import { sqliteMigrationBookkeeping } from '../../stores/sqlite/sqlite-schema.js'
import { PROCESSED, PROCESSING } from './dedupe-store.js'
import { dedupeNamingShape, dedupeTableName, oneTableName } from './dedupe-store-options.js'

/** Where a dedupe store's table is. @internal */
export interface DedupeTables {
  /** The table, qualified and quoted, ready for SQL text. */
  readonly table: string
  /** Its migrations table, qualified and quoted. */
  readonly migrations: string
  /** Its migrations table, unquoted (SQLite looks it up by name). */
  readonly migrationsName: string
  /** The table's name in messages: `"schema"."table"` or `"table"`. */
  readonly label: string
}

/** The tables of a dedupe store named `tableName`, in `schema` (PostgreSQL) or the default place. */
export function dedupeTables(tableName: string, schema?: string): DedupeTables {
  const qualify = (name: string): string =>
    schema === undefined ? quoteIdentifier(name) : `${quoteIdentifier(schema)}.${quoteIdentifier(name)}`
  const migrationsName = `${tableName}_migrations`
  return { table: qualify(tableName), migrations: qualify(migrationsName), migrationsName, label: qualify(tableName) }
}

/**
 * The steps, oldest first. Version 1 keeps `IF NOT EXISTS`: tables made by ticket-events
 * 0.1, which recorded no migrations, are adopted as they are.
 */
function dedupeMigrations(tableName: string, table: string, expiresAt: 'BIGINT' | 'INTEGER'): readonly Migration[] {
  return [
    {
      version: 1,
      description: 'webhook deliveries, by event id, with their expiry',
      statements: [
        `CREATE TABLE IF NOT EXISTS ${table} (
  event_id TEXT PRIMARY KEY,
  state TEXT NOT NULL CHECK (state IN ('${PROCESSING}', '${PROCESSED}')),
  claim_token TEXT NOT NULL,
  expires_at ${expiresAt} NOT NULL
)`,
        `CREATE INDEX IF NOT EXISTS ${quoteIdentifier(`${tableName}_expires_at`)} ON ${table} (expires_at)`,
      ],
    },
  ]
}

/** The migration plan of a PostgreSQL dedupe store. @internal */
export function postgresDedupePlan(tableName: string, schema: string | undefined): MigrationPlan {
  const tables = dedupeTables(tableName, schema)
  return {
    store: `the PostgreSQL webhook dedupe store (table ${tables.label})`,
    migrations: dedupeMigrations(tableName, tables.table, 'BIGINT'),
    ...postgresMigrationBookkeeping(schema, tables.migrations),
    printCommand: (after) =>
      `npx ticket-events sql postgres --store webhook-deliveries --table-name ${tableName}${schema === undefined ? '' : ` --schema ${schema}`}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/** The migration plan of a SQLite dedupe store. @internal */
export function sqliteDedupePlan(tableName: string): MigrationPlan {
  const tables = dedupeTables(tableName)
  return {
    store: `the SQLite webhook dedupe store (table ${tables.label})`,
    migrations: dedupeMigrations(tableName, tables.table, 'INTEGER'),
    ...sqliteMigrationBookkeeping(tables.migrationsName),
    printCommand: (after) =>
      `npx ticket-events sql sqlite --store webhook-deliveries --table-name ${tableName}${after > 0 ? ` --after ${after}` : ''}`,
  }
}

/** Options of {@link postgresDedupeMigrationSql} and {@link sqliteDedupeMigrationSql}: the store's naming options. */
export interface DedupeMigrationSqlOptions {
  /** As in the store's options (default `ticket_events_`). */
  readonly tablePrefix?: string
  /** As in the store's options, instead of `tablePrefix`. */
  readonly tableName?: string
  /** Leave out the migrations up to this version, which the database has already. */
  readonly after?: number
}

const migrationSqlOptionsSchema = z.optional(
  z
    .strictObject({ ...dedupeNamingShape, schema: z.optional(identifierSchema), after: z.optional(z.int().check(z.nonnegative())) })
    .check(oneTableName()),
)

/**
 * The PostgreSQL dedupe store's migrations as SQL, each with the insert that records it,
 * for `postgresDedupeStore({ migrate: false })`. The same as
 * `npx ticket-events sql postgres --store webhook-deliveries`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 */
export function postgresDedupeMigrationSql(options?: DedupeMigrationSqlOptions & { readonly schema?: string }): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'postgresDedupeMigrationSql options')
  return migrationSql(postgresDedupePlan(dedupeTableName(options ?? {}), options?.schema), { after: options?.after ?? 0 })
}

/**
 * The SQLite dedupe store's migrations as SQL, each with the insert that records it, for
 * `sqliteDedupeStore({ migrate: false })`. The same as
 * `npx ticket-events sql sqlite --store webhook-deliveries`.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 */
export function sqliteDedupeMigrationSql(options?: DedupeMigrationSqlOptions): MigrationSql {
  parseWith(migrationSqlOptionsSchema, options, 'sqliteDedupeMigrationSql options')
  return migrationSql(sqliteDedupePlan(dedupeTableName(options ?? {})), { after: options?.after ?? 0, begin: 'BEGIN IMMEDIATE' })
}
