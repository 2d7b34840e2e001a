import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { rejection } from '../support/core-fixtures.js'

describe('sqliteStore options', () => {
  it.each([
    ['no options', undefined, '(root): Missing required value: expected object'],
    [
      'neither filename nor database',
      {},
      '(root): Pass exactly one of filename (a file to open) or database (an open connection); got neither',
    ],
    ['an empty filename', { filename: '' }, 'filename: Expected a file name, or ":memory:"'],
    ['a filename that is not a string', { filename: 42 }, 'filename: Invalid input: expected string, received number'],
    [
      'a database without the driver methods',
      { database: { prepare: () => {} } },
      'database: Expected an open SQLite connection with prepare(), exec() and transaction() (a better-sqlite3 Database)',
    ],
    ['a negative busyTimeoutMs', { filename: ':memory:', busyTimeoutMs: -1 }, 'busyTimeoutMs: Too small: expected number to be >=0'],
    [
      'an unknown synchronous mode',
      { filename: ':memory:', synchronous: 'OFF' },
      'synchronous: Invalid option: expected one of "NORMAL"|"FULL"',
    ],
    ['an unknown option', { filename: ':memory:', journal: 'WAL' }, '(root): Unrecognized key: "journal"'],
  ])('names the option and the reason for %s', (_, options, message) => {
    const error = rejection(() => sqliteStore(options as never))
    expect(error.code).toBe('VALIDATION')
    expect(error.message).toBe(`Invalid sqliteStore options: ${message}`)
  })

  it('refuses both a filename and a database, naming the second', () => {
    const database = new Database(':memory:')
    try {
      const error = rejection(() => sqliteStore({ filename: ':memory:', database } as never))
      expect(error.issues).toEqual([
        {
          path: ['database'],
          message: 'Pass exactly one of filename (a file to open) or database (an open connection); got both',
          code: 'custom',
        },
      ])
    } finally {
      database.close()
    }
  })
})
