import type { OwnedSqliteDatabase } from './sqlite-open.js'

/** What the store needs from Bun's built-in `bun:sqlite` module. */
interface BunSqliteModule {
  readonly Database: new (filename: string) => OwnedSqliteDatabase
}

interface BunProcess {
  readonly getBuiltinModule?: (id: string) => unknown
}

/** True under Bun, whose built-in `bun:sqlite` replaces better-sqlite3 (a Node addon Bun cannot load). */
export function isBun(): boolean {
  return typeof (globalThis as { Bun?: unknown }).Bun === 'object'
}

/**
 * Opens `filename` with Bun's built-in `bun:sqlite` (creating the file when missing).
 *
 * The module comes from `process.getBuiltinModule` rather than `import('bun:sqlite')`,
 * so bundlers building this entry for Node never try to resolve a specifier only Bun has.
 *
 * @internal
 */
export function openBunSqlite(filename: string): OwnedSqliteDatabase {
  const process = (globalThis as { process?: BunProcess }).process
  const module = process?.getBuiltinModule?.('bun:sqlite') as BunSqliteModule | undefined
  if (module === undefined) {
    throw new Error(
      'sqliteStore({ filename }) under Bun opens the file with bun:sqlite, which this Bun does not offer through ' +
        'process.getBuiltinModule. Upgrade Bun, or open the file yourself and pass it: ' +
        "sqliteStore({ database: new Database(filename) }) with Database from 'bun:sqlite'.",
    )
  }
  return new module.Database(filename)
}
