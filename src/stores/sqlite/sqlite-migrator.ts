/**
 * Runs a SQLite store's migrations through the one migration runner, synchronously
 * inside one `BEGIN IMMEDIATE` transaction (so no other statement on the connection can
 * land in the middle), or, for a store that may not migrate, as a read-only check.
 * Shared by the ticket store and the webhook dedupe store.
 *
 * @internal
 * @module
 */
import type { MigrationConnectionSync, MigrationPlan, MigrationReport } from '../../migrations/migration.js'
import { checkMigrationsSync, runMigrationsSync } from '../../migrations/migration-runner.js'
import { quoteIdentifier } from '../shared/sql-names.js'
import { toSqliteStoreError } from './sqlite-errors.js'
import type { SqliteDatabase } from './sqlite-store-config.js'

/**
 * Migrates (`apply`) or checks the schema of `plan`.
 *
 * @param versionTables - where applied versions are recorded, in the order to look: the
 * first table that exists and records a version answers
 */
export function migrateSqlite(
  database: SqliteDatabase,
  plan: MigrationPlan,
  versionTables: readonly string[],
  apply: boolean,
): MigrationReport {
  const connection = migrationConnection(database, versionTables)
  if (!apply) return checkMigrationsSync(plan, connection)
  return immediate(database, () => runMigrationsSync(plan, connection))()
}

/** Wraps `fn` in a `BEGIN IMMEDIATE` transaction, or a plain one when the driver has no such variant. */
export function immediate<Args extends unknown[], Result>(
  database: SqliteDatabase,
  fn: (...args: Args) => Result,
): (...args: Args) => Result {
  const transaction = database.transaction(fn)
  return transaction.immediate ?? transaction
}

function migrationConnection(database: SqliteDatabase, versionTables: readonly string[]): MigrationConnectionSync {
  // Driver errors become typed here, so a busy file makes a retryable failure of the step.
  const typed = <T>(work: () => T): T => {
    try {
      return work()
    } catch (error) {
      throw toSqliteStoreError(error)
    }
  }
  // better-sqlite3's get() answers undefined for no row, bun:sqlite's null.
  const firstRow = (sql: string, ...params: unknown[]): unknown => typed(() => database.prepare(sql).get(...params)) ?? undefined
  return {
    execute(sql) {
      typed(() => database.exec(sql))
    },
    answersRow(sql) {
      return firstRow(sql) !== undefined
    },
    appliedVersion() {
      for (const table of versionTables) {
        if (firstRow("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table) === undefined) continue
        const { version } = firstRow(`SELECT coalesce(max(version), 0) AS version FROM ${quoteIdentifier(table)}`) as { version: number }
        if (version > 0) return version
      }
      return 0
    },
  }
}
