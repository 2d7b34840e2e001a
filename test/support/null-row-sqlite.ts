import type Database from 'better-sqlite3'
import type { SqliteDatabase } from '../../src/stores/sqlite/index.js'

/**
 * A real better-sqlite3 connection whose statements answer `null` for "no row", as Bun's
 * `bun:sqlite` does (better-sqlite3 answers `undefined`). It lets every machine run the
 * stores' no-row paths the way Bun drives them; the runtime tests run them on Bun itself.
 */
export function nullForNoRow(database: Database.Database): SqliteDatabase {
  return {
    exec: (sql) => database.exec(sql),
    transaction: (fn) => database.transaction(fn),
    prepare(sql) {
      const statement = database.prepare(sql)
      return {
        run: (...params) => statement.run(...params),
        all: (...params) => statement.all(...params),
        get: (...params) => statement.get(...params) ?? null,
      }
    },
  }
}
