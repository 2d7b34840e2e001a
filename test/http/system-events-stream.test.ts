import { randomUUID } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { EventSource } from 'eventsource'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { TicketEvent } from '../../src/core/model/event.js'
import { createTicketHandler, type EventStreamOptions } from '../../src/http/index.js'
import { toNodeListener } from '../../src/http/node/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import type { ReadEventsQuery, TicketStore } from '../../src/store-contract/ticket-store.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { CHAT, KEY_A, KEY_B, USER, WORKSPACE_A, WORKSPACE_B } from './http-fixture.js'

/** A message as the SSE client library hands it over. */
interface Received {
  readonly id: string
  readonly type: string
  readonly occurred_at: string
}

/** A store that counts what the poller reads: the reads of the whole log (no workspace). */
function countingStore(inner: TicketStore): { store: TicketStore; globalReads: TicketEvent[][] } {
  const globalReads: TicketEvent[][] = []
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'readEvents') {
        return async (query: ReadEventsQuery) => {
          const page = await target.readEvents(query)
          if (query.workspaceId === undefined) globalReads.push(page)
          return page
        }
      }
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { store, globalReads }
}

interface StreamFixture {
  readonly url: string
  readonly service: TicketService
  readonly server: Server
  readonly globalReads: TicketEvent[][]
  readonly errors: unknown[]
  /** The `signal` of every request the handler was given. */
  readonly requestSignals: AbortSignal[]
}

const cleanups: Array<() => Promise<void> | void> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function startStreamFixture(eventStream: EventStreamOptions = {}): Promise<StreamFixture> {
  const { store, globalReads } = countingStore(memoryStore())
  const service = createTicketService({ store })
  const keys = new Map([
    [KEY_A, WORKSPACE_A],
    [KEY_B, WORKSPACE_B],
  ])
  const errors: unknown[] = []
  const handler = createTicketHandler({
    service,
    authenticate: (authorization) => {
      const workspaceId = keys.get(authorization)
      return workspaceId === undefined ? null : { workspaceId }
    },
    eventStream: { pollIntervalMs: 10, retryMs: 20, ...eventStream },
    onError: (error) => errors.push(error),
  })
  const requestSignals: AbortSignal[] = []
  const server = createServer(
    toNodeListener((request) => {
      requestSignals.push(request.signal)
      return handler(request)
    }),
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await service.close()
  })
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, service, server, globalReads, errors, requestSignals }
}

/** Creates a ticket and takes it over: four events (`ticket:created`, `ticket:updated`, `ticket:status:changed`, `ticket:assigned`). */
async function ticketWithTakeover(service: TicketService, workspaceId = WORKSPACE_A): Promise<void> {
  const ticketId = randomUUID()
  await service.execute(ticketId, { type: 'create', workspaceId, chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending' })
  await service.execute(ticketId, { type: 'takeover', assigneeId: USER })
}

/** Every event of a workspace's log (with the events API's filters), in log order. */
async function logOf(service: TicketService, filters: { workspaceId: string; type?: string }): Promise<string[]> {
  const ids: string[] = []
  let afterId: string | undefined
  for (;;) {
    const { result } = await service.events({ ...filters, afterId, limit: 1000 })
    ids.push(...result.map((event) => event.id))
    if (result.length < 1000) return ids
    afterId = result.at(-1)?.id
  }
}

/**
 * An SSE client from the `eventsource` package (v4: WHATWG `EventSource` with a custom `fetch`,
 * which is how it sends `Authorization`), collecting what it receives.
 */
function openClient(url: string, authorization: string) {
  const received: Received[] = []
  const lastEventIds: string[] = []
  let opened = 0
  const source = new EventSource(url, {
    fetch: (input, init) => {
      lastEventIds.push(init.headers['Last-Event-ID'] ?? '')
      return fetch(input, { ...init, headers: { ...init.headers, authorization } })
    },
  })
  source.addEventListener('open', () => {
    opened++
  })
  source.addEventListener('message', (message) => {
    const data = JSON.parse(message.data) as Received
    expect(message.lastEventId).toBe(data.id)
    received.push(data)
  })
  cleanups.push(() => source.close())
  return {
    source,
    received,
    lastEventIds,
    get opened() {
      return opened
    },
    ids: () => received.map((event) => event.id),
    /** Waits (bounded by the test's timeout, not a threshold) until `count` events have come. */
    until: (count: number) => vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(count), { timeout: 10_000, interval: 5 }),
  }
}

/** Reads a raw response body until `text` has come, returning all that came. */
async function readUntil(response: Response, text: string): Promise<string> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let seen = ''
  while (!seen.includes(text)) {
    const { done, value } = await reader.read()
    if (done) break
    seen += decoder.decode(value, { stream: true })
  }
  await reader.cancel()
  return seen
}

