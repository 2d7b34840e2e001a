/**
 * A plan's migrations written out as SQL, to apply with one's own tools (`psql`,
 * `sqlite3`, a migration framework) instead of letting the store migrate itself.
 *
 * @module
 */
import type { Migration, MigrationPlan } from './migration.js'
import { latestVersion } from './migration-errors.js'

/** The SQL of one step, its record included. */
export interface MigrationStepSql {
  readonly version: number
  readonly description: string
  /** The step's statements and the insert that records it, each ending in `;`. */
  readonly sql: string
}

/** A plan's migrations as SQL. */
export interface MigrationSql {
  /** The lock and the migrations table (created when missing): run before the steps, in the same transaction. */
  readonly setup: string
  /** Every step (after `after`, when given), oldest first. */
  readonly migrations: readonly MigrationStepSql[]
  /** The setup and the steps as one script in one transaction, ready for `psql -v ON_ERROR_STOP=1 -f` or `sqlite3`. */
  readonly script: string
}

/** Options of {@link migrationSql}. */
export interface MigrationSqlOptions {
  /** Leave out the steps up to this version: the database is at it already (default 0, everything). */
  readonly after?: number
  /** The statement that opens the script's transaction (default `BEGIN`). */
  readonly begin?: string
}

/**
 * Writes out the migrations of `plan` as SQL, each step followed by the statement that
 * records it, so that a store on the migrated database finds them applied.
 */
export function migrationSql(plan: MigrationPlan, options: MigrationSqlOptions = {}): MigrationSql {
  const after = options.after ?? 0
  const setup = [...plan.lock, ...plan.setup].map(terminated).join('\n')
  const migrations = plan.migrations
    .filter((step) => step.version > after)
    .map((step) => ({ version: step.version, description: step.description, sql: stepSql(plan, step) }))
  const header = [
    `-- ticket-events: ${plan.store}, schema version ${latestVersion(plan)}.`,
    after > 0 ? `-- Migrations after version ${after} only: the database must be at version ${after} already.` : undefined,
    '-- One transaction: a failing statement leaves the database as it was.',
  ].filter((line) => line !== undefined)
  const script = [
    ...header,
    `${options.begin ?? 'BEGIN'};`,
    '',
    plan.lock.length > 0 ? '-- The lock and the migrations table' : '-- The migrations table',
    setup,
    ...migrations.flatMap((step) => ['', `-- Migration ${step.version}: ${step.description}`, step.sql]),
    '',
    'COMMIT;',
    '',
  ].join('\n')
  return { setup, migrations, script }
}

function stepSql(plan: MigrationPlan, step: Migration): string {
  const statements = step.statements.map(terminated)
  const body =
    step.onlyIf === undefined
      ? statements
      : [
          `-- Only ${step.onlyIf.reason}; on any other database this step has nothing to do and is only recorded.`,
          '-- For such a database, uncomment:',
          ...statements.map((statement) => statement.replace(/^/gm, '-- ')),
        ]
  return [...body, terminated(plan.record(step))].join('\n')
}

function terminated(statement: string): string {
  const trimmed = statement.trim()
  return trimmed.endsWith(';') ? trimmed : `${trimmed};`
}
