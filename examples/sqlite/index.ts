/**
 * A ticket's life on a SQLite file, then the global log paged with `afterId`.
 *
 * Run with `node --import tsx examples/sqlite/index.ts [file]` (default: a new file in
 * the system's temp directory). Run it twice on the same file to see the log grow.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTicketService } from 'ticket-events'
import { sqliteStore } from 'ticket-events/sqlite'

const filename = process.argv[2] ?? join(mkdtempSync(join(tmpdir(), 'ticket-events-example-')), 'tickets.db')
const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const billingTag = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ticketId = crypto.randomUUID()

// WAL mode, synchronous = NORMAL: an acknowledged command survives the process being killed.
const tickets = createTicketService({ store: sqliteStore({ filename }) })

await tickets.execute(ticketId, {
  type: 'create',
  workspaceId,
  chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary: 'Refund request for order A-1042',
})
await tickets.execute(ticketId, { type: 'takeover', assigneeId: agent, meta: { commandId: `takeover-${ticketId}` } })
// The same command id again: the first result comes back and nothing is appended.
await tickets.execute(ticketId, { type: 'takeover', assigneeId: agent, meta: { commandId: `takeover-${ticketId}` } })
await tickets.execute(ticketId, { type: 'tag', tagId: billingTag })
await tickets.execute(ticketId, { type: 'update', priority: 'high', customFields: { order_id: 'A-1042' } })
await tickets.execute(ticketId, { type: 'addComment', body: 'Refund issued.', public: true, authorId: agent })
await tickets.execute(ticketId, { type: 'complete', userId: agent })

const ticket = await tickets.load(ticketId)
console.log(`ticket ${ticketId}: ${ticket?.status}, version ${ticket?.version}, tags ${JSON.stringify(ticket?.tags)}`)

const { result: listed } = await tickets.list({ workspaceId, search: 'REFUND', status: 'completed' })
console.log(`list(search: 'REFUND', status: 'completed'): ${listed.length} ticket(s) in ${filename}`)

// Page through the workspace's log, three events at a time, as a consumer would.
let afterId: string | undefined
for (let page = 1; ; page++) {
  const { result } = await tickets.events({ workspaceId, limit: 3, ...(afterId === undefined ? {} : { afterId }) })
  if (result.length === 0) break
  console.log(`page ${page}: ${result.map((event) => `${event.type} (v${event.version})`).join(', ')}`)
  afterId = result.at(-1)?.id
}

await tickets.close()
