import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Webhook } from 'standardwebhooks'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { replay, type TicketEvent } from '../../src/core/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createWebhookDispatcher,
  type DeliveryReport,
  type DeliveryStore,
  generateWebhookSecret,
  memoryDeliveryStore,
  sqliteDeliveryStore,
  toWebhook,
  type WebhookDispatcherOptions,
  type WebhookEventSource,
  type WebhookFetch,
} from '../../src/webhooks/index.js'
import { eventually, startTestReceiver, type TestReceiver } from './support/test-receiver.js'
import { moreActivity, ticketWithActivity } from './support/ticket-activity.js'

const directory = mkdtempSync(join(tmpdir(), 'ticket-events-dispatcher-'))
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})
afterAll(() => rmSync(directory, { recursive: true, force: true }))

const secret = generateWebhookSecret()
const fastRetry = { maxAttempts: 50, initialDelayMs: 5, maxDelayMs: 40 }

async function world(): Promise<{ service: TicketService }> {
  // Snapshots every 5 events, so a restarted dispatcher meets snapshots past the events it resends.
  const ticketStore = memoryStore()
  const service = createTicketService({ store: ticketStore, snapshotEvery: 5 })
  cleanup.push(() => service.close())
  return { service }
}

async function receiver(answer?: Parameters<typeof startTestReceiver>[0]): Promise<TestReceiver> {
  const started = await startTestReceiver(answer)
  cleanup.push(() => started.close())
  return started
}

/** Every event of the log, oldest first. */
async function wholeLog(service: TicketService): Promise<TicketEvent[]> {
  const events: TicketEvent[] = []
  for (;;) {
    const page = await service.events({ limit: 1000, ...(events.length > 0 ? { afterId: events.at(-1)?.id } : {}) })
    if (page.result.length === 0) return events
    events.push(...page.result)
  }
}

/** The payload the dispatcher must send for `event`: the tickets replayed from the whole stream. */
function expectedPayload(log: readonly TicketEvent[], event: TicketEvent): unknown {
  const stream = log.filter((other) => other.ticketId === event.ticketId && other.version <= event.version)
  const ticket = replay(stream, null, { freeze: false })
  const previousTicket = replay(stream.slice(0, -1), null, { freeze: false })
  if (ticket === null) throw new Error('no ticket')
  return JSON.parse(JSON.stringify(toWebhook(event, { ticket, previousTicket })))
}

/** Starts a dispatcher; the returned function stops it and waits until it has. */
function start(options: WebhookDispatcherOptions): () => Promise<void> {
  const controller = new AbortController()
  const running = createWebhookDispatcher(options).run(controller.signal)
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    controller.abort()
    await running
  }
  cleanup.push(stop)
  return stop
}

/** A fetch that tags each request with the run that sent it. */
function taggedFetch(run: string): WebhookFetch {
  return (url, init) => fetch(url, { ...init, headers: { ...(init.headers as Record<string, string>), 'x-run': run } })
}

