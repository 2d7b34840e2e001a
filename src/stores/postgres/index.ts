/**
 * `ticket-events/postgres`: the PostgreSQL store, for services that scale out over many
 * processes. Works with a connection string (the optional peer dependency `pg`), a
 * `pg.Pool`, a single `pg.Client`, or an in-process `@electric-sql/pglite` instance.
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { postgresStore } from 'ticket-events/postgres'
 *
 * const tickets = createTicketService({ store: postgresStore({ connectionString: process.env.DATABASE_URL! }) })
 * ```
 *
 * @see `docs/postgres.md` for the tables, migrations you run yourself, and how the global order stays gap-free.
 * @module
 */
export type { MigrationSql, MigrationStepSql } from '../../migrations/migration-sql.js'
export { POSTGRES_SCHEMA_VERSION, type PostgresMigrationSqlOptions, postgresMigrationSql } from './postgres-schema.js'
export { type PostgresTicketStore, postgresStore } from './postgres-store.js'
export {
  DEFAULT_POSTGRES_SCHEMA,
  type PGliteDatabase,
  type PostgresClient,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryable,
  type PostgresQueryResult,
  type PostgresStoreCommonOptions,
  type PostgresStoreOptions,
} from './postgres-store-config.js'
