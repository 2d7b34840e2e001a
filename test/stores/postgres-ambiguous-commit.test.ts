/**
 * An append whose connection drops right as it commits: the store cannot know whether the
 * commit happened. A TCP proxy between the store and the real server cuts the connection
 * there; with and without a caller's commandId, no command may be applied twice.
 *
 * Straight to the server, a pooled append is one statement that commits on its own, so
 * the cut comes at the `Sync` that commits it; through a pooler (the proxy announcing a
 * server process id of its own) the append runs in a transaction, cut at its `COMMIT`.
 */
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Command, isTicketError, replay, type TicketError } from '../../src/index.js'
import { createTicketService, type TicketService } from '../../src/service/index.js'
import { postgresStore } from '../../src/stores/postgres/index.js'
import { type CommitCuttingProxy, type CommitDelivery, startCommitCuttingProxy } from '../support/commit-cutting-proxy.js'
import { connectTestServer, freshSchemaName, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'
import { faultApplicationName, withApplicationName } from '../support/postgres-faults.js'

const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const AUTHOR = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const CUTS_PER_CASE = 3

const create: Command = {
  type: 'create',
  workspaceId: WORKSPACE,
  chatId: CHAT,
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
}
const comment = (body: string, commandId: string | undefined): Command => ({
  type: 'addComment',
  body,
  public: true,
  authorId: AUTHOR,
  ...(commandId === undefined ? {} : { meta: { commandId } }),
})

describe.skipIf(PG_URL === undefined)(
  `an append whose connection drops at its COMMIT${PG_URL === undefined ? ` (skipped: ${NO_SERVER_REASON})` : ''}`,
  () => {
    let admin: pg.Pool
    let proxy: CommitCuttingProxy
    let pooler: CommitCuttingProxy
    const schemas: string[] = []
    const closers: (() => Promise<unknown>)[] = []

    beforeAll(async () => {
      admin = await connectTestServer(PG_URL as string)
      const server = new URL(PG_URL as string)
      const target = { host: server.hostname, port: Number(server.port || 5432) }
      proxy = await startCommitCuttingProxy(target)
      pooler = await startCommitCuttingProxy(target, { fakeBackendKey: true })
    })

    afterAll(async () => {
      for (const close of closers.splice(0).reverse()) await close().catch(() => {})
      await proxy?.close()
      await pooler?.close()
      for (const schema of schemas) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      await admin?.end()
    })

    /** The server's URL with `through` in front of it and this test's application_name. */
    function proxiedUrl(label: string, through: CommitCuttingProxy = proxy): string {
      const url = new URL(PG_URL as string)
      url.hostname = '127.0.0.1'
      url.port = String(through.port)
      return withApplicationName(url.toString(), faultApplicationName(label))
    }

    async function migratedSchema(): Promise<string> {
      const schema = freshSchemaName()
      schemas.push(schema)
      await postgresStore({ pool: admin, schema }).migrate()
      return schema
    }

    /** Reads a ticket back through a store that bypasses the proxy. */
    async function storedTicket(schema: string, ticketId: string) {
      const store = postgresStore({ pool: admin, schema })
      const stream = await store.loadStream(ticketId, { snapshotSchemaVersion: -1 })
      const events = stream?.events ?? []
      const ticket = await createTicketService({ store }).load(ticketId)
      return { events, ticket, bodies: Object.values(ticket?.comments ?? {}).map((entry) => entry.body) }
    }

    describe.each<[string, 'direct' | 'pooler', CommitDelivery]>([
      ['straight to the server: the Sync that commits the statement delivered at once', 'direct', 'at-once'],
      ['straight to the server: the Sync delivered late', 'direct', 'late'],
      ['straight to the server: the Sync never delivered', 'direct', 'never'],
      ['through a pooler: COMMIT delivered at once', 'pooler', 'at-once'],
      ['through a pooler: COMMIT delivered late', 'pooler', 'late'],
      ['through a pooler: COMMIT never delivered', 'pooler', 'never'],
    ])('%s', (_, route, delivery) => {
      it.each([
        ['without a commandId', false],
        ['with a commandId', true],
      ])(`executes a command %s exactly once through ${CUTS_PER_CASE} cut connections (pool)`, async (_, withCommandId) => {
        const schema = await migratedSchema()
        const through = route === 'direct' ? proxy : pooler
        const pool = new pg.Pool({ connectionString: proxiedUrl('commit', through), max: 2 })
        // A pool's own idle connections can drop too: whoever owns the pool listens.
        pool.on('error', () => {})
        closers.push(() => pool.end())
        const tickets: TicketService = createTicketService({ store: postgresStore({ pool, schema }) })
        const ticketId = crypto.randomUUID()
        await tickets.execute(ticketId, create)
        const cutsBefore = through.cuts
        const beginsBefore = through.begins
        const results = []

        for (let n = 0; n < CUTS_PER_CASE; n++) {
          const body = `comment ${n}`
          const cut = route === 'direct' ? through.cutAtNextSync(body, delivery) : through.cutAtNextCommit(delivery)
          results.push(await tickets.execute(ticketId, comment(body, withCommandId ? `comment-${n}` : undefined)))
          await cut
        }

        expect(through.cuts - cutsBefore).toBe(CUTS_PER_CASE)
        // Straight to the server an append is one statement and one round trip: no BEGIN.
        if (route === 'direct') expect(through.begins).toBe(beginsBefore)
        else expect(through.begins - beginsBefore).toBeGreaterThanOrEqual(CUTS_PER_CASE)
        const { events, ticket, bodies } = await storedTicket(schema, ticketId)
        expect(bodies).toEqual(Array.from({ length: CUTS_PER_CASE }, (_, n) => `comment ${n}`))
        expect(events.map((event) => event.version)).toEqual(events.map((_, index) => index + 1))
        // What each execute returned is what is stored, once.
        expect(events.slice(1)).toEqual(results.flatMap((result) => result.events))
        expect(ticket).toEqual(replay(events))
        expect(ticket).toEqual(results.at(-1)?.state)
      })
    })

    it('a server that cannot name its processes (no pg_stat_activity) gets its appends in transactions', async () => {
      const schema = await migratedSchema()
      const pool = new pg.Pool({ connectionString: proxiedUrl('unnamed'), max: 2 })
      pool.on('error', () => {})
      // Plays a PostgreSQL-compatible server without pg_stat_activity: the store's one
      // question about a new connection's process fails as a missing relation would.
      pool.on('connect', (client) => {
        const query = client.query.bind(client) as (...args: unknown[]) => unknown
        ;(client as { query: unknown }).query = (...args: unknown[]) =>
          typeof args[0] === 'string' && args[0].includes('pg_stat_activity')
            ? Promise.reject(Object.assign(new Error('relation "pg_stat_activity" does not exist'), { code: '42P01' }))
            : query(...args)
      })
      closers.push(() => pool.end())
      const tickets = createTicketService({ store: postgresStore({ pool, schema }) })
      const ticketId = crypto.randomUUID()
      await tickets.execute(ticketId, create) // also the service's first migration check, in a transaction of its own
      const beginsBefore = proxy.begins

      await tickets.execute(ticketId, comment('kept', 'comment-1'))
      const { state } = await tickets.execute(ticketId, comment('kept too', 'comment-2'))

      expect(proxy.begins - beginsBefore).toBe(2)
      expect((await storedTicket(schema, ticketId)).ticket).toEqual(state)
    })

    it('client mode: a lost COMMIT is UNAVAILABLE, not retryable, outcome unknown; the same commandId on a new client applies it once', async () => {
      const schema = await migratedSchema()
      const url = proxiedUrl('client')
      const connect = async () => {
        const client = new pg.Client({ connectionString: url })
        // The caller owns the client: its own listener covers the time no store holds it.
        client.on('error', () => {})
        await client.connect()
        closers.push(() => client.end())
        return client
      }
      const first = createTicketService({ store: postgresStore({ client: await connect(), schema }) })
      const ticketId = crypto.randomUUID()
      await first.execute(ticketId, create)

      const cut = proxy.cutAtNextCommit('at-once')
      const lost = await first.execute(ticketId, comment('once', 'comment-1')).catch((error: unknown) => error)
      await cut

      expect(isTicketError(lost) && lost.code).toBe('UNAVAILABLE')
      expect((lost as TicketError).retryable).toBe(false)
      expect((lost as TicketError).details).toMatchObject({ outcome: 'unknown' })
      const later = await first.load(ticketId).catch((error: unknown) => error)
      expect(isTicketError(later) && later.code).toBe('UNAVAILABLE')
      expect((later as TicketError).retryable).toBe(false)
      expect((later as TicketError).message).toContain('pass { pool } or { connectionString }')

      const second = createTicketService({ store: postgresStore({ client: await connect(), schema }) })
      const retried = await second.execute(ticketId, comment('once', 'comment-1'))

      const { events, bodies } = await storedTicket(schema, ticketId)
      expect(bodies).toEqual(['once'])
      expect(events.slice(1)).toEqual(retried.events)
    })
  },
)
