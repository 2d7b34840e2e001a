/**
 * Many writers, one reader, a real PostgreSQL server: nothing lost, nothing duplicated,
 * and a reader tailing the log with `afterId` sees every event exactly once, in order.
 */
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, replay, TICKET_SCHEMA_VERSION, type TicketEvent } from '../../src/index.js'
import { createTicketService, type TicketService } from '../../src/service/index.js'
import {
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
  type PostgresTicketStore,
  postgresStore,
} from '../../src/stores/postgres/index.js'
import { seededRandom } from '../../src/testing/index.js'
import { connectTestServer, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const uuid = (group: number, n: number): string =>
  `${group.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`
const ticketId = (n: number) => uuid(0x7, n)
const tagId = (n: number) => uuid(0x9, n)
const userId = (n: number) => uuid(0x3, n)

const WRITERS = 16
const COMMANDS = 4000
const HOT_TICKETS = 20

const createCommand = (summary: string): Command => ({
  type: 'create',
  workspaceId: WORKSPACE,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary,
})

/** A command valid on any pending or ongoing ticket, chosen by a seeded random number. */
function commandFor(random: () => number, writer: number, n: number): Command {
  const pick = (count: number) => Math.floor(random() * count)
  switch (pick(5)) {
    case 0:
      return { type: 'tag', tagId: tagId(pick(6)) }
    case 1:
      return { type: 'untag', tagId: tagId(pick(6)) }
    case 2:
      return { type: 'assign', assigneeId: pick(4) === 0 ? null : userId(pick(5)) }
    case 3:
      return { type: 'update', priority: (['low', 'normal', 'high', 'urgent'] as const)[pick(4)]!, summary: `writer ${writer} #${n}` }
    default:
      return { type: 'addComment', body: `comment ${n} by writer ${writer}`, public: pick(2) === 0, authorId: userId(pick(5)) }
  }
}

/**
 * Pages through the log with `afterId` until it holds `count` events. Waits when a page
 * comes back empty: a transaction in flight anywhere on the server (another test file's,
 * say) holds the visible end of the log back until it ends.
 */
async function readLog(tickets: TicketService, count: number, afterId?: string): Promise<TicketEvent[]> {
  const events: TicketEvent[] = []
  const deadline = Date.now() + 30_000
  while (events.length < count && Date.now() < deadline) {
    const cursor = events.at(-1)?.id ?? afterId
    const page = (await tickets.events({ limit: 1000, ...(cursor ? { afterId: cursor } : {}) })).result
    events.push(...page)
    if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 20))
  }
  // One more read: anything past `count` is a duplicate or a stray, and the test should see it.
  const cursor = events.at(-1)?.id ?? afterId
  events.push(...(await tickets.events({ limit: 1000, ...(cursor ? { afterId: cursor } : {}) })).result)
  return events
}

/**
 * A real pool whose connections hold `COMMIT` until `release()` is called: a way to keep
 * one append's transaction open, in the middle of the store's own code, on a real server.
 */
function poolHoldingCommit(pool: pg.Pool): { pool: PostgresPool; arm: () => void; reachedCommit: Promise<void>; release: () => void } {
  let armed = false
  let reached!: () => void
  let release!: () => void
  const reachedCommit = new Promise<void>((resolve) => {
    reached = resolve
  })
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  const holding: PostgresPool = {
    query: (text, params) => pool.query(text, params),
    end: () => pool.end(),
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect()
      return {
        async query(text: string, params?: unknown[]): Promise<PostgresQueryResult> {
          if (armed && text === 'COMMIT') {
            reached()
            await released
          }
          return client.query(text, params)
        },
        release: (destroy) => client.release(destroy),
      }
    },
  }
  return {
    pool: holding,
    arm: () => {
      armed = true
    },
    reachedCommit,
    release,
  }
}