describe('createWebhookDispatcher', () => {
  it('delivers every event, in order per ticket, signed, through 500s, stalls and a restart', async () => {
    const { service } = await world()
    const tickets: string[] = []
    for (let index = 0; index < 6; index++) tickets.push(await ticketWithActivity(service))
    // Every fourth call fails with a 500; every ninth stalls past the dispatcher's timeout.
    const endpoint = await receiver((call) => (call % 4 === 0 ? { status: 500 } : call % 9 === 0 ? { stallMs: 2000 } : { status: 204 }))
    const database = new Database(join(directory, 'restart.db'))
    cleanup.push(() => void database.close())
    const store = sqliteDeliveryStore({ database })
    const common = {
      service,
      store,
      endpoints: [{ id: 'crm', url: endpoint.url, secret, timeoutMs: 150, maxInFlight: 4 }],
      retry: fastRetry,
      pollIntervalMs: 20,
      cacheSize: 3,
    }

    const firstLog = await wholeLog(service)
    const stopFirst = start({ ...common, fetch: taggedFetch('first') })
    await eventually(() => endpoint.accepted.length >= firstLog.length / 3, 'a third of the events')
    await stopFirst() // killed mid-way

    for (const ticketId of tickets.slice(0, 3)) await moreActivity(service, ticketId)
    for (let index = 0; index < 2; index++) tickets.push(await ticketWithActivity(service))
    const log = await wholeLog(service)

    start({ ...common, fetch: taggedFetch('second') })
    const acceptedIds = () => new Set(endpoint.accepted.map((call) => call.headers['webhook-id']))
    await eventually(() => log.every((event) => acceptedIds().has(event.id)), 'every event of the log')

    const byId = new Map(log.map((event) => [event.id, event]))
    const verifier = new Webhook(secret)
    const versionsPerRun = new Map<string, number[]>()
    for (const call of endpoint.accepted) {
      const headers = call.headers as Record<string, string>
      const verified = verifier.verify(call.body, headers) as { eventId: string }
      const event = byId.get(headers['webhook-id'] as string)
      expect(event, 'a delivery of an event of the log').toBeDefined()
      if (event === undefined) continue
      expect(verified.eventId).toBe(event.id)
      expect(JSON.parse(call.body)).toEqual(expectedPayload(log, event))
      const key = `${headers['x-run']} ${event.ticketId}`
      versionsPerRun.set(key, [...(versionsPerRun.get(key) ?? []), event.version])
    }
    for (const [key, versions] of versionsPerRun) {
      // A POST that timed out just as the receiver answered is sent again: at least once, still in order.
      expect(versions, `the versions ${key} received`).toEqual([...versions].sort((a, b) => a - b))
    }
    expect(endpoint.calls()).toBeGreaterThan(endpoint.accepted.length) // the failures happened
    expect(await store.endpointState('crm')).toMatchObject({ disabled: false })
  })

  it('dead-letters every event after maxAttempts when an endpoint always fails, and replays them', async () => {
    const { service } = await world()
    await ticketWithActivity(service)
    await ticketWithActivity(service)
    const log = await wholeLog(service)
    let healthy = false
    const endpoint = await receiver(() => ({ status: healthy ? 200 : 503 }))
    const store = memoryDeliveryStore()
    const reports: DeliveryReport[] = []
    const options = {
      service,
      store,
      endpoints: [{ id: 'down', url: endpoint.url, secret }],
      retry: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 4 },
      pollIntervalMs: 20,
      onDelivery: (report: DeliveryReport) => reports.push(report),
    }
    const stop = start(options)
    await eventually(() => reports.length === log.length * 3, 'three attempts per event')
    const dispatcher = createWebhookDispatcher(options)
    let letters = await dispatcher.deadLetters({ endpointId: 'down' })
    for (let wait = 0; letters.length < log.length && wait < 200; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      letters = await dispatcher.deadLetters({ endpointId: 'down' })
    }
    await stop()

    expect(letters.map((letter) => letter.eventId).sort()).toEqual(log.map((event) => event.id).sort())
    for (const letter of letters) expect(letter).toMatchObject({ attempts: 3, lastStatus: 503, lastError: 'HTTP 503' })
    expect(new Set(reports.map((report) => `${report.eventId} ${report.attempt}`)).size).toBe(log.length * 3)
    expect((await store.endpointState('down')).afterId).toBe(log.at(-1)?.id) // the ticket's delivery went on

    healthy = true
    const replays = await dispatcher.replayDeadLetters({ endpointId: 'down' })
    expect(replays.every((replay) => replay.delivered)).toBe(true)
    expect(await dispatcher.deadLetters()).toEqual([])
    const verifier = new Webhook(secret)
    for (const call of endpoint.accepted) verifier.verify(call.body, call.headers as Record<string, string>)
    expect(endpoint.accepted).toHaveLength(log.length)
  })

  it('disables an endpoint that answers 410 Gone, and resumes it once enabled', async () => {
    const { service } = await world()
    await ticketWithActivity(service)
    const log = await wholeLog(service)
    let gone = true
    const endpoint = await receiver(() => ({ status: gone ? 410 : 200 }))
    const store: DeliveryStore = memoryDeliveryStore()
    const options = { service, store, endpoints: [{ id: 'old', url: endpoint.url, secret }], pollIntervalMs: 20 }
    const dispatcher = createWebhookDispatcher(options)
    const controller = new AbortController()
    const running = dispatcher.run(controller.signal)
    cleanup.push(async () => {
      controller.abort()
      await running
    })
    await eventually(() => endpoint.calls() >= 1, 'the first call')
    let state = await store.endpointState('old')
    for (let wait = 0; !state.disabled && wait < 500; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
      state = await store.endpointState('old')
    }
    expect(state.disabled).toBe(true)
    expect(state.disabledReason).toContain('410')
    const callsWhileDisabled = endpoint.calls()

    gone = false
    await dispatcher.enableEndpoint('old')
    await eventually(() => endpoint.accepted.length >= log.length, 'every event after enabling')
    expect(callsWhileDisabled).toBe(1) // one 410, then nothing until enabled
    expect(endpoint.accepted.map((call) => call.headers['webhook-id'])).toEqual(log.map((event) => event.id))
  })

  it('rejects malformed options with VALIDATION', async () => {
    const { service } = await world()
    const store = memoryDeliveryStore()
    expect(() => createWebhookDispatcher({ service, store, endpoints: [] })).toThrow(expect.objectContaining({ code: 'VALIDATION' }))
    const endpoint = { id: 'a', url: 'http://127.0.0.1:1/', secret }
    expect(() => createWebhookDispatcher({ service, store, endpoints: [endpoint, endpoint] })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    )
    expect(() => createWebhookDispatcher({ service, store, endpoints: [{ ...endpoint, url: 'ftp://example.com' }] })).toThrow(
      expect.objectContaining({ code: 'VALIDATION' }),
    )
  })
})

