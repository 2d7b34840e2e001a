// Smoke test of the built package, as a user gets it: every entry resolves through the
// exports map in ESM and CJS, and a ticket's life runs on the built code.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

/** Entries published as ESM and CJS, with a value each must export. */
const dualEntries = {
  'ticket-events': 'handle',
  'ticket-events/schemas': 'parseWith',
  'ticket-events/testing': 'arbScenario',
  'ticket-events/memory': 'memoryStore',
  'ticket-events/sqlite': 'sqliteStore',
  'ticket-events/postgres': 'postgresStore',
  'ticket-events/migrations': 'runMigrations',
  'ticket-events/webhooks': 'toWebhook',
  'ticket-events/http': 'createTicketHandler',
  'ticket-events/http/node': 'toNodeListener',
  'ticket-events/nats': 'relayToJetStream',
}
/** Entries published as ESM only (they import vitest, which cannot be required). */
const esmOnlyEntries = { 'ticket-events/testing/vitest': 'describeStoreContract' }

const require = createRequire(import.meta.url)
for (const [entry, value] of Object.entries(dualEntries)) {
  const esm = await import(entry)
  const cjs = require(entry)
  assert.equal(typeof esm[value], 'function', `${entry} (ESM) exports no ${value}`)
  assert.deepEqual(
    Object.keys(cjs).sort(),
    Object.keys(esm)
      .filter((key) => key !== 'default')
      .sort(),
    `${entry}: ESM and CJS exports differ`,
  )
}
for (const [entry, value] of Object.entries(esmOnlyEntries)) {
  assert.equal(typeof (await import(entry))[value], 'function', `${entry} exports no ${value}`)
}

// The root is curated: what users call, and no zod schema (those are in ticket-events/schemas).
const root = Object.keys(await import('ticket-events'))
// The list is the contract: a value added to the root is a decision, made here and in the CHANGELOG.
const CURATED_ROOT = [
  'AUDIT_SCHEMA_VERSION',
  'COMMAND_TYPES',
  'EVENT_TYPES',
  'EVENT_UPCASTERS',
  'FREEZES_BY_DEFAULT',
  'STATUS_TRANSITIONS',
  'TICKET_SCHEMA_VERSION',
  'TicketError',
  'createIdFactory',
  'createTicketService',
  'deriveChangeEvents',
  'evolve',
  'handle',
  'isDerivedType',
  'isTicketError',
  'memoryCheckpoint',
  'parseCommand',
  'replay',
  'satisfactionScore',
  'subscribe',
  'upcastAudit',
]
assert.deepEqual(
  root.filter((name) => name !== 'default').sort(),
  [...CURATED_ROOT].sort(),
  'the root entry exports other values than the curated list',
)
assert.deepEqual(
  root.filter((name) => name.endsWith('Schema')),
  [],
  'the root entry exports zod schemas',
)

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
const entryCount = Object.keys(dualEntries).length + Object.keys(esmOnlyEntries).length
console.log(
  `smoke test of the built package: ${entryCount} entries resolve (ESM, and CJS but for testing/vitest); a ticket's life runs, and is served over a socket`,
)