describe.skipIf(PG_URL === undefined)(
  `postgres under concurrent writers${PG_URL === undefined ? ` (skipped: ${NO_SERVER_REASON})` : ''}`,
  () => {
    const url = PG_URL ?? ''
    const pools: pg.Pool[] = []
    const schemas: string[] = []
    let admin: pg.Pool

    /** A store on its own pool (its own connections), as a separate process would have. */
    async function ownStore(schema: string, max = 1): Promise<PostgresTicketStore> {
      const pool = await connectTestServer(url, max)
      pools.push(pool)
      return postgresStore({ pool, schema })
    }

    beforeAll(async () => {
      admin = await connectTestServer(url)
    })
    afterAll(async () => {
      for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      for (const pool of pools) await pool.end()
      await admin.end()
    })

    it(`keeps ${COMMANDS} commands from ${WRITERS} writers over ${HOT_TICKETS} hot tickets exact, and a tailing reader sees each event once, in order`, async () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      const setup = createTicketService({ store: await ownStore(schema) })
      const written: TicketEvent[] = []
      for (let n = 0; n < HOT_TICKETS; n++) written.push(...(await setup.execute(ticketId(n), createCommand(`hot ticket ${n}`))).events)

      const writers = await Promise.all(
        Array.from({ length: WRITERS }, async () => createTicketService({ store: await ownStore(schema), maxRetries: 200 })),
      )
      const readerStore = await ownStore(schema)
      const reader = createTicketService({ store: readerStore })

      // The reader tails the log while the writers run, until it has seen as many events
      // as the writers stored (known once they finish).
      let expected = Number.POSITIVE_INFINITY
      const seen: TicketEvent[] = []
      const tail = (async () => {
        const deadline = Date.now() + 90_000
        while (seen.length < expected && Date.now() < deadline) {
          const afterId = seen.at(-1)?.id
          const page = (await reader.events({ limit: 200, ...(afterId ? { afterId } : {}) })).result
          seen.push(...page)
          if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 5))
        }
      })()

      const perWriter = COMMANDS / WRITERS
      const results = await Promise.all(
        writers.map(async (tickets, writer) => {
          const random = seededRandom(writer + 1)
          const events: TicketEvent[] = []
          for (let n = 0; n < perWriter; n++) {
            const target = ticketId(Math.floor(random() * HOT_TICKETS))
            events.push(...(await tickets.execute(target, commandFor(random, writer, n))).events)
          }
          return events
        }),
      )
      for (const events of results) written.push(...events)
      expected = written.length
      await tail

      const log = await readLog(reader, written.length)
      // Nothing lost, nothing duplicated: the log holds exactly the events the writers were told were stored.
      expect(new Set(log.map((event) => event.id)).size).toBe(log.length)
      expect(log.map((event) => event.id).sort()).toEqual(written.map((event) => event.id).sort())
      // The tailing reader saw every event exactly once, in the store's order.
      expect(seen.map((event) => event.id)).toEqual(log.map((event) => event.id))

      for (let n = 0; n < HOT_TICKETS; n++) {
        const stream = log.filter((event) => event.ticketId === ticketId(n))
        expect(stream.map((event) => event.version).sort((a, b) => a - b)).toEqual(stream.map((_, index) => index + 1))
      }
      // Every projection row equals the replay of its stream.
      const listed = (await reader.list({ workspaceId: WORKSPACE, includeRemoved: true, pageSize: 100 })).result
      expect(listed).toHaveLength(HOT_TICKETS)
      for (const ticket of listed) {
        // A snapshot version no snapshot was written under: the whole stream, from event 1.
        const stream = await readerStore.loadStream(ticket.id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION + 1000 })
        expect(ticket).toEqual(replay(stream?.events ?? []))
      }
    })

    it('does not skip an earlier event that commits after a later one became visible (the 7-and-8 race)', async () => {
      const schema = freshSchemaName()
      schemas.push(schema)
      const reader = createTicketService({ store: await ownStore(schema) })
      const other = createTicketService({ store: await ownStore(schema) })
      await other.execute(ticketId(1), createCommand('held'))
      const cursor = (await other.execute(ticketId(2), createCommand('quick'))).events.at(-1)!.id

      const holdingPool = await connectTestServer(url, 1)
      pools.push(holdingPool)
      const holding = poolHoldingCommit(holdingPool)
      const slow = createTicketService({ store: postgresStore({ pool: holding.pool, schema }) })
      await slow.load(ticketId(1)) // migrates (a transaction of its own) before COMMIT is held
      holding.arm()
      // Writer A takes the lower positions and stops right before COMMIT…
      const held = slow.execute(ticketId(1), { type: 'tag', tagId: tagId(1) })
      await holding.reachedCommit
      // …while writer B takes the next positions and commits first.
      const quick = await other.execute(ticketId(2), { type: 'tag', tagId: tagId(2) })

      // A reader that trusted positions alone would now see B's events and move past A's for good.
      const naive = await admin.query(
        `SELECT id FROM "${schema}".ticket_events WHERE position > (SELECT position FROM "${schema}".ticket_events WHERE id = $1) ORDER BY position`,
        [cursor],
      )
      expect(naive.rows.map((row: { id: string }) => row.id)).toEqual(quick.events.map((event) => event.id))
      // This store's reader waits: nothing past the cursor is final while A is in flight.
      expect((await reader.events({ afterId: cursor })).result).toEqual([])

      holding.release()
      const late = await held
      const after = await readLog(reader, late.events.length + quick.events.length, cursor)
      expect(after.map((event) => event.id)).toEqual([...late.events, ...quick.events].map((event) => event.id))
    })
  },
)