describe('createWebhookDispatcher, its event source and its age limit', () => {
  it('reads from a source of its own, settling each event once delivered', async () => {
    const { service } = await world()
    await ticketWithActivity(service)
    const log = await wholeLog(service)
    const endpoint = await receiver()
    const settledInOrder: string[] = []
    let finished: () => void = () => {}
    const allSettled = new Promise<void>((resolve) => {
      finished = resolve
    })
    // A source in the shape a message-queue consumer would have: hand over, acknowledge on settled.
    const source: WebhookEventSource = {
      async follow({ afterId, signal, accept }) {
        const start = afterId === null ? 0 : log.findIndex((event) => event.id === afterId) + 1
        const settling: Promise<void>[] = []
        for (const event of log.slice(start)) {
          if (signal.aborted) break
          const { settled } = await accept(event)
          settling.push(settled.then(() => void settledInOrder.push(event.id)))
        }
        await Promise.all(settling)
        finished()
        await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
      },
    }
    const store = memoryDeliveryStore()
    const stop = start({ service, store, source, endpoints: [{ id: 'queue', url: endpoint.url, secret }] })
    await allSettled
    await stop()
    expect(settledInOrder).toEqual(log.map((event) => event.id)) // one ticket: settled in its order
    expect(endpoint.accepted.map((call) => call.headers['webhook-id'])).toEqual(log.map((event) => event.id))
    expect((await store.endpointState('queue')).afterId).toBe(log.at(-1)?.id)
  })

  it('dead-letters an event after its first failure when maxAgeMs is 0', async () => {
    const { service } = await world()
    await ticketWithActivity(service)
    const log = await wholeLog(service)
    const endpoint = await receiver(() => ({ status: 500 }))
    const store = memoryDeliveryStore()
    const letters: string[] = []
    let finished: () => void = () => {}
    const done = new Promise<void>((resolve) => {
      finished = resolve
    })
    const stop = start({
      service,
      store,
      endpoints: [{ id: 'old', url: endpoint.url, secret }],
      retry: { maxAttempts: 100, initialDelayMs: 1000, maxAgeMs: 0 },
      pollIntervalMs: 20,
      onDeadLetter: (letter) => {
        letters.push(letter.eventId)
        if (letters.length === log.length) finished()
      },
    })
    await done
    await stop()
    expect(endpoint.calls()).toBe(log.length)
    expect((await store.deadLetters({ endpointId: 'old' })).map((letter) => letter.attempts)).toEqual(log.map(() => 1))
  })

  it('renders a deleted ticket missing from the cache from its final state, and dead-letters what it cannot', async () => {
    const { service } = await world()
    const ticketId = await ticketWithActivity(service)
    await service.execute(ticketId, { type: 'delete' })
    const log = await wholeLog(service)
    const deletion = log.at(-1)
    const endpoint = await receiver()
    const store = memoryDeliveryStore()
    const settled = new Set<string>()
    let finished: () => void = () => {}
    const done = new Promise<void>((resolve) => {
      finished = resolve
    })
    const note = (eventId: string) => {
      settled.add(eventId)
      if (settled.size === log.length) finished()
    }
    const stop = start({
      service,
      store,
      endpoints: [{ id: 'crm', url: endpoint.url, secret }],
      cacheSize: 0, // every ticket is a miss, as after a restart
      pollIntervalMs: 20,
      onDelivery: ({ eventId, error }) => {
        if (error === null) note(eventId)
      },
      onDeadLetter: (letter) => note(letter.eventId),
    })
    await done
    await stop()
    expect(deletion?.type).toBe('ticket:deleted')
    const sent = endpoint.accepted.map((call) => JSON.parse(call.body) as { eventId: string; payload: { ticket: { deleted: boolean } } })
    // The creation needs no load; the deletion is rendered from the final state.
    expect(sent.map((payload) => payload.eventId)).toEqual([log[0]?.id, deletion?.id])
    expect(sent.at(-1)?.payload.ticket.deleted).toBe(true)
    const letters = await store.deadLetters({ limit: 1000 })
    expect(letters.map((letter) => letter.eventId)).toEqual(log.slice(1, -1).map((event) => event.id))
    for (const letter of letters) expect(letter).toMatchObject({ attempts: 0, lastError: expect.stringContaining('deleted') })
  })
})
