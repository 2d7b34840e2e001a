import type { TicketService } from '../../../src/service/ticket-service.js'

export const WORKSPACE = '3b241101-e2bb-4255-8caf-4136c566a962'
const CHAT = '4b241101-e2bb-4255-8caf-4136c566a962'
const AGENT = '5b241101-e2bb-4255-8caf-4136c566a962'
const TAG = '6b241101-e2bb-4255-8caf-4136c566a962'

let tickets = 0

/** A new ticket id no other test uses. */
export function newTicketId(): string {
  return `0190a1b2-c3d4-7e5f-a6b7-${String(++tickets).padStart(12, '0')}`
}

/**
 * Creates a ticket and gives it a life: takeover, a custom field added then changed, a
 * priority and a tag — the webhook events reference's creation, status change and custom
 * field change among them (about a dozen events).
 */
export async function ticketWithActivity(service: TicketService, ticketId = newTicketId()): Promise<string> {
  await service.execute(ticketId, {
    type: 'create',
    workspaceId: WORKSPACE,
    chatId: CHAT,
    ticketingTeamId: null,
    assigneeId: null,
    status: 'pending',
    summary: `Ticket ${ticketId}`,
  })
  await moreActivity(service, ticketId)
  return ticketId
}

/** More events on an existing ticket. */
export async function moreActivity(service: TicketService, ticketId: string): Promise<void> {
  const ticket = await service.load(ticketId)
  if (ticket?.assigneeId === null) await service.execute(ticketId, { type: 'takeover', assigneeId: AGENT })
  const round = (ticket?.version ?? 0) + 1
  await service.execute(ticketId, { type: 'update', customFields: { plan: `plan-${round}` } })
  await service.execute(ticketId, { type: 'update', priority: round % 2 === 0 ? 'high' : 'low' })
  if (!ticket?.tags.includes(TAG)) await service.execute(ticketId, { type: 'tag', tagId: TAG })
}
