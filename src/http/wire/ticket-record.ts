import type { Circumstance, Ticket, TicketStatus } from '../../core/model/ticket.js'

/**
 * The ticket API record, answered by `POST /api/v1/tickets` and the `PATCH`
 * routes. `summary` is a string as the seed requires: `''` when the ticket has none.
 */
export interface TicketRecord {
  readonly createdAt: string
  readonly id: string
  readonly updatedAt: string
  readonly assigneeId: string | null
  readonly chatId: string
  readonly circumstance: Circumstance
  readonly completedAt: string | null
  readonly lastViewedAt: string | null
  readonly ongoingAt: string | null
  readonly status: TicketStatus
  readonly summary: string
  readonly ticketingTeamId: string | null
}

/** Renders a ticket as the ticket API {@link TicketRecord}. */
export function toTicketRecord(ticket: Ticket): TicketRecord {
  return {
    createdAt: ticket.createdAt,
    id: ticket.id,
    updatedAt: ticket.updatedAt,
    assigneeId: ticket.assigneeId,
    chatId: ticket.chatId,
    circumstance: ticket.circumstance,
    completedAt: ticket.completedAt,
    lastViewedAt: ticket.lastViewedAt,
    ongoingAt: ticket.ongoingAt,
    status: ticket.status,
    summary: ticket.summary ?? '',
    ticketingTeamId: ticket.ticketingTeamId,
  }
}
