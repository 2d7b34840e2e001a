import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { createTicketService, replay, TICKET_SCHEMA_VERSION } from '../../src/index.js'
import { SQLITE_SCHEMA_VERSION, sqliteMigrationSql, sqliteStore } from '../../src/stores/sqlite/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { describeStoreContract } from '../../src/testing/store-contract.js'
import { SQLITE_0_1_DDL, SQLITE_0_1_RECORD, write01Batch } from '../fixtures/sqlite-0.1-schema.js'
import { toAuditV1 } from '../support/audit-v1.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'

const WORKSPACE = '0a000000-0000-4000-8000-000000000001'
const CHAT = '0c000000-0000-4000-8000-000000000001'
const ALICE = '05e00000-0000-4000-8000-000000000001'
const TAG = '07a90000-0000-4000-8000-000000000001'
const ticketId = (n: number): string => `07100000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const create = (id: string, summary: string) =>
  ({
    type: 'create',
    ticketId: id,
    workspaceId: WORKSPACE,
    chatId: CHAT,
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary,
  }) as const

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-migrations-'))
afterAll(() => rmSync(directory, { recursive: true, force: true }))
let files = 0
const freshFile = (): string => join(directory, `tickets-${++files}.db`)

/** The names of the tables and indexes in a database file. */
function objects(filename: string): { tables: string[]; indexes: string[] } {
  const database = new Database(filename, { readonly: true })
  try {
    const names = (type: string) =>
      (
        database.prepare("SELECT name FROM sqlite_master WHERE type = ? AND name NOT LIKE 'sqlite_%' ORDER BY name").all(type) as {
          name: string
        }[]
      ).map((row) => row.name)
    return { tables: names('table'), indexes: names('index') }
  } finally {
    database.close()
  }
}

/**
 * A database as ticket-events 0.1 left it: its DDL, its migration record, and two tickets
 * written with its statements — one tagged, commented and snapshotted, with a command id.
 */
function databaseOf01(filename: string) {
  const ctx = createTestContext({ start: '2024-05-01T09:00:00.000Z' })
  const history = createTicketService({ store: sqliteStore({ filename: join(directory, `scratch-${files}.db`) }), ctx })
  const database = new Database(filename)
  database.exec(SQLITE_0_1_DDL)
  database.exec(SQLITE_0_1_RECORD)
  return {
    ctx,
    async write(id: string, command: unknown, commandId?: string) {
      // The decisions come from the library; the rows are written with 0.1's own statements.
      const result = await history.execute(id, command as never)
      // 0.1 wrote audits in their first shape (audit schema version 1).
      const audit = result.audit === null ? null : toAuditV1(result.audit, result.events)
      write01Batch(database, {
        events: result.events,
        state: result.state,
        audit,
        ...(result.state.version >= 4 ? { snapshot: { schemaVersion: TICKET_SCHEMA_VERSION, state: result.state } } : {}),
        ...(commandId === undefined ? {} : { command: { commandId, recordedAt: ctx.now().toISOString(), result: { ...result, audit } } }),
      })
      return result
    },
    async close() {
      database.close()
      await history.close()
    },
  }
}

describe('sqlite store migrations', () => {
  it('upgrades a database created by ticket-events 0.1 in place: tickets becomes ticket_projections, nothing is lost', async () => {
    const filename = freshFile()
    const old = databaseOf01(filename)
    const written = [
      await old.write(ticketId(1), { ...create(ticketId(1), 'Card declined'), customFields: { plan: 'pro' } }),
      await old.write(ticketId(1), { type: 'takeover', assigneeId: ALICE }),
      await old.write(ticketId(1), { type: 'tag', tagId: TAG }),
      await old.write(ticketId(1), { type: 'update', priority: 'high', customFields: { status: 'vip', plan: 'team' } }),
    ]
    const last = await old.write(ticketId(1), { type: 'addComment', body: 'Looking', public: true, authorId: ALICE }, 'comment-1')
    written.push(last)
    await old.write(ticketId(2), create(ticketId(2), 'Refund'))
    await old.close()
    expect(objects(filename).tables).toContain('tickets')

    const ctx = createTestContext({ start: '2024-06-01T09:00:00.000Z' })
    const store = sqliteStore({ filename })
    const tickets = createTicketService({ store, ctx })
    expect(await tickets.load(ticketId(1))).toEqual(last.state)
    expect((await tickets.list({ workspaceId: WORKSPACE, tagIds: [TAG] })).result.map((ticket) => ticket.id)).toEqual([ticketId(1)])
    expect((await tickets.list({ workspaceId: WORKSPACE, search: 'REFUND' })).result.map((ticket) => ticket.id)).toEqual([ticketId(2)])
    const log = (await tickets.events({ limit: 1000 })).result
    expect(replay(log.filter((event) => event.ticketId === ticketId(1)))).toEqual(last.state)
    // Audits written in the first shape read back in the current one, in version order.
    expect((await tickets.audits(ticketId(1))).result).toEqual(written.map((result) => result.audit))
    // The remembered command is still remembered: repeating it returns the first result, its audit upcast.
    expect(await store.findCommand(ticketId(1), 'comment-1', '2024-01-01T00:00:00.000Z')).toMatchObject({ state: last.state })
    const patient = createTicketService({ store, ctx, dedupeWindowMs: 366 * 24 * 60 * 60 * 1000 })
    const repeat = { type: 'addComment', body: 'Looking', public: true, authorId: ALICE, meta: { commandId: 'comment-1' } } as const
    expect(await patient.execute(ticketId(1), repeat)).toEqual(last)
    const next = await tickets.execute(ticketId(1), { type: 'complete', userId: ALICE })
    expect(next.events.map((event) => event.type)).toEqual(['ticket:updated', 'ticket:status:changed'])
    expect(next.state.version).toBe(last.state.version + 2)
    await tickets.close()

    const { tables, indexes } = objects(filename)
    expect(tables).not.toContain('tickets')
    expect(tables).not.toContain('ticket_events_schema')
    expect(tables).toEqual(
      expect.arrayContaining(['ticket_events', 'ticket_projections', 'ticket_tags', 'ticket_schema_migrations', 'ticket_commands']),
    )
    expect(indexes.filter((name) => name.startsWith('tickets_'))).toEqual([])
    expect(indexes).toEqual(expect.arrayContaining(['ticket_projections_by_workspace', 'ticket_commands_by_recorded_at']))
    const database = new Database(filename, { readonly: true })
    try {
      expect(database.prepare('SELECT version FROM ticket_schema_migrations ORDER BY version').all()).toEqual([
        { version: 1 },
        { version: 2 },
        { version: 3 },
        { version: 4 },
        { version: 5 },
        { version: 6 },
      ])
      // The tag table's reference moved with the rename.
      expect(database.prepare('PRAGMA foreign_key_list(ticket_tags)').all()).toEqual([
        expect.objectContaining({ table: 'ticket_projections' }),
      ])
      expect(database.prepare('PRAGMA foreign_key_check').all()).toEqual([])
      expect(database.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    } finally {
      database.close()
    }
  })

  it('leaves an app’s own tickets table alone and keeps its tables beside it', async () => {
    const filename = freshFile()
    const database = new Database(filename)
    database.exec("CREATE TABLE tickets (id INTEGER PRIMARY KEY, title TEXT); INSERT INTO tickets (title) VALUES ('the app’s own')")
    const tickets = createTicketService({ store: sqliteStore({ database }), ctx: createTestContext() })
    await tickets.execute(ticketId(1), create(ticketId(1), 'ours'))
    expect((await tickets.list({ workspaceId: WORKSPACE })).result).toHaveLength(1)
    await tickets.close()
    expect(database.prepare('SELECT * FROM tickets').all()).toEqual([{ id: 1, title: 'the app’s own' }])
    database.close()
  })

  it('keeps two prefixes in one file apart', async () => {
    const filename = freshFile()
    const [first, second] = [sqliteStore({ filename }), sqliteStore({ filename, tablePrefix: 'acme_' })]
    const [one, two] = [createTicketService({ store: first }), createTicketService({ store: second })]
    await one.execute(ticketId(1), create(ticketId(1), 'in ticket_'))
    await two.execute(ticketId(2), create(ticketId(2), 'in acme_'))
    expect((await one.list({ workspaceId: WORKSPACE })).result.map((ticket) => ticket.id)).toEqual([ticketId(1)])
    expect((await two.list({ workspaceId: WORKSPACE })).result.map((ticket) => ticket.id)).toEqual([ticketId(2)])
    await Promise.all([one.close(), two.close()])
    expect(objects(filename).tables).toEqual(expect.arrayContaining(['acme_events', 'acme_projections', 'acme_schema_migrations']))
  })

  it('with migrate: false creates nothing and names the expected and found versions when the schema is behind', async () => {
    const filename = freshFile()
    const store = sqliteStore({ filename, migrate: false })
    const error = await rejection(createTicketService({ store }).load(ticketId(1)))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({ reason: 'schema_behind', expectedVersion: SQLITE_SCHEMA_VERSION, foundVersion: 0 })
    expect(error.message).toContain('npx ticket-events sql sqlite')
    await store.close()
    expect(objects(filename).tables).toEqual([])

    const old = databaseOf01(freshFile())
    await old.close()
    const legacy = sqliteStore({ filename: join(directory, `tickets-${files}.db`), migrate: false })
    expect((await rejection(legacy.migrate())).details).toMatchObject({ reason: 'schema_behind', foundVersion: 1 })
    await legacy.close()
  })

  it('prints migrations that a store with migrate: false accepts, each with its record', async () => {
    const { script, migrations, setup } = sqliteMigrationSql()
    expect(migrations.map((step) => step.version)).toEqual([1, 2, 3, 4, 5, 6])
    expect(setup).toContain('CREATE TABLE IF NOT EXISTS "ticket_schema_migrations"')
    for (const step of migrations)
      expect(step.sql).toContain(`INSERT INTO "ticket_schema_migrations" (version, description, applied_at) VALUES (${step.version}, `)
    expect(
      script.startsWith(`-- ticket-events: the SQLite ticket store (table prefix "ticket_"), schema version ${SQLITE_SCHEMA_VERSION}.`),
    ).toBe(true)

    const filename = freshFile()
    const database = new Database(filename)
    database.exec(script)
    database.close()
    const tickets = createTicketService({ store: sqliteStore({ filename, migrate: false }) })
    await tickets.execute(ticketId(1), create(ticketId(1), 'migrated by hand'))
    expect((await tickets.list({ workspaceId: WORKSPACE })).result).toHaveLength(1)
    await tickets.close()
    expect(sqliteMigrationSql({ tablePrefix: 'acme_', after: 2 }).migrations.map((step) => step.version)).toEqual([3, 4, 5, 6])
  })

  it.skipIf(!hasSqlite3Cli())('prints a script the sqlite3 shell applies as is', async () => {
    const filename = freshFile()
    execFileSync('sqlite3', [filename], { input: sqliteMigrationSql({ tablePrefix: 'cli_' }).script })
    const store = sqliteStore({ filename, tablePrefix: 'cli_', migrate: false })
    await expect(store.migrate()).resolves.toBeUndefined()
    await store.close()
  })

  it('says which migration failed, and rolls the whole migration back', async () => {
    const filename = freshFile()
    const database = new Database(filename)
    // A table of the same name makes migration 1 fail on its first CREATE TABLE.
    database.exec('CREATE TABLE ticket_events (anything TEXT)')
    const error = await rejection(sqliteStore({ database }).migrate())
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({ reason: 'migration_failed', failedStep: 1, fromVersion: 0 })
    expect(error.message).toMatch(
      /^Migration 1 \("events, projections, tags, audits, snapshots, command records"\) of the SQLite ticket store/,
    )
    expect(error.message).toContain('already exists')
    database.close()
    expect(objects(filename).tables).toEqual(['ticket_events'])
  })

  it('refuses malformed names and options with VALIDATION', () => {
    for (const options of [{ tablePrefix: 'Bad-Prefix' }, { tablePrefix: 'x'.repeat(25) }, { migrate: 'no' }]) {
      expect(() => sqliteStore({ filename: ':memory:', ...(options as object) })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    }
    expect(() => sqliteMigrationSql({ after: -1 })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
  })
})

// The acceptance test for SQLite: the printed SQL, applied by hand, then a store that may
// not migrate passes the whole conformance suite.
describeStoreContract('sqlite migrated by its printed SQL, with migrate: false', () => {
  const filename = freshFile()
  const database = new Database(filename)
  database.exec(sqliteMigrationSql({ tablePrefix: 'app_' }).script)
  database.close()
  return sqliteStore({ filename, tablePrefix: 'app_', migrate: false })
})

function hasSqlite3Cli(): boolean {
  try {
    execFileSync('sqlite3', ['-version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

describe('sqlite migration 6: the log without AUTOINCREMENT', () => {
  /** A database at schema version 5, its log written with the store's own insert. */
  async function databaseAt5(filename: string) {
    const scratch = createTicketService({
      store: sqliteStore({ filename: join(directory, `scratch-6-${files}.db`) }),
      ctx: createTestContext(),
    })
    const written = [
      await scratch.execute(ticketId(1), create(ticketId(1), 'Card declined')),
      await scratch.execute(ticketId(1), { type: 'takeover', assigneeId: ALICE }),
      await scratch.execute(ticketId(2), create(ticketId(2), 'Refund')),
    ]
    await scratch.close()
    const { setup, migrations } = sqliteMigrationSql()
    const database = new Database(filename)
    database.exec(
      ['BEGIN IMMEDIATE;', setup, ...migrations.filter((step) => step.version <= 5).map((step) => step.sql), 'COMMIT;'].join('\n'),
    )
    const insert = database.prepare(
      'INSERT INTO ticket_events (id, ticket_id, workspace_id, version, type, occurred_at, payload, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    for (const event of written.flatMap((result) => result.events)) {
      insert.run(
        event.id,
        event.ticketId,
        event.workspaceId,
        event.version,
        event.type,
        event.occurredAt,
        JSON.stringify(event.payload),
        JSON.stringify(event.meta),
      )
    }
    const before = database.prepare('SELECT position, id FROM ticket_events ORDER BY position').all() as { position: number; id: string }[]
    expect(database.prepare("SELECT sql FROM sqlite_master WHERE name = 'ticket_events'").get()).toEqual({
      sql: expect.stringContaining('AUTOINCREMENT'),
    })
    database.close()
    return { written, before }
  }

  it('keeps every position, drops sqlite_sequence’s row, and appends after the largest position', async () => {
    const filename = freshFile()
    const { written, before } = await databaseAt5(filename)
    const store = sqliteStore({ filename })
    const tickets = createTicketService({ store, ctx: createTestContext({ start: '2025-01-01T00:00:00.000Z' }) })
    const log = (await tickets.events({ limit: 100 })).result
    expect(log).toEqual(written.flatMap((result) => result.events))
    // A reader's cursor from before the migration still pages on, into appends made after it.
    const cursor = (log.at(-1) as { id: string }).id
    const next = await tickets.execute(ticketId(1), { type: 'tag', tagId: TAG })
    expect((await tickets.events({ afterId: cursor, limit: 100 })).result).toEqual(next.events)
    expect(await tickets.load(ticketId(1))).toEqual(next.state)
    await tickets.close()

    const database = new Database(filename, { readonly: true })
    try {
      const rows = database.prepare('SELECT position, id FROM ticket_events ORDER BY position').all() as { position: number; id: string }[]
      expect(rows.slice(0, before.length)).toEqual(before)
      expect(rows.slice(before.length).map((row) => row.position)).toEqual(
        next.events.map((_, index) => (before.at(-1) as { position: number }).position + index + 1),
      )
      expect(database.prepare("SELECT sql FROM sqlite_master WHERE name = 'ticket_events'").get()).toEqual({
        sql: expect.not.stringContaining('AUTOINCREMENT'),
      })
      expect(database.prepare("SELECT count(*) AS n FROM sqlite_sequence WHERE name = 'ticket_events'").get()).toEqual({ n: 0 })
      expect(objects(filename).indexes).toEqual(expect.arrayContaining(['ticket_events_by_workspace', 'ticket_events_by_type']))
      expect(database.prepare('SELECT max(version) AS version FROM ticket_schema_migrations').get()).toEqual({ version: 6 })
      expect(database.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' })
    } finally {
      database.close()
    }
  })
})
