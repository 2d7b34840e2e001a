import equal from 'fast-deep-equal'
import { TicketError } from '../errors/ticket-error.js'
import type { Command, CommandOf, CommandType } from '../model/command.js'
import type { FactPayloads, FactType, FieldChange } from '../model/event.js'
import { cloneJson, type JsonValue } from '../model/json.js'
import { STATUS_TRANSITIONS, type Ticket, type TicketComment, type TicketStatus } from '../model/ticket.js'

/** A fact before it gets its envelope. */
export type FactDraft = { [K in FactType]: { readonly type: K; readonly payload: FactPayloads[K] } }[FactType]

/** What `decide` may ask of the outside world: the event time and fresh ids. */
export interface DecideEnvironment {
  /** The ISO-8601 time of the events this command will emit. */
  readonly occurredAt: () => string
  /** A fresh UUID, for a ticket or comment the command names no id for. */
  readonly newUuid: () => string
}

/**
 * Checks a validated command against the ticket's state and returns the facts it
 * produces. An empty list means the command changes nothing (accepted, no events).
 * This is a pure function.
 *
 * @throws {TicketError} `NOT_FOUND`, `ALREADY_EXISTS`, `DELETED`, `ARCHIVED`, `INVALID_TRANSITION`
 * @internal
 */
export function decide(state: Ticket | null, command: Command, env: DecideEnvironment): FactDraft[] {
  if (command.type === 'create') {
    if (state !== null) {
      throw new TicketError('ALREADY_EXISTS', `Ticket ${state.id} already exists; a create command can only start a new ticket.`, {
        details: { ticketId: state.id },
      })
    }
    return [createFact(command, env)]
  }
  if (state === null) {
    throw new TicketError('NOT_FOUND', `Cannot ${command.type}: the ticket does not exist. Send a create command first.`, {
      details: { command: command.type },
    })
  }
  if (state.deleted) {
    throw new TicketError('DELETED', `Cannot ${command.type}: ticket ${state.id} is deleted.`, {
      details: { ticketId: state.id, command: command.type },
    })
  }
  if (state.archived && command.type !== 'unarchive' && command.type !== 'delete') {
    throw new TicketError('ARCHIVED', `Cannot ${command.type}: ticket ${state.id} is archived. Unarchive it first.`, {
      details: { ticketId: state.id, command: command.type },
    })
  }
  return decideOnTicket(state, command, env)
}

