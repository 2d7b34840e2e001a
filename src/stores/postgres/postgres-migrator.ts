/**
 * Runs a PostgreSQL store's migrations through the one migration runner: in a
 * transaction on one connection behind the plan's advisory lock, or, for a store that may
 * not migrate, as a read-only check. Shared by the ticket store and the webhook dedupe store.
 *
 * @internal
 * @module
 */
import type { MigrationConnection, MigrationPlan, MigrationReport } from '../../migrations/migration.js'
import { checkMigrations, runMigrations } from '../../migrations/migration-runner.js'
import { quoteLiteral } from '../shared/sql-names.js'
import { toPostgresStoreError } from './postgres-errors.js'
import type { PostgresExecutor } from './postgres-executor.js'
import { postgresAppliedVersionSql } from './postgres-schema.js'

/**
 * Migrates (`apply`) or checks the schema of `plan`.
 *
 * Migrating runs in one transaction on one connection — a checked-out pool connection,
 * listened to until it goes back, or the caller's single connection in its turn — so the
 * advisory lock the plan takes first covers every statement after it: stores starting
 * together migrate one after another.
 *
 * @param migrationsTable - the plan's migrations table, qualified and quoted
 */
export function migratePostgres(
  executor: PostgresExecutor,
  plan: MigrationPlan,
  migrationsTable: string,
  apply: boolean,
): Promise<MigrationReport> {
  if (!apply)
    return checkMigrations(
      plan,
      migrationConnection((sql) => executor.query(sql), migrationsTable),
    )
  return executor.transaction((session) =>
    runMigrations(
      plan,
      migrationConnection(async (sql) => {
        try {
          return (await session.query(sql)).rows
        } catch (error) {
          throw toPostgresStoreError(error)
        }
      }, migrationsTable),
    ),
  )
}

function migrationConnection(rows: (sql: string) => Promise<readonly unknown[]>, migrationsTable: string): MigrationConnection {
  return {
    async execute(sql) {
      await rows(sql)
    },
    async answersRow(sql) {
      return (await rows(sql)).length > 0
    },
    async appliedVersion() {
      // to_regclass needs no privilege and answers null for a missing table, where reading it would fail.
      const [present] = (await rows(`SELECT to_regclass(${quoteLiteral(migrationsTable)}) IS NOT NULL AS present`)) as {
        present: boolean
      }[]
      if (present?.present !== true) return 0
      const [applied] = (await rows(postgresAppliedVersionSql(migrationsTable))) as { version: number | string }[]
      return Number(applied?.version ?? 0)
    },
  }
}
