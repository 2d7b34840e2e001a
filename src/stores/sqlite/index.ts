/**
 * `ticket-events/sqlite`: a `TicketStore` on SQLite via `better-sqlite3` (an
 * optional peer dependency) or any connection with the same synchronous API.
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { sqliteStore } from 'ticket-events/sqlite'
 *
 * const tickets = createTicketService({ store: sqliteStore({ filename: 'tickets.db' }) })
 * ```
 *
 * @module
 */
export type { MigrationSql, MigrationStepSql } from '../../migrations/migration-sql.js'
export { SQLITE_SCHEMA_VERSION, type SqliteMigrationSqlOptions, sqliteMigrationSql } from './sqlite-schema.js'
export { DEFAULT_SQLITE_BUSY_TIMEOUT_MS, DEFAULT_SQLITE_SYNCHRONOUS, sqliteStore } from './sqlite-store.js'
export type * from './sqlite-store-config.js'