function decideOnTicket(state: Ticket, command: Exclude<Command, { type: 'create' }>, env: DecideEnvironment): FactDraft[] {
  switch (command.type) {
    case 'takeover': {
      if (state.status !== 'pending') throw transitionError(state, 'ongoing', command.type, ['pending'])
      return updated([
        { field: 'status', from: state.status, to: 'ongoing' },
        ...(state.assigneeId === command.assigneeId
          ? []
          : [{ field: 'assigneeId', from: state.assigneeId, to: command.assigneeId } as const]),
      ])
    }
    case 'assign':
      return state.assigneeId === command.assigneeId
        ? []
        : updated([{ field: 'assigneeId', from: state.assigneeId, to: command.assigneeId }])
    case 'complete':
      if (state.status === 'completed') throw transitionError(state, 'completed', command.type, ['pending', 'ongoing'])
      return updated([{ field: 'status', from: state.status, to: 'completed' }])
    // Events never share objects with a state: `from` is a copy of the state's tags, so
    // editing an event (unfrozen in production) cannot rewrite a cached or stored state.
    case 'tag':
      return state.tags.includes(command.tagId)
        ? []
        : updated([{ field: 'tags', from: [...state.tags], to: [...state.tags, command.tagId] }])
    case 'untag':
      return state.tags.includes(command.tagId)
        ? updated([{ field: 'tags', from: [...state.tags], to: state.tags.filter((tag) => tag !== command.tagId) }])
        : []
    case 'update':
      return updated(updateChanges(state, command))
    case 'escalate':
      return state.escalated ? [] : updated([{ field: 'escalated', from: false, to: true }], command.reason)
    case 'migrate':
      return state.ticketingTeamId === command.ticketingTeamId
        ? []
        : updated([{ field: 'ticketingTeamId', from: state.ticketingTeamId, to: command.ticketingTeamId }])
    case 'archive':
      return [{ type: 'ticket:archived', payload: {} }]
    case 'unarchive':
      return state.archived ? [{ type: 'ticket:unarchived', payload: {} }] : []
    case 'delete':
      return [{ type: 'ticket:deleted', payload: {} }]
    case 'addComment': {
      const id = command.commentId ?? env.newUuid()
      if (state.comments[id]) {
        throw new TicketError('ALREADY_EXISTS', `Comment ${id} already exists on ticket ${state.id}.`, { details: { commentId: id } })
      }
      const comment = {
        id,
        authorId: command.authorId,
        body: command.body,
        htmlBody: command.htmlBody ?? null,
        public: command.public,
        attachments: command.attachments ?? [],
        createdAt: env.occurredAt(),
      }
      return [{ type: 'ticket:comment:added', payload: { comment } }]
    }
    case 'editComment': {
      const comment = commentOf(state, command.commentId)
      const htmlBody = command.htmlBody ?? null
      const attachmentsChanged = command.attachments !== undefined && !equal(command.attachments, comment.attachments)
      if (comment.body === command.body && comment.htmlBody === htmlBody && !attachmentsChanged) return []
      return [
        {
          type: 'ticket:comment:updated',
          payload: {
            commentId: comment.id,
            body: command.body,
            htmlBody,
            previousBody: comment.body,
            previousHtmlBody: comment.htmlBody,
            ...(attachmentsChanged && command.attachments ? { attachments: command.attachments } : {}),
          },
        },
      ]
    }
    case 'deleteComment':
      commentOf(state, command.commentId)
      return [{ type: 'ticket:comment:deleted', payload: { commentId: command.commentId } }]
    case 'react': {
      const reacted = commentOf(state, command.commentId).reactions[command.emoji]?.includes(command.userId) ?? false
      const { commentId, emoji, userId } = command
      return reacted ? [] : [{ type: 'ticket:comment:reaction:added', payload: { commentId, emoji, userId } }]
    }
    case 'unreact': {
      const reacted = commentOf(state, command.commentId).reactions[command.emoji]?.includes(command.userId) ?? false
      const { commentId, emoji, userId } = command
      return reacted ? [{ type: 'ticket:comment:reaction:removed', payload: { commentId, emoji, userId } }] : []
    }
    case 'redactComment': {
      const comment = commentOf(state, command.commentId)
      const body = redact(comment.body, command.text)
      const htmlBody = comment.htmlBody === null ? null : redact(comment.htmlBody, command.text)
      if (body === comment.body && htmlBody === comment.htmlBody) return []
      return [{ type: 'ticket:comment:redacted', payload: { commentId: comment.id, body, htmlBody } }]
    }
    case 'setCommentPrivacy': {
      const comment = commentOf(state, command.commentId)
      return comment.public === command.public
        ? []
        : [{ type: 'ticket:comment:privacy_changed', payload: { commentId: comment.id, public: command.public } }]
    }
    case 'sendCsat':
      return state.csat?.surveyId === command.surveyId ? [] : [{ type: 'ticket:csat:sent', payload: { surveyId: command.surveyId } }]
    case 'receiveCsat': {
      const csat = state.csat
      if (csat === null || (command.surveyId !== undefined && command.surveyId !== csat.surveyId)) {
        const survey = command.surveyId === undefined ? 'a CSAT survey' : `CSAT survey ${command.surveyId}`
        throw new TicketError('NOT_FOUND', `Ticket ${state.id} has no ${survey} to receive a rating for. Send one first.`, {
          details: { ticketId: state.id, surveyId: command.surveyId ?? null },
        })
      }
      const comment = command.comment ?? null
      if (csat.receivedAt !== null && csat.score === command.score && csat.comment === comment) return []
      return [{ type: 'ticket:csat:received', payload: { surveyId: csat.surveyId, score: command.score, comment } }]
    }
    case 'recordSlaBreach': {
      if (state.sla[command.metric]?.breachedAt) return []
      return [{ type: 'ticket:sla:breached', payload: slaPayload(command) }]
    }
    case 'recordSlaWarning': {
      const sla = state.sla[command.metric]
      if (sla?.warnedAt || sla?.breachedAt) return []
      return [{ type: 'ticket:sla:breach_warning', payload: slaPayload(command) }]
    }
    case 'markViewed':
      return [{ type: 'ticket:viewed', payload: { userId: command.userId } }]
  }
}

