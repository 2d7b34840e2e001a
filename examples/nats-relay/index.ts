/**
 * The event log past one process: a relay publishes every ticket event to a NATS
 * JetStream stream, and two workers consume it, one per partition, so each sees its
 * tickets' events in order. Each worker dedupes by event id for the 24–48 h window.
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
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { createTicketService, memoryCheckpoint, type TicketEvent } from '../../src/index.js'
import { consumeJetStream, ensureTicketStream, relayToJetStream } from '../../src/nats/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { createIdempotentConsumer, memoryDedupeStore } from '../../src/webhooks/index.js'

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

const deadline = Date.now() + 10_000
while (handled < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
stop.abort()
const relayed = await relaying
await Promise.all(workers)
console.log(
  `\nrelayed ${relayed.published} events (${relayed.duplicates} duplicates dropped by JetStream); the workers handled ${handled} of ${total}`,
)

// Clean up, so the example can run again from scratch.
await (await jetstreamManager(nats)).streams.delete(STREAM)
await nats.close()
await tickets.close()
if (handled !== total) process.exitCode = 1
