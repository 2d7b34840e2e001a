/**
 * The shared poller and the hand-over from a client's own catch-up reads to the live feed,
 * without HTTP: clients join at any moment while events are appended, and each ends up with
 * exactly what the store's own `events()` gives for its query, once each, in order. On the
 * memory store (many random schedules), on SQLite, and on a real PostgreSQL server with
 * concurrent writers, where the global order is the commit order rather than the id order.
 */
import { randomUUID } from 'node:crypto'
import fc from 'fast-check'
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest'
import { createEventStreamHub, type EventStreamHub } from '../../src/http/stream/event-stream-hub.js'
import { type EventStreamQuery, openEventStream } from '../../src/http/stream/open-event-stream.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import type { TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { sqliteStore } from '../../src/stores/sqlite/index.js'
import { createPostgresTestDatabase, NO_SERVER_REASON, PG_URL } from '../support/postgres.js'
import { CHAT, USER, WORKSPACE_A, WORKSPACE_B } from './http-fixture.js'

const SETTINGS = { heartbeatMs: 60_000, retryMs: 10, maxBacklog: 100_000 }

/** A stream read in the background, its `id:` lines collected. */
interface StreamClient {
  readonly query: EventStreamQuery
  readonly ids: string[]
  readonly controller: AbortController
  /** Cancels the stream, as a runtime does when the client goes. */
  cancel(): Promise<void>
  /** Resolves when the stream ends. */
  readonly ended: Promise<void>
}

const open: StreamClient[] = []
afterEach(async () => {
  for (const client of open.splice(0)) client.controller.abort()
})

async function connect(
  hub: EventStreamHub,
  service: TicketService,
  query: EventStreamQuery,
  errors: unknown[] = [],
): Promise<StreamClient> {
  const controller = new AbortController()
  const stream = await openEventStream(query, {
    service,
    hub,
    settings: SETTINGS,
    onError: (error) => errors.push(error),
    signal: controller.signal,
  })
  const ids: string[] = []
  const reader = stream.getReader()
  const ended = (async () => {
    const decoder = new TextDecoder()
    let buffer = ''
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const id = /^id: (.+)$/m.exec(buffer.slice(0, end))?.[1]
        if (id !== undefined) ids.push(id)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
      }
    }
  })()
  const client = { query, ids, controller, cancel: () => reader.cancel(), ended }
  open.push(client)
  return client
}

