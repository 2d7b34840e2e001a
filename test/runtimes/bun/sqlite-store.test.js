// The SQLite ticket store on Bun's built-in bun:sqlite, run by
// test/runtimes/runtimes.test.ts as `bun test`. The store conformance suite runs through
// bun test's vitest compatibility, on a Database passed in and on one the store opens.
import { Database } from 'bun:sqlite'
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTicketService } from '../../../.tmp/runtime-build/index.js'
import { sqliteStore } from '../../../.tmp/runtime-build/sqlite/index.js'
import { describeStoreContract } from '../../../.tmp/runtime-build/testing/vitest/index.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bun-sqlite-'))
const connections = []
let files = 0
const freshFile = () => join(directory, `store-${++files}.db`)

afterAll(() => {
  for (const connection of connections) connection.close()
  rmSync(directory, { recursive: true, force: true })
})

describeStoreContract('bun:sqlite Database passed in', () => {
  const database = new Database(freshFile())
  database.exec('PRAGMA journal_mode = WAL')
  database.exec('PRAGMA foreign_keys = ON')
  connections.push(database)
  return sqliteStore({ database })
})

describeStoreContract('bun:sqlite opened by sqliteStore({ filename })', () => sqliteStore({ filename: freshFile() }))

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const create = (ticketId) => ({
  type: 'create',
  ticketId,
  workspaceId: WORKSPACE,
  chatId: crypto.randomUUID(),
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
})

test('sqliteStore({ filename }) opens the file with bun:sqlite in WAL mode, and a new store loads what it wrote', async () => {
  const filename = freshFile()
  const ticketId = crypto.randomUUID()
  const writer = createTicketService({ store: sqliteStore({ filename }) })
  const { state } = await writer.execute(ticketId, create(ticketId))
  await writer.close()

  const reader = createTicketService({ store: sqliteStore({ filename }) })
  expect(await reader.load(ticketId)).toEqual(state)
  expect(await reader.load(crypto.randomUUID())).toBeNull()
  await reader.close()

  const inspector = new Database(filename, { readonly: true })
  expect(inspector.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' })
  expect(inspector.prepare('SELECT count(*) AS events FROM ticket_events').get()).toEqual({ events: 1 })
  inspector.close()
})
