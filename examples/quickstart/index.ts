/**
 * Quick start: a ticket's life on the embedded in-memory store, printing every event and
 * audit record, then paging the global log the way an integration would.
 *
 * Run with `npm run demo`.
 */
import { type Command, createTicketService, isTicketError } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'

const tickets = createTicketService({ store: memoryStore() })

const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const billingTag = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const ticketId = crypto.randomUUID()

async function run(command: Command): Promise<void> {
  console.log(`\n> ${command.type}`)
  try {
    const { events, audit } = await tickets.execute(ticketId, command)
    for (const event of events) console.log(`  v${event.version} ${event.type} ${JSON.stringify(event.payload)}`)
    if (audit) console.log(`  audit ${JSON.stringify(audit.events)}`)
    if (events.length === 0) console.log('  (nothing changed: no events)')
  } catch (error) {
    if (!isTicketError(error)) throw error
    console.log(`  rejected with ${error.code}: ${error.message}`)
  }
}

await run({
  type: 'create',
  workspaceId,
  chatId: crypto.randomUUID(),
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary: 'Refund request',
})
await run({ type: 'takeover', assigneeId: agent })
await run({ type: 'tag', tagId: billingTag })
await run({ type: 'tag', tagId: billingTag })
await run({ type: 'update', priority: 'high', customFields: { order_id: 'A-1042' } })
await run({ type: 'addComment', body: 'Refund issued.', public: true, authorId: agent })
await run({ type: 'complete', userId: agent })
await run({ type: 'complete', userId: agent })

const ticket = await tickets.load(ticketId)
console.log(`\nThe ticket now: status=${ticket?.status}, priority=${ticket?.priority}, version=${ticket?.version}`)

const page = await tickets.events({ workspaceId, type: 'ticket:status:changed', limit: 10 })
console.log(`The log has ${page.result.length} status changes (query ${JSON.stringify(page.query)}).`)
await tickets.close()
