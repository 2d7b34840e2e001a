import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll } from 'vitest'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'
import { nullForNoRow } from '../support/null-row-sqlite.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-contract-'))
const connections: Database.Database[] = []
afterAll(() => {
  for (const connection of connections) connection.close()
  rmSync(directory, { recursive: true, force: true })
})

let files = 0
describeStoreContract('sqlite', () => sqliteStore({ filename: join(directory, `store-${++files}.db`) }))

// bun:sqlite's statements answer null for "no row"; the store must read that as no row too.
describeStoreContract('sqlite on a driver whose get() answers null for no row', () => {
  const database = new Database(join(directory, `store-${++files}.db`))
  database.pragma('journal_mode = WAL')
  connections.push(database)
  return sqliteStore({ database: nullForNoRow(database) })
})
