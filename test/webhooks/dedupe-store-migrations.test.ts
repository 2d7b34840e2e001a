import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { postgresDedupeMigrationSql, postgresDedupeStore, sqliteDedupeMigrationSql, sqliteDedupeStore } from '../../src/webhooks/index.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { createPostgresTestDatabase, freshSchemaName } from '../support/postgres.js'

const T0 = Date.parse('2024-05-01T09:00:00.000Z')
const directory = mkdtempSync(join(tmpdir(), 'ticket-events-dedupe-migrations-'))
const database = createPostgresTestDatabase()
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true })
  await database.dispose()
})
let files = 0
const freshDatabase = () => new Database(join(directory, `dedupe-${++files}.db`))

/** The table as ticket-events 0.1 created it (no migrations table), with one processed delivery. */
const TABLE_0_1 = (table: string, expiresAt: 'BIGINT' | 'INTEGER') => [
  `CREATE TABLE IF NOT EXISTS ${table} (
     event_id TEXT PRIMARY KEY,
     state TEXT NOT NULL CHECK (state IN ('processing', 'processed')),
     claim_token TEXT NOT NULL,
     expires_at ${expiresAt} NOT NULL
   )`,
  `INSERT INTO ${table} (event_id, state, claim_token, expires_at) VALUES ('event-from-0.1', 'processed', 'token', ${T0 + 1000})`,
]

describe('webhook dedupe store migrations', () => {
  it('adopts a SQLite table made by ticket-events 0.1, keeping its deliveries', async () => {
    const db = freshDatabase()
    for (const statement of TABLE_0_1('"ticket_events_webhook_deliveries"', 'INTEGER')) db.exec(statement)
    const store = sqliteDedupeStore({ database: db })
    await store.migrate()
    expect(await store.claim({ eventId: 'event-from-0.1', token: 'new', now: T0, leaseUntil: T0 + 60_000 })).toBe('processed')
    expect(db.prepare('SELECT version FROM ticket_events_webhook_deliveries_migrations').all()).toEqual([{ version: 1 }])
    db.close()
  })

  it(`adopts a PostgreSQL table made by ticket-events 0.1, keeping its deliveries (${database.kind})`, async () => {
    const schema = freshSchemaName()
    await database.createStore({ schema })
    await database.query(`CREATE SCHEMA "${schema}"`)
    for (const statement of TABLE_0_1(`"${schema}"."ticket_events_webhook_deliveries"`, 'BIGINT')) await database.query(statement)
    const store = postgresDedupeStore({ ...(await database.connection()), schema })
    await store.migrate()
    expect(await store.claim({ eventId: 'event-from-0.1', token: 'new', now: T0, leaseUntil: T0 + 60_000 })).toBe('processed')
    expect(await database.query(`SELECT version FROM "${schema}".ticket_events_webhook_deliveries_migrations`)).toEqual([{ version: 1 }])
  })

  it('with migrate: false fails on a missing table with schema_behind, and runs once the printed SQL is applied', async () => {
    const db = freshDatabase()
    const store = sqliteDedupeStore({ database: db, tablePrefix: 'hooks_', migrate: false })
    const error = await rejection(store.migrate())
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.details).toMatchObject({ reason: 'schema_behind', expectedVersion: 1, foundVersion: 0 })
    expect(error.message).toContain('npx ticket-events sql sqlite --store webhook-deliveries --table-name hooks_webhook_deliveries')
    db.exec(sqliteDedupeMigrationSql({ tablePrefix: 'hooks_' }).script)
    await store.migrate()
    expect(await store.claim({ eventId: 'event-1', token: 'token', now: T0, leaseUntil: T0 + 60_000 })).toBe('claimed')
    db.close()
  })

  it(`runs with migrate: false on PostgreSQL once the printed SQL is applied (${database.kind})`, async () => {
    const schema = freshSchemaName()
    await database.createStore({ schema })
    const store = postgresDedupeStore({ ...(await database.connection()), schema, tableName: 'Deliveries', migrate: false })
    expect((await rejection(store.migrate())).details).toMatchObject({ reason: 'schema_behind', foundVersion: 0 })
    const { script } = postgresDedupeMigrationSql({ schema, tableName: 'Deliveries' })
    // The whole script in one call, as psql runs it: pg's simple query protocol, or PGlite's exec.
    const connection = await database.connection()
    if ('pool' in connection) await connection.pool.query(script)
    else await connection.pglite.exec(script)
    await store.migrate()
    expect(await store.claim({ eventId: 'event-1', token: 'token', now: T0, leaseUntil: T0 + 60_000 })).toBe('claimed')
  })

  it('refuses tablePrefix with tableName, a pool without connect(), and malformed names with VALIDATION', () => {
    const db = freshDatabase()
    const refusal = (make: () => unknown) => {
      try {
        make()
      } catch (error) {
        return error
      }
      return undefined
    }
    for (const make of [
      () => sqliteDedupeStore({ database: db, tablePrefix: 'a_', tableName: 'b' }),
      () => sqliteDedupeStore({ database: db, tablePrefix: 'Bad-Prefix' }),
      () => sqliteDedupeStore({ database: { exec() {}, prepare() {} } as never }),
      () => postgresDedupeStore({ pool: { query: async () => ({ rows: [] }) } as never }),
      () => postgresDedupeStore({ pglite: { query: async () => ({ rows: [] }) }, tableName: 'x'.repeat(53) }),
    ]) {
      expect(refusal(make)).toMatchObject({ name: 'TicketError', code: 'VALIDATION' })
    }
    db.close()
  })
})