describe('eventStream options', () => {
  it('refuses malformed settings with a VALIDATION error naming each path', () => {
    expect(() =>
      createTicketHandler({
        service: createTicketService({ store: memoryStore() }),
        authenticate: () => null,
        eventStream: { heartbeatMs: 0, pollIntervalMs: 1.5, unknown: 1 } as EventStreamOptions,
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'VALIDATION',
        issues: expect.arrayContaining([
          expect.objectContaining({ path: ['eventStream', 'heartbeatMs'] }),
          expect.objectContaining({ path: ['eventStream', 'pollIntervalMs'] }),
        ]),
      }),
    )
  })
})

describe('GET /v2/system/events/stream', () => {
  it('sends the log and then each new event as Server-Sent Events, with the event id as id:', async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service)
    const client = openClient(`${fixture.url}/v2/system/events/stream`, KEY_A)
    await client.until(4)
    await ticketWithTakeover(fixture.service)
    await client.until(8)
    expect(client.ids()).toEqual(await logOf(fixture.service, { workspaceId: WORKSPACE_A }))
    expect(client.received.map((event) => event.type).slice(0, 4)).toEqual([
      'ticket:created',
      'ticket:updated',
      'ticket:status:changed',
      'ticket:assigned',
    ])
    expect(Object.keys(client.received[0] ?? {}).sort()).toEqual(['id', 'occurred_at', 'payload', 'type'])
  })

  it('answers text/event-stream that proxies do not buffer, and tells the client how soon to reconnect', async () => {
    const fixture = await startStreamFixture({ retryMs: 1234 })
    const response = await fetch(`${fixture.url}/v2/system/events/stream`, { headers: { authorization: KEY_A } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    expect(await readUntil(response, '\n\n')).toBe('retry: 1234\n\n')
  })

  it('sends a heartbeat comment on an idle stream', async () => {
    const fixture = await startStreamFixture({ heartbeatMs: 20 })
    const response = await fetch(`${fixture.url}/v2/system/events/stream`, { headers: { authorization: KEY_A } })
    expect(await readUntil(response, ': heartbeat\n\n')).toContain(': heartbeat\n\n')
  })

  it("streams only the caller's workspace, and only the asked-for type", async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service, WORKSPACE_B)
    await ticketWithTakeover(fixture.service, WORKSPACE_A)
    const everything = openClient(`${fixture.url}/v2/system/events/stream`, KEY_A)
    const assigned = openClient(`${fixture.url}/v2/system/events/stream?type=ticket:assigned`, KEY_A)
    const other = openClient(`${fixture.url}/v2/system/events/stream?type=ticket:created`, KEY_B)
    await Promise.all([everything.until(4), assigned.until(1), other.until(1)])
    await ticketWithTakeover(fixture.service, WORKSPACE_A)
    await ticketWithTakeover(fixture.service, WORKSPACE_B)
    await Promise.all([everything.until(8), assigned.until(2), other.until(2)])
    // One more in A, so a straggler from B or of another type would have had time to arrive before it.
    await ticketWithTakeover(fixture.service, WORKSPACE_A)
    await Promise.all([everything.until(12), assigned.until(3)])

    expect(everything.ids()).toEqual(await logOf(fixture.service, { workspaceId: WORKSPACE_A }))
    expect(assigned.ids()).toEqual(await logOf(fixture.service, { workspaceId: WORKSPACE_A, type: 'ticket:assigned' }))
    expect(other.ids()).toEqual(await logOf(fixture.service, { workspaceId: WORKSPACE_B, type: 'ticket:created' }))
  })

  it('starts after after_id, and Last-Event-ID wins over after_id', async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service)
    const [first, second, third, fourth] = await logOf(fixture.service, { workspaceId: WORKSPACE_A })
    const afterFirst = await fetch(`${fixture.url}/v2/system/events/stream?after_id=${first}`, { headers: { authorization: KEY_A } })
    expect(await readUntil(afterFirst, `id: ${fourth}`)).toMatch(new RegExp(`^retry: \\d+\\n\\nid: ${second}\\n`))
    const resumed = await fetch(`${fixture.url}/v2/system/events/stream?after_id=${first}`, {
      headers: { authorization: KEY_A, 'last-event-id': second as string },
    })
    expect(await readUntil(resumed, `id: ${fourth}`)).toMatch(new RegExp(`^retry: \\d+\\n\\nid: ${third}\\n`))
  })

  it('refuses limit with a problem naming it', async () => {
    const fixture = await startStreamFixture()
    const response = await fetch(`${fixture.url}/v2/system/events/stream?limit=10`, { headers: { authorization: KEY_A } })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    const problem = (await response.json()) as { code: string; issues: Array<{ path: string[] }> }
    expect(problem.code).toBe('VALIDATION')
    expect(problem.issues.map((issue) => issue.path)).toEqual([['limit']])
  })

  it('refuses a malformed Last-Event-ID, an unknown filter, and a call without Authorization', async () => {
    const fixture = await startStreamFixture()
    const badId = await fetch(`${fixture.url}/v2/system/events/stream`, { headers: { authorization: KEY_A, 'last-event-id': 'nope' } })
    expect(badId.status).toBe(400)
    expect(((await badId.json()) as { issues: Array<{ path: string[] }> }).issues[0]?.path).toEqual(['last-event-id'])
    const unknown = await fetch(`${fixture.url}/v2/system/events/stream?colour=red`, { headers: { authorization: KEY_A } })
    expect(unknown.status).toBe(400)
    const anonymous = await fetch(`${fixture.url}/v2/system/events/stream`)
    expect(anonymous.status).toBe(401)
  })

  it('resumes after a dropped connection with nothing missed and nothing twice', async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service)
    const client = openClient(`${fixture.url}/v2/system/events/stream`, KEY_A)
    await client.until(4)
    let written = 4
    for (let round = 0; round < 3; round++) {
      // Cut every connection while events keep coming: the client reconnects with Last-Event-ID.
      const opened = client.opened
      fixture.server.closeAllConnections()
      for (let index = 0; index < 3; index++) await ticketWithTakeover(fixture.service)
      written += 12
      await vi.waitFor(() => expect(client.opened).toBeGreaterThan(opened), { timeout: 10_000, interval: 5 })
      await client.until(written)
    }
    expect(client.ids()).toEqual(await logOf(fixture.service, { workspaceId: WORKSPACE_A }))
    // Each reconnect sent the id of the last event received.
    expect(client.lastEventIds.slice(1).every((id) => client.ids().includes(id))).toBe(true)
    expect(client.lastEventIds.length).toBeGreaterThanOrEqual(4)
  })

  it('serves every client from one poller: each new event is read from the log once, whatever the number of clients', async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service)
    await ticketWithTakeover(fixture.service, WORKSPACE_B)
    const clients = [
      openClient(`${fixture.url}/v2/system/events/stream`, KEY_A),
      openClient(`${fixture.url}/v2/system/events/stream`, KEY_A),
      openClient(`${fixture.url}/v2/system/events/stream?type=ticket:created`, KEY_A),
      openClient(`${fixture.url}/v2/system/events/stream`, KEY_B),
      openClient(`${fixture.url}/v2/system/events/stream?type=ticket:assigned`, KEY_B),
    ]
    await Promise.all([clients[0]?.until(4), clients[1]?.until(4), clients[2]?.until(1), clients[3]?.until(4), clients[4]?.until(1)])
    const before = new Set(
      (await logOf(fixture.service, { workspaceId: WORKSPACE_A })).concat(await logOf(fixture.service, { workspaceId: WORKSPACE_B })),
    )

    for (let index = 0; index < 5; index++) {
      await ticketWithTakeover(fixture.service, WORKSPACE_A)
      await ticketWithTakeover(fixture.service, WORKSPACE_B)
    }
    await Promise.all([clients[0]?.until(24), clients[1]?.until(24), clients[2]?.until(6), clients[3]?.until(24), clients[4]?.until(6)])

    const newEvents = [
      ...(await logOf(fixture.service, { workspaceId: WORKSPACE_A })),
      ...(await logOf(fixture.service, { workspaceId: WORKSPACE_B })),
    ].filter((id) => !before.has(id))
    expect(newEvents).toHaveLength(40)
    const timesRead = new Map<string, number>()
    for (const page of fixture.globalReads) for (const event of page) timesRead.set(event.id, (timesRead.get(event.id) ?? 0) + 1)
    // Five clients received them; the log gave each to the one poller once.
    expect(newEvents.map((id) => timesRead.get(id))).toEqual(newEvents.map(() => 1))
  })

  it('sees the request aborted when the client goes (the hub tests show an aborted request detaches its stream)', async () => {
    const fixture = await startStreamFixture()
    await ticketWithTakeover(fixture.service)
    const client = openClient(`${fixture.url}/v2/system/events/stream`, KEY_A)
    await client.until(4)
    const [signal] = fixture.requestSignals
    expect(signal?.aborted).toBe(false)
    client.source.close()
    await vi.waitFor(() => expect(signal?.aborted).toBe(true), { timeout: 10_000, interval: 5 })
  })
})
