/**
 * `ticket-events/migrations`: the migration runner — numbered schema steps applied once
 * each, in one transaction, or checked without changing anything, or written out as SQL.
 * The built-in SQL stores and webhook dedupe stores use it, and so can a store you write
 * (see `docs/adapters.md`). Runtime-neutral: no Node built-ins, no driver.
 *
 * @example
 * ```ts
 * import { checkMigrations, migrationSql, runMigrations, type MigrationPlan } from 'ticket-events/migrations'
 * ```
 *
 * @module
 */
export type { Migration, MigrationConnection, MigrationConnectionSync, MigrationPlan, MigrationReport } from './migration.js'
export type { MigrationFailureReason } from './migration-errors.js'
export { checkMigrations, checkMigrationsSync, runMigrations, runMigrationsSync } from './migration-runner.js'
export { type MigrationSql, type MigrationSqlOptions, type MigrationStepSql, migrationSql } from './migration-sql.js'
