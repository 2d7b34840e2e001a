/**
 * The store's backends terminated under load, as a failover or an administrator does it:
 * several `execute` loops run while another connection calls `pg_terminate_backend` on
 * the store's connections four times. The process must live, every error a caller sees
 * must be a `TicketError`, and afterwards every acknowledged command must be in the log
 * exactly once, with contiguous versions and projections equal to the replay.
 *
 * Only this test's connections are terminated: they carry a unique `application_name`.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type AppendBatch,
  type Command,
  isTicketError,
  type ListTicketsQuery,
  type ReadEventsQuery,
  replay,
  type TicketEvent,
  type TicketStore,
} from '../../src/index.js'
import { createTicketService, type TicketService } from '../../src/service/index.js'
import { type PostgresStoreOptions, postgresStore } from '../../src/stores/postgres/index.js'
import { connectTestServer, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'
import { faultApplicationName, terminateBackends, withApplicationName } from '../support/postgres-faults.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const AUTHOR = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/** Loops running commands at once; two share each ticket, so they also conflict. */
const LOOPS = 6
const TERMINATIONS = 4
/** Terminate after every this many acknowledged commands, and stop this many after the last. */
const COMMANDS_BETWEEN_TERMINATIONS = 40

type Mode = 'pool' | 'connectionString' | 'client'

/**
 * The store, counting what its calls throw by code (`untyped` for anything that is not a
 * `TicketError`): the service retries most of it, so callers never see it.
 */
function countingFailures(store: TicketStore, counts: Record<string, number>): TicketStore {
  const counted =
    <Args extends unknown[], Result>(call: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await call(...args)
      } catch (error) {
        const key = isTicketError(error) ? error.code : 'untyped'
        counts[key] = (counts[key] ?? 0) + 1
        throw error
      }
    }
  const { hasEvent, currentVersion } = store
  return {
    name: store.name,
    migrate: counted(() => store.migrate()),
    loadStream: counted((id: string, options: { readonly snapshotSchemaVersion: number }) => store.loadStream(id, options)),
    append: counted((batch: AppendBatch) => store.append(batch)),
    readEvents: counted((query: ReadEventsQuery) => store.readEvents(query)),
    listTickets: counted((query: ListTicketsQuery) => store.listTickets(query)),
    findCommand: counted((id: string, commandId: string, notBefore: string) => store.findCommand(id, commandId, notBefore)),
    ...(currentVersion === undefined ? {} : { currentVersion: counted((id: string) => currentVersion.call(store, id)) }),
    ...(hasEvent === undefined ? {} : { hasEvent: counted((eventId: string) => hasEvent.call(store, eventId)) }),
    close: () => store.close(),
  }
}

/** One store and the service over it; in `client` mode a lost client is replaced by a new one. */
interface Connection {
  readonly generation: number
  readonly tickets: TicketService
  close(): Promise<void>
}

interface Figures {
  mode: Mode
  attempted: number
  acknowledged: number
  terminations: number
  backendsTerminated: number
  reconnects: number
  /** What callers saw. */
  errors: Record<string, number>
  /** What the store threw, most of it retried by the service. */
  storeErrors: Record<string, number>
  seconds: number
}

const create: Command = {
  type: 'create',
  workspaceId: WORKSPACE,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
}

