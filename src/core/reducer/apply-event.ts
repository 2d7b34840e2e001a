import type { FieldChange, TicketEvent } from '../model/event.js'
import { cloneJson, type JsonValue } from '../model/json.js'
import type { Attachment, Ticket, TicketComment } from '../model/ticket.js'
import type { WritableTicket } from './mutable-ticket.js'

/**
 * Writes what one fact changes into `target`, reading everything it needs from
 * `current`. The single fold of the library: `handle` and `evolve` pass an immer draft
 * of the ticket as `target` and the plain state it drafts as `current`, so no read goes
 * through a proxy and only the ticket's own fields are written through the draft (a
 * nested map that changes is replaced whole); `replay` passes its private copy as both,
 * and nested maps are written in place.
 *
 * Checks (version, ticket, comment exists) are done before, by {@link checkEvent};
 * `version` is written by the caller. Derived change events write nothing: their
 * content is already in the `ticket:updated` before them. Values are copied out of
 * payloads, so a state never shares objects with events.
 * @internal
 */
export function applyFact(target: WritableTicket, current: Ticket, event: TicketEvent): void {
  const at = event.occurredAt
  switch (event.type) {
    case 'ticket:updated':
      applyChanges(target, current, event.payload.changes, at)
      break
    case 'ticket:deleted':
      target.deleted = true
      break
    case 'ticket:archived':
      target.archived = true
      break
    case 'ticket:unarchived':
      target.archived = false
      break
    case 'ticket:comment:added': {
      const comment = event.payload.comment
      setComment(target, current, comment.id, {
        id: comment.id,
        authorId: comment.authorId,
        body: comment.body,
        htmlBody: comment.htmlBody,
        public: comment.public,
        attachments: copyAttachments(comment.attachments),
        reactions: {},
        redactions: 0,
        createdAt: comment.createdAt,
        updatedAt: comment.createdAt,
      })
      break
    }
    case 'ticket:comment:updated': {
      const { commentId, body, htmlBody, attachments } = event.payload
      const comment = commentIn(current, commentId)
      setComment(target, current, commentId, {
        ...comment,
        body,
        htmlBody,
        attachments: attachments === undefined ? comment.attachments : copyAttachments(attachments),
        updatedAt: at,
      })
      break
    }
    case 'ticket:comment:deleted':
      setComment(target, current, event.payload.commentId, undefined)
      break
    case 'ticket:comment:reaction:added': {
      const { commentId, emoji, userId } = event.payload
      const comment = commentIn(current, commentId)
      const users = comment.reactions[emoji] ?? []
      setComment(target, current, commentId, { ...comment, reactions: { ...comment.reactions, [emoji]: [...users, userId] } })
      break
    }
    case 'ticket:comment:reaction:removed': {
      const { commentId, emoji, userId } = event.payload
      const comment = commentIn(current, commentId)
      const { [emoji]: users = [], ...others } = comment.reactions
      const remaining = users.filter((id) => id !== userId)
      setComment(target, current, commentId, { ...comment, reactions: remaining.length > 0 ? { ...others, [emoji]: remaining } : others })
      break
    }
    case 'ticket:comment:redacted': {
      const { commentId, body, htmlBody } = event.payload
      const comment = commentIn(current, commentId)
      setComment(target, current, commentId, { ...comment, body, htmlBody, redactions: comment.redactions + 1, updatedAt: at })
      break
    }
    case 'ticket:comment:privacy_changed': {
      const { commentId } = event.payload
      setComment(target, current, commentId, { ...commentIn(current, commentId), public: event.payload.public })
      break
    }
    case 'ticket:csat:sent':
      target.csat = { surveyId: event.payload.surveyId, sentAt: at, score: null, comment: null, receivedAt: null }
      break
    case 'ticket:csat:received':
      target.csat = {
        surveyId: event.payload.surveyId,
        sentAt: current.csat?.sentAt ?? at,
        score: event.payload.score,
        comment: event.payload.comment,
        receivedAt: at,
      }
      break
    case 'ticket:sla:breached':
    case 'ticket:sla:breach_warning': {
      const { metric, target: slaTarget } = event.payload
      const before = current.sla[metric]
      const breached = event.type === 'ticket:sla:breached'
      target.sla = {
        ...current.sla,
        [metric]: {
          target: { minutes: slaTarget.minutes, inBusinessHours: slaTarget.inBusinessHours },
          warnedAt: breached ? (before?.warnedAt ?? null) : event.payload.at,
          breachedAt: breached ? event.payload.at : (before?.breachedAt ?? null),
        },
      }
      break
    }
    case 'ticket:viewed':
      // Viewing is not an update: only lastViewedAt moves.
      target.lastViewedAt = at
      return
    default:
      // Derived change events: their content is already in the ticket:updated before them.
      return
  }
  target.updatedAt = at
}

function applyChanges(target: WritableTicket, current: Ticket, changes: readonly FieldChange[], at: string): void {
  let customFields: { [fieldId: string]: JsonValue } | undefined
  for (const change of changes) {
    switch (change.field) {
      case 'status':
        target.status = change.to
        if (change.to === 'ongoing') target.ongoingAt = at
        if (change.to === 'completed') target.completedAt = at
        else if (change.from === 'completed') target.completedAt = null
        break
      case 'assigneeId':
      case 'ticketingTeamId':
      case 'summary':
        target[change.field] = change.to
        break
      case 'priority':
        target.priority = change.to
        break
      case 'type':
        target.type = change.to
        break
      case 'sentiment':
        target.sentiment = change.to
        break
      case 'escalated':
        target.escalated = change.to
        break
      case 'tags':
        target.tags = [...change.to]
        break
      case 'customFields':
        // In place on a private copy; on a draft, one new map for all of an update's
        // field changes (see setComment for why no nested draft).
        customFields ??= target === current ? target.customFields : { ...current.customFields }
        if (change.to === null) delete customFields[change.key]
        else customFields[change.key] = cloneJson(change.to)
        break
    }
  }
  if (customFields !== undefined && customFields !== target.customFields) target.customFields = customFields
}

/**
 * Sets (or, with `undefined`, removes) one comment. On a private copy (`replay`: `target`
 * is `current`) it writes in place. On a draft it writes a new comments map, so immer
 * copies nothing but the ticket object itself: immer's one shallow-copy site then only
 * ever sees tickets and stays on V8's fast path (a draft of the comments map too made
 * that site megamorphic, and every ticket copy took ~0.5 µs instead of ~0.05 µs).
 */
function setComment(target: WritableTicket, current: Ticket, commentId: string, comment: TicketComment | undefined): void {
  if (target === current) {
    if (comment === undefined) delete target.comments[commentId]
    else target.comments[commentId] = comment
    return
  }
  const comments: { [commentId: string]: TicketComment } = { ...current.comments }
  if (comment === undefined) delete comments[commentId]
  else comments[commentId] = comment
  target.comments = comments
}

function copyAttachments(attachments: readonly Attachment[]): Attachment[] {
  return attachments.map((attachment) => ({ ...attachment }))
}

/** A comment {@link checkEvent} has already found in `current`. */
function commentIn(current: Ticket, commentId: string): TicketComment {
  return current.comments[commentId] as TicketComment
}
