/**
 * A webhook receiver for ticket events that answers first: it verifies the Standard
 * Webhooks signature, claims the `eventId` (each event is handled once), answers
 * `202 Accepted` at once, and handles the event after the response — the webhook events
 * reference's advice ("process asynchronously; don't block the HTTP response").
 *
 * It handles the reference's three examples: a ticket created, a status change and a
 * custom field change.
 *
 * ```sh
 * node --import tsx examples/webhook-receiver/index.ts demo    # start, send a few signed deliveries, stop
 * node --import tsx examples/webhook-receiver/index.ts serve   # listen on $PORT (default 3000)
 * ```
 *
 * In `serve` mode set WEBHOOK_SECRET to the sender's `whsec_…` secret (one is generated
 * and printed when it is unset). On a runtime with `waitUntil` (Cloudflare Workers,
 * Vercel, Deno Deploy) pass the handler's context: `receive(request, context)`.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handle, type Ticket, type TicketEvent } from 'ticket-events'
import { toNodeListener } from 'ticket-events/http/node'
import {
  createWebhookReceiver,
  type DedupeStore,
  generateWebhookSecret,
  memoryDedupeStore,
  signWebhook,
  toWebhook,
  type WebhookPayload,
} from 'ticket-events/webhooks'

/** What the receiver does with each event, once, after it has answered. */
async function onTicketEvent(delivery: WebhookPayload): Promise<void> {
  switch (delivery.type) {
    case 'ticket:created': {
      const { ticket } = delivery.payload
      console.log(`  → new ticket ${ticket.id}: ${ticket.summary ?? '(no summary)'} — open it in the CRM`)
      break
    }
    case 'ticket:status:changed':
      console.log(`  → ticket ${delivery.payload.ticket.id} moved ${delivery.payload.from} → ${delivery.payload.to} — notify the customer`)
      break
    case 'ticket:custom_field_value:added':
    case 'ticket:custom_field_value:changed':
      console.log(
        `  → ticket ${delivery.payload.ticket.id}: field ${delivery.payload.fieldId} = ${JSON.stringify(delivery.payload.value)} — sync it downstream`,
      )
      break
    default:
      console.log(`  → ${delivery.type} on ticket ${delivery.payload.ticket.id} (ignored)`)
  }
}

/** Creates the HTTP server: every POST is a delivery. */
function createReceiverServer(options: { secret: string; store?: DedupeStore }) {
  const receive = createWebhookReceiver<WebhookPayload>({
    secret: options.secret,
    store: options.store ?? memoryDedupeStore(),
    handler: onTicketEvent,
    onError: (error, { eventId, attempt, willRetry }) =>
      console.warn(`  ! event ${eventId} failed on attempt ${attempt}${willRetry ? ', retrying' : ''}: ${String(error)}`),
    onDeadLetter: (delivery, error) => console.error(`  ! gave up on event ${delivery.eventId}: ${String(error)} — parked for a person`),
  })
  const server: Server = createServer(toNodeListener((request) => receive(request)))
  return { server, receive }
}

/** Starts a receiver on a free port, sends it signed deliveries made from real ticket events, and stops. */
async function demo(): Promise<void> {
  const secret = generateWebhookSecret()
  const { server, receive } = createReceiverServer({ secret })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tickets`
  console.log(`receiver listening on ${url}`)

  const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
  const created = handle(null, {
    type: 'create',
    workspaceId: '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: 'Customer cannot log in',
  })
  const takenOver = handle(created.state, { type: 'takeover', assigneeId: agent })
  const planned = handle(takenOver.state, { type: 'update', customFields: { plan: 'enterprise' } })

  const send = async (label: string, event: TicketEvent, ticket: Ticket, previousTicket: Ticket | null, tamper = false) => {
    const body = JSON.stringify(toWebhook(event, { ticket, previousTicket }))
    const headers = await signWebhook({ id: event.id, body, secret })
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: tamper ? body.replace('pending', 'ongoing') : body,
    })
    console.log(`${label}: ${response.status} ${await response.text()}`)
  }

  const find = (events: readonly TicketEvent[], type: string) => {
    const found = events.find((event) => event.type === type)
    if (found === undefined) throw new Error(`no ${type} event`)
    return found
  }
  await send('ticket:created', find(created.events, 'ticket:created'), created.state, null)
  await receive.settled()
  await send('ticket:created again (a retry)', find(created.events, 'ticket:created'), created.state, null)
  await send('ticket:status:changed', find(takenOver.events, 'ticket:status:changed'), takenOver.state, created.state)
  await send('ticket:status:changed, tampered', find(takenOver.events, 'ticket:status:changed'), takenOver.state, created.state, true)
  await send('ticket:custom_field_value:added', find(planned.events, 'ticket:custom_field_value:added'), planned.state, takenOver.state)

  await receive.settled() // let the work started after the 202s finish before stopping
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
}

async function serve(): Promise<void> {
  const secret = process.env['WEBHOOK_SECRET'] ?? generateWebhookSecret()
  if (!process.env['WEBHOOK_SECRET']) console.log(`WEBHOOK_SECRET not set; using ${secret}`)
  const port = Number(process.env['PORT'] ?? 3000)
  createReceiverServer({ secret }).server.listen(port, () => console.log(`receiver listening on http://localhost:${port}/webhooks/tickets`))
}

const mode = process.argv[2] ?? 'demo'
if (mode === 'serve') await serve()
else if (mode === 'demo') await demo()
else {
  console.error('usage: node --import tsx examples/webhook-receiver/index.ts [demo|serve]')
  process.exitCode = 1
}
