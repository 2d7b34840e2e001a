import type { JsonValue } from './json.js'

/**
 * The version of the {@link Ticket} shape. Stores keep it beside snapshots and
 * ignore snapshots written under another version.
 */
export const TICKET_SCHEMA_VERSION = 1

/** Workflow states: `pending` → `ongoing` → `completed` (and back, see {@link STATUS_TRANSITIONS}). */
export type TicketStatus = 'pending' | 'ongoing' | 'completed'
/** Every {@link TicketStatus}, in workflow order. */
export const TICKET_STATUSES = ['pending', 'ongoing', 'completed'] as const satisfies readonly TicketStatus[]

/**
 * Status moves an `update` may make. `takeover` only starts from `pending`;
 * `complete` from `pending` or `ongoing`; a completed ticket can be reopened to `ongoing`.
 */
export const STATUS_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  pending: ['ongoing', 'completed'],
  ongoing: ['pending', 'completed'],
  completed: ['ongoing'],
}

/** How the ticket came to be: a human took the chat over, or the agent handed it over. */
export type Circumstance = 'takeover' | 'handover'
/** Every {@link Circumstance}. */
export const CIRCUMSTANCES = ['takeover', 'handover'] as const satisfies readonly Circumstance[]

export type Priority = 'low' | 'normal' | 'high' | 'urgent'
/** Every {@link Priority}, lowest first. */
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const satisfies readonly Priority[]

export type TicketType = 'question' | 'incident' | 'problem' | 'task'
/** Every {@link TicketType}. */
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const satisfies readonly TicketType[]

export type Sentiment = 'negative' | 'neutral' | 'positive'
/** Every {@link Sentiment}. */
export const SENTIMENTS = ['negative', 'neutral', 'positive'] as const satisfies readonly Sentiment[]

/** SLA metrics, named as in Zendesk-style ticket audits. */
export type SlaMetric =
  | 'first_reply_time'
  | 'next_reply_time'
  | 'requester_wait_time'
  | 'agent_work_time'
  | 'periodic_update_time'
  | 'resolution_time'
/** Every {@link SlaMetric}. */
export const SLA_METRICS = [
  'first_reply_time',
  'next_reply_time',
  'requester_wait_time',
  'agent_work_time',
  'periodic_update_time',
  'resolution_time',
] as const satisfies readonly SlaMetric[]

/** An SLA target: minutes, counted in business hours or on the calendar. */
export interface SlaTarget {
  readonly minutes: number
  readonly inBusinessHours: boolean
}

/** The SLA record for one metric. */
export interface SlaState {
  readonly target: SlaTarget
  readonly warnedAt: string | null
  readonly breachedAt: string | null
}

/** A file attached to a comment. */
export interface Attachment {
  readonly id: string
  readonly fileName: string
  readonly contentType: string
  readonly size: number
  readonly url: string
}

/** A comment on a ticket. `reactions` maps an emoji to the ids of the users who reacted. */
export interface TicketComment {
  readonly id: string
  readonly authorId: string
  readonly body: string
  readonly htmlBody: string | null
  readonly public: boolean
  readonly attachments: readonly Attachment[]
  readonly reactions: { readonly [emoji: string]: readonly string[] }
  readonly redactions: number
  readonly createdAt: string
  readonly updatedAt: string
}

/** The customer satisfaction survey of a ticket. */
export interface Csat {
  readonly surveyId: string
  readonly sentAt: string
  readonly score: number | null
  readonly comment: string | null
  readonly receivedAt: string | null
}

/**
 * The state of one ticket: a pure function of its stored facts.
 *
 * Every timestamp is an ISO-8601 UTC string taken from an event's `occurredAt`.
 * `version` equals the version of the last stored event (facts and derived events alike).
 */
export interface Ticket {
  readonly id: string
  readonly workspaceId: string
  readonly chatId: string
  readonly status: TicketStatus
  readonly circumstance: Circumstance
  readonly assigneeId: string | null
  readonly ticketingTeamId: string | null
  readonly summary: string | null
  readonly priority: Priority | null
  readonly type: TicketType | null
  readonly sentiment: Sentiment | null
  readonly escalated: boolean
  /** Tag ids in the order they were added. */
  readonly tags: readonly string[]
  /** Custom field id → value. A field set to `null` is removed, so values are never `null`. */
  readonly customFields: { readonly [fieldId: string]: JsonValue }
  /** Comment id → comment. */
  readonly comments: { readonly [commentId: string]: TicketComment }
  readonly csat: Csat | null
  /** SLA metric → its target and the times it was warned about and breached. */
  readonly sla: { readonly [metric in SlaMetric]?: SlaState }
  readonly archived: boolean
  readonly deleted: boolean
  readonly createdAt: string
  readonly updatedAt: string
  readonly ongoingAt: string | null
  readonly completedAt: string | null
  readonly lastViewedAt: string | null
  readonly version: number
}
