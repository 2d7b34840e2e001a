/**
 * Quick start: a ticket's life on the pure core, printing every event and audit record.
 *
 * Run with `npm run demo`.
 */
import { handle, isTicketError, replay, type Ticket, type TicketEvent } from 'ticket-events'

const workspaceId = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const agent = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
const billingTag = '4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

const stored: TicketEvent[] = []
let ticket: Ticket | null = null

function run(command: Parameters<typeof handle>[1]): void {
  const result = handle(ticket, command)
  ticket = result.state
  stored.push(...result.events)
  console.log(`\n> ${(command as { type: string }).type}`)
  for (const event of result.events) console.log(`  event v${event.version} ${event.type} ${JSON.stringify(event.payload)}`)
  if (result.audit) console.log(`  audit ${JSON.stringify(result.audit.events)}`)
  if (result.events.length === 0) console.log('  (no change: no events)')
}

run({
  type: 'create',
  workspaceId,
  chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary: 'Refund request',
})
run({ type: 'takeover', assigneeId: agent })
run({ type: 'tag', tagId: billingTag })
run({ type: 'tag', tagId: billingTag })
run({ type: 'update', priority: 'high', customFields: { order_id: 'A-1042' } })
run({ type: 'addComment', body: 'Refund issued.', public: true, authorId: agent })
run({ type: 'complete', userId: agent })

try {
  run({ type: 'complete', userId: agent })
} catch (error) {
  if (isTicketError(error)) console.log(`\n> complete again\n  rejected: ${error.code}: ${error.message}`)
}

const rebuilt = replay(stored)
console.log(
  `\nReplayed ${stored.length} events: status=${rebuilt?.status}, version=${rebuilt?.version}, same as handle: ${JSON.stringify(rebuilt) === JSON.stringify(ticket)}`,
)
