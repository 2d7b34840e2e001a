import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli/run-cli.js'
import {
  postgresDeliveryMigrationSql,
  postgresDeliveryStore,
  sqliteDeliveryMigrationSql,
  sqliteDeliveryStore,
} from '../../src/webhooks/index.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { createPostgresTestDatabase, freshSchemaName } from '../support/postgres.js'

const T0 = Date.parse('2024-05-01T09:00:00.000Z')
const directory = mkdtempSync(join(tmpdir(), 'ticket-events-delivery-migrations-'))
const database = createPostgresTestDatabase()
afterAll(async () => {
  rmSync(directory, { recursive: true, force: true })
  await database.dispose()
})
let files = 0
const freshDatabase = () => new Database(join(directory, `deliveries-${++files}.db`))

describe('webhook delivery store migrations', () => {
  it('records its own migrations beside its two tables (SQLite)', async () => {
    const db = freshDatabase()
    await sqliteDeliveryStore({ database: db }).migrate()
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all()
    expect(tables).toEqual([
      { name: 'ticket_events_webhook_dead_letters' },
      { name: 'ticket_events_webhook_dispatch_migrations' },
      { name: 'ticket_events_webhook_endpoints' },
    ])
    expect(db.prepare('SELECT version FROM ticket_events_webhook_dispatch_migrations').all()).toEqual([{ version: 1 }])
    db.close()
  })

  it('with migrate: false fails on missing tables with schema_behind, and runs once the printed SQL is applied', async () => {
    const db = freshDatabase()
    const store = sqliteDeliveryStore({ database: db, tablePrefix: 'hooks_', migrate: false })
    const error = await rejection(store.migrate())
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.details).toMatchObject({ reason: 'schema_behind', expectedVersion: 1, foundVersion: 0 })
    expect(error.message).toContain('npx ticket-events sql sqlite --store webhook-dispatch --table-prefix hooks_')
    db.exec(sqliteDeliveryMigrationSql({ tablePrefix: 'hooks_' }).script)
    await store.migrate()
    expect(await store.acquireLease({ endpointId: 'crm', owner: 'a', now: T0, expiresAt: T0 + 1000 })).toMatchObject({ token: 1 })
    db.close()
  })

  it(`runs with migrate: false on PostgreSQL once the printed SQL is applied (${database.kind})`, async () => {
    const schema = freshSchemaName()
    await database.createStore({ schema })
    const store = postgresDeliveryStore({ ...(await database.connection()), schema, migrate: false })
    expect((await rejection(store.migrate())).details).toMatchObject({ reason: 'schema_behind', foundVersion: 0 })
    const { script } = postgresDeliveryMigrationSql({ schema })
    const connection = await database.connection()
    if ('pool' in connection) await connection.pool.query(script)
    else await connection.pglite.exec(script)
    await store.migrate()
    expect(await store.acquireLease({ endpointId: 'crm', owner: 'a', now: T0, expiresAt: T0 + 1000 })).toMatchObject({ token: 1 })
  })

  it('is printed by the command line', () => {
    let printed = ''
    const code = runCli(['sql', 'postgres', '--store', 'webhook-dispatch', '--schema', 'support'], {
      out: (text) => {
        printed += text
      },
      err: () => {},
    })
    expect(code).toBe(0)
    expect(printed).toBe(postgresDeliveryMigrationSql({ schema: 'support' }).script)
    expect(printed).toContain('"support"."ticket_events_webhook_endpoints"')
  })

  it('refuses malformed options with VALIDATION', () => {
    const db = freshDatabase()
    expect(() => sqliteDeliveryStore({ database: db, tablePrefix: 'Bad-Prefix' })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    expect(() => postgresDeliveryStore({ pool: { query: async () => ({ rows: [] }) } as never })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    )
    expect(() => postgresDeliveryMigrationSql({ after: -1 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    db.close()
  })
})
