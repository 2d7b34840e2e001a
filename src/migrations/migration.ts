/**
 * The shapes of the migration runner: numbered steps, what a store tells the runner
 * about its schema, and what the runner asks of the database.
 *
 * @module
 */

/**
 * One numbered step of a store's schema. Steps run in order, each once, and are recorded
 * in the store's migrations table. A released step is never edited: a change is a new step.
 */
export interface Migration {
  /** 1, 2, 3, … without gaps. */
  readonly version: number
  /** What the step does, in a few words; recorded with it and named in errors. */
  readonly description: string
  /** The step's SQL, one statement per entry, run in order. */
  readonly statements: readonly string[]
  /**
   * Makes the statements conditional: they run only when `query` answers a row, and the
   * step is recorded either way. For steps that convert what only some databases have
   * (tables of an older release); `reason` says when they apply, in printed scripts.
   */
  readonly onlyIf?: { readonly query: string; readonly reason: string }
}

/**
 * Everything the runner needs to know of one store's schema at one place (a schema and a
 * table prefix): its steps, how to lock and prepare, and how to record a step.
 *
 * @example
 * ```ts
 * const plan: MigrationPlan = {
 *   store: 'the libSQL ticket store (table prefix "ticket_")',
 *   migrations: [{ version: 1, description: 'events', statements: ['CREATE TABLE "ticket_events" (…)'] }],
 *   lock: [], // BEGIN IMMEDIATE takes the lock; PostgreSQL would take pg_advisory_xact_lock here
 *   setup: ['CREATE TABLE IF NOT EXISTS "ticket_schema_migrations" (version INTEGER PRIMARY KEY, description TEXT, applied_at TEXT)'],
 *   record: (step) => `INSERT INTO "ticket_schema_migrations" VALUES (${step.version}, '…', datetime('now'))`,
 * }
 * ```
 */
export interface MigrationPlan {
  /** The store and where its tables are, for messages: `the PostgreSQL ticket store (schema "public", prefix "ticket_")`. */
  readonly store: string
  /** The steps, oldest first. */
  readonly migrations: readonly Migration[]
  /**
   * Statements that take the migration lock inside the transaction, so stores starting
   * together migrate one after another (PostgreSQL: an advisory transaction lock). Empty
   * when opening the transaction is the lock already (SQLite's `BEGIN IMMEDIATE`).
   */
  readonly lock: readonly string[]
  /** Statements that create the migrations table (and its schema) when missing; idempotent. */
  readonly setup: readonly string[]
  /** The statement that records `migration` as applied, with its values written out so a printed script runs as is. */
  record(migration: Migration): string
  /** The command that prints the missing steps, named in the error of a store that may not migrate itself. */
  readonly printCommand?: (afterVersion: number) => string
}

/**
 * What the runner asks of the database, inside a transaction the store opened. A store
 * over an asynchronous driver answers with promises ({@link MigrationConnection}); one
 * over a synchronous driver, such as SQLite's, answers at once
 * ({@link MigrationConnectionSync}), so that nothing else runs on its connection while
 * the transaction is open.
 */
export interface MigrationConnection {
  /** Runs one statement. */
  execute(sql: string): Promise<void>
  /** Whether a query answers at least one row. */
  answersRow(sql: string): Promise<boolean>
  /** The newest recorded step; 0 when the migrations table is missing or empty. */
  appliedVersion(): Promise<number>
}

/** {@link MigrationConnection}, answered synchronously. */
export interface MigrationConnectionSync {
  execute(sql: string): void
  answersRow(sql: string): boolean
  appliedVersion(): number
}

/** What a migration run did. */
export interface MigrationReport {
  /** The version the database was at. */
  readonly from: number
  /** The version it is at now: the newest step. */
  readonly to: number
  /** The steps applied by this run, in order (empty when the database was up to date). */
  readonly applied: readonly number[]
}
