import type { Via } from './event.js'
import type { JsonValue } from './json.js'

/**
 * The shape version of the audit records this library writes. Version 1 (ticket-events
 * 0.2 and before) had no per-event ids, no ticket `version`, custom fields under their
 * bare id and numeric CSAT scores; stores upcast such records when they read them.
 */
export const AUDIT_SCHEMA_VERSION = 2

/** What every event inside an audit carries. */
export interface AuditEventBase {
  /** Unique within the ticket: `<audit id>.<n>`, `n` counting the audit's events from 1. */
  readonly id: string
}

/**
 * `Create`: one per field set when a ticket is created (Zendesk-style ticket audit events).
 * `field_name` is a built-in field in snake_case, or `custom_fields.<id>` for a custom field.
 */
export interface CreateAuditEvent extends AuditEventBase {
  readonly type: 'Create'
  readonly field_name: string
  readonly value: JsonValue
}

/**
 * `Change`: one per field whose value changed, with the value before. `field_name` is a
 * built-in field in snake_case, or `custom_fields.<id>` for a custom field, so a custom
 * field can never pass for a built-in one.
 */
export interface ChangeAuditEvent extends AuditEventBase {
  readonly type: 'Change'
  readonly field_name: string
  readonly value: JsonValue
  readonly previous_value: JsonValue
  /** Set when the change is to a comment (its body). */
  readonly comment_id?: string
}

/** `Comment`: the comment object as added. */
export interface CommentAuditEvent extends AuditEventBase {
  readonly type: 'Comment'
  readonly comment_id: string
  readonly body: string
  readonly html_body: string | null
  readonly public: boolean
  readonly author_id: string
  readonly created_at: string
  readonly attachments: readonly JsonValue[]
}

export interface CommentRedactionAuditEvent extends AuditEventBase {
  readonly type: 'CommentRedactionEvent'
  readonly comment_id: string
}

export interface CommentPrivacyChangeAuditEvent extends AuditEventBase {
  readonly type: 'CommentPrivacyChange'
  readonly comment_id: string
  readonly public: boolean
}

/** Not among the Zendesk ticket audit event types, which have no deletions: a comment was removed. */
export interface CommentDeletionAuditEvent extends AuditEventBase {
  readonly type: 'CommentDeletion'
  readonly comment_id: string
}

/** Not among the Zendesk ticket audit event types: a reaction was added to or removed from a comment. */
export interface CommentReactionAuditEvent extends AuditEventBase {
  readonly type: 'CommentReaction'
  readonly comment_id: string
  readonly emoji: string
  readonly user_id: string
  readonly action: 'added' | 'removed'
}

/**
 * The rating states of a `SatisfactionRating` event, as Zendesk-style ticket audit events
 * name them. A received score of 1–5 maps to `bad` (1, 2, 3) or `good` (4, 5); see
 * {@link satisfactionScore}. `offered` and `unoffered` are never emitted: a sent survey is
 * a `SurveyOffered` event, and no command withdraws one.
 */
export type SatisfactionScore = 'offered' | 'unoffered' | 'good' | 'bad'

/** A satisfaction rating received; the 1–5 score stays in the `ticket:csat:received` event. */
export interface SatisfactionRatingAuditEvent extends AuditEventBase {
  readonly type: 'SatisfactionRating'
  readonly survey_id: string
  readonly score: SatisfactionScore
  readonly body: string | null
  readonly assignee_id: string | null
}

export interface SurveyOfferedAuditEvent extends AuditEventBase {
  readonly type: 'SurveyOffered'
  readonly survey_id: string
  readonly survey_type: 'CustomerSatisfaction'
  readonly assigned_user_id: string | null
  readonly assigned_group_id: string | null
}

export type AuditEvent =
  | CreateAuditEvent
  | ChangeAuditEvent
  | CommentAuditEvent
  | CommentRedactionAuditEvent
  | CommentPrivacyChangeAuditEvent
  | CommentDeletionAuditEvent
  | CommentReactionAuditEvent
  | SatisfactionRatingAuditEvent
  | SurveyOfferedAuditEvent

/** The audit record of one accepted command that emitted events (Zendesk style). */
export interface Audit {
  readonly id: string
  /** The shape version of this record: always {@link AUDIT_SCHEMA_VERSION} once read (older records are upcast). */
  readonly schemaVersion: typeof AUDIT_SCHEMA_VERSION
  readonly ticketId: string
  /** The ticket's version after the command: the version of the last event it describes. Audits are read in this order. */
  readonly version: number
  readonly createdAt: string
  readonly authorId: string | null
  readonly via: Via | null
  /** Ids of the stored events this audit describes. */
  readonly eventIds: readonly string[]
  readonly events: readonly AuditEvent[]
}
