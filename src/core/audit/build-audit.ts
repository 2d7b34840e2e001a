import { AUDIT_SCHEMA_VERSION, type Audit, type AuditEvent } from '../model/audit.js'
import type { Command } from '../model/command.js'
import type { FieldChange, TicketEvent, Via } from '../model/event.js'
import type { JsonValue } from '../model/json.js'
import type { SlaMetric, SlaState, Ticket } from '../model/ticket.js'
import { CHANGE_FIELD_NAMES, customFieldName } from './audit-field-names.js'
import { satisfactionScore } from './satisfaction-score.js'

/** An audit event before it is numbered. */
type AuditEventDraft = AuditEvent extends infer Event ? (Event extends AuditEvent ? Omit<Event, 'id'> : never) : never

export interface AuditInput {
  readonly id: string
  readonly before: Ticket | null
  readonly after: Ticket
  readonly command: Command
  readonly events: readonly TicketEvent[]
}

/**
 * Describes one accepted command as a Zendesk-style audit record: `Create` per field set
 * on creation, `Change` per changed field with `previous_value`, `Comment` for a new
 * comment, and the comment, CSAT and SLA events. Derived change events add nothing:
 * their `ticket:updated` is already described. Each event gets its own id
 * (`<auditId>.<n>`); custom fields are named `custom_fields.<id>`; a CSAT score is the
 * rating `good` or `bad` (see {@link satisfactionScore}). This is a pure function.
 * @internal
 */
export function buildAudit({ id, before, after, command, events }: AuditInput): Audit {
  const entries: AuditEventDraft[] = []
  for (const event of events) describe(event, before, after, entries)
  const first = events[0] as TicketEvent
  return {
    id,
    schemaVersion: AUDIT_SCHEMA_VERSION,
    ticketId: after.id,
    version: after.version,
    createdAt: first.occurredAt,
    authorId: command.meta?.actor?.id ?? commandAuthor(command),
    via: (command.meta?.via as Via | undefined) ?? null,
    eventIds: events.map((event) => event.id),
    events: entries.map((entry, index) => ({ id: auditEventId(id, index), ...entry }) as AuditEvent),
  }
}

/** The id of the audit's event at `index`: `<auditId>.<n>`, counting from 1, unique within the ticket as audit ids are. */
export function auditEventId(auditId: string, index: number): string {
  return `${auditId}.${index + 1}`
}

/** The user a command names as acting, when its `meta.actor` does not say. */
function commandAuthor(command: Command): string | null {
  switch (command.type) {
    case 'takeover':
      return command.assigneeId
    case 'complete':
    case 'react':
    case 'unreact':
    case 'markViewed':
      return command.userId
    case 'addComment':
      return command.authorId
    default:
      return null
  }
}

