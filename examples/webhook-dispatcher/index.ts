/**
 * Delivering the event log as webhooks: a dispatcher follows the log, renders each event
 * as the webhook events payload, signs it and POSTs it to each endpoint — in order per
 * ticket, at least once, with retries, dead letters and a durable low-water mark.
 *
 * ```sh
 * node --import tsx examples/webhook-dispatcher/index.ts
 * ```
 *
 * It starts a local receiver (`createWebhookReceiver`) that fails every third call, makes
 * some tickets, delivers their events, and prints what happened. In production keep the
 * dispatcher's state in your database: `sqliteDeliveryStore({ database })` or
 * `postgresDeliveryStore({ pool })`, where several dispatchers share the endpoints
 * without ever delivering one at once.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createTicketService } from 'ticket-events'
import { toNodeListener } from 'ticket-events/http/node'
import { memoryStore } from 'ticket-events/memory'
import {
  createWebhookDispatcher,
  createWebhookReceiver,
  generateWebhookSecret,
  memoryDedupeStore,
  memoryDeliveryStore,
  type WebhookPayload,
} from 'ticket-events/webhooks'

const secret = generateWebhookSecret()

// The receiving side: a flaky downstream system.
let calls = 0
const receive = createWebhookReceiver<WebhookPayload>({
  secret,
  store: memoryDedupeStore(),
  handler: (delivery) => console.log(`  received ${delivery.type} for ticket ${delivery.payload.ticket.id.slice(-4)}`),
})
const server = createServer(toNodeListener((request) => (++calls % 3 === 0 ? new Response('busy', { status: 503 }) : receive(request))))
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`

// The sending side: tickets, and their events.
const tickets = createTicketService({ store: memoryStore() })
const ticketIds = ['0190a1b2-c3d4-7e5f-a6b7-000000000001', '0190a1b2-c3d4-7e5f-a6b7-000000000002']
for (const ticketId of ticketIds) {
  await tickets.execute(ticketId, {
    type: 'create',
    workspaceId: '3b241101-e2bb-4255-8caf-4136c566a962',
    chatId: '4b241101-e2bb-4255-8caf-4136c566a962',
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: 'Customer cannot log in',
  })
  await tickets.execute(ticketId, { type: 'takeover', assigneeId: '5b241101-e2bb-4255-8caf-4136c566a962' })
  await tickets.execute(ticketId, { type: 'update', customFields: { plan: 'enterprise' } })
}

const dispatcher = createWebhookDispatcher({
  service: tickets,
  store: memoryDeliveryStore(),
  endpoints: [
    {
      id: 'crm',
      url,
      secret,
      types: ['ticket:created', 'ticket:status:changed', 'ticket:custom_field_value:added'],
      timeoutMs: 2000,
      maxInFlight: 4,
    },
  ],
  retry: { maxAttempts: 5, initialDelayMs: 50, maxDelayMs: 1000 },
  pollIntervalMs: 100,
  onDelivery: ({ eventId, attempt, status, durationMs }) =>
    console.log(`POST ${eventId.slice(-6)} attempt ${attempt}: ${status ?? 'no answer'} in ${durationMs.toFixed(1)} ms`),
})

const stop = new AbortController()
const running = dispatcher.run(stop.signal)
await new Promise((resolve) => setTimeout(resolve, 1500)) // long enough to deliver and retry
stop.abort()
await running
await receive.settled()
console.log(`dead letters: ${(await dispatcher.deadLetters()).length}`)
await tickets.close()
server.close()