function createFact(command: CommandOf<'create'>, env: DecideEnvironment): FactDraft {
  const at = env.occurredAt()
  const customFields: Record<string, JsonValue> = {}
  for (const [key, value] of Object.entries(command.customFields ?? {})) if (value !== null) customFields[key] = cloneJson(value)
  const ticket: Ticket = {
    id: command.ticketId ?? env.newUuid(),
    workspaceId: command.workspaceId,
    chatId: command.chatId,
    status: command.status,
    circumstance: command.circumstance ?? (command.status === 'pending' ? 'handover' : 'takeover'),
    assigneeId: command.assigneeId,
    ticketingTeamId: command.ticketingTeamId,
    summary: command.summary ?? null,
    priority: command.priority ?? null,
    type: command.ticketType ?? null,
    sentiment: command.sentiment ?? null,
    escalated: false,
    tags: [...new Set(command.tags ?? [])],
    customFields,
    comments: {},
    csat: null,
    sla: {},
    archived: false,
    deleted: false,
    createdAt: at,
    updatedAt: at,
    ongoingAt: command.status === 'ongoing' ? at : null,
    completedAt: command.status === 'completed' ? at : null,
    lastViewedAt: null,
    version: 1,
  }
  return { type: 'ticket:created', payload: { ticket } }
}

/** The changes of an `update`, in a fixed field order so events are reproducible. */
function updateChanges(state: Ticket, command: CommandOf<'update'>): FieldChange[] {
  const changes: FieldChange[] = []
  if (command.status !== undefined && command.status !== state.status) {
    if (!STATUS_TRANSITIONS[state.status].includes(command.status)) {
      throw transitionError(state, command.status, 'update', statusesLeadingTo(command.status))
    }
    changes.push({ field: 'status', from: state.status, to: command.status })
  }
  if (command.priority !== undefined && command.priority !== state.priority) {
    changes.push({ field: 'priority', from: state.priority, to: command.priority })
  }
  if (command.ticketType !== undefined && command.ticketType !== state.type) {
    changes.push({ field: 'type', from: state.type, to: command.ticketType })
  }
  if (command.sentiment !== undefined && command.sentiment !== state.sentiment) {
    changes.push({ field: 'sentiment', from: state.sentiment, to: command.sentiment })
  }
  if (command.summary !== undefined && command.summary !== state.summary) {
    changes.push({ field: 'summary', from: state.summary, to: command.summary })
  }
  for (const [key, value] of Object.entries(command.customFields ?? {})) {
    const before = Object.hasOwn(state.customFields, key) ? (state.customFields[key] as JsonValue) : null
    // Copy both values: events share no objects with the state or with the caller's command.
    if (!equal(before, value)) {
      changes.push({ field: 'customFields', key, from: cloneJson(before), to: value === null ? null : cloneJson(value) })
    }
  }
  return changes
}

function statusesLeadingTo(target: TicketStatus): TicketStatus[] {
  return (Object.keys(STATUS_TRANSITIONS) as TicketStatus[]).filter((from) => STATUS_TRANSITIONS[from].includes(target))
}

function updated(changes: FieldChange[], reason?: string): FactDraft[] {
  if (changes.length === 0) return []
  return [{ type: 'ticket:updated', payload: reason === undefined ? { changes } : { changes, reason } }]
}

function commentOf(state: Ticket, commentId: string): TicketComment {
  const comment = state.comments[commentId]
  if (!comment) {
    throw new TicketError('NOT_FOUND', `Comment ${commentId} does not exist on ticket ${state.id}.`, {
      details: { ticketId: state.id, commentId },
    })
  }
  return comment
}

function transitionError(state: Ticket, to: TicketStatus, command: CommandType, allowedFrom: readonly TicketStatus[]): TicketError {
  return new TicketError(
    'INVALID_TRANSITION',
    `Cannot ${command} ticket ${state.id}: it is ${state.status}, and a move to ${to} is only allowed from ${allowedFrom.join(' or ')}.`,
    { details: { ticketId: state.id, command, from: state.status, to, allowedFrom } },
  )
}

/** Replaces every occurrence of `text` with as many `▇` characters (the audit seed's redaction mark). */
function redact(source: string, text: string): string {
  return source.includes(text) ? source.split(text).join('▇'.repeat([...text].length)) : source
}

function slaPayload(command: CommandOf<'recordSlaBreach' | 'recordSlaWarning'>): FactPayloads['ticket:sla:breached'] {
  return { metric: command.metric, target: { ...command.target }, at: new Date(command.at).toISOString() }
}
