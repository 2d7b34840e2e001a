import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CreateCommand, handle, isTicketError, replay, TICKET_SCHEMA_VERSION, type Ticket } from '../../src/index.js'
import { createTicketService } from '../../src/service/index.js'
import type { AppendBatch } from '../../src/store-contract/ticket-store.js'
import { postgresStore } from '../../src/stores/postgres/index.js'
import { createTestContext } from '../../src/testing/index.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'
import { connectTestServer, createPostgresTestDatabase, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const OTHER_WORKSPACE = '0c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ALICE = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const uuid = (group: number, n: number): string =>
  `${group.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const ticketId = (n: number) => uuid(0x7, n)
const tagId = (n: number) => uuid(0x9, n)

const create = (summary: string, workspaceId = WORKSPACE, extra: Partial<Record<string, unknown>> = {}): CreateCommand =>
  ({
    type: 'create',
    workspaceId,
    chatId: CHAT,
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary,
    ...extra,
  }) as CreateCommand

/** The batch that appends `result` to ticket `id` at `expectedVersion`. */
function batchFrom(id: string, expectedVersion: number, result: ReturnType<typeof handle>): AppendBatch {
  return {
    ticketId: id,
    workspaceId: result.state.workspaceId,
    expectedVersion,
    events: result.events,
    state: result.state,
    audit: result.audit,
  }
}

const database = createPostgresTestDatabase()
afterAll(() => database.dispose())

async function freshService() {
  const store = await database.createStore()
  const ctx = createTestContext({ start: '2024-05-01T09:00:00.000Z' })
  return { store, ctx, tickets: createTicketService({ store, ctx }) }
}

describe(`postgres store (${database.kind})`, () => {
  it('migrates idempotently, also when two migrations run at once', async () => {
    const store = await database.createStore()
    await Promise.all([store.migrate(), store.migrate()])
    await store.migrate()
    const applied = await database.query(`SELECT version FROM "${store.schema}".ticket_schema_migrations ORDER BY version`)
    expect(applied).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }])
  })

  it('refuses to migrate a schema written by a newer version of the library', async () => {
    const store = await database.createStore()
    await store.migrate()
    await database.query(`INSERT INTO "${store.schema}".ticket_schema_migrations (version, description) VALUES (99, 'from the future')`)
    await expect(store.migrate()).rejects.toThrow(/newer than this version/)
  })

  it('appends a ticket life and loads it back equal to the state the service returned', async () => {
    const { tickets } = await freshService()
    const id = ticketId(1)
    await tickets.execute(id, create('Cannot log in'))
    await tickets.execute(id, { type: 'takeover', assigneeId: ALICE })
    await tickets.execute(id, { type: 'tag', tagId: tagId(1) })
    const last = await tickets.execute(id, {
      type: 'addComment',
      body: 'Tabs\t, newlines\n, \u0001 and emoji 🎉 survive',
      public: true,
      authorId: ALICE,
    })
    expect(await tickets.load(id)).toEqual(last.state)
    const log = (await tickets.events({ limit: 1000 })).result
    expect(log.map((event) => event.version)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(replay(log)).toEqual(last.state)
  })

  it('refuses a stale expectedVersion with CONCURRENCY and writes nothing', async () => {
    const { store, tickets, ctx } = await freshService()
    const id = ticketId(2)
    const created = await tickets.execute(id, create('first'))
    await tickets.execute(id, { type: 'tag', tagId: tagId(1) })
    const before = await store.readEvents({ limit: 1000 })
    const stale = handle(created.state, { type: 'update', summary: 'stale' }, ctx)
    const batch: AppendBatch = {
      ticketId: id,
      workspaceId: WORKSPACE,
      expectedVersion: created.state.version,
      events: stale.events,
      state: stale.state,
      audit: stale.audit,
      snapshot: { state: stale.state, schemaVersion: TICKET_SCHEMA_VERSION },
      command: { commandId: 'stale', recordedAt: '2024-05-01T10:00:00.000Z', result: stale },
    }
    const error = await rejection(store.append(batch))
    expect(error.code).toBe('CONCURRENCY')
    expect(error.details).toMatchObject({ expectedVersion: 1, actualVersion: 3 })
    expect(await store.readEvents({ limit: 1000 })).toEqual(before)
    expect(await store.findCommand(id, 'stale', '1970-01-01T00:00:00.000Z')).toBeNull()
    expect((await tickets.list({ workspaceId: WORKSPACE, search: 'stale' })).result).toEqual([])
    expect((await store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION }))?.snapshot).toBeNull()
  })

  it('refuses a create under a taken id with CONCURRENCY', async () => {
    const { store, tickets, ctx } = await freshService()
    const id = ticketId(3)
    await tickets.execute(id, create('taken'))
    const again = handle(null, { ...create('again'), ticketId: id }, ctx)
    const error = await rejection(
      store.append({
        ticketId: id,
        workspaceId: WORKSPACE,
        expectedVersion: 0,
        events: again.events,
        state: again.state,
        audit: again.audit,
      }),
    )
    expect(error.details).toMatchObject({ expectedVersion: 0, actualVersion: 1 })
  })

  it('runs a repeated command id once and again after its dedupe window has passed', async () => {
    const { tickets, ctx } = await freshService()
    const id = ticketId(4)
    await tickets.execute(id, create('dedupe'))
    const comment = { type: 'addComment', body: 'once', public: true, authorId: ALICE, meta: { commandId: 'c-1' } } as const
    const first = await tickets.execute(id, comment)
    const repeat = await tickets.execute(id, comment)
    expect(repeat).toEqual(first)
    ctx.advance(49 * 60 * 60 * 1000)
    const later = await tickets.execute(id, comment)
    expect(later.state.version).toBe(first.state.version + 1)
  })

  it('loads from the newest snapshot and the events after it', async () => {
    const store = await database.createStore()
    const tickets = createTicketService({ store, ctx: createTestContext(), snapshotEvery: 3 })
    const id = ticketId(5)
    await tickets.execute(id, create('snapshots'))
    // Versions 2..11, two events per tag: snapshots fall due at 3, 7 and 9 (crossing 3, 6, 9).
    for (let n = 1; n <= 5; n++) await tickets.execute(id, { type: 'tag', tagId: tagId(n) })
    const stream = await store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(stream?.snapshot?.version).toBe(9)
    expect(stream?.events.map((event) => event.version)).toEqual([10, 11])
    expect(replay(stream?.events ?? [], stream?.snapshot ?? null)).toEqual(await tickets.load(id))
    expect(await store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 1 })).toMatchObject({ snapshot: null })
    expect(await store.loadStream(ticketId(99), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toBeNull()
  })

  it('pages the log with afterId, filters by workspace, type and occurredAfter, and keeps workspaces apart', async () => {
    const { tickets } = await freshService()
    await tickets.execute(ticketId(6), create('one'))
    await tickets.execute(ticketId(7), create('two', OTHER_WORKSPACE))
    await tickets.execute(ticketId(6), { type: 'takeover', assigneeId: ALICE })
    const all = (await tickets.events({ limit: 1000 })).result
    expect(all).toHaveLength(5)

    const paged = []
    let afterId: string | undefined
    for (;;) {
      const page = (await tickets.events({ limit: 2, ...(afterId ? { afterId } : {}) })).result
      if (page.length === 0) break
      paged.push(...page)
      afterId = page.at(-1)?.id
    }
    expect(paged).toEqual(all)

    const mine = (await tickets.events({ workspaceId: WORKSPACE, limit: 1000 })).result
    expect(mine.every((event) => event.workspaceId === WORKSPACE)).toBe(true)
    expect(mine).toHaveLength(4)
    expect((await tickets.events({ type: 'ticket:assigned' })).result.map((event) => event.type)).toEqual(['ticket:assigned'])
    const created = all[0]!
    expect((await tickets.events({ occurredAfter: created.occurredAt, limit: 1000 })).result).toEqual(all.slice(1))
    expect((await tickets.events({ limit: 0 })).result).toEqual([])
    expect((await tickets.events({ afterId: created.id.toLowerCase(), limit: 1 })).result).toEqual([all[1]])

    const foreign = all.find((event) => event.workspaceId === OTHER_WORKSPACE)!
    expect((await rejection(tickets.events({ workspaceId: WORKSPACE, afterId: foreign.id }))).code).toBe('VALIDATION')
    expect((await rejection(tickets.events({ afterId: '01J8M766YV6FTKCCBQ0Z85YND5' }))).code).toBe('VALIDATION')
  })

  it('lists from the projection with every filter, a literal search and pages', async () => {
    const { tickets, ctx } = await freshService()
    await tickets.execute(ticketId(10), create('100% sure_thing', WORKSPACE, { tags: [tagId(1)] }))
    await tickets.execute(ticketId(11), create('100 percent SURE thing', WORKSPACE, { tags: [tagId(2)] }))
    await tickets.execute(ticketId(12), create('back\\slash and Ünïcode', WORKSPACE, { assigneeId: ALICE }))
    await tickets.execute(ticketId(13), create('elsewhere', OTHER_WORKSPACE, { tags: [tagId(1)] }))
    await tickets.execute(ticketId(11), { type: 'archive' })
    ctx.advance(1000)

    const ids = async (query: Record<string, unknown>) =>
      (await tickets.list({ workspaceId: WORKSPACE, ...query })).result.map((ticket: Ticket) => ticket.id)
    expect(await ids({})).toEqual([ticketId(12), ticketId(10)])
    expect(await ids({ includeRemoved: true })).toEqual([ticketId(12), ticketId(11), ticketId(10)])
    expect(await ids({ search: '100%', includeRemoved: true })).toEqual([ticketId(10)])
    expect(await ids({ search: 'SURE_', includeRemoved: true })).toEqual([ticketId(10)])
    // As a wildcard, `_` would also match the archived "sure thing".
    expect(await ids({ search: 'E_T', includeRemoved: true })).toEqual([ticketId(10)])
    expect(await ids({ search: 'k\\s' })).toEqual([ticketId(12)])
    expect(await ids({ search: 'ÜNÏ' })).toEqual([ticketId(12)])
    expect(await ids({ tagIds: [tagId(1), tagId(2)], includeRemoved: true })).toEqual([ticketId(11), ticketId(10)])
    expect(await ids({ assigneeIds: [ALICE] })).toEqual([ticketId(12)])
    expect(await ids({ chatIds: [uuid(1, 1)] })).toEqual([])
    expect(await ids({ status: 'ongoing' })).toEqual([])
    expect(await ids({ pageSize: 1, pageNumber: 2, includeRemoved: true })).toEqual([ticketId(11)])
  })

  it('refuses malformed options with VALIDATION and issue paths', () => {
    const invalid = (options: unknown) => {
      try {
        postgresStore(options as never)
      } catch (error) {
        if (isTicketError(error)) return { code: error.code, paths: error.issues.map((issue) => issue.path.join('.')) }
        throw error
      }
      throw new Error('expected the options to be refused')
    }
    expect(invalid({ connectionString: 'postgres://x', schema: 'Robert"; DROP TABLE x' })).toEqual({
      code: 'VALIDATION',
      paths: ['schema'],
    })
    expect(invalid({})).toEqual({ code: 'VALIDATION', paths: [''] })
    expect(invalid({ connectionString: 'postgres://x', client: { query() {} } })).toMatchObject({ code: 'VALIDATION' })
    expect(invalid({ connectionString: 'mysql://x' })).toEqual({ code: 'VALIDATION', paths: ['connectionString'] })
    expect(invalid({ pool: {} })).toEqual({ code: 'VALIDATION', paths: ['pool'] })
    expect(invalid(null)).toMatchObject({ code: 'VALIDATION' })
    expect(invalid({ connectionString: 'postgres://x', preparedStatements: 'no' })).toEqual({
      code: 'VALIDATION',
      paths: ['preparedStatements'],
    })
    expect(invalid({ pglite: { query() {} }, preparedStatements: false })).toEqual({ code: 'VALIDATION', paths: ['preparedStatements'] })
  })
})

describe.skipIf(PG_URL === undefined)(`postgres store connections (server) — ${PG_URL === undefined ? NO_SERVER_REASON : 'server'}`, () => {
  const url = PG_URL ?? ''
  const created: string[] = []
  let admin: pg.Pool
  beforeAll(async () => {
    admin = await connectTestServer(url)
  })
  afterAll(async () => {
    for (const schema of created) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await admin.end()
  })

  it('serialises two concurrent executes over one pg.Client so their transactions never interleave', async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const schema = freshSchemaName()
      created.push(schema)
      const tickets = createTicketService({ store: postgresStore({ client, schema }) })
      const ids = Array.from({ length: 8 }, (_, n) => ticketId(100 + n))
      await Promise.all(ids.map((id) => tickets.execute(id, create(`ticket ${id}`))))
      // Half of these conflict on one ticket; the service retries them on the same client.
      await Promise.all(Array.from({ length: 10 }, (_, n) => tickets.execute(ids[0]!, { type: 'tag', tagId: tagId(n) })))
      await tickets.close()
      const ticket = await postgresStore({ client, schema }).loadStream(ids[0]!, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
      expect(replay(ticket?.events ?? [])?.tags).toHaveLength(10)
      // The caller's client is still open: close() ended only what the store opened.
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }])
    } finally {
      await client.end()
    }
  })

  /** The store's prepared statements on `client`'s connection, as the server lists them. */
  const preparedOn = async (client: pg.Client): Promise<string[]> =>
    (await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((found) => found.name)

  it.each([
    ['prepared statements (the default)', undefined],
    ['preparedStatements: false', false],
  ])('runs a ticket life with %s: conflicts, repeated command ids and snapshots keep their answers', async (_, preparedStatements) => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    try {
      const schema = freshSchemaName()
      created.push(schema)
      const store = postgresStore({ client, schema, ...(preparedStatements === undefined ? {} : { preparedStatements }) })
      const ctx = createTestContext({ start: '2024-05-01T09:00:00.000Z' })
      const tickets = createTicketService({ store, ctx, snapshotEvery: 3 })
      const id = ticketId(300)
      await tickets.execute(id, create('prepared or not'))
      const results = []
      for (let n = 0; n < 6; n++) results.push(await tickets.execute(id, { type: 'tag', tagId: tagId(n), meta: { commandId: `tag-${n}` } }))
      // The same command id again: the first result, nothing appended.
      const again = await tickets.execute(id, { type: 'tag', tagId: tagId(9), meta: { commandId: 'tag-0' } })
      expect(again).toEqual(results[0])
      const current = (await tickets.load(id)) as Ticket
      // A stale expected version: CONCURRENCY with the actual one, nothing written.
      const stale = await store.append(batchFrom(id, 1, handle(current, { type: 'tag', tagId: tagId(8) }, ctx))).catch((error) => error)
      expect(stale).toMatchObject({ code: 'CONCURRENCY', details: { expectedVersion: 1, actualVersion: current.version } })
      // A live command record for a new batch at the right version: refused, nothing written.
      const recorded = await store
        .append({
          ...batchFrom(id, current.version, handle(current, { type: 'tag', tagId: tagId(7) }, ctx)),
          command: { commandId: 'tag-1', recordedAt: ctx.now().toISOString(), result: again, notBefore: '2024-01-01T00:00:00.000Z' },
        })
        .catch((error) => error)
      expect(recorded).toMatchObject({ code: 'CONCURRENCY' })
      const stream = await store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
      expect(stream?.snapshot?.version).toBeGreaterThan(1)
      expect(replay([...(await store.loadStream(id, { snapshotSchemaVersion: -1 }))!.events])).toEqual(current)
      // Nothing of the two refused batches was written.
      const versions = (await store.readEvents({ limit: 100 })).map((event) => event.version)
      expect(versions).toEqual(Array.from({ length: current.version }, (_, index) => index + 1))
      const names = await preparedOn(client)
      if (preparedStatements === false) expect(names).toEqual([])
      else expect(names.length).toBeGreaterThan(0)
      await tickets.close()
    } finally {
      await client.end()
    }
  })

  it('prepares its statements again on a new connection after a terminated backend', async () => {
    const schema = freshSchemaName()
    created.push(schema)
    const pool = new pg.Pool({ connectionString: url, max: 1 })
    pool.on('error', () => {})
    try {
      const tickets = createTicketService({ store: postgresStore({ pool, schema }) })
      const id = ticketId(400)
      await tickets.execute(id, create('before the restart'))
      const backend = (await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
      await admin.query('SELECT pg_terminate_backend($1)', [backend])
      // The service retries the UNAVAILABLE on a new connection, which knows no prepared statement yet.
      for (let n = 0; n < 3; n++) await tickets.execute(id, { type: 'tag', tagId: tagId(n) })
      expect((await tickets.load(id))?.tags).toHaveLength(3)
      await tickets.close()
    } finally {
      await pool.end()
    }
  })

  it('opens and ends its own pool from a connection string', async () => {
    const schema = freshSchemaName()
    created.push(schema)
    const store = postgresStore({ connectionString: url, schema, maxConnections: 2 })
    const tickets = createTicketService({ store })
    await tickets.execute(ticketId(200), create('own pool'))
    expect((await tickets.list({ workspaceId: WORKSPACE })).result).toHaveLength(1)
    await tickets.close()
    await expect(store.readEvents({ limit: 1 })).rejects.toMatchObject({ code: 'CLOSED', details: { store: 'postgres' } })
  })
})
