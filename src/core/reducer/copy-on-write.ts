import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { applyEvent } from './apply-event.js'
import { cloneComment, freezeState, type MutableTicket } from './mutable-ticket.js'

/**
 * Folds a command's events onto a state with structural sharing, the way immer would,
 * but knowing in advance which parts each event writes: it copies the ticket object
 * and only the nested maps and comments the events touch, applies the events with the
 * one mutable applier, and freezes only the new parts (shared parts are already frozen).
 *
 * Measured on the realistic command mix, this made `handle` about 1.6× faster than one
 * immer draft per command, and it keeps immer out of the core bundle.
 * @internal
 */
export function produceTicket(state: Ticket | null, events: readonly TicketEvent[]): Ticket | null {
  if (events.length === 0) return state
  let next: MutableTicket | null = state === null ? null : writableCopy(state, events)
  for (const event of events) next = applyEvent(next, event)
  return freezeState(next) as Ticket | null
}

/** Copies the ticket and the parts of it these events write into; shares the rest. */
function writableCopy(state: Ticket, events: readonly TicketEvent[]): MutableTicket {
  const copy = shallowCopy(state)
  let commentsCopied = false
  for (const event of events) {
    switch (event.type) {
      case 'ticket:updated':
        if (copy.customFields === state.customFields && event.payload.changes.some((change) => change.field === 'customFields')) {
          copy.customFields = { ...state.customFields } as MutableTicket['customFields']
        }
        break
      case 'ticket:sla:breached':
      case 'ticket:sla:breach_warning':
        if (copy.sla === state.sla) copy.sla = { ...state.sla } as MutableTicket['sla']
        break
      case 'ticket:comment:added':
      case 'ticket:comment:updated':
      case 'ticket:comment:deleted':
      case 'ticket:comment:reaction:added':
      case 'ticket:comment:reaction:removed':
      case 'ticket:comment:redacted':
      case 'ticket:comment:privacy_changed': {
        if (!commentsCopied) {
          copy.comments = { ...state.comments } as MutableTicket['comments']
          commentsCopied = true
        }
        const id = event.type === 'ticket:comment:added' ? event.payload.comment.id : event.payload.commentId
        const existing = state.comments[id]
        if (existing && copy.comments[id] === existing) copy.comments[id] = cloneComment(existing)
        break
      }
      default:
        // Other events assign whole new values (tags, csat, scalars) and need no copies.
        break
    }
  }
  return copy
}

/**
 * A field-by-field copy of the ticket object. Measured ~3× faster than `{ ...state }`
 * on a frozen ticket, because V8 builds the literal with one fixed shape.
 */
function shallowCopy(t: Ticket): MutableTicket {
  return {
    id: t.id,
    workspaceId: t.workspaceId,
    chatId: t.chatId,
    status: t.status,
    circumstance: t.circumstance,
    assigneeId: t.assigneeId,
    ticketingTeamId: t.ticketingTeamId,
    summary: t.summary,
    priority: t.priority,
    type: t.type,
    sentiment: t.sentiment,
    escalated: t.escalated,
    tags: t.tags,
    customFields: t.customFields,
    comments: t.comments,
    csat: t.csat,
    sla: t.sla,
    archived: t.archived,
    deleted: t.deleted,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ongoingAt: t.ongoingAt,
    completedAt: t.completedAt,
    lastViewedAt: t.lastViewedAt,
    version: t.version,
  } as MutableTicket
}