async function ticketWithTakeover(service: TicketService, workspaceId: string): Promise<void> {
  const ticketId = randomUUID()
  await service.execute(ticketId, { type: 'create', workspaceId, chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending' })
  await service.execute(ticketId, { type: 'takeover', assigneeId: USER })
}

/** What the store itself answers for a client's query: the oracle. */
async function expectedFor(service: TicketService, query: EventStreamQuery): Promise<string[]> {
  const ids: string[] = []
  let afterId = query.afterId
  for (;;) {
    const { result } = await service.events({ ...query, afterId, limit: 1000 })
    ids.push(...result.map((event) => event.id))
    if (result.length < 1000) return ids
    afterId = result.at(-1)?.id
  }
}

/**
 * Appends a last ticket in each workspace (all four event types), then waits until every
 * client holds exactly the oracle's answer. The stream is ordered, so a duplicate or a gap
 * before the last event never goes away: the wait times out on it.
 */
async function expectEveryClientComplete(service: TicketService, clients: readonly StreamClient[]): Promise<void> {
  await ticketWithTakeover(service, WORKSPACE_A)
  await ticketWithTakeover(service, WORKSPACE_B)
  for (const client of clients) {
    const expected = await expectedFor(service, client.query)
    await vi.waitFor(() => expect(client.ids).toEqual(expected), { timeout: 15_000, interval: 5 })
  }
}

const FILTERS = [{}, { type: 'ticket:created' }, { type: 'ticket:assigned' }, { type: 'ticket:updated' }] as const

describe('the shared poller and the hand-over to the live feed', () => {
  it('gives each client joining at any moment exactly its query, once and in order (memory store, random schedules)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            writesBefore: fc.nat(3),
            workspace: fc.constantFrom(WORKSPACE_A, WORKSPACE_B),
            filter: fc.constantFrom(...FILTERS),
            // Where it starts: the start of the log, or after the event at this fraction of its workspace's log.
            startAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.nat(3),
        async (joins, writesAfter) => {
          const service = createTicketService({ store: memoryStore() })
          const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
          const clients: StreamClient[] = []
          await ticketWithTakeover(service, WORKSPACE_A)
          for (const join of joins) {
            for (let index = 0; index < join.writesBefore; index++) {
              await ticketWithTakeover(service, index % 2 === 0 ? WORKSPACE_A : WORKSPACE_B)
            }
            const log = await expectedFor(service, { workspaceId: join.workspace })
            const afterId = join.startAt === undefined || log.length === 0 ? undefined : log[Math.floor(join.startAt * (log.length - 1))]
            // Writes go on while the client catches up.
            const writing = ticketWithTakeover(service, join.workspace)
            clients.push(await connect(hub, service, { workspaceId: join.workspace, afterId, ...join.filter }))
            await writing
          }
          for (let index = 0; index < writesAfter; index++) await ticketWithTakeover(service, WORKSPACE_A)
          await expectEveryClientComplete(service, clients)
          for (const client of clients) client.controller.abort()
          await vi.waitFor(() => expect(hub.polling).toBe(false))
        },
      ),
      { numRuns: 25 },
    )
  })

  it('catches up over several pages before going live', async () => {
    const service = createTicketService({ store: memoryStore() })
    const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
    for (let index = 0; index < 700; index++) await ticketWithTakeover(service, WORKSPACE_A)
    const client = await connect(hub, service, { workspaceId: WORKSPACE_A })
    await ticketWithTakeover(service, WORKSPACE_A)
    await expectEveryClientComplete(service, [client])
    expect(client.ids.length).toBeGreaterThan(2800)
  })

  it('detaches a client whose request is aborted or whose stream is cancelled, and stops polling after the last', async () => {
    const service = createTicketService({ store: memoryStore() })
    const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
    await ticketWithTakeover(service, WORKSPACE_A)
    const aborted = await connect(hub, service, { workspaceId: WORKSPACE_A })
    const cancelled = await connect(hub, service, { workspaceId: WORKSPACE_B })
    expect(hub.listenerCount).toBe(2)
    expect(hub.polling).toBe(true)

    aborted.controller.abort()
    await aborted.ended
    expect(hub.listenerCount).toBe(1)
    await cancelled.cancel()
    expect(hub.listenerCount).toBe(0)
    await vi.waitFor(() => expect(hub.polling).toBe(false))
  })

  it('starts again after an idle spell from where it stopped, and the next client misses nothing', async () => {
    const service = createTicketService({ store: memoryStore() })
    const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
    await ticketWithTakeover(service, WORKSPACE_A)
    const first = await connect(hub, service, { workspaceId: WORKSPACE_A })
    await vi.waitFor(() => expect(first.ids).toHaveLength(4))
    first.controller.abort()
    await vi.waitFor(() => expect(hub.polling).toBe(false))
    for (let index = 0; index < 3; index++) await ticketWithTakeover(service, index === 1 ? WORKSPACE_B : WORKSPACE_A)
    const next = await connect(hub, service, { workspaceId: WORKSPACE_A, afterId: first.ids.at(-1) })
    const fromStart = await connect(hub, service, { workspaceId: WORKSPACE_B })
    await expectEveryClientComplete(service, [next, fromStart])
  })

  it('ends every stream and reports the error when the poller fails; the next client starts a new poller', async () => {
    let failing = false
    const inner = memoryStore()
    const store: TicketStore = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'readEvents' && failing) return () => Promise.reject(new Error('the log is gone'))
        const value: unknown = Reflect.get(target, property, receiver)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const service = createTicketService({ store })
    const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
    await ticketWithTakeover(service, WORKSPACE_A)
    const errors: unknown[] = []
    const clients = [
      await connect(hub, service, { workspaceId: WORKSPACE_A }, errors),
      await connect(hub, service, { workspaceId: WORKSPACE_B }, errors),
    ]
    await vi.waitFor(() => expect(clients[0]?.ids).toHaveLength(4))
    failing = true
    await Promise.all(clients.map((client) => client.ended))
    expect(errors).toHaveLength(2)
    expect(hub.polling).toBe(false)
    expect(hub.listenerCount).toBe(0)

    failing = false
    const next = await connect(hub, service, { workspaceId: WORKSPACE_A, afterId: clients[0]?.ids.at(-1) })
    await expectEveryClientComplete(service, [next])
  })

  it('cuts off a client that stops reading once maxBacklog events wait for it', async () => {
    const service = createTicketService({ store: memoryStore() })
    const hub = createEventStreamHub(service, { pollIntervalMs: 2 })
    const controller = new AbortController()
    const stream = await openEventStream(
      { workspaceId: WORKSPACE_A },
      { service, hub, settings: { ...SETTINGS, maxBacklog: 5 }, onError: () => {}, signal: controller.signal },
    )
    await vi.waitFor(() => expect(hub.listenerCount).toBe(1))
    for (let index = 0; index < 3; index++) await ticketWithTakeover(service, WORKSPACE_A)
    await vi.waitFor(() => expect(hub.listenerCount).toBe(0))
    // What was queued can still be read, then the stream ends: the client resumes from the last id.
    const text = await new Response(stream).text()
    expect(text.match(/^id: /gm)?.length).toBeGreaterThan(0)
  })
})

