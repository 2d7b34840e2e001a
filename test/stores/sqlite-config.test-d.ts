import type Database from 'better-sqlite3'
import { expectTypeOf, test } from 'vitest'
import type { SqliteDatabase, SqliteStoreOptions } from '../../src/stores/sqlite/index.js'

test('a better-sqlite3 Database satisfies the structural driver interface', () => {
  expectTypeOf<Database.Database>().toExtend<SqliteDatabase>()
})

test('the options take a filename or a database, never both', () => {
  expectTypeOf<{ filename: string }>().toExtend<SqliteStoreOptions>()
  expectTypeOf<{ database: Database.Database }>().toExtend<SqliteStoreOptions>()
  expectTypeOf<{ filename: string; database: Database.Database }>().not.toExtend<SqliteStoreOptions>()
})
