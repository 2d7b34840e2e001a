import { AckPolicy, DeliverPolicy, type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream'
import type { NatsConnection } from '@nats-io/nats-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createTicketService, isTicketError, type TicketEvent } from '../../src/index.js'
import { jetStreamEventSource, ticketPartition, webhookConsumerName } from '../../src/nats/index.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createWebhookDispatcher,
  type DeliveryStore,
  generateWebhookSecret,
  memoryDeliveryStore,
  type WebhookEndpoint,
  type WebhookEventSource,
} from '../../src/webhooks/index.js'
import { createNatsTestServer, eventually, NATS_SKIP_REASON, uniqueName } from '../support/nats.js'
import { startTestReceiver, type TestReceiver } from '../webhooks/support/test-receiver.js'
import { byTicket, relayFilledLog, WORKSPACES } from './nats-fixtures.js'

if (NATS_SKIP_REASON) console.warn(NATS_SKIP_REASON)

const secret = generateWebhookSecret()
const cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

/** The event ids a receiver accepted, in the order it answered them (`webhook-id` is the event id). */
const acceptedIds = (receiver: TestReceiver): string[] => receiver.accepted.map((call) => String(call.headers['webhook-id']))

/**
 * Checks at-least-once delivery in order per ticket: every event arrived, and each
 * ticket's deliveries never jump past an event not delivered yet (a redelivery may
 * repeat earlier ones).
 */
function expectAtLeastOnceInOrder(log: readonly TicketEvent[], delivered: readonly string[]): void {
  const byId = new Map(log.map((event) => [event.id, event]))
  const perTicket = byTicket(delivered.map((id) => byId.get(id) as TicketEvent))
  for (const [ticketId, events] of perTicket) {
    let reached = 0
    for (const event of events) {
      expect(event.version, `ticket ${ticketId}: version ${event.version} after reaching ${reached}`).toBeLessThanOrEqual(reached + 1)
      reached = Math.max(reached, event.version)
    }
  }
  expect(new Set(delivered)).toEqual(new Set(log.map((event) => event.id)))
}

