/**
 * The audit trail: `audits()` of one ticket with 10,000 audits, per store — the whole trail
 * paged 1,000 at a time, and a page of 25 from near its end. Each store's figure stands
 * next to a baseline from the same run: for SQLite and PostgreSQL the raw driver reading
 * the same rows in the same order and parsing their JSON; for memory, the store's other
 * paged read, `events()`, over the same number of records.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import {
  type AppendBatch,
  type Audit,
  createIdFactory,
  createTicketService,
  type HandleResult,
  handle,
  type Ticket,
  type TicketService,
  type TicketStore,
} from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { postgresStore } from 'ticket-events/postgres'
import { sqliteStore } from 'ticket-events/sqlite'
import type { BenchRow, BenchSection } from './report.js'
import { benchTicketId } from './store-workload.js'
import { bestOfAsync } from './timing.js'

const AUDITS = 10_000
const PAGE = 1_000
const SMALL_PAGE = 25
const RUNS = 5
const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const USER = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'

/** One ticket's 10,000 batches: a create, then views by one user, a minute apart (one event and one audit each). */
function buildBatches(): AppendBatch[] {
  const id = benchTicketId(1)
  let time = Date.parse('2024-05-01T09:00:00.000Z')
  const ctx = { now: () => new Date(time), newId: createIdFactory() }
  const batches: AppendBatch[] = []
  let state: Ticket | null = null
  for (let n = 0; n < AUDITS; n++) {
    time += 60_000
    const result: HandleResult =
      state === null
        ? handle(
            null,
            {
              type: 'create',
              ticketId: id,
              workspaceId: WORKSPACE,
              chatId: CHAT,
              ticketingTeamId: null,
              assigneeId: null,
              status: 'pending',
            },
            ctx,
          )
        : handle(state, { type: 'markViewed', userId: USER }, ctx)
    batches.push({
      ticketId: id,
      workspaceId: WORKSPACE,
      expectedVersion: state?.version ?? 0,
      events: result.events,
      state: result.state,
      audit: result.audit,
    })
    state = result.state
  }
  return batches
}

/** Reads the whole trail through the service, `PAGE` at a time; returns how many audits came back. */
async function wholeTrail(tickets: TicketService, id: string): Promise<number> {
  let read = 0
  let afterId: string | undefined
  for (;;) {
    const { result } = await tickets.audits(id, { limit: PAGE, ...(afterId === undefined ? {} : { afterId }) })
    if (result.length === 0) break
    read += result.length
    afterId = (result.at(-1) as Audit).id
  }
  if (read !== AUDITS) throw new Error(`read ${read} audits, expected ${AUDITS}`)
  return read
}

/** The service's figures for one store holding the ticket: the whole trail, and a page of 25 after the 9,975th audit. */
async function measureService(store: TicketStore, batches: readonly AppendBatch[]) {
  await store.migrate()
  for (const batch of batches) await store.append(batch)
  const tickets = createTicketService({ store })
  const id = batches[0]?.ticketId as string
  const cursor = batches[AUDITS - SMALL_PAGE - 1]?.audit?.id as string
  await wholeTrail(tickets, id) // warm-up
  const wholeMs = (await bestOfAsync(RUNS, () => wholeTrail(tickets, id))) * 1000
  const lastPageMs = (await bestOfAsync(RUNS * 4, () => tickets.audits(id, { afterId: cursor, limit: SMALL_PAGE }))) * 1000
  const firstPageMs = (await bestOfAsync(RUNS * 4, () => tickets.audits(id, { limit: SMALL_PAGE }))) * 1000
  return { tickets, id, cursor, wholeMs, lastPageMs, firstPageMs }
}

