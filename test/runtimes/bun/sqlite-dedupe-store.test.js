// The idempotent webhook consumer on sqliteDedupeStore over Bun's built-in bun:sqlite,
// run by test/runtimes/runtimes.test.ts as `bun test`. bun:sqlite's get() answers null
// where better-sqlite3's answers undefined; each test here reads both "a row" and "no row".
import { Database } from 'bun:sqlite'
import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createIdempotentConsumer, sqliteDedupeStore } from '../../../.tmp/runtime-build/webhooks/index.js'

const HOUR = 60 * 60 * 1000
const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bun-dedupe-'))
const connections = []
let files = 0

afterAll(() => {
  for (const connection of connections) connection.close()
  rmSync(directory, { recursive: true, force: true })
})

/** A new database file; `connect()` opens another connection to it, as a second process would. */
function freshDatabase() {
  const filename = join(directory, `dedupe-${++files}.db`)
  const connect = () => {
    const database = new Database(filename)
    database.exec('PRAGMA journal_mode = WAL')
    database.exec('PRAGMA busy_timeout = 5000')
    connections.push(database)
    return database
  }
  return { connect }
}

const delivery = () => ({ eventId: crypto.randomUUID(), type: 'ticket:created' })

test('a repeated delivery runs the handler once and is reported as a duplicate', async () => {
  const seen = []
  const consumer = createIdempotentConsumer({
    store: sqliteDedupeStore({ database: freshDatabase().connect() }),
    handler: (payload) => {
      seen.push(payload.eventId)
    },
  })
  const first = delivery()
  expect(await consumer.consume(first)).toEqual({ status: 'processed' })
  expect(await consumer.consume(first)).toEqual({ status: 'duplicate' })
  const second = delivery()
  expect(await consumer.consume(second)).toEqual({ status: 'processed' })
  expect(seen).toEqual([first.eventId, second.eventId])
})

test('two consumers on separate connections to one file run a delivery once', async () => {
  const file = freshDatabase()
  const seen = []
  const handler = (payload) => {
    seen.push(payload.eventId)
  }
  const one = createIdempotentConsumer({ store: sqliteDedupeStore({ database: file.connect() }), handler })
  const other = createIdempotentConsumer({ store: sqliteDedupeStore({ database: file.connect() }), handler })
  const payload = delivery()
  expect(await one.consume(payload)).toEqual({ status: 'processed' })
  expect(await other.consume(payload)).toEqual({ status: 'duplicate' })
  expect(seen).toEqual([payload.eventId])
})

test('a delivery whose handler threw is released and runs again on retry', async () => {
  let attempts = 0
  const consumer = createIdempotentConsumer({
    store: sqliteDedupeStore({ database: freshDatabase().connect() }),
    handler: () => {
      attempts += 1
      if (attempts === 1) throw new Error('downstream unavailable')
    },
  })
  const payload = delivery()
  await expect(consumer.consume(payload)).rejects.toThrow('downstream unavailable')
  expect(await consumer.consume(payload)).toEqual({ status: 'processed' })
  expect(await consumer.consume(payload)).toEqual({ status: 'duplicate' })
  expect(attempts).toBe(2)
})

test('a claim reports in_flight to another claimant until completed, then processed', async () => {
  const store = sqliteDedupeStore({ database: freshDatabase().connect() })
  await store.migrate()
  const eventId = crypto.randomUUID()
  const now = Date.parse('2024-05-01T09:00:00.000Z')
  const claim = (token) => store.claim({ eventId, token, now, leaseUntil: now + HOUR })
  expect(await claim('first')).toBe('claimed')
  expect(await claim('second')).toBe('in_flight')
  await store.complete({ eventId, token: 'first', expiresAt: now + 48 * HOUR })
  expect(await claim('third')).toBe('processed')
})

test('after the window an id runs again, and prune deletes the expired ids', async () => {
  let time = Date.parse('2024-05-01T09:00:00.000Z')
  let runs = 0
  const consumer = createIdempotentConsumer({
    store: sqliteDedupeStore({ database: freshDatabase().connect() }),
    handler: () => {
      runs += 1
    },
    windowMs: HOUR,
    allowAnyWindow: true,
    now: () => new Date(time),
  })
  const payload = delivery()
  await consumer.consume(payload)
  time += 2 * HOUR
  expect(await consumer.consume(payload)).toEqual({ status: 'processed' })
  expect(runs).toBe(2)
  time += 2 * HOUR
  expect(await consumer.prune()).toBe(1)
})
