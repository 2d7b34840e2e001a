/**
 * A webhook receiver for ticket events: verifies the Standard Webhooks signature,
 * deduplicates by `eventId`, and handles each event once.
 *
 *   node --import tsx examples/webhook-receiver/index.ts demo    # start, send a few signed deliveries, stop
 *   node --import tsx examples/webhook-receiver/index.ts serve   # listen on $PORT (default 3000)
 *
 * In `serve` mode set WEBHOOK_SECRET to the sender's `whsec_…` secret (one is generated
 * and printed when it is unset). In an application, import from `ticket-events` and
 * `ticket-events/webhooks` instead of the source paths used here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { handle, isTicketError } from '../../src/index.js'
import {
  createIdempotentConsumer,
  type DedupeStore,
  generateWebhookSecret,
  isWebhookVerificationError,
  memoryDedupeStore,
  signWebhook,
  TRUNCATION_MARKER,
  toWebhook,
  verifyWebhook,
  type WebhookPayload,
} from '../../src/webhooks/index.js'

const MAX_BODY_BYTES = 1024 * 1024

/** What the receiver does with each event, once. Keep it quick, or hand off to a queue. */
async function onTicketEvent(delivery: WebhookPayload): Promise<void> {
  const ticket = delivery.payload.ticket
  switch (delivery.type) {
    case 'ticket:created':
      console.log(`  → new ticket ${ticket.id}: ${ticket.summary ?? '(no summary)'}`)
      break
    case 'ticket:status:changed':
      console.log(`  → ticket ${ticket.id} moved ${delivery.payload.from} → ${delivery.payload.to}`)
      break
    case 'ticket:comment:added':
      if (delivery.payload.comment.body === TRUNCATION_MARKER) {
        console.log(`  → comment ${delivery.payload.comment.id} was too large to send; fetch it through the API`)
      } else {
        console.log(`  → comment ${delivery.payload.comment.id}: ${delivery.payload.comment.body.slice(0, 60)}`)
      }
      break
    default:
      console.log(`  → ${delivery.type} on ticket ${ticket.id}`)
  }
}

/** Creates the HTTP server: POST /webhooks/tickets. */
function createReceiver(options: { secret: string; store?: DedupeStore }): Server {
  const consumer = createIdempotentConsumer<WebhookPayload>({ store: options.store ?? memoryDedupeStore(), handler: onTicketEvent })

  return createServer((request, response) => {
    receive(request, response).catch((error: unknown) => {
      console.error('receiver error', error)
      reply(response, 500, { error: 'internal error' })
    })
  })

  async function receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'POST' || request.url !== '/webhooks/tickets') return reply(response, 404, { error: 'not found' })
    const body = await readBody(request)
    if (body === null) return reply(response, 413, { error: 'body too large' })

    // 1. Authenticity and freshness, on the raw body.
    let verified: { id: string }
    try {
      verified = await verifyWebhook({ headers: request.headers, body, secret: options.secret })
    } catch (error) {
      if (isWebhookVerificationError(error)) return reply(response, 401, { error: error.reason })
      throw error
    }

    // 2. The payload, tied to the signed id.
    let delivery: WebhookPayload
    try {
      delivery = JSON.parse(body) as WebhookPayload
    } catch {
      return reply(response, 400, { error: 'body is not JSON' })
    }
    if (delivery.eventId !== verified.id) return reply(response, 400, { error: 'webhook-id does not match eventId' })

    // 3. At most once per eventId.
    try {
      const { status } = await consumer.consume(delivery)
      return reply(response, 200, { status })
    } catch (error) {
      // Another receiver is processing this event right now: ask the sender to retry later.
      if (isTicketError(error) && error.code === 'CONCURRENCY') return reply(response, 409, { error: 'in progress, retry later' })
      if (isTicketError(error) && error.code === 'VALIDATION') return reply(response, 400, { error: error.message })
      // The handler failed: its claim was released, so a retry will run it again.
      return reply(response, 500, { error: 'handler failed' })
    }
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) return null
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Starts a receiver on a free port, sends it signed deliveries made from real ticket events, and stops. */
async function demo(): Promise<void> {
  const secret = generateWebhookSecret()
  const server = createReceiver({ secret })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/tickets`
  console.log(`receiver listening on ${url}`)

  const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
  const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
  const created = handle(null, {
    type: 'create',
    workspaceId,
    chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: 'Customer cannot log in',
  })
  const takenOver = handle(created.state, { type: 'takeover', assigneeId: agent })
  const commented = handle(takenOver.state, { type: 'addComment', body: 'x'.repeat(400_000), public: true, authorId: agent })

  const send = async (
    label: string,
    event: (typeof created.events)[number],
    ticket: typeof created.state,
    previousTicket: typeof created.state | null,
    tamper = false,
  ) => {
    const payload = toWebhook(
      event,
      { ticket, previousTicket },
      {
        onTruncate: ({ fields }) => console.log(`  (truncated ${fields.map((field) => field.path).join(', ')})`),
      },
    )
    const body = JSON.stringify(payload)
    const headers = await signWebhook({ id: payload.eventId, body, secret })
    const response = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: tamper ? body.replace('pending', 'ongoing') : body,
    })
    console.log(`${label}: ${response.status} ${await response.text()}`)
  }

  const [createdEvent] = created.events
  const statusChanged = takenOver.events.find((event) => event.type === 'ticket:status:changed')
  const [commentAdded] = commented.events
  if (!createdEvent || !statusChanged || !commentAdded) throw new Error('unexpected events')
  await send('ticket:created', createdEvent, created.state, null)
  await send('ticket:created again (a retry)', createdEvent, created.state, null)
  await send('ticket:status:changed', statusChanged, takenOver.state, created.state)
  await send('ticket:status:changed with a tampered body', statusChanged, takenOver.state, created.state, true)
  await send('ticket:comment:added with a 400 KB body', commentAdded, commented.state, takenOver.state)

  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
}

async function serve(): Promise<void> {
  const secret = process.env['WEBHOOK_SECRET'] ?? generateWebhookSecret()
  if (!process.env['WEBHOOK_SECRET']) console.log(`WEBHOOK_SECRET not set; using ${secret}`)
  const port = Number(process.env['PORT'] ?? 3000)
  createReceiver({ secret }).listen(port, () => console.log(`receiver listening on http://localhost:${port}/webhooks/tickets`))
}

const mode = process.argv[2] ?? 'demo'
if (mode === 'serve') await serve()
else if (mode === 'demo') await demo()
else {
  console.error('usage: node --import tsx examples/webhook-receiver/index.ts [demo|serve]')
  process.exitCode = 1
}