function describe(event: TicketEvent, before: Ticket | null, after: Ticket, out: AuditEventDraft[]): void {
  switch (event.type) {
    case 'ticket:created':
      out.push(...createEntries(event.payload.ticket))
      return
    case 'ticket:updated':
      for (const change of event.payload.changes) out.push(changeEntry(change))
      return
    case 'ticket:deleted':
      out.push({ type: 'Change', field_name: 'deleted', value: true, previous_value: false })
      return
    case 'ticket:archived':
    case 'ticket:unarchived': {
      const archived = event.type === 'ticket:archived'
      out.push({ type: 'Change', field_name: 'archived', value: archived, previous_value: !archived })
      return
    }
    case 'ticket:comment:added': {
      const { comment } = event.payload
      out.push({
        type: 'Comment',
        comment_id: comment.id,
        body: comment.body,
        html_body: comment.htmlBody,
        public: comment.public,
        author_id: comment.authorId,
        created_at: comment.createdAt,
        attachments: comment.attachments.map((attachment) => ({ ...attachment })),
      })
      return
    }
    case 'ticket:comment:updated': {
      const { commentId, body, previousBody, htmlBody, previousHtmlBody } = event.payload
      if (body !== previousBody)
        out.push({ type: 'Change', field_name: 'comment_body', comment_id: commentId, value: body, previous_value: previousBody })
      if (htmlBody !== previousHtmlBody) {
        out.push({
          type: 'Change',
          field_name: 'comment_html_body',
          comment_id: commentId,
          value: htmlBody,
          previous_value: previousHtmlBody,
        })
      }
      if (event.payload.attachments) {
        const previous = before?.comments[commentId]?.attachments ?? []
        out.push({
          type: 'Change',
          field_name: 'comment_attachments',
          comment_id: commentId,
          value: event.payload.attachments.map((attachment) => ({ ...attachment })),
          previous_value: previous.map((attachment) => ({ ...attachment })),
        })
      }
      return
    }
    case 'ticket:comment:deleted':
      out.push({ type: 'CommentDeletion', comment_id: event.payload.commentId })
      return
    case 'ticket:comment:reaction:added':
    case 'ticket:comment:reaction:removed': {
      const { commentId, emoji, userId } = event.payload
      const action = event.type === 'ticket:comment:reaction:added' ? 'added' : 'removed'
      out.push({ type: 'CommentReaction', comment_id: commentId, emoji, user_id: userId, action })
      return
    }
    case 'ticket:comment:redacted':
      out.push({ type: 'CommentRedactionEvent', comment_id: event.payload.commentId })
      return
    case 'ticket:comment:privacy_changed':
      out.push({ type: 'CommentPrivacyChange', comment_id: event.payload.commentId, public: event.payload.public })
      return
    case 'ticket:csat:sent':
      out.push({
        type: 'SurveyOffered',
        survey_id: event.payload.surveyId,
        survey_type: 'CustomerSatisfaction',
        assigned_user_id: after.assigneeId,
        assigned_group_id: after.ticketingTeamId,
      })
      return
    case 'ticket:csat:received':
      out.push({
        type: 'SatisfactionRating',
        survey_id: event.payload.surveyId,
        score: satisfactionScore(event.payload.score),
        body: event.payload.comment,
        assignee_id: after.assigneeId,
      })
      return
    case 'ticket:sla:breached':
    case 'ticket:sla:breach_warning': {
      const metric = event.payload.metric
      out.push({ type: 'Change', field_name: metric, value: slaValue(after, metric), previous_value: slaValue(before, metric) })
      return
    }
    case 'ticket:viewed':
      out.push({ type: 'Change', field_name: 'last_viewed_at', value: event.occurredAt, previous_value: before?.lastViewedAt ?? null })
      return
    default:
      // Derived change events: described by the ticket:updated they come from.
      return
  }
}

function createEntries(ticket: Ticket): AuditEventDraft[] {
  const entries: AuditEventDraft[] = []
  const set = (field_name: string, value: JsonValue) => {
    if (value !== null) entries.push({ type: 'Create', field_name, value })
  }
  set('workspace_id', ticket.workspaceId)
  set('chat_id', ticket.chatId)
  set('status', ticket.status)
  set('circumstance', ticket.circumstance)
  set('assignee_id', ticket.assigneeId)
  set('ticketing_team_id', ticket.ticketingTeamId)
  set('summary', ticket.summary)
  set('priority', ticket.priority)
  set('type', ticket.type)
  set('sentiment', ticket.sentiment)
  if (ticket.tags.length > 0) set('tags', [...ticket.tags])
  for (const [fieldId, value] of Object.entries(ticket.customFields)) set(customFieldName(fieldId), value)
  return entries
}

function changeEntry(change: FieldChange): AuditEventDraft {
  if (change.field === 'customFields')
    return { type: 'Change', field_name: customFieldName(change.key), value: change.to, previous_value: change.from }
  if (change.field === 'tags') return { type: 'Change', field_name: 'tags', value: [...change.to], previous_value: [...change.from] }
  return { type: 'Change', field_name: CHANGE_FIELD_NAMES[change.field], value: change.to, previous_value: change.from }
}

/** An SLA state as an audit value object (Zendesk-style audits use objects for SLA fields). */
function slaValue(ticket: Ticket | null, metric: SlaMetric): JsonValue {
  const sla: SlaState | undefined = ticket?.sla[metric]
  if (!sla) return null
  return {
    minutes: sla.target.minutes,
    in_business_hours: sla.target.inBusinessHours,
    warned_at: sla.warnedAt,
    breached_at: sla.breachedAt,
  }
}