function rows(
  store: string,
  figures: { wholeMs: number; lastPageMs: number; firstPageMs: number },
  baseline: { name: string; wholeMs: number },
): BenchRow[] {
  return [
    {
      name: `${store}: audits() of a ${AUDITS.toLocaleString('en-US')}-audit ticket, whole trail in pages of ${PAGE}`,
      value: figures.wholeMs,
      unit: 'ms',
      baseline: { name: baseline.name, value: baseline.wholeMs },
    },
    {
      name: `${store}: audits() page of ${SMALL_PAGE} after the ${(AUDITS - SMALL_PAGE).toLocaleString('en-US')}th audit`,
      value: figures.lastPageMs,
      unit: 'ms',
      baseline: { name: `the first page of ${SMALL_PAGE}`, value: figures.firstPageMs },
      target: 'flat: ~1x (the cursor is an index lookup)',
    },
  ]
}

async function benchMemory(batches: readonly AppendBatch[]): Promise<BenchRow[]> {
  const store = memoryStore()
  const figures = await measureService(store, batches)
  // The baseline: the same number of records paged through events() of the same store.
  const wholeEvents = async () => {
    let read = 0
    let afterId: string | undefined
    for (;;) {
      const { result } = await figures.tickets.events({ limit: PAGE, ...(afterId === undefined ? {} : { afterId }) })
      if (result.length === 0) break
      read += result.length
      afterId = result.at(-1)?.id
    }
    return read
  }
  await wholeEvents()
  const baselineMs = (await bestOfAsync(RUNS, wholeEvents)) * 1000
  await figures.tickets.close()
  return rows('memory', figures, { name: `events() of ${AUDITS.toLocaleString('en-US')} events, same pages`, wholeMs: baselineMs })
}

async function benchSqliteAudits(batches: readonly AppendBatch[]): Promise<BenchRow[]> {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bench-audits-'))
  try {
    const filename = join(directory, 'audits.db')
    const figures = await measureService(sqliteStore({ filename }), batches)
    await figures.tickets.close()
    // The baseline: better-sqlite3 reading the same rows in the same pages, parsing each record.
    const database = new Database(filename, { readonly: true })
    const page = database.prepare('SELECT version, record FROM ticket_audits WHERE ticket_id = ? AND version > ? ORDER BY version LIMIT ?')
    const raw = async () => {
      let after = 0
      let read = 0
      for (;;) {
        const found = page.all(figures.id, after, PAGE) as { version: number; record: string }[]
        if (found.length === 0) break
        for (const row of found) JSON.parse(row.record)
        read += found.length
        after = (found.at(-1) as { version: number }).version
      }
      return read
    }
    await raw()
    const baselineMs = (await bestOfAsync(RUNS, raw)) * 1000
    database.close()
    return rows('sqlite', figures, { name: 'better-sqlite3, same rows and pages', wholeMs: baselineMs })
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

async function benchPostgresAudits(batches: readonly AppendBatch[]): Promise<BenchRow[]> {
  const url = process.env['TICKET_EVENTS_PG_URL'] ?? DEFAULT_URL
  const schema = `te_bench_audits_${process.pid}`
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  try {
    const figures = await measureService(postgresStore({ pool, schema }), batches)
    // The baseline: pg on the same connection pool reading the same rows in the same pages.
    const raw = async () => {
      let after = 0
      let read = 0
      for (;;) {
        const { rows: found } = await pool.query<{ version: number; record: unknown }>(
          `SELECT version, record FROM "${schema}".ticket_audits WHERE ticket_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
          [figures.id, after, PAGE],
        )
        if (found.length === 0) break
        read += found.length
        after = (found.at(-1) as { version: number }).version
      }
      return read
    }
    await raw()
    const baselineMs = (await bestOfAsync(RUNS, raw)) * 1000
    return rows('postgres', figures, { name: 'pg, same rows and pages', wholeMs: baselineMs })
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await pool.end()
  }
}

/** `audits()` of a 10,000-audit ticket on every store. */
export const benchAudits: BenchSection = async () => {
  const batches = buildBatches()
  return [...(await benchMemory(batches)), ...(await benchSqliteAudits(batches)), ...(await benchPostgresAudits(batches))]
}
