/**
 * PostgreSQL store benchmarks, against the server in `TICKET_EVENTS_PG_URL` (default
 * `postgres://postgres@127.0.0.1:5432/test`): commands/s through the service next to raw
 * `pg` running the same statements for the same rows, and loading a 100,000-event ticket
 * with and without a snapshot; and 16 concurrent callers on a pool of 8 next to raw `pg` and
 * Emmett's PostgreSQL event store (see `postgres-concurrent.ts`). Each measurement uses its own schema, dropped afterwards.
 */
import pg from 'pg'
import type { AppendBatch } from 'ticket-events'
import { createIdFactory, createTicketService, replay, TICKET_SCHEMA_VERSION, type Ticket, type TicketEvent } from 'ticket-events'
import { postgresStore } from 'ticket-events/postgres'
import { postgresTables } from '../src/stores/postgres/postgres-schema.js'
import { postgresStatements } from '../src/stores/postgres/postgres-statements.js'
import { appendParameters } from '../src/stores/postgres/postgres-store.js'
import { buildStream } from './core.js'
import { benchPostgresConcurrent } from './postgres-concurrent.js'
import type { BenchRow, BenchSection } from './report.js'
import { benchTicketId, recording, runCommandMix } from './store-workload.js'
import { bestOfAsync } from './timing.js'

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/test'
const TICKETS = 50
const COMMANDS = 3_000
const LONG_STREAM = 100_000
const LOAD_TAIL = 50
/** Events per INSERT while bulk-loading the long ticket (8 parameters each, under the 65,535 limit). */
const BULK_CHUNK = 5_000

const schemaName = (what: string): string => `te_bench_${what}_${process.pid}`

/** `COMMANDS` commands round-robin over `TICKETS` tickets through the service, on one connection; seconds and batches. */
async function executeThroughService(url: string, schema: string): Promise<{ seconds: number; batches: AppendBatch[] }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 })
  const batches: AppendBatch[] = []
  const tickets = createTicketService({ store: recording(postgresStore({ pool, schema }), batches), ctx: { newId: createIdFactory() } })
  await tickets.load(benchTicketId(0)) // migrates before the clock starts
  const seconds = await runCommandMix(tickets, COMMANDS, TICKETS)
  await tickets.close()
  await pool.end()
  return { seconds, batches }
}

/**
 * The baseline: `pg` on its own, one connection, running the store's append statement
 * for the same batches, one transaction per command (BEGIN, the append, COMMIT), as text. It neither loads the ticket nor decides the command: the ratio shows
 * what the service's load, `handle` and validation cost on top of the writes.
 */
async function executeRaw(url: string, schema: string, batches: readonly AppendBatch[]): Promise<number> {
  const setup = postgresStore({ connectionString: url, schema })
  await setup.migrate()
  await setup.close()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const sql = postgresStatements(postgresTables(schema, 'ticket_'))
  const start = performance.now()
  for (const batch of batches) {
    await client.query('BEGIN')
    const [written] = (await client.query(sql.append, appendParameters(batch))).rows
    if (written?.written !== true) throw new Error('version mismatch in the raw baseline')
    await client.query('COMMIT')
  }
  const seconds = (performance.now() - start) / 1000
  await client.end()
  return seconds
}

