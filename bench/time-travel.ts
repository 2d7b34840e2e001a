/**
 * `load(ticketId, { version })` at the middle of a 100,000-event ticket, on every store,
 * next to `load(ticketId)` of the same ticket in the same run. The ticket is written as
 * the service writes it: batches of `SNAPSHOT_EVERY` events, a snapshot after each. SQLite
 * keeps every snapshot, so the middle is a snapshot away; memory and PostgreSQL keep only
 * the newest, so the middle is folded from the first event.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createTicketService, replay, TICKET_SCHEMA_VERSION, type Ticket, type TicketStore } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { postgresStore } from 'ticket-events/postgres'
import { sqliteStore } from 'ticket-events/sqlite'
import { buildStream } from './core.js'
import type { BenchRow, BenchSection } from './report.js'
import { bestOfAsync } from './timing.js'

const LONG_STREAM = 100_000
const MIDDLE = LONG_STREAM / 2
/** The service's default `snapshotEvery`. */
const SNAPSHOT_EVERY = 100
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'

/** Appends the stream in batches of `SNAPSHOT_EVERY` events, each with the snapshot the service would write. */
async function writeLongTicket(store: TicketStore, stream: ReturnType<typeof buildStream>): Promise<string> {
  await store.migrate()
  let state: Ticket | null = null
  for (let from = 0; from < stream.events.length; from += SNAPSHOT_EVERY) {
    const events = stream.events.slice(from, from + SNAPSHOT_EVERY)
    const next = replay(events, state, { freeze: false }) as Ticket
    await store.append({
      ticketId: next.id,
      workspaceId: next.workspaceId,
      expectedVersion: from,
      events,
      state: next,
      audit: null,
      snapshot: { state: next, schemaVersion: TICKET_SCHEMA_VERSION },
    })
    state = next
  }
  return stream.state.id
}

/** The two loads on one store, best of five each. */
async function measure(name: string, store: TicketStore, stream: ReturnType<typeof buildStream>): Promise<BenchRow[]> {
  const id = await writeLongTicket(store, stream)
  const tickets = createTicketService({ store })
  const now = await bestOfAsync(5, async () => {
    if ((await tickets.load(id))?.version !== LONG_STREAM) throw new Error('the long ticket did not load whole')
  })
  const middle = await bestOfAsync(5, async () => {
    if ((await tickets.load(id, { version: MIDDLE }))?.version !== MIDDLE) throw new Error('the middle did not load')
  })
  await tickets.close()
  return [
    {
      name: `${name} load({ version: ${MIDDLE.toLocaleString('en-US')} }) of a ${LONG_STREAM.toLocaleString('en-US')}-event ticket`,
      value: middle * 1000,
      unit: 'ms',
      baseline: { name: 'load() of the same ticket now (newest snapshot)', value: now * 1000 },
    },
  ]
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

/** `load({ version })` at the middle of a 100,000-event ticket on memory, SQLite and PostgreSQL. */
export const benchTimeTravel: BenchSection = async () => {
  const stream = buildStream(LONG_STREAM)
  const rows: BenchRow[] = [...(await measure('memory', memoryStore(), stream))]

  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bench-time-travel-'))
  try {
    rows.push(...(await measure('sqlite', sqliteStore({ filename: join(directory, 'long.db') }), stream)))
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }

  const url = process.env['TICKET_EVENTS_PG_URL'] || DEFAULT_URL
  const problem = await reachable(url)
  if (problem !== null) {
    rows.push({ name: `postgres: skipped, no server at ${url} (${problem}); set TICKET_EVENTS_PG_URL`, value: Number.NaN, unit: '' })
    return rows
  }
  const schema = `te_bench_time_travel_${process.pid}`
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    rows.push(...(await measure('postgres', postgresStore({ pool, schema }), stream)))
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
  }
  return rows
}
