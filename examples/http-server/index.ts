/**
 * The ticket API on Node: `ticket-events/http` served by Node's `http` module over
 * the in-memory store, with a subscription printing every event as it is stored.
 *
 * Run with `node --import tsx examples/http-server/index.ts` (PORT=3000 by default).
 */
import { createServer } from 'node:http'
import { createTicketService, memoryCheckpoint, subscribe } from 'ticket-events'
import { createTicketHandler, type TicketAuthentication } from 'ticket-events/http'
import { toNodeListener } from 'ticket-events/http/node'
import { memoryStore } from 'ticket-events/memory'

/** Static API keys, one per workspace. Look them up in your database instead. */
const API_KEYS = new Map<string, TicketAuthentication>([
  ['demo-key-acme', { workspaceId: '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f' }],
  ['demo-key-globex', { workspaceId: '1c6d3a5f-4d2b-4e8f-8a21-2b3c4d5e6f70' }],
])

const port = Number(process.env['PORT'] ?? 3000)
const service = createTicketService({ store: memoryStore() })
const handler = createTicketHandler({
  service,
  authenticate: (authorization) => API_KEYS.get(authorization) ?? null,
  resolveDetails: (ticket) => ({ assigneeName: ticket.assigneeId === null ? null : `Agent ${ticket.assigneeId.slice(0, 8)}` }),
})

// Print each stored event, as a downstream consumer (search index, notifier, …) would see it.
const stop = new AbortController()
const subscription = subscribe({
  service,
  checkpoint: memoryCheckpoint(),
  pollIntervalMs: 250,
  signal: stop.signal,
  handler: (event) => console.log(`event ${event.id} ${event.type} ticket=${event.ticketId} v${event.version}`),
})

const server = createServer(toNodeListener(handler))
server.listen(port, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${port}`
  const chat = '2d7e4b60-5e3c-4f90-9b32-3c4d5e6f7081'
  const agent = '3e8f5c71-6f4d-4a01-8c43-4d5e6f708192'
  console.log(`ticket API on ${base} (Ctrl+C to stop). Try:

  curl -s -X POST ${base}/api/v1/tickets -H 'authorization: demo-key-acme' -H 'content-type: application/json' \\
    -d '{"chatId":"${chat}","ticketingTeamId":null,"assigneeId":null,"status":"pending","summary":"Card declined"}'

  # then, with the id it answered:
  curl -s -X PATCH ${base}/api/v1/tickets/<id>/takeover -H 'authorization: demo-key-acme' -H 'content-type: application/json' -d '{"assigneeId":"${agent}"}'
  curl -s -X POST ${base}/api/v1/tickets/<id>/tags -H 'authorization: demo-key-acme' -H 'content-type: application/json' -d '{"tagId":"${chat}"}'
  curl -s ${base}/api/v1/tickets/<id>/details -H 'authorization: demo-key-acme'
  curl -s '${base}/api/v1/tickets/details?status=ongoing&pageSize=5' -H 'authorization: demo-key-acme'
  curl -s '${base}/v2/system/events?limit=10' -H 'authorization: demo-key-acme'
  curl -s ${base}/api/v1/tickets/<id>/details -H 'authorization: demo-key-globex'   # another workspace: 404
`)
})

process.once('SIGINT', () => {
  stop.abort()
  server.close()
  void subscription.then(() => service.close()).then(() => process.exit(0))
})
