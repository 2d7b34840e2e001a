/**
 * The event log past one process: a relay publishes every ticket event to a NATS
 * JetStream stream, and two workers consume it, one per partition, so each sees its
 * tickets' events in order. Each worker dedupes by event id for the 24–48 h window.
 * Two webhook dispatchers read the same stream, one per partition, and POST every event
 * to a local receiver: webhook delivery scaled out the same way.
 *
 * Start a NATS server with JetStream, then run the example:
 *
 *   nats-server -js                                   # listens on 127.0.0.1:4222
 *   node --import tsx examples/nats-relay/index.ts    # NATS_URL=nats://host:port to use another server
 *
 * It creates the stream `TICKETS_EXAMPLE` (subjects `example.tickets.>`) and deletes it
 * at the end, so it can run again. In an application, import from `ticket-events`,
 * `ticket-events/memory`, `ticket-events/nats` and `ticket-events/webhooks` instead of
 * the source paths used here.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { createTicketService, memoryCheckpoint, type TicketEvent } from '../../src/index.js'
import { consumeJetStream, ensureTicketStream, jetStreamEventSource, relayToJetStream } from '../../src/nats/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createIdempotentConsumer,
  createWebhookDispatcher,
  generateWebhookSecret,
  memoryDedupeStore,
  memoryDeliveryStore,
} from '../../src/webhooks/index.js'

const STREAM = 'TICKETS_EXAMPLE'
const SUBJECT_PREFIX = 'example.tickets'
const PARTITIONS = 2

const nats = await connect({ servers: process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222' })
// Keep re-published events for 2 hours: longer than this relay is ever down.
await ensureTicketStream({ nats, stream: STREAM, subjectPrefix: SUBJECT_PREFIX, duplicateWindowMs: 2 * 60 * 60 * 1000 })

// Some ticket activity in a service (any store works; the memory store keeps the example short).
const tickets = createTicketService({ store: memoryStore() })
const workspaceId = crypto.randomUUID()
const agents = [crypto.randomUUID(), crypto.randomUUID()]
const ticketIds = Array.from({ length: 6 }, () => crypto.randomUUID())
for (const [index, ticketId] of ticketIds.entries()) {
  await tickets.execute(ticketId, {
    type: 'create',
    workspaceId,
    chatId: crypto.randomUUID(),
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: `Customer question #${index + 1}`,
  })
  await tickets.execute(ticketId, { type: 'takeover', assigneeId: agents[index % 2] as string })
  await tickets.execute(ticketId, { type: 'addComment', body: 'Looking into it.', public: true, authorId: agents[index % 2] as string })
}
const total = (await tickets.events({ limit: 1000 })).result.length

// The relay: every event of the log to the stream, its checkpoint moving only past acknowledged publishes.
const stop = new AbortController()
const relayCheckpoint = memoryCheckpoint() // use a durable one (a row, a file) in production
const relaying = relayToJetStream({
  service: tickets,
  nats,
  stream: STREAM,
  subjectPrefix: SUBJECT_PREFIX,
  partitions: PARTITIONS,
  checkpoint: relayCheckpoint,
  onError: (error, failure) => console.warn(`relay: ${failure.stage} failed (attempt ${failure.attempt}):`, error),
}).run(stop.signal)

// Two workers, one durable consumer per partition: each ticket's events arrive in order at one worker.
let handled = 0
const workers = Array.from({ length: PARTITIONS }, (_, partition) => {
  // At most once per event id within 48 h, even when JetStream redelivers or the relay re-published.
  const once = createIdempotentConsumer<{ eventId: string; event: TicketEvent }>({
    store: memoryDedupeStore(), // sqliteDedupeStore / postgresDedupeStore to share it between processes
    handler: ({ event }) => {
      handled++
      console.log(`worker ${partition}: ticket …${event.ticketId.slice(-6)} v${event.version} ${event.type}`)
    },
  })
  return consumeJetStream({
    nats,
    stream: STREAM,
    durable: `example-worker-${partition}`,
    subjectPrefix: SUBJECT_PREFIX,
    partition,
    maxAckPending: 1, // strict order per ticket, even across retries
    handler: (event) => once.consume({ eventId: event.id, event }),
    onDeadLetter: (letter) => console.error(`worker ${partition}: gave up on message ${letter.streamSequence} (${letter.reason})`),
  }).run(stop.signal)
})

// Webhooks from the stream: a receiver standing in for a CRM, and one dispatcher per
// partition (in production, one process each), each partition its own endpoint id so it
// has its own lease, low-water mark and durable consumer.
const webhookIds = new Set<string>()
const receiver = createServer((request, response) => {
  webhookIds.add(String(request.headers['webhook-id']))
  request.resume().on('end', () => response.writeHead(204).end())
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`
const secret = generateWebhookSecret()
const deliveries = memoryDeliveryStore() // postgresDeliveryStore / sqliteDeliveryStore when the workers are processes
const dispatchers = Array.from({ length: PARTITIONS }, (_, partition) =>
  createWebhookDispatcher({
    service: tickets, // a ticket not in the dispatcher's cache is loaded from it
    store: deliveries,
    endpoints: [{ id: `crm-p${partition}`, url: hookUrl, secret }],
    source: jetStreamEventSource({ nats, stream: STREAM, durable: 'example-webhooks', subjectPrefix: SUBJECT_PREFIX, partition }),
  }).run(stop.signal),
)

const deadline = Date.now() + 10_000
while ((handled < total || webhookIds.size < total) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
stop.abort()
const relayed = await relaying
await Promise.all([...workers, ...dispatchers])
receiver.close()
console.log(
  `\nrelayed ${relayed.published} events (${relayed.duplicates} duplicates dropped by JetStream); the workers handled ${handled} of ${total}; the receiver got ${webhookIds.size} webhooks`,
)

// Clean up, so the example can run again from scratch.
await (await jetstreamManager(nats)).streams.delete(STREAM)
await nats.close()
await tickets.close()
if (handled !== total || webhookIds.size !== total) process.exitCode = 1
