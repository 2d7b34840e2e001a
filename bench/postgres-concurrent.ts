/**
 * The PostgreSQL store under concurrency: `CALLERS` callers at once, each on its own
 * tickets, sharing one `pg.Pool({ max: POOL_SIZE })`, through the service and
 * `postgresStore({ pool })`. In the same run, two baselines on the same pool size and
 * callers:
 *
 * - raw `pg`, per command that appended: `BEGIN; INSERT` the same events into a table
 *   like the store's log; `UPDATE` one version row; `COMMIT` — four round trips, text
 *   queries, the least a hand-written event store with an optimistic check does;
 * - Emmett's PostgreSQL event store (`@event-driven-io/emmett-postgresql`) running the
 *   same commands through its `CommandHandler` (decide/evolve as in `emmett.ts`), in a
 *   database of its own.
 *
 * Every figure is commands/s for the same workload: the baselines' wall time is for the
 * same commands (raw only writes the appends the service run produced).
 */
import { CommandHandler } from '@event-driven-io/emmett'
import { getPostgreSQLEventStore } from '@event-driven-io/emmett-postgresql'
import pg from 'pg'
import type { AppendBatch, Ticket, TicketService } from 'ticket-events'
import { createIdFactory, createTicketService } from 'ticket-events'
import { postgresStore } from 'ticket-events/postgres'
import { postgresTables } from '../src/stores/postgres/postgres-schema.js'
import { createCommand, nextCommand } from './command-mix.js'
import { type TicketEmmettEvent as EmmettTicketEvent, decide as emmettDecide, evolve as emmettEvolve } from './emmett.js'
import type { BenchRow } from './report.js'
import { benchTicketId, recording } from './store-workload.js'

const CALLERS = 16
const POOL_SIZE = 8
const TICKETS_PER_CALLER = 4
const COMMANDS_PER_CALLER = 250
const COMMANDS = CALLERS * COMMANDS_PER_CALLER
/** Commands per caller of the untimed warm-up before a measured run (on other tickets), so the JIT has compiled the path. */
const WARM_UP_PER_CALLER = 50
/** Where the warm-up's tickets start, past the measured ones. */
const WARM_UP_TICKETS = 10_000
/** Rounds of the service, raw `pg` and the store alone, taking turns, then of Emmett; each path's fastest round is kept. */
const ROUNDS = 6

/** The tickets of caller `caller` (from ticket number `first`). */
const ticketsOf = (caller: number, first = 0): string[] =>
  Array.from({ length: TICKETS_PER_CALLER }, (_, index) => benchTicketId(first + caller * TICKETS_PER_CALLER + index))

type Execute = (ticketId: string, command: ReturnType<typeof nextCommand>) => Promise<Ticket>

/** A measured run: wall seconds, and the CPU this process spent (user + system) in µs. */
interface Measured {
  readonly seconds: number
  readonly cpuMicros: number
}

/**
 * Times `work`, and counts the CPU this Node process spent on it: with the server on the
 * same two cores, the client's CPU per command is what the callers' throughput hangs on.
 */
async function measured(work: () => Promise<unknown>): Promise<Measured> {
  const cpu = process.cpuUsage()
  const start = performance.now()
  await work()
  const seconds = (performance.now() - start) / 1000
  const used = process.cpuUsage(cpu)
  return { seconds, cpuMicros: used.user + used.system }
}

/** An untimed run of `WARM_UP_PER_CALLER` commands per caller on tickets of their own. */
const warmUp = (execute: Execute): Promise<Measured> => runCallers(execute, WARM_UP_PER_CALLER, WARM_UP_TICKETS)

/** Runs `CALLERS` callers at once, each `commands` commands of the mix round-robin over its tickets. */
function runCallers(execute: Execute, commands = COMMANDS_PER_CALLER, firstTicket = 0): Promise<Measured> {
  return measured(() =>
    Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        const tickets = ticketsOf(caller, firstTicket)
        const states = new Map<string, Ticket>()
        for (let step = 0; step < commands; step++) {
          const id = tickets[step % tickets.length]!
          const state = states.get(id)
          const command = state === undefined ? createCommand : nextCommand(state, step)
          states.set(id, await execute(id, command))
        }
      }),
    ),
  )
}

