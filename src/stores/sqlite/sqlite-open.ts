import { TicketError } from '../../core/errors/ticket-error.js'
import { isBun, openBunSqlite } from './bun-sqlite.js'
import type { SqliteDatabase, SqliteSynchronous } from './sqlite-store-config.js'

/** A connection the store opened itself, and so closes itself. */
export interface OwnedSqliteDatabase extends SqliteDatabase {
  close(): unknown
}

/** What the store needs from the `better-sqlite3` module. */
interface BetterSqliteModule {
  readonly default: new (filename: string, options?: { readonly timeout?: number }) => OwnedSqliteDatabase
}

/** Loads `better-sqlite3`; a parameter so the missing-driver message can be tested. */
export type BetterSqliteImporter = () => Promise<unknown>

const importBetterSqlite: BetterSqliteImporter = () => import('better-sqlite3')

/** What {@link openSqliteFile} applies to the connection it opens. */
export interface SqliteFileSettings {
  readonly busyTimeoutMs: number
  readonly synchronous: SqliteSynchronous
}

/**
 * Opens a database file — with Bun's built-in `bun:sqlite` under Bun, otherwise with
 * `better-sqlite3` (an optional peer dependency, loaded only here) — and applies the
 * store's pragmas:
 * - `journal_mode = WAL`: readers never block the writer and a commit is one append to
 *   the WAL file, which a killed process cannot leave half-written;
 * - `synchronous = NORMAL` (or `FULL`): see {@link SqliteSynchronous};
 * - `busy_timeout`: a writer waits for another connection's lock instead of failing;
 * - `foreign_keys = ON`: the tag table's reference to its ticket is enforced.
 *
 * @internal
 */
export async function openSqliteFile(
  filename: string,
  settings: SqliteFileSettings,
  importer: BetterSqliteImporter = importBetterSqlite,
): Promise<OwnedSqliteDatabase> {
  const database = isBun() ? openBunSqlite(filename) : await openBetterSqlite(filename, settings, importer)
  try {
    database.exec('PRAGMA journal_mode = WAL')
    database.exec(`PRAGMA synchronous = ${settings.synchronous}`)
    database.exec(`PRAGMA busy_timeout = ${Math.trunc(settings.busyTimeoutMs)}`)
    database.exec('PRAGMA foreign_keys = ON')
  } catch (error) {
    database.close()
    throw error
  }
  return database
}

/** Loads `better-sqlite3` and opens the file with it, or says how to install it. */
async function openBetterSqlite(
  filename: string,
  settings: SqliteFileSettings,
  importer: BetterSqliteImporter,
): Promise<OwnedSqliteDatabase> {
  let module: BetterSqliteModule
  try {
    module = (await importer()) as BetterSqliteModule
  } catch (error) {
    throw new TicketError(
      'MISSING_DRIVER',
      'sqliteStore({ filename }) needs the optional peer dependency better-sqlite3, which could not be loaded. ' +
        'Install it with `npm install better-sqlite3` (it downloads a prebuilt binary for common platforms ' +
        'and compiles from source elsewhere, which needs Python and a C++ toolchain), ' +
        'or pass a connection you opened yourself with sqliteStore({ database }).',
      { cause: error, details: { driver: 'better-sqlite3' } },
    )
  }
  return new module.default(filename, { timeout: settings.busyTimeoutMs })
}
