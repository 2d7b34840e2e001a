import type { Command, CreateCommand, Ticket } from 'ticket-events'

const users = ['3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '3b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '3c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f']
const tags = ['4a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '4b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f', '4c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f']
const priorities = ['low', 'normal', 'high', 'urgent'] as const

export const createCommand: CreateCommand = {
  type: 'create',
  workspaceId: '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  chatId: '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f',
  ticketingTeamId: null,
  assigneeId: null,
  status: 'pending',
  summary: 'Customer cannot log in',
}

/**
 * A realistic day-to-day mix of commands on a long-lived ticket: tagging, assignment,
 * priority and custom field updates, comments (added and later removed, so the ticket
 * stays a realistic size), reactions, views and status moves. Every command fits the
 * state it is given.
 */
export function nextCommand(ticket: Ticket, step: number): Command {
  // Rotate by round (not by step) so every case cycles through all values.
  const round = Math.floor(step / 12)
  const pick = <T>(items: readonly T[]) => items[round % items.length] as T
  const comments = Object.keys(ticket.comments)
  switch (step % 12) {
    case 0:
      return { type: 'tag', tagId: pick(tags) }
    case 1:
      return { type: 'untag', tagId: tags[(round + 2) % tags.length] as string }
    case 2:
      return { type: 'assign', assigneeId: pick(users) }
    case 3:
      return { type: 'update', priority: pick(priorities) }
    case 4:
      return { type: 'update', customFields: { order_id: `A-${step}`, plan: step % 5 === 0 ? null : 'pro' } }
    case 5:
      return { type: 'addComment', body: `Reply number ${step}`, public: step % 2 === 0, authorId: pick(users) }
    case 6:
      return comments.length > 0
        ? { type: 'react', commentId: comments[0] as string, emoji: '👍', userId: pick(users) }
        : { type: 'markViewed', userId: pick(users) }
    case 7:
      return { type: 'markViewed', userId: pick(users) }
    case 8:
      return comments.length > 3 ? { type: 'deleteComment', commentId: comments[0] as string } : { type: 'update', sentiment: 'neutral' }
    case 9:
      return ticket.status === 'pending' ? { type: 'takeover', assigneeId: pick(users) } : { type: 'update', summary: `Summary ${step}` }
    case 10:
      return ticket.status === 'completed' ? { type: 'update', status: 'ongoing' } : { type: 'complete', userId: pick(users) }
    default:
      return { type: 'update', status: ticket.status === 'ongoing' ? 'pending' : 'ongoing' }
  }
}