describe.skipIf(PG_URL === undefined)(
  `postgres store under terminated backends${PG_URL === undefined ? ` (skipped: ${NO_SERVER_REASON})` : ''}`,
  () => {
    let admin: pg.Pool
    const schemas: string[] = []
    const figures: Figures[] = []

    beforeAll(async () => {
      admin = await connectTestServer(PG_URL as string)
    })

    afterAll(async () => {
      for (const schema of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin?.end()
      for (const run of figures) console.info(`postgres faults: ${JSON.stringify(run)}`)
    })

    /** Opens the store in `mode`, every connection tagged `applicationName`. */
    async function connect(
      mode: Mode,
      schema: string,
      applicationName: string,
      generation: number,
      storeErrors: Record<string, number>,
    ): Promise<Connection> {
      const url = withApplicationName(PG_URL as string, applicationName)
      let options: PostgresStoreOptions
      let release: () => Promise<void>
      if (mode === 'connectionString') {
        options = { connectionString: url, maxConnections: 4, schema }
        release = async () => {}
      } else if (mode === 'pool') {
        const pool = new pg.Pool({ connectionString: url, max: 4 })
        // The caller owns this pool: node-postgres needs a listener for its idle connections' errors.
        pool.on('error', () => {})
        options = { pool, schema }
        release = () => pool.end()
      } else {
        const client = new pg.Client({ connectionString: url })
        // The caller owns this client too; the store listens only while it holds it.
        client.on('error', () => {})
        await client.connect()
        options = { client, schema }
        release = () => client.end().catch(() => {})
      }
      const tickets = createTicketService({ store: countingFailures(postgresStore(options), storeErrors) })
      return {
        generation,
        tickets,
        async close() {
          await tickets.close()
          await release()
        },
      }
    }

    /** Pages the whole log through a store that bypasses the faults. */
    async function wholeLog(tickets: TicketService): Promise<TicketEvent[]> {
      const log: TicketEvent[] = []
      for (;;) {
        const after = log.at(-1)?.id
        const { result } = await tickets.events({ limit: 1000, ...(after === undefined ? {} : { afterId: after }) })
        if (result.length === 0) return log
        log.push(...result)
      }
    }

    it.each<Mode>(['pool', 'connectionString', 'client'])(
      '%s mode: the process lives, callers see TicketErrors only, acknowledged commands are stored once',
      async (mode) => {
        const started = performance.now()
        const schema = freshSchemaName()
        schemas.push(schema)
        const applicationName = faultApplicationName(mode)
        const uncaught: unknown[] = []
        const onUncaught = (error: unknown) => uncaught.push(error)
        process.on('uncaughtException', onUncaught)

        const storeErrors: Record<string, number> = {}
        let connection = await connect(mode, schema, applicationName, 0, storeErrors)
        // Lost connections are closed at the end: other loops may still be inside a call on them.
        const lostConnections: Connection[] = []
        let reconnecting: Promise<void> | undefined
        let reconnects = 0
        /** A caller's recovery from a lost client: a new client and a new store, once per loss. */
        const reconnect = (lostGeneration: number): Promise<void> => {
          if (connection.generation !== lostGeneration) return reconnecting ?? Promise.resolve()
          reconnecting ??= (async () => {
            lostConnections.push(connection)
            connection = await connect(mode, schema, applicationName, lostGeneration + 1, storeErrors)
            reconnects++
            reconnecting = undefined
          })()
          return reconnecting
        }

        const ticketIds = Array.from({ length: LOOPS / 2 }, () => crypto.randomUUID())
        for (const ticketId of ticketIds) await connection.tickets.execute(ticketId, create)

        const acknowledged = new Map<string, number>() // comment body → times acknowledged
        const unsettled = new Set<string>() // failed without a commandId: stored at most once
        const errors: unknown[] = []
        let attempted = 0
        let stop = false
        const target = COMMANDS_BETWEEN_TERMINATIONS * (TERMINATIONS + 1)
        const total = () => [...acknowledged.values()].reduce((sum, times) => sum + times, 0)

        const loop = async (index: number): Promise<void> => {
          const ticketId = ticketIds[index % ticketIds.length] as string
          // Odd loops pass a commandId and retry a failed command with it, as the docs advise.
          const withCommandId = index % 2 === 1
          for (let n = 0; !stop; n++) {
            const body = `loop ${index} command ${n}`
            const command: Command = {
              type: 'addComment',
              body,
              public: true,
              authorId: AUTHOR,
              ...(withCommandId ? { meta: { commandId: `loop-${index}-${n}` } } : {}),
            }
            for (;;) {
              const current = connection
              attempted++
              try {
                await current.tickets.execute(ticketId, command)
                acknowledged.set(body, (acknowledged.get(body) ?? 0) + 1)
                break
              } catch (error) {
                errors.push(error)
                if (isTicketError(error) && error.code === 'UNAVAILABLE' && !error.retryable) await reconnect(current.generation)
                if (!withCommandId) {
                  unsettled.add(body)
                  break
                }
              }
            }
          }
        }

        let terminations = 0
        let backendsTerminated = 0
        const terminator = async (): Promise<void> => {
          while (terminations < TERMINATIONS) {
            while (total() < COMMANDS_BETWEEN_TERMINATIONS * (terminations + 1)) await new Promise((resolve) => setTimeout(resolve, 5))
            const killed = await terminateBackends(admin, applicationName)
            // A moment with no backend (a client being replaced) does not count; try again.
            if (killed === 0) continue
            backendsTerminated += killed
            terminations++
          }
          while (total() < target) await new Promise((resolve) => setTimeout(resolve, 5))
          stop = true
        }

        await Promise.all([terminator(), ...Array.from({ length: LOOPS }, (_, index) => loop(index))])
        for (const opened of [...lostConnections, connection]) await opened.close()
        process.off('uncaughtException', onUncaught)

        // The process lived: nothing escaped as an uncaught exception (an unheard 'error' event would).
        expect(uncaught).toEqual([])
        expect(terminations).toBe(TERMINATIONS)
        // Every error a caller saw is typed; in client mode it is a lost connection no retry can cure.
        for (const error of errors) {
          expect(isTicketError(error), String(error)).toBe(true)
          if (mode === 'client') expect(error).toMatchObject({ code: 'UNAVAILABLE', retryable: false })
        }
        if (mode === 'client') expect(reconnects).toBeGreaterThanOrEqual(1)
        // The terminations hit work in flight (six loops share at most four connections),
        // and the store typed every failure.
        expect(storeErrors['UNAVAILABLE']).toBeGreaterThan(0)
        expect(storeErrors['untyped']).toBeUndefined()

        const reader = createTicketService({ store: postgresStore({ pool: admin, schema }) })
        const log = await wholeLog(reader)
        const stored = new Map<string, number>()
        for (const ticketId of ticketIds) {
          const stream = log.filter((event) => event.ticketId === ticketId)
          expect(stream.map((event) => event.version)).toEqual(stream.map((_, index) => index + 1))
          const ticket = await reader.load(ticketId)
          expect(ticket).toEqual(replay(stream))
          for (const { body } of Object.values(ticket?.comments ?? {})) stored.set(body, (stored.get(body) ?? 0) + 1)
        }
        const listed = await reader.list({ workspaceId: WORKSPACE, pageSize: 100 })
        for (const ticket of listed.result) expect(ticket).toEqual(await reader.load(ticket.id))
        expect(listed.result).toHaveLength(ticketIds.length)

        for (const [body, times] of acknowledged) {
          expect(times, body).toBe(1)
          expect(stored.get(body), body).toBe(1)
        }
        for (const body of unsettled) expect(stored.get(body) ?? 0, body).toBeLessThanOrEqual(1)
        for (const body of stored.keys()) expect(acknowledged.has(body) || unsettled.has(body), body).toBe(true)

        const byCode: Record<string, number> = {}
        for (const error of errors) {
          const key = isTicketError(error) ? `${error.code}${error.retryable ? '' : ' (not retryable)'}` : 'untyped'
          byCode[key] = (byCode[key] ?? 0) + 1
        }
        figures.push({
          mode,
          attempted,
          acknowledged: total(),
          terminations,
          backendsTerminated,
          reconnects,
          errors: byCode,
          storeErrors,
          seconds: Math.round((performance.now() - started) / 100) / 10,
        })
      },
      60_000,
    )
  },
)
