// Smoke test of the built package, as a user gets it: every entry resolves through the
// exports map in ESM and CJS, and a ticket's life runs on the built code.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const entries = [
  'ticket-events',
  'ticket-events/memory',
  'ticket-events/sqlite',
  'ticket-events/postgres',
  'ticket-events/migrations',
  'ticket-events/webhooks',
  'ticket-events/http',
  'ticket-events/http/node',
  'ticket-events/testing',
]
const require = createRequire(import.meta.url)
for (const entry of entries) {
  const esm = await import(entry)
  // The testing entry is ESM only (vitest cannot be required); every other entry is dual.
  if (entry === 'ticket-events/testing') {
    assert.equal(typeof esm.describeStoreContract, 'function')
    continue
  }
  const cjs = require(entry)
  assert.ok(Object.keys(esm).length > 0, `${entry} (ESM) exports nothing`)
  assert.deepEqual(
    Object.keys(cjs).sort(),
    Object.keys(esm)
      .filter((key) => key !== 'default')
      .sort(),
    `${entry}: ESM and CJS exports differ`,
  )
}

const { createTicketService, isTicketError } = await import('ticket-events')
const { memoryStore } = await import('ticket-events/memory')
const { createTicketHandler } = await import('ticket-events/http')
const tickets = createTicketService({ store: memoryStore() })
const ticketId = crypto.randomUUID()
const workspaceId = crypto.randomUUID()
const agent = crypto.randomUUID()
await tickets.execute(ticketId, {
  type: 'create',
  workspaceId,
  chatId: crypto.randomUUID(),
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
})
const { events } = await tickets.execute(ticketId, { type: 'takeover', assigneeId: agent })
assert.deepEqual(
  events.map((event) => event.type),
  ['ticket:updated', 'ticket:status:changed', 'ticket:assigned'],
)
await assert.rejects(
  tickets.execute(ticketId, { type: 'takeover', assigneeId: agent }),
  (error) => isTicketError(error) && error.code === 'INVALID_TRANSITION',
)

const handler = createTicketHandler({ service: tickets, authenticate: (key) => (key === 'secret' ? { workspaceId } : null) })
const response = await handler(new Request(`http://localhost/api/v1/tickets/${ticketId}/details`, { headers: { authorization: 'secret' } }))
assert.equal(response.status, 200)
assert.equal((await response.json()).status, 'ongoing')

// The same handler over a real socket, through the built Node listener.
const { createServer } = await import('node:http')
const { toNodeListener } = await import('ticket-events/http/node')
const server = createServer(toNodeListener(handler))
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const served = await fetch(`http://127.0.0.1:${server.address().port}/api/v1/tickets/${ticketId}/details`, {
  headers: { authorization: 'secret' },
})
assert.equal(served.status, 200)
assert.equal((await served.json()).status, 'ongoing')
server.closeAllConnections()
await new Promise((resolve) => server.close(resolve))
console.log(
  `smoke test of the built package: ${entries.length} entries resolve (ESM and, but for testing, CJS); a ticket's life runs, and is served over a socket`,
)