/** Bulk-inserts one ticket of `LONG_STREAM` events (with a snapshot `LOAD_TAIL` events before the end when asked). */
async function storeLongTicket(
  client: pg.Client,
  schema: string,
  events: readonly TicketEvent[],
  state: Ticket,
  withSnapshot: boolean,
): Promise<void> {
  const store = postgresStore({ client, schema })
  await store.migrate()
  const sql = postgresStatements(postgresTables(schema, 'ticket_'))
  await client.query('BEGIN')
  for (let from = 0; from < events.length; from += BULK_CHUNK) {
    const chunk = events.slice(from, from + BULK_CHUNK)
    const params: unknown[] = []
    for (const event of chunk) {
      params.push(event.id, event.ticketId, event.workspaceId, event.version, event.type, event.occurredAt, JSON.stringify(event))
    }
    await client.query(sql.insertEvents(chunk.length), params)
  }
  await client.query(sql.insertProjection, projectionParams(state))
  if (withSnapshot) {
    const snapshot = replay(events.slice(0, LONG_STREAM - LOAD_TAIL)) as Ticket
    await client.query(
      `INSERT INTO ${postgresTables(schema, 'ticket_').qualified.snapshots} (ticket_id, schema_version, version, state) VALUES ($1, $2, $3, $4)`,
      [state.id, TICKET_SCHEMA_VERSION, snapshot.version, JSON.stringify(snapshot)],
    )
  }
  await client.query('COMMIT')
  await client.query(`ANALYZE ${postgresTables(schema, 'ticket_').qualified.events}`)
}

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return error instanceof Error ? error.message : String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

/** `execute` through the service vs. raw `pg`, and `load` of a 100,000-event ticket. */
export const benchPostgres: BenchSection = async () => {
  const url = process.env['TICKET_EVENTS_PG_URL'] || DEFAULT_URL
  const problem = await reachable(url)
  if (problem !== null) {
    return [{ name: `postgres: skipped, no server at ${url} (${problem}); set TICKET_EVENTS_PG_URL`, value: Number.NaN, unit: '' }]
  }
  const schemas = [
    schemaName('service'),
    schemaName('raw'),
    schemaName('long'),
    schemaName('long_snapshot'),
    schemaName('concurrent'),
    schemaName('concurrent_raw'),
    schemaName('concurrent_store'),
  ]
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  const dropAll = async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  }
  try {
    await dropAll()
    const service = await executeThroughService(url, schemas[0]!)
    const rawSeconds = await executeRaw(url, schemas[1]!, service.batches)
    const rows: BenchRow[] = [
      {
        name: `postgres execute, ${COMMANDS.toLocaleString('en-US')} commands over ${TICKETS} tickets (1 command / transaction, 1 connection)`,
        value: COMMANDS / service.seconds,
        unit: 'commands/s',
        baseline: { name: 'raw pg, same rows and statements, writes only', value: COMMANDS / rawSeconds },
        target: '>= 0.7x baseline',
      },
      ...(await benchPostgresConcurrent(url, admin, [schemas[4]!, schemas[5]!, schemas[6]!], schemaName('emmett'))),
    ]

    const { events, state } = buildStream(LONG_STREAM)
    for (const withSnapshot of [false, true]) {
      const schema = schemas[withSnapshot ? 3 : 2]!
      await storeLongTicket(admin, schema, events, state, withSnapshot)
      const pool = new pg.Pool({ connectionString: url, max: 1 })
      const tickets = createTicketService({ store: postgresStore({ pool, schema }) })
      const seconds = await bestOfAsync(3, async () => {
        const ticket = await tickets.load(state.id)
        if (ticket?.version !== LONG_STREAM) throw new Error('the long ticket did not load whole')
      })
      await tickets.close()
      await pool.end()
      rows.push({
        name: `postgres load, ${LONG_STREAM.toLocaleString('en-US')}-event ticket ${withSnapshot ? `from a snapshot + ${LOAD_TAIL} events` : 'without snapshots'}`,
        value: seconds * 1000,
        unit: 'ms',
      })
    }
    return rows
  } finally {
    await dropAll()
    await admin.end()
  }
}

/** The projection row's parameters, in the order of the store's projection statements. */
function projectionParams(state: Ticket): unknown[] {
  return [
    state.id,
    state.workspaceId,
    state.chatId,
    state.status,
    state.assigneeId,
    [...state.tags],
    state.summary?.toLowerCase() ?? null,
    state.archived,
    state.deleted,
    state.createdAt,
    state.updatedAt,
    state.version,
    JSON.stringify(state),
  ]
}