/** The service over `postgresStore({ pool })`: the measured run and the batches it appended. */
async function runService(url: string, schema: string): Promise<Measured & { batches: AppendBatch[] }> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE })
  const batches: AppendBatch[] = []
  const tickets: TicketService = createTicketService({
    store: recording(postgresStore({ pool, schema }), batches),
    ctx: { newId: createIdFactory() },
  })
  await tickets.load(benchTicketId(0)) // migrates before the clock starts
  const execute: Execute = async (id, command) => (await tickets.execute(id, command)).state
  await warmUp(execute)
  batches.length = 0
  const run = await runCallers(execute)
  await tickets.close()
  await pool.end()
  return { ...run, batches }
}

/**
 * Baseline A: `pg` alone, the same callers and pool, for each batch the service run
 * appended: BEGIN; INSERT its events (one multi-row INSERT into the store's own log
 * table, so the same indexes); UPDATE the ticket's version row, checked; COMMIT.
 */
async function runRaw(url: string, schema: string, batches: readonly AppendBatch[]): Promise<Measured> {
  const setup = postgresStore({ connectionString: url, schema })
  await setup.migrate()
  await setup.close()
  const events = postgresTables(schema, 'ticket_').qualified.events
  const versions = `"${schema}"."raw_versions"`
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE })
  await pool.query(`CREATE TABLE ${versions} (ticket_id uuid PRIMARY KEY, version integer NOT NULL)`)
  const perCaller = Array.from({ length: CALLERS }, (_, caller) => {
    const mine = new Set(ticketsOf(caller))
    return batches.filter((batch) => mine.has(batch.ticketId))
  })
  await pool.query(`INSERT INTO ${versions} SELECT unnest($1::uuid[]), 0`, [perCaller.flatMap((_, caller) => ticketsOf(caller))])
  const run = await measured(() =>
    Promise.all(
      perCaller.map(async (mine) => {
        for (const batch of mine) {
          const client = await pool.connect()
          try {
            await client.query('BEGIN')
            const params: unknown[] = []
            const tuples: string[] = []
            for (const event of batch.events) {
              const base = params.length
              tuples.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7})`)
              params.push(event.id, event.ticketId, event.workspaceId, event.version, event.type, event.occurredAt, JSON.stringify(event))
            }
            await client.query(
              `INSERT INTO ${events} (id, ticket_id, workspace_id, version, type, occurred_at, event) VALUES ${tuples.join(', ')}`,
              params,
            )
            const updated = await client.query(`UPDATE ${versions} SET version = $2 WHERE ticket_id = $1 AND version = $3`, [
              batch.ticketId,
              batch.state.version,
              batch.expectedVersion,
            ])
            if (updated.rowCount !== 1) throw new Error('version mismatch in the raw baseline')
            await client.query('COMMIT')
          } finally {
            client.release()
          }
        }
      }),
    ),
  )
  await pool.end()
  return run
}

/**
 * The store on its own: `postgresStore({ pool }).append` of the batches the service run
 * appended, the same callers and pool — what the service's load-free path costs the
 * store, next to baseline A.
 */
async function runStoreAppends(url: string, schema: string, batches: readonly AppendBatch[]): Promise<Measured> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE })
  const store = postgresStore({ pool, schema })
  await store.migrate()
  const perCaller = Array.from({ length: CALLERS }, (_, caller) => {
    const mine = new Set(ticketsOf(caller))
    return batches.filter((batch) => mine.has(batch.ticketId))
  })
  const run = await measured(() =>
    Promise.all(
      perCaller.map(async (mine) => {
        for (const batch of mine) await store.append(batch)
      }),
    ),
  )
  await store.close()
  await pool.end()
  return run
}

const emmettHandle = CommandHandler<Ticket | null, EmmettTicketEvent>({ evolve: emmettEvolve, initialState: () => null })

/** Baseline B: Emmett's PostgreSQL event store in a database of its own (its tables live in `public`). */
async function runEmmett(url: string, admin: pg.Client, database: string): Promise<Measured> {
  await admin.query(`DROP DATABASE IF EXISTS "${database}"`)
  await admin.query(`CREATE DATABASE "${database}"`)
  const databaseUrl = new URL(url)
  databaseUrl.pathname = `/${database}`
  const pool = new pg.Pool({ connectionString: databaseUrl.toString(), max: POOL_SIZE })
  // DROP DATABASE … WITH (FORCE) ends whatever connection Emmett left open.
  pool.on('error', () => {})
  const store = getPostgreSQLEventStore(databaseUrl.toString(), { connectionOptions: { pool } })
  try {
    await store.schema.migrate()
    const execute: Execute = async (id, command) => {
      const { newState } = await emmettHandle(store, id, (current) => emmettDecide(command, current))
      if (newState === null) throw new Error('Emmett lost the ticket')
      return newState
    }
    await warmUp(execute)
    return await runCallers(execute)
  } finally {
    await store.close()
    await pool.end().catch(() => {})
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
  }
}

/** The fastest of `runs` (the least wall time), with the CPU that run spent. */
const fastest = (runs: readonly Measured[]): Measured => runs.reduce((best, run) => (run.seconds < best.seconds ? run : best))

/**
 * The rows of the concurrent PostgreSQL bench; `schemas` are three fresh schema names, `database` a fresh database name.
 *
 * The service, raw `pg` and the store alone run `ROUNDS` times, taking turns, and each
 * keeps its fastest round: a path's first rounds still run partly unoptimized (the
 * client's CPU per command fell by 40–50 % over the first four rounds here, for each
 * path), and the order alternates so that no path always runs first. The raw and
 * store-alone runs write the batches of the latest service run. Emmett's rounds run after
 * them: each ends with a `DROP DATABASE … WITH (FORCE)`, whose checkpoint slowed the path
 * after it by about 10 %.
 */
export async function benchPostgresConcurrent(
  url: string,
  admin: pg.Client,
  schemas: readonly [string, string, string],
  database: string,
): Promise<BenchRow[]> {
  const runs = { service: [] as Measured[], raw: [] as Measured[], store: [] as Measured[], emmett: [] as Measured[] }
  let batches: AppendBatch[] = []
  const dropSchemas = async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
  }
  const runRawAndStore = async () => {
    runs.raw.push(await runRaw(url, schemas[1], batches))
    runs.store.push(await runStoreAppends(url, schemas[2], batches))
  }
  for (let round = 0; round < ROUNDS; round++) {
    await dropSchemas()
    if (round % 2 === 1) await runRawAndStore()
    const service = await runService(url, schemas[0])
    runs.service.push(service)
    batches = service.batches
    if (round % 2 === 0) await runRawAndStore()
  }
  for (let round = 0; round < ROUNDS; round++) runs.emmett.push(await runEmmett(url, admin, database))
  const service = { ...fastest(runs.service), batches }
  const raw = fastest(runs.raw)
  const store = fastest(runs.store)
  const emmett = fastest(runs.emmett)
  const cpuPerCommand = (run: Measured) => run.cpuMicros / COMMANDS
  const rawCpu = { name: 'the raw pg baseline', value: cpuPerCommand(raw) }
  const name = `postgres execute, ${CALLERS} concurrent callers on their own tickets, pool ${POOL_SIZE}, ${COMMANDS.toLocaleString('en-US')} commands (${service.batches.length.toLocaleString('en-US')} appends)`
  const value = COMMANDS / service.seconds
  return [
    {
      name,
      value,
      unit: 'commands/s',
      baseline: { name: 'raw pg: BEGIN; INSERT the same events; UPDATE a version row; COMMIT', value: COMMANDS / raw.seconds },
      target: '>= 1.0x baseline',
    },
    {
      name: `postgresStore.append alone, the same ${service.batches.length.toLocaleString('en-US')} batches, callers and pool (no service)`,
      value: COMMANDS / store.seconds,
      unit: 'commands/s',
      baseline: { name: 'the same raw pg baseline', value: COMMANDS / raw.seconds },
      target: "(the store's share)",
    },
    // Lower is better here: the ratio says how many times the raw loop's CPU a path spends.
    {
      name: 'Node CPU per command (user + system), service execute',
      value: cpuPerCommand(service),
      unit: 'µs',
      baseline: rawCpu,
      target: '(where the time goes; lower is better)',
    },
    {
      name: 'Node CPU per command (user + system), postgresStore.append alone',
      value: cpuPerCommand(store),
      unit: 'µs',
      baseline: rawCpu,
      target: '(where the time goes; lower is better)',
    },
    {
      name,
      value,
      unit: 'commands/s',
      baseline: { name: "Emmett 0.42's PostgreSQL event store, CommandHandler, same callers and pool", value: COMMANDS / emmett.seconds },
      target: '>= 2x baseline',
    },
  ]
}
