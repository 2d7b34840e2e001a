/**
 * Webhook dispatcher benchmark: deliveries/s from the log to a local receiver that
 * answers at once, next to a bare `fetch` loop at the same concurrency that POSTs the
 * same payloads — bodies pre-built, Standard Webhooks signing inside the loop. The
 * dispatcher does everything else on top: reading the log, folding tickets, rendering
 * with `toWebhook`, ordering per ticket, moving the low-water mark.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createIdFactory, createTicketService, replay, type Ticket, type TicketEvent } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import {
  createWebhookDispatcher,
  generateWebhookSecret,
  logEventSource,
  memoryDeliveryStore,
  signWebhook,
  toWebhook,
} from 'ticket-events/webhooks'
import type { BenchRow, BenchSection } from './report.js'
import { runCommandMix } from './store-workload.js'

const TICKETS = 500
const COMMANDS = 4000
const IN_FLIGHT = 32
const ROUNDS = 3

/** The dispatcher, from the first event to the last 2xx; seconds. */
async function timeDispatcher(
  service: ReturnType<typeof createTicketService>,
  url: string,
  secret: string,
  events: number,
): Promise<number> {
  let delivered = 0
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  const dispatcher = createWebhookDispatcher({
    service,
    store: memoryDeliveryStore(),
    endpoints: [{ id: 'bench', url, secret, maxInFlight: IN_FLIGHT }],
    source: logEventSource(service, { batchSize: 1000, pollIntervalMs: 5 }),
    cacheSize: TICKETS,
    maxBuffered: 4 * IN_FLIGHT,
    onDelivery: ({ error }) => {
      if (error !== null) throw new Error(`a delivery failed: ${error}`)
      if (++delivered === events) finished()
    },
  })
  const controller = new AbortController()
  const start = performance.now()
  const running = dispatcher.run(controller.signal)
  await done
  const seconds = (performance.now() - start) / 1000
  controller.abort()
  await running
  return seconds
}

/** The baseline: `IN_FLIGHT` workers signing and POSTing pre-built bodies; seconds. */
async function timeBareLoop(url: string, secret: string, bodies: readonly { id: string; body: string }[]): Promise<number> {
  const start = performance.now()
  let next = 0
  const worker = async () => {
    for (let index = next++; index < bodies.length; index = next++) {
      const { id, body } = bodies[index] as { id: string; body: string }
      const headers = await signWebhook({ id, body, secret })
      const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`the bare loop got ${response.status}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker))
  return (performance.now() - start) / 1000
}

export const benchWebhooks: BenchSection = async () => {
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => response.writeHead(204).end())
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  try {
    const service = createTicketService({ store: memoryStore(), ctx: { newId: createIdFactory() } })
    await runCommandMix(service, COMMANDS, TICKETS)
    const events: TicketEvent[] = []
    for (;;) {
      const last = events.at(-1)
      const page = await service.events({ limit: 1000, ...(last === undefined ? {} : { afterId: last.id }) })
      if (page.result.length === 0) break
      events.push(...page.result)
    }
    // The same payloads the dispatcher sends, built before the clock starts.
    const states = new Map<string, Ticket>()
    const bodies = events.map((event) => {
      const previousTicket = states.get(event.ticketId) ?? null
      const ticket = replay([event], previousTicket, { freeze: false }) as Ticket
      states.set(event.ticketId, ticket)
      return { id: event.id, body: JSON.stringify(toWebhook(event, { ticket, previousTicket })) }
    })
    const secret = generateWebhookSecret()

    // Alternate the two, so drift in the machine's load affects both alike; keep each one's best round.
    let dispatched = Number.POSITIVE_INFINITY
    let bare = Number.POSITIVE_INFINITY
    for (let round = 0; round < ROUNDS; round++) {
      dispatched = Math.min(dispatched, await timeDispatcher(service, url, secret, events.length))
      bare = Math.min(bare, await timeBareLoop(url, secret, bodies))
    }
    const rows: BenchRow[] = [
      {
        name: `createWebhookDispatcher, ${events.length.toLocaleString('en-US')} events of ${TICKETS} tickets, ${IN_FLIGHT} in flight (best of ${ROUNDS})`,
        value: events.length / dispatched,
        unit: 'deliveries/s',
        baseline: { name: `bare fetch loop, pre-built bodies, signed in the loop, ${IN_FLIGHT} in flight`, value: events.length / bare },
        target: '>= 0.7x baseline',
      },
    ]
    return rows
  } finally {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
