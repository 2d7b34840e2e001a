import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import {
  type Command,
  type CreateCommand,
  handle,
  isTicketError,
  replay,
  TICKET_SCHEMA_VERSION,
  type Ticket,
  type TicketEvent,
} from '../../src/index.js'
import type { AppendBatch, ListTicketsQuery, TicketStore } from '../../src/store-contract/ticket-store.js'
import { SQLITE_SCHEMA_VERSION, sqliteStore } from '../../src/stores/sqlite/index.js'
import { openSqliteFile } from '../../src/stores/sqlite/sqlite-open.js'
import { rejectionOf as rejection } from '../support/core-fixtures.js'

const WS_A = '0a000000-0000-4000-8000-000000000001'
const WS_B = '0a000000-0000-4000-8000-000000000002'
const CHAT = '0c000000-0000-4000-8000-000000000001'
const ALICE = '05e00000-0000-4000-8000-000000000001'
const TAG = '07a90000-0000-4000-8000-000000000001'
const ticketId = (n: number): string => `07100000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

const directories: string[] = []
const stores: TicketStore[] = []

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()))
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true })
})

function freshFile(): string {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-sqlite-'))
  directories.push(directory)
  return join(directory, 'tickets.db')
}

async function openStore(filename = freshFile()): Promise<TicketStore> {
  const store = sqliteStore({ filename })
  stores.push(store)
  await store.migrate()
  return store
}

// A clock a second ahead for every command, so tickets have distinct creation times.
let clock = Date.parse('2024-05-01T09:00:00.000Z')
const ctx = {
  now: () => {
    clock += 1000
    return new Date(clock)
  },
}

/** Runs a command against the store's current state and appends its batch. */
async function run(store: TicketStore, id: string, command: Command, extra: Partial<AppendBatch> = {}): Promise<AppendBatch> {
  const stream = await store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
  const state = stream === null ? null : replay(stream.events, stream.snapshot)
  const result = handle(state, command, ctx)
  const batch: AppendBatch = {
    ticketId: id,
    workspaceId: result.state.workspaceId,
    expectedVersion: state?.version ?? 0,
    events: result.events,
    state: result.state,
    audit: result.audit,
    ...extra,
  }
  await store.append(batch)
  return batch
}

const create = (id: string, fields: Partial<CreateCommand> = {}): CreateCommand => ({
  type: 'create',
  ticketId: id,
  workspaceId: WS_A,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  ...fields,
})

const listQuery = (fields: Partial<ListTicketsQuery> = {}): ListTicketsQuery => ({
  workspaceId: WS_A,
  assigneeIds: [],
  chatIds: [],
  tagIds: [],
  includeRemoved: false,
  pageNumber: 1,
  pageSize: 100,
  ...fields,
})

describe('sqliteStore on a file', () => {
  it('opens the file in WAL mode with synchronous NORMAL, a busy timeout and foreign keys on', async () => {
    const database = await openSqliteFile(freshFile(), { busyTimeoutMs: 1234, synchronous: 'NORMAL' })
    try {
      const read = (pragma: string) => database.prepare(`PRAGMA ${pragma}`).get()
      expect(read('journal_mode')).toEqual({ journal_mode: 'wal' })
      expect(read('synchronous')).toEqual({ synchronous: 1 })
      expect(read('busy_timeout')).toEqual({ timeout: 1234 })
      expect(read('foreign_keys')).toEqual({ foreign_keys: 1 })
    } finally {
      database.close()
    }
  })

  it('sets synchronous FULL when asked to', async () => {
    const database = await openSqliteFile(freshFile(), { busyTimeoutMs: 0, synchronous: 'FULL' })
    expect(database.prepare('PRAGMA synchronous').get()).toEqual({ synchronous: 2 })
    database.close()
  })

  it('migrates idempotently and records the schema version once', async () => {
    const filename = freshFile()
    const store = await openStore(filename)
    await store.migrate()
    await run(store, ticketId(1), create(ticketId(1)))
    await store.migrate()
    await store.close()

    const database = new Database(filename, { readonly: true })
    try {
      expect(database.prepare('SELECT version FROM ticket_schema_migrations').all()).toEqual(
        Array.from({ length: SQLITE_SCHEMA_VERSION }, (_, index) => ({ version: index + 1 })),
      )
      expect(database.prepare('SELECT COUNT(*) AS count FROM ticket_events').get()).toEqual({ count: 1 })
    } finally {
      database.close()
    }
  })

  it('refuses a database written by a newer schema version', async () => {
    const filename = freshFile()
    await (await openStore(filename)).close()
    const database = new Database(filename)
    database
      .prepare("INSERT INTO ticket_schema_migrations VALUES (?, 'from the future', '2100-01-01T00:00:00.000Z')")
      .run(SQLITE_SCHEMA_VERSION + 1)
    database.close()
    const store = sqliteStore({ filename })
    stores.push(store)
    const error = await rejection(store.migrate())
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.retryable).toBe(false)
    expect(error.details).toMatchObject({
      reason: 'schema_ahead',
      expectedVersion: SQLITE_SCHEMA_VERSION,
      foundVersion: SQLITE_SCHEMA_VERSION + 1,
    })
    expect(error.message).toMatch(/newer than this version of ticket-events knows/)
  })

  it('keeps every appended event and projection row across a reopen', async () => {
    const filename = freshFile()
    const first = await openStore(filename)
    await run(first, ticketId(1), create(ticketId(1), { summary: 'Printer on fire' }))
    const takeover = await run(first, ticketId(1), { type: 'takeover', assigneeId: ALICE })
    await first.close()

    const second = await openStore(filename)
    const stream = await second.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    expect(stream?.events.map((event) => event.type)).toEqual([
      'ticket:created',
      'ticket:updated',
      'ticket:status:changed',
      'ticket:assigned',
    ])
    expect(stream?.events.slice(1)).toEqual(takeover.events)
    expect(await second.listTickets(listQuery())).toEqual([takeover.state])
  })

  it('explains how to install better-sqlite3 when it cannot be loaded', async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'better-sqlite3'"))
    await expect(openSqliteFile(freshFile(), { busyTimeoutMs: 0, synchronous: 'NORMAL' }, missing)).rejects.toThrow(
      /npm install better-sqlite3.*compiles from source/,
    )
  })

  it('refuses malformed options with a VALIDATION error naming the path', () => {
    const attempts: unknown[] = [
      {},
      { filename: '' },
      { filename: 'x.db', busyTimeoutMs: -1 },
      { database: {} },
      { filename: 'x.db', synchronous: 'OFF' },
    ]
    for (const options of attempts) {
      let caught: unknown
      try {
        sqliteStore(options as never)
      } catch (error) {
        caught = error
      }
      expect(isTicketError(caught) && caught.code === 'VALIDATION', JSON.stringify(options)).toBe(true)
    }
  })

  it('refuses calls once closed with CLOSED, and closes only once', async () => {
    const store = await openStore()
    await store.close()
    await store.close()
    await expect(store.listTickets(listQuery())).rejects.toMatchObject({
      code: 'CLOSED',
      retryable: false,
      details: { store: 'sqlite' },
      message: expect.stringMatching(/closed/),
    })
  })

  it('says which package to install, with MISSING_DRIVER, when better-sqlite3 cannot be loaded', async () => {
    const missing = Object.assign(new Error("Cannot find package 'better-sqlite3'"), { code: 'ERR_MODULE_NOT_FOUND' })
    const opening = openSqliteFile(freshFile(), { busyTimeoutMs: 0, synchronous: 'NORMAL' }, () => Promise.reject(missing))
    await expect(opening).rejects.toMatchObject({
      code: 'MISSING_DRIVER',
      retryable: false,
      details: { driver: 'better-sqlite3' },
      message: expect.stringContaining('npm install better-sqlite3'),
      cause: missing,
    })
  })
})

describe('sqliteStore with a caller-owned database', () => {
  it('leaves the caller’s connection open on close()', async () => {
    const database = new Database(':memory:')
    try {
      const store = sqliteStore({ database })
      await store.migrate()
      await run(store, ticketId(1), create(ticketId(1)))
      await store.close()
      expect(database.open).toBe(true)
      expect(database.prepare('SELECT COUNT(*) AS count FROM ticket_projections').get()).toEqual({ count: 1 })
    } finally {
      database.close()
    }
  })
})

describe('sqliteStore appends', () => {
  it('rejects a stale expected version with CONCURRENCY and writes nothing', async () => {
    const store = await openStore()
    await run(store, ticketId(1), create(ticketId(1)))
    const stale = handle(null, create(ticketId(1)))
    const error = await rejection(
      store.append({
        ticketId: ticketId(1),
        workspaceId: WS_A,
        expectedVersion: 0,
        events: stale.events,
        state: stale.state,
        audit: stale.audit,
      }),
    )
    expect(error.code).toBe('CONCURRENCY')
    expect(error.details).toMatchObject({ expectedVersion: 0, actualVersion: 1 })
    expect(await store.readEvents({ limit: 100 })).toHaveLength(1)
  })

  it('rejects a second record of the same command id, and replaces one older than the dedupe window', async () => {
    const store = await openStore()
    const created = await run(store, ticketId(1), create(ticketId(1)))
    const record = (recordedAt: string, notBefore?: string) => ({
      commandId: 'cmd-1',
      recordedAt,
      result: { state: created.state, events: created.events, audit: created.audit },
      ...(notBefore === undefined ? {} : { notBefore }),
    })
    await run(store, ticketId(1), { type: 'tag', tagId: TAG }, { command: record('2024-01-01T00:00:00.000Z') })

    const duplicate = await rejection(
      run(store, ticketId(1), { type: 'untag', tagId: TAG }, { command: record('2024-01-01T01:00:00.000Z', '2023-12-30T01:00:00.000Z') }),
    )
    expect(duplicate.code).toBe('CONCURRENCY')
    expect((await store.loadStream(ticketId(1), { snapshotSchemaVersion: 1 }))?.events).toHaveLength(3)

    await run(
      store,
      ticketId(1),
      { type: 'untag', tagId: TAG },
      { command: record('2024-01-04T00:00:00.000Z', '2024-01-02T00:00:00.000Z') },
    )
    expect(await store.findCommand(ticketId(1), 'cmd-1', '2024-01-03T00:00:00.000Z')).not.toBeNull()
    expect(await store.findCommand(ticketId(1), 'cmd-1', '2024-01-05T00:00:00.000Z')).toBeNull()
  })

  it('loads the newest snapshot of the requested schema version and the events after it', async () => {
    const store = await openStore()
    const created = await run(store, ticketId(1), create(ticketId(1)))
    const tagged = await run(
      store,
      ticketId(1),
      { type: 'tag', tagId: TAG },
      {
        snapshot: { state: handle(created.state, { type: 'tag', tagId: TAG }).state, schemaVersion: TICKET_SCHEMA_VERSION + 1 },
      },
    )
    const assigned = await run(store, ticketId(1), { type: 'assign', assigneeId: ALICE }, {})
    const current = assigned.state
    await run(
      store,
      ticketId(1),
      { type: 'assign', assigneeId: null },
      { snapshot: { state: current, schemaVersion: TICKET_SCHEMA_VERSION } },
    )

    const stream = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
    // The snapshot taken with the last batch describes the ticket after it, so no events follow.
    expect(stream?.snapshot?.version).toBe(current.version)
    expect(stream?.events.every((event) => event.version > current.version)).toBe(true)
    const other = await store.loadStream(ticketId(1), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 1 })
    expect(other?.snapshot?.version).toBe(tagged.state.version)
    expect(other?.events[0]?.version).toBe(tagged.state.version + 1)
    expect(await store.loadStream(ticketId(2), { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })).toBeNull()
  })
})

describe('sqliteStore reads', () => {
  it('pages the log by afterId and filters by type, occurredAfter and workspace', async () => {
    const store = await openStore()
    await run(store, ticketId(1), create(ticketId(1)))
    await run(store, ticketId(2), create(ticketId(2), { workspaceId: WS_B }))
    await run(store, ticketId(1), { type: 'takeover', assigneeId: ALICE })
    const all = await store.readEvents({ limit: 1000 })
    expect(all.map((event) => event.ticketId)).toEqual([ticketId(1), ticketId(2), ticketId(1), ticketId(1), ticketId(1)])

    const pages: TicketEvent[] = []
    let afterId: string | undefined
    for (;;) {
      const page = await store.readEvents({ limit: 2, ...(afterId === undefined ? {} : { afterId }) })
      if (page.length === 0) break
      pages.push(...page)
      afterId = page.at(-1)?.id
    }
    expect(pages).toEqual(all)

    expect((await store.readEvents({ limit: 100, workspaceId: WS_B })).map((event) => event.ticketId)).toEqual([ticketId(2)])
    expect((await store.readEvents({ limit: 100, type: 'ticket:assigned' })).map((event) => event.type)).toEqual(['ticket:assigned'])
    const first = all[0] as TicketEvent
    const sameInstantOtherZone = new Date(Date.parse(first.occurredAt)).toISOString().replace('Z', '+00:00')
    const later = await store.readEvents({ limit: 100, occurredAfter: sameInstantOtherZone })
    expect(later.every((event) => event.occurredAt > first.occurredAt)).toBe(true)
    expect(await store.readEvents({ limit: 0 })).toEqual([])
  })

  it('refuses an afterId that is unknown or belongs to another workspace', async () => {
    const store = await openStore()
    const created = await run(store, ticketId(2), create(ticketId(2), { workspaceId: WS_B }))
    const foreign = created.events[0]?.id as string
    for (const query of [{ afterId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, { afterId: foreign, workspaceId: WS_A }]) {
      const error = await rejection(store.readEvents({ limit: 10, ...query }))
      expect(error.code).toBe('VALIDATION')
      expect(error.issues[0]?.path).toEqual(['afterId'])
    }
  })

  it('searches summaries literally and case-insensitively, wildcards included', async () => {
    const store = await openStore()
    const summaries = ['100% DONE', '100 percent done', 'snake_case Name', 'snakeXcase name', 'back\\slash', 'Ärger mit Über']
    for (const [index, summary] of summaries.entries()) await run(store, ticketId(index + 1), create(ticketId(index + 1), { summary }))
    const search = async (text: string) =>
      (await store.listTickets(listQuery({ search: text }))).map((ticket: Ticket) => ticket.summary).sort()
    expect(await search('0% d')).toEqual(['100% DONE'])
    expect(await search('E_C')).toEqual(['snake_case Name'])
    expect(await search('k\\s')).toEqual(['back\\slash'])
    expect(await search('über')).toEqual(['Ärger mit Über'])
    expect(await search("'; DROP TABLE tickets; --")).toEqual([])
    expect(await search('')).toHaveLength(summaries.length)
  })

  it('filters the projection by status, assignee, chat, tags and removal, newest first', async () => {
    const store = await openStore()
    await run(store, ticketId(1), create(ticketId(1), { tags: [TAG] }))
    await run(store, ticketId(2), create(ticketId(2), { assigneeId: ALICE, status: 'ongoing' }))
    await run(store, ticketId(3), create(ticketId(3)))
    await run(store, ticketId(3), { type: 'archive' })
    const ids = async (fields: Partial<ListTicketsQuery>) => (await store.listTickets(listQuery(fields))).map((ticket) => ticket.id)

    expect(await ids({})).toEqual([ticketId(2), ticketId(1)])
    expect(await ids({ includeRemoved: true })).toEqual([ticketId(3), ticketId(2), ticketId(1)])
    expect(await ids({ tagIds: [TAG] })).toEqual([ticketId(1)])
    expect(await ids({ assigneeIds: [ALICE] })).toEqual([ticketId(2)])
    expect(await ids({ status: 'ongoing' })).toEqual([ticketId(2)])
    expect(await ids({ chatIds: [WS_B] })).toEqual([])
    expect(await ids({ pageSize: 1, pageNumber: 2 })).toEqual([ticketId(1)])
    expect(await ids({ workspaceId: WS_B })).toEqual([])

    await run(store, ticketId(1), { type: 'untag', tagId: TAG })
    expect(await ids({ tagIds: [TAG] })).toEqual([])
  })
})
