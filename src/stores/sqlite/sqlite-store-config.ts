/**
 * What `sqliteStore` needs from a SQLite driver, declared structurally so the library
 * never depends on `better-sqlite3`'s types: any object with these members works.
 *
 * @module
 */

/**
 * A prepared statement, as returned by {@link SqliteDatabase.prepare}. The store binds
 * positional `?` parameters, each a string, a number or `null`.
 */
export interface SqliteStatement {
  /** Runs a statement that returns no rows (INSERT, UPDATE, DELETE, DDL). */
  run(...params: unknown[]): unknown
  /** Every row, as objects keyed by column name. */
  all(...params: unknown[]): unknown[]
  /** The first row, or `undefined` (better-sqlite3) or `null` (bun:sqlite) when there is none. */
  get(...params: unknown[]): unknown
}

/** A function wrapped by {@link SqliteDatabase.transaction}. */
export interface SqliteTransaction<Args extends unknown[], Result> {
  /** Runs the function inside `BEGIN` … `COMMIT` (rolling back when it throws). */
  (...args: Args): Result
  /**
   * The same with `BEGIN IMMEDIATE`, which takes the write lock before the first read
   * so two writers never deadlock on a lock upgrade. Used when the driver has it.
   */
  readonly immediate?: (...args: Args) => Result
}

/**
 * The subset of a synchronous SQLite connection the store uses. The `Database` of
 * `better-sqlite3` and of Bun's built-in `bun:sqlite` satisfy it; so can a wrapper
 * around another driver.
 *
 * @example
 * ```ts
 * import Database from 'better-sqlite3'
 * import { sqliteStore } from 'ticket-events/sqlite'
 *
 * const database = new Database('tickets.db')
 * database.pragma('journal_mode = WAL')
 * const store = sqliteStore({ database }) // store.close() leaves `database` open
 * ```
 *
 * @example Bun
 * ```ts
 * import { Database } from 'bun:sqlite'
 * import { sqliteStore } from 'ticket-events/sqlite'
 *
 * const database = new Database('tickets.db')
 * database.exec('PRAGMA journal_mode = WAL')
 * const store = sqliteStore({ database })
 * ```
 */
export interface SqliteDatabase {
  /** Compiles one SQL statement. */
  prepare(sql: string): SqliteStatement
  /** Runs one or more SQL statements without parameters (DDL, pragmas). */
  exec(sql: string): unknown
  /** Wraps `fn` so that calling the result runs it in one transaction. */
  transaction<Args extends unknown[], Result>(fn: (...args: Args) => Result): SqliteTransaction<Args, Result>
}

/**
 * `synchronous` pragma values the store accepts in WAL mode.
 * - `NORMAL` (default): a commit survives a crash or `SIGKILL` of the process; the last
 *   commits before a power loss or OS crash may be rolled back (never corrupted).
 * - `FULL`: the WAL is synced on every commit, so commits also survive power loss.
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL'

/** Options shared by both ways of opening a {@link sqliteStore}. */
export interface SqliteStoreCommonOptions {
  /** How long a writer waits for another connection's write lock, in ms (default 5000). */
  readonly busyTimeoutMs?: number
  /** Durability of each commit (default `NORMAL`); see {@link SqliteSynchronous}. */
  readonly synchronous?: SqliteSynchronous
  /**
   * The start of every table name (default `ticket_`: `ticket_events`,
   * `ticket_projections`, …): up to 24 lowercase letters, digits and `_`, or `''`.
   * Another prefix means other tables — a database made with one is not found under another.
   */
  readonly tablePrefix?: string
  /**
   * Whether the store creates and upgrades its tables on first use (default `true`).
   * With `false` it only checks that they are at the version this library needs, and
   * fails with `TicketError('UNAVAILABLE')` (`details.reason: 'schema_behind'`) when they
   * are not: apply the migrations yourself first (`npx ticket-events sql sqlite`).
   */
  readonly migrate?: boolean
}

/**
 * Let the store open (and later close) a database file: with `bun:sqlite` under Bun,
 * with `better-sqlite3` everywhere else.
 */
export interface SqliteStoreFileOptions extends SqliteStoreCommonOptions {
  /** The database file (created when missing), or `:memory:`. */
  readonly filename: string
  readonly database?: never
}

/**
 * Use a connection the caller opened. The store applies no pragmas to it (its settings
 * are the caller's; the ones the store would set are listed in the docs) and
 * `close()` leaves it open. `busyTimeoutMs` and `synchronous` are ignored.
 */
export interface SqliteStoreDatabaseOptions extends SqliteStoreCommonOptions {
  readonly database: SqliteDatabase
  readonly filename?: never
}

/** Options of {@link sqliteStore}: a `filename` to open, or an open `database`. */
export type SqliteStoreOptions = SqliteStoreFileOptions | SqliteStoreDatabaseOptions
