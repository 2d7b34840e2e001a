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

/**
 * Loads the ticket into `store`, then times the service reading the whole trail against
 * `baseline` reading the same records, in alternating rounds (best of each, so drift on a
 * shared machine hits both alike), and a page of 25 from near the end against the first page.
 */
async function measure(
  store: TicketStore,
  batches: readonly AppendBatch[],
  baseline: (tickets: TicketService, id: string) => Promise<number>,
  afterLoad?: () => Promise<unknown>,
) {
  await store.migrate()
  for (const batch of batches) await store.append(batch)
  await afterLoad?.()
  const tickets = createTicketService({ store })
  const id = batches[0]?.ticketId as string
  const cursor = batches[AUDITS - SMALL_PAGE - 1]?.audit?.id as string
  let wholeMs = Number.POSITIVE_INFINITY
  let baselineMs = Number.POSITIVE_INFINITY
  // The first round warms both paths up and is not counted.
  for (let round = 0; round <= RUNS; round++) {
    const service = (await bestOfAsync(1, () => wholeTrail(tickets, id))) * 1000
    const raw = (await bestOfAsync(1, () => baseline(tickets, id))) * 1000
    if (round === 0) continue
    wholeMs = Math.min(wholeMs, service)
    baselineMs = Math.min(baselineMs, raw)
  }
  let lastPageMs = Number.POSITIVE_INFINITY
  let firstPageMs = Number.POSITIVE_INFINITY
  for (let round = 0; round < RUNS * 4; round++) {
    lastPageMs = Math.min(lastPageMs, (await bestOfAsync(1, () => tickets.audits(id, { afterId: cursor, limit: SMALL_PAGE }))) * 1000)
    firstPageMs = Math.min(firstPageMs, (await bestOfAsync(1, () => tickets.audits(id, { limit: SMALL_PAGE }))) * 1000)
  }
  await tickets.close()
  return { wholeMs, baselineMs, lastPageMs, firstPageMs }
}

function rows(
  store: string,
  figures: { wholeMs: number; baselineMs: number; lastPageMs: number; firstPageMs: number },
  baselineName: string,
): BenchRow[] {
  return [
    {
      name: `${store}: audits() of a ${AUDITS.toLocaleString('en-US')}-audit ticket, whole trail in pages of ${PAGE}`,
      value: figures.wholeMs,
      unit: 'ms',
      baseline: { name: baselineName, value: figures.baselineMs },
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
  // The baseline: the same number of records paged through events() of the same store.
  const wholeEvents = async (tickets: TicketService) => {
    let read = 0
    let afterId: string | undefined
    for (;;) {
      const { result } = await tickets.events({ limit: PAGE, ...(afterId === undefined ? {} : { afterId }) })
      if (result.length === 0) break
      read += result.length
      afterId = result.at(-1)?.id
    }
    return read
  }
  const figures = await measure(memoryStore(), batches, wholeEvents)
  return rows('memory', figures, `events() of ${AUDITS.toLocaleString('en-US')} events, same pages`)
}

async function benchSqliteAudits(batches: readonly AppendBatch[]): Promise<BenchRow[]> {
  const directory = mkdtempSync(join(tmpdir(), 'ticket-events-bench-audits-'))
  const filename = join(directory, 'audits.db')
  let database: Database.Database | undefined
  try {
    // The baseline: better-sqlite3 reading the same rows in the same pages, parsing each record.
    const raw = async (_tickets: TicketService, id: string) => {
      database ??= new Database(filename, { readonly: true })
      const page = database.prepare(
        'SELECT version, record FROM ticket_audits WHERE ticket_id = ? AND version > ? ORDER BY version LIMIT ?',
      )
      let after = 0
      let read = 0
      for (;;) {
        const found = page.all(id, after, PAGE) as { version: number; record: string }[]
        if (found.length === 0) break
        for (const row of found) JSON.parse(row.record)
        read += found.length
        after = (found.at(-1) as { version: number }).version
      }
      return read
    }
    const figures = await measure(sqliteStore({ filename }), batches, raw)
    return rows('sqlite', figures, 'better-sqlite3, same rows and pages')
  } finally {
    database?.close()
    rmSync(directory, { recursive: true, force: true })
  }
}

async function benchPostgresAudits(batches: readonly AppendBatch[]): Promise<BenchRow[]> {
  const url = process.env['TICKET_EVENTS_PG_URL'] ?? DEFAULT_URL
  const schema = `te_bench_audits_${process.pid}`
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const rawClient = new pg.Client({ connectionString: url })
  await rawClient.connect()
  try {
    // The baseline: pg on a connection of its own reading the same rows in the same pages.
    const raw = async (_tickets: TicketService, id: string) => {
      let after = 0
      let read = 0
      for (;;) {
        const { rows: found } = await rawClient.query<{ version: number; record: unknown }>(
          `SELECT version, record FROM "${schema}".ticket_audits WHERE ticket_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
          [id, after, PAGE],
        )
        if (found.length === 0) break
        read += found.length
        after = (found.at(-1) as { version: number }).version
      }
      return read
    }
    // Statistics as autovacuum's ANALYZE leaves them after a bulk load, for both readers.
    const figures = await measure(postgresStore({ pool, schema }), batches, raw, () => pool.query(`ANALYZE "${schema}".ticket_audits`))
    return rows('postgres', figures, 'pg, same rows and pages')
  } finally {
    await rawClient.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
    await rawClient.end()
    await pool.end()
  }
}

/** `audits()` of a 10,000-audit ticket on every store. */
export const benchAudits: BenchSection = async () => {
  const batches = buildBatches()
  return [...(await benchMemory(batches)), ...(await benchSqliteAudits(batches)), ...(await benchPostgresAudits(batches))]
}
