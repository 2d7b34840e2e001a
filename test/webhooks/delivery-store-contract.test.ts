import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import type pg from 'pg'
import { afterAll } from 'vitest'
import { describeDeliveryStoreContract } from '../../src/testing/delivery-store-contract.js'
import { memoryDeliveryStore, postgresDeliveryStore, sqliteDeliveryStore } from '../../src/webhooks/index.js'
import { nullForNoRow } from '../support/null-row-sqlite.js'
import { connectTestServer, freshSchemaName, PG_URL } from '../support/postgres.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-delivery-contract-'))
const connections: Database.Database[] = []
const schemas: string[] = []
let pool: Promise<pg.Pool> | undefined
let pglite: Promise<PGlite> | undefined

afterAll(async () => {
  for (const connection of connections) connection.close()
  rmSync(directory, { recursive: true, force: true })
  const server = await pool?.catch(() => undefined)
  if (server !== undefined) {
    for (const schema of schemas) await server.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await server.end()
  }
  await (await pglite?.catch(() => undefined))?.close()
})

let files = 0
function freshDatabase(): Database.Database {
  const database = new Database(join(directory, `deliveries-${++files}.db`))
  database.pragma('journal_mode = WAL')
  connections.push(database)
  return database
}

describeDeliveryStoreContract('memory', () => memoryDeliveryStore())

describeDeliveryStoreContract('sqlite', () => sqliteDeliveryStore({ database: freshDatabase() }))

describeDeliveryStoreContract('sqlite with a table prefix', () => sqliteDeliveryStore({ database: freshDatabase(), tablePrefix: 'acme_' }))

// bun:sqlite's statements answer null for "no row"; the store must read that as no row too.
describeDeliveryStoreContract('sqlite on a driver whose get() answers null for no row', () =>
  sqliteDeliveryStore({ database: nullForNoRow(freshDatabase()) }),
)

// The server in TICKET_EVENTS_PG_URL when set (a fresh schema per store), otherwise PGlite.
describeDeliveryStoreContract(`postgres (${PG_URL === undefined ? 'pglite' : 'server'})`, async () => {
  const schema = freshSchemaName()
  schemas.push(schema)
  if (PG_URL !== undefined) {
    pool ??= connectTestServer(PG_URL, 8)
    return postgresDeliveryStore({ pool: await pool, schema })
  }
  pglite ??= PGlite.create()
  return postgresDeliveryStore({ pglite: await pglite, schema })
})
