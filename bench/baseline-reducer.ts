import type { TicketEvent } from 'ticket-events'

type Plain = Record<string, unknown> & {
  version: number
  tags: string[]
  customFields: Record<string, unknown>
  comments: Record<string, Record<string, unknown> & { reactions: Record<string, string[]> }>
}

/**
 * The baseline: a hand-written mutable switch reducer over plain objects, with no
 * checks, no copies and no freezing — the physical limit for folding events in JS.
 * It folds the same stream to the same state as `replay`, which the bench verifies.
 */
export function baselineFold(events: readonly TicketEvent[]): Plain | null {
  let t: Plain | null = null
  for (const event of events) {
    if (event.type === 'ticket:created') {
      const ticket = event.payload.ticket
      t = { ...ticket, tags: [...ticket.tags], customFields: { ...ticket.customFields }, comments: {}, sla: {} } as unknown as Plain
      continue
    }
    if (t === null) continue
    t.version = event.version
    switch (event.type) {
      case 'ticket:updated':
        for (const change of event.payload.changes) {
          if (change.field === 'tags') t.tags = [...change.to]
          else if (change.field === 'customFields') {
            if (change.to === null) delete t.customFields[change.key]
            else t.customFields[change.key] = change.to
          } else {
            t[change.field] = change.to
            if (change.field === 'status') {
              if (change.to === 'ongoing') t.ongoingAt = event.occurredAt
              if (change.to === 'completed') t.completedAt = event.occurredAt
              else if (change.from === 'completed') t.completedAt = null
            }
          }
        }
        t.updatedAt = event.occurredAt
        break
      case 'ticket:comment:added':
        t.comments[event.payload.comment.id] = {
          ...event.payload.comment,
          reactions: {},
          redactions: 0,
          updatedAt: event.payload.comment.createdAt,
        }
        t.updatedAt = event.occurredAt
        break
      case 'ticket:comment:deleted':
        delete t.comments[event.payload.commentId]
        t.updatedAt = event.occurredAt
        break
      case 'ticket:comment:reaction:added': {
        const comment = t.comments[event.payload.commentId]
        if (comment) {
          const users = comment.reactions[event.payload.emoji]
          if (users) users.push(event.payload.userId)
          else comment.reactions[event.payload.emoji] = [event.payload.userId]
        }
        t.updatedAt = event.occurredAt
        break
      }
      case 'ticket:viewed':
        t.lastViewedAt = event.occurredAt
        break
      default:
        break
    }
  }
  return t
}