describe.skipIf(NATS_SKIP_REASON !== undefined)('jetStreamEventSource', () => {
  const server = createNatsTestServer()
  let nats: NatsConnection
  beforeAll(async () => {
    nats = await server.connect()
  })
  afterAll(() => server.dispose())

  /** A ticket service with a log of `tickets` tickets, relayed to a fresh stream. */
  async function relayed(tickets: number, comments: number, partitions?: number) {
    const service = createTicketService({ store: memoryStore() })
    cleanup.push(() => service.close())
    return { ...(await relayFilledLog(server, nats, service, { tickets, comments, partitions })), service }
  }

  async function receiver(): Promise<TestReceiver> {
    const started = await startTestReceiver()
    cleanup.push(() => started.close())
    return started
  }

  function startDispatcher(options: {
    service: TicketService
    store: DeliveryStore
    endpoints: WebhookEndpoint[]
    source: WebhookEventSource
    onDelivery?: (endpointId: string, eventId: string) => void
    onError?: (error: unknown) => void
  }) {
    const controller = new AbortController()
    const running = createWebhookDispatcher({
      service: options.service,
      store: options.store,
      endpoints: options.endpoints,
      source: options.source,
      retry: { maxAttempts: 50, initialDelayMs: 5, maxDelayMs: 40 },
      leaseMs: 2000,
      ...(options.onError === undefined ? {} : { onError: options.onError }),
      ...(options.onDelivery === undefined
        ? {}
        : { onDelivery: (report) => report.error === null && options.onDelivery?.(report.endpointId, report.eventId) }),
    }).run(controller.signal)
    return {
      running,
      stop: async () => {
        controller.abort()
        await running
      },
    }
  }

  /**
   * An earlier holder of endpoint `crm`'s consumer (made as the source makes it, ack wait
   * 1 s) that takes every message and dies without an answer. `keepFirstAlive` has it tell
   * JetStream it is still working on the first message 600 ms in, so that message's ack
   * wait runs out last. Returns the events it took.
   */
  async function holderDies(stream: string, subjectPrefix: string, durable: string, count: number, keepFirstAlive: boolean) {
    const name = webhookConsumerName(durable, 'crm')
    await (await jetstreamManager(nats)).consumers.add(stream, {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: 1_000_000_000,
      max_ack_pending: 1000,
      max_deliver: -1,
      filter_subject: `${subjectPrefix}.*.>`,
    })
    const holder = await server.connect()
    const held: JsMsg[] = []
    const batch = await (await jetstream(holder).consumers.get(stream, name)).fetch({ max_messages: count, expires: 2000 })
    for await (const message of batch) held.push(message)
    expect(held).toHaveLength(count)
    if (keepFirstAlive) {
      await new Promise((resolve) => setTimeout(resolve, 600))
      held[0]?.working()
      await holder.flush()
    }
    await holder.close()
    return held.map((message) => JSON.parse(message.string()) as TicketEvent)
  }

  it('delivers every relayed event once, in order per ticket, and acknowledges each', async () => {
    const { stream, subjectPrefix, log, service } = await relayed(12, 3)
    const hooks = await receiver()
    const durable = uniqueName('hooks')
    const dispatcher = startDispatcher({
      service,
      store: memoryDeliveryStore(),
      endpoints: [{ id: 'crm', url: hooks.url, secret }],
      source: jetStreamEventSource({ nats, stream, durable, subjectPrefix }),
    })
    const manager = await jetstreamManager(nats)
    const consumer = webhookConsumerName(durable, 'crm')
    // The receiver records a call before the dispatcher reads the answer: wait for the acknowledgements too.
    await eventually(
      async () => hooks.accepted.length >= log.length && (await manager.consumers.info(stream, consumer)).num_ack_pending === 0,
      'every event delivered and acknowledged',
    )
    await dispatcher.stop()

    const delivered = acceptedIds(hooks)
    expect(delivered).toHaveLength(log.length)
    expect(new Set(delivered).size).toBe(log.length)
    const byId = new Map(log.map((event) => [event.id, event]))
    expect(byTicket(delivered.map((id) => byId.get(id) as TicketEvent))).toEqual(byTicket(log))

    const info = await manager.consumers.info(stream, consumer)
    expect(info.num_ack_pending).toBe(0)
    expect(info.num_pending).toBe(0)
    expect(info.ack_floor.stream_seq).toBe(log.length)
  })

  it('a dispatcher whose worker dies mid-way (no ack, no nak) is replaced, and the rest is delivered: nothing skipped', async () => {
    const { stream, subjectPrefix, log, service } = await relayed(10, 4)
    const hooks = await receiver()
    const durable = uniqueName('crash')
    const store = memoryDeliveryStore()
    const endpoints = [{ id: 'crm.eu', url: hooks.url, secret }]
    const doomed = await server.connect()
    const first = startDispatcher({
      service,
      store,
      endpoints,
      source: jetStreamEventSource({ nats: doomed, stream, durable, subjectPrefix, ackWaitMs: 1000 }),
    })
    await eventually(() => hooks.accepted.length >= log.length / 3, 'a third delivered')
    // The worker dies: its connection goes first, so no acknowledgement or nak leaves it.
    await doomed.close()
    await first.stop()
    const beforeRestart = hooks.accepted.length
    expect(beforeRestart).toBeLessThan(log.length)

    const second = startDispatcher({
      service,
      store,
      endpoints,
      source: jetStreamEventSource({ nats: await server.connect(), stream, durable, subjectPrefix, ackWaitMs: 1000 }),
    })
    await eventually(() => new Set(acceptedIds(hooks)).size >= log.length, 'every event delivered after the restart')
    await second.stop()
    expectAtLeastOnceInOrder(log, acceptedIds(hooks))
  })

  it("hands over an earlier holder's messages in stream order, though JetStream gives them back in another", async () => {
    const { stream, subjectPrefix, log, service } = await relayed(4, 3)
    const hooks = await receiver()
    const durable = uniqueName('leftovers')
    // The first message's ack wait runs out last: JetStream gives it back after its ticket's later events.
    const [firstEvent] = (await holderDies(stream, subjectPrefix, durable, log.length, true)) as [TicketEvent]
    expect(log.filter((event) => event.ticketId === firstEvent.ticketId).length).toBeGreaterThan(1)

    const dispatcher = startDispatcher({
      service,
      store: memoryDeliveryStore(),
      endpoints: [{ id: 'crm', url: hooks.url, secret }],
      source: jetStreamEventSource({ nats, stream, durable, subjectPrefix, ackWaitMs: 1000 }),
    })
    await eventually(() => new Set(acceptedIds(hooks)).size >= log.length, 'every event delivered by the next holder')
    await dispatcher.stop()
    const ticketOf = new Map(log.map((event) => [event.id, event.ticketId]))
    expect(acceptedIds(hooks).find((id) => ticketOf.get(id) === firstEvent.ticketId)).toBe(firstEvent.id)
    expectAtLeastOnceInOrder(log, acceptedIds(hooks))
  })

  it('goes on when a message an earlier holder left was deleted from the stream meanwhile', async () => {
    const { stream, subjectPrefix, log, service } = await relayed(3, 2)
    const hooks = await receiver()
    const durable = uniqueName('deleted')
    await holderDies(stream, subjectPrefix, durable, log.length, false)
    // The last message the holder took is deleted from the stream: it can never come back.
    const deleted = log.at(-1) as TicketEvent
    await (await jetstreamManager(nats)).streams.deleteMessage(stream, log.length)

    const started = Date.now()
    const dispatcher = startDispatcher({
      service,
      store: memoryDeliveryStore(),
      endpoints: [{ id: 'crm', url: hooks.url, secret }],
      source: jetStreamEventSource({ nats, stream, durable, subjectPrefix, ackWaitMs: 1000 }),
    })
    const rest = log.filter((event) => event.id !== deleted.id)
    await eventually(() => rest.every((event) => acceptedIds(hooks).includes(event.id)), 'every other event delivered', 15_000)
    await dispatcher.stop()
    expect(acceptedIds(hooks)).not.toContain(deleted.id)
    // The wait for the missing message is bounded (2 × ackWaitMs + 1 s at most), and the order holds.
    expect(Date.now() - started).toBeLessThan(8000)
    expectAtLeastOnceInOrder(rest, acceptedIds(hooks))
  })

  it('a dispatcher stopped mid-way hands its events back, and the next one delivers the rest in order', async () => {
    const { stream, subjectPrefix, log, service } = await relayed(10, 4)
    const hooks = await receiver()
    const durable = uniqueName('stop')
    const store = memoryDeliveryStore()
    const endpoints = [{ id: 'crm', url: hooks.url, secret }]
    const source = jetStreamEventSource({ nats, stream, durable, subjectPrefix, ackWaitMs: 1000 })
    const unique = () => new Set(acceptedIds(hooks)).size
    // Stopped each time ten more events are in: POSTs cut off by the stop come again (at least once).
    for (let round = 0; unique() < log.length; round++) {
      expect(round).toBeLessThan(20)
      const dispatcher = startDispatcher({ service, store, endpoints, source })
      const target = Math.min(log.length, unique() + 10)
      await eventually(() => unique() >= target, 'ten more events')
      await dispatcher.stop()
    }
    expectAtLeastOnceInOrder(log, acceptedIds(hooks))
  })

  it('two workers on two partitions share the work: each ticket goes through its partition, in order, once', async () => {
    const partitions = 2
    const { stream, subjectPrefix, log, service } = await relayed(16, 3, partitions)
    const hooks = await receiver()
    const durable = uniqueName('parts')
    const store = memoryDeliveryStore()
    const deliveredBy = new Map<string, string>()
    const workers = await Promise.all(
      [0, 1].map(async (partition) =>
        startDispatcher({
          service,
          store,
          endpoints: [{ id: `crm-p${partition}`, url: hooks.url, secret }],
          source: jetStreamEventSource({ nats: await server.connect(), stream, durable, subjectPrefix, partition }),
          onDelivery: (endpointId, eventId) => deliveredBy.set(eventId, endpointId),
        }),
      ),
    )
    await eventually(() => deliveredBy.size >= log.length, 'every event delivered, as both dispatchers report it')
    for (const worker of workers) await worker.stop()

    const delivered = acceptedIds(hooks)
    expect(new Set(delivered).size).toBe(log.length)
    expect(delivered).toHaveLength(log.length)
    const byId = new Map(log.map((event) => [event.id, event]))
    expect(byTicket(delivered.map((id) => byId.get(id) as TicketEvent))).toEqual(byTicket(log))
    for (const event of log) expect(deliveredBy.get(event.id)).toBe(`crm-p${ticketPartition(event.ticketId, partitions)}`)
    expect(new Set(deliveredBy.values())).toEqual(new Set(['crm-p0', 'crm-p1']))
  })

  it('terminates a message that is not a ticket event, and reads only the endpoint’s workspace', async () => {
    const { stream, subjectPrefix, log, service } = await relayed(6, 2)
    const [workspaceId] = WORKSPACES
    await jetstream(nats).publish(`${subjectPrefix}.${workspaceId}.ticket.created`, '{"not":"an event"}')
    const hooks = await receiver()
    const durable = uniqueName('mixed')
    const errors: unknown[] = []
    const wanted = log.filter((event) => event.workspaceId === workspaceId)
    const dispatcher = startDispatcher({
      service,
      store: memoryDeliveryStore(),
      endpoints: [{ id: 'crm', url: hooks.url, secret, workspaceId }],
      source: jetStreamEventSource({ nats, stream, durable, subjectPrefix }),
      onError: (error) => errors.push(error),
    })
    const manager = await jetstreamManager(nats)
    const consumer = webhookConsumerName(durable, 'crm')
    await eventually(
      async () => hooks.accepted.length >= wanted.length && (await manager.consumers.info(stream, consumer)).num_ack_pending === 0,
      'the workspace’s events delivered and the stray message terminated',
    )
    await dispatcher.stop()

    const byId = new Map(log.map((event) => [event.id, event]))
    const delivered = acceptedIds(hooks).map((id) => byId.get(id) as TicketEvent)
    expect(delivered).toHaveLength(wanted.length)
    expect(byTicket(delivered)).toEqual(byTicket(wanted))
    expect(errors.some((error) => isTicketError(error) && error.code === 'VALIDATION')).toBe(true)
    const info = await manager.consumers.info(stream, consumer)
    expect(info.num_pending).toBe(0)
    expect(info.config.filter_subject).toBe(`${subjectPrefix}.${workspaceId}.>`)
  })

  it('refuses malformed options with VALIDATION', () => {
    const attempt = (options: object) => {
      try {
        jetStreamEventSource(options as Parameters<typeof jetStreamEventSource>[0])
        return undefined
      } catch (error) {
        return isTicketError(error) ? error.code : error
      }
    }
    expect(attempt({ nats, stream: 'S', durable: 'has.dot' })).toBe('VALIDATION')
    expect(attempt({ nats, stream: 'S', durable: 'd', partition: -1 })).toBe('VALIDATION')
    expect(attempt({ nats, stream: 'S', durable: 'd', partition: 0, filterSubjects: ['x.>'] })).toBe('VALIDATION')
    expect(attempt({ nats: {}, stream: 'S', durable: 'd' })).toBe('VALIDATION')
    expect(attempt({ nats, stream: 'S', durable: 'd' })).toBeUndefined()
  })
})
