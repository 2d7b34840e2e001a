import { TicketError } from '../errors/ticket-error.js'
import type { FieldChange, TicketEvent } from '../model/event.js'
import { cloneJson } from '../model/json.js'
import { cloneTicket, type MutableComment, type MutableTicket } from './mutable-ticket.js'

/**
 * Applies one stored event to a writable ticket, in place, and returns it
 * (`ticket:created` returns a new object). This is the single fold of the library:
 * `handle` runs it on a copy-on-write copy, `replay` on a private deep copy.
 *
 * Derived change events only move `version`; everything else follows from the facts.
 * Values are copied out of payloads, so a folded state never shares objects with events.
 *
 * @throws {TicketError} `VALIDATION` when the event does not follow the state
 * (wrong ticket, a version gap, an unknown comment).
 * @internal
 */
export function applyEvent(ticket: MutableTicket | null, event: TicketEvent): MutableTicket {
  if (event.type === 'ticket:created') {
    if (ticket !== null) throw streamError(event, `ticket ${ticket.id} already exists`)
    if (event.version !== 1) throw streamError(event, 'a ticket:created event must have version 1')
    const created = cloneTicket(event.payload.ticket)
    created.version = 1
    return created
  }
  if (ticket === null) throw streamError(event, 'the stream does not start with ticket:created')
  if (event.ticketId !== ticket.id) throw streamError(event, `it belongs to ticket ${event.ticketId}, not ${ticket.id}`)
  if (event.version !== ticket.version + 1) {
    throw streamError(event, `version ${event.version} does not follow version ${ticket.version}`)
  }
  ticket.version = event.version
  const at = event.occurredAt

  switch (event.type) {
    case 'ticket:updated':
      for (const change of event.payload.changes) applyChange(ticket, change, at)
      break
    case 'ticket:deleted':
      ticket.deleted = true
      break
    case 'ticket:archived':
      ticket.archived = true
      break
    case 'ticket:unarchived':
      ticket.archived = false
      break
    case 'ticket:comment:added': {
      const comment = event.payload.comment
      ticket.comments[comment.id] = {
        ...comment,
        attachments: comment.attachments.map((attachment) => ({ ...attachment })),
        reactions: {},
        redactions: 0,
        updatedAt: comment.createdAt,
      }
      break
    }
    case 'ticket:comment:updated': {
      const comment = commentOf(ticket, event, event.payload.commentId)
      comment.body = event.payload.body
      comment.htmlBody = event.payload.htmlBody
      if (event.payload.attachments) comment.attachments = event.payload.attachments.map((attachment) => ({ ...attachment }))
      comment.updatedAt = at
      break
    }
    case 'ticket:comment:deleted':
      commentOf(ticket, event, event.payload.commentId)
      delete ticket.comments[event.payload.commentId]
      break
    case 'ticket:comment:reaction:added': {
      const { emoji, userId } = event.payload
      const comment = commentOf(ticket, event, event.payload.commentId)
      const users = comment.reactions[emoji]
      if (users) users.push(userId)
      else comment.reactions[emoji] = [userId]
      break
    }
    case 'ticket:comment:reaction:removed': {
      const { emoji, userId } = event.payload
      const comment = commentOf(ticket, event, event.payload.commentId)
      const remaining = (comment.reactions[emoji] ?? []).filter((id) => id !== userId)
      if (remaining.length > 0) comment.reactions[emoji] = remaining
      else delete comment.reactions[emoji]
      break
    }
    case 'ticket:comment:redacted': {
      const comment = commentOf(ticket, event, event.payload.commentId)
      comment.body = event.payload.body
      comment.htmlBody = event.payload.htmlBody
      comment.redactions += 1
      comment.updatedAt = at
      break
    }
    case 'ticket:comment:privacy_changed':
      commentOf(ticket, event, event.payload.commentId).public = event.payload.public
      break
    case 'ticket:csat:sent':
      ticket.csat = { surveyId: event.payload.surveyId, sentAt: at, score: null, comment: null, receivedAt: null }
      break
    case 'ticket:csat:received':
      ticket.csat = {
        surveyId: event.payload.surveyId,
        sentAt: ticket.csat?.sentAt ?? at,
        score: event.payload.score,
        comment: event.payload.comment,
        receivedAt: at,
      }
      break
    case 'ticket:sla:breached': {
      const { metric, target } = event.payload
      ticket.sla[metric] = { target: { ...target }, warnedAt: ticket.sla[metric]?.warnedAt ?? null, breachedAt: event.payload.at }
      break
    }
    case 'ticket:sla:breach_warning': {
      const { metric, target } = event.payload
      ticket.sla[metric] = { target: { ...target }, warnedAt: event.payload.at, breachedAt: ticket.sla[metric]?.breachedAt ?? null }
      break
    }
    case 'ticket:viewed':
      // Viewing is not an update: only lastViewedAt moves.
      ticket.lastViewedAt = at
      return ticket
    default:
      // Derived change events: their content is already in the ticket:updated before them.
      return ticket
  }
  ticket.updatedAt = at
  return ticket
}

function applyChange(ticket: MutableTicket, change: FieldChange, at: string): void {
  switch (change.field) {
    case 'status':
      ticket.status = change.to
      if (change.to === 'ongoing') ticket.ongoingAt = at
      if (change.to === 'completed') ticket.completedAt = at
      else if (change.from === 'completed') ticket.completedAt = null
      break
    case 'assigneeId':
    case 'ticketingTeamId':
    case 'summary':
      ticket[change.field] = change.to
      break
    case 'priority':
      ticket.priority = change.to
      break
    case 'type':
      ticket.type = change.to
      break
    case 'sentiment':
      ticket.sentiment = change.to
      break
    case 'escalated':
      ticket.escalated = change.to
      break
    case 'tags':
      ticket.tags = [...change.to]
      break
    case 'customFields':
      if (change.to === null) delete ticket.customFields[change.key]
      else ticket.customFields[change.key] = cloneJson(change.to) as MutableTicket['customFields'][string]
      break
  }
}

function commentOf(ticket: MutableTicket, event: TicketEvent, commentId: string): MutableComment {
  const comment = ticket.comments[commentId]
  if (!comment) throw streamError(event, `comment ${commentId} does not exist`)
  return comment
}

function streamError(event: TicketEvent, reason: string): TicketError {
  return new TicketError('VALIDATION', `Cannot apply event ${event.id} (${event.type}, version ${event.version}): ${reason}.`, {
    details: { eventId: event.id, type: event.type, version: event.version },
  })
}