/**
 * Clients join while writers commit concurrently: with a few at a fixed start, half way
 * through their workspace's log, and with each filter. Each must end with the oracle's answer.
 */
async function joinDuringConcurrentWrites(store: TicketStore): Promise<void> {
  const service = createTicketService({ store })
  const hub = createEventStreamHub(service, { pollIntervalMs: 5 })
  const workspaces = [WORKSPACE_A, WORKSPACE_B]
  for (let index = 0; index < 10; index++) await ticketWithTakeover(service, workspaces[index % 2] as string)

  let writing = true
  const writers = Array.from({ length: 4 }, async (_, writer) => {
    let count = 0
    while (writing || count < 5) {
      await ticketWithTakeover(service, workspaces[(writer + count) % 2] as string)
      count++
    }
  })
  const clients: StreamClient[] = []
  for (let index = 0; index < 8; index++) {
    const workspaceId = workspaces[index % 2] as string
    const log = await expectedFor(service, { workspaceId })
    const afterId = index % 3 === 0 ? undefined : log[Math.floor(log.length / 2)]
    clients.push(await connect(hub, service, { workspaceId, afterId, ...FILTERS[index % FILTERS.length] }))
  }
  writing = false
  await Promise.all(writers)
  await expectEveryClientComplete(service, clients)
  for (const client of clients) client.controller.abort()
  await vi.waitFor(() => expect(hub.polling).toBe(false))
  await service.close()
}

describe('the hand-over on SQLite, with writers interleaved', () => {
  it('gives clients joining while commands commit exactly their query, once and in order', async () => {
    await joinDuringConcurrentWrites(sqliteStore({ filename: ':memory:' }))
  }, 60_000)
})

describe.skipIf(PG_URL === undefined)('the hand-over on PostgreSQL, with concurrent writers', () => {
  const database = createPostgresTestDatabase()
  afterAll(() => database.dispose())

  it('gives clients joining during concurrent commits exactly their query, once and in order', async () => {
    await joinDuringConcurrentWrites(await database.createStore())
  }, 60_000)
})

if (PG_URL === undefined) console.warn(`Skipping the PostgreSQL hand-over test: ${NO_SERVER_REASON}`)
