import type { Via } from './event.js'
import type { JsonValue } from './json.js'

/** `Create`: one per field set when a ticket is created (Zendesk-style ticket audit events). */
export interface CreateAuditEvent {
  readonly type: 'Create'
  readonly field_name: string
  readonly value: JsonValue
}

/** `Change`: one per field whose value changed, with the value before. */
export interface ChangeAuditEvent {
  readonly type: 'Change'
  readonly field_name: string
  readonly value: JsonValue
  readonly previous_value: JsonValue
  /** Set when the change is to a comment (its body). */
  readonly comment_id?: string
}

/** `Comment`: the comment object as added. */
export interface CommentAuditEvent {
  readonly type: 'Comment'
  readonly comment_id: string
  readonly body: string
  readonly html_body: string | null
  readonly public: boolean
  readonly author_id: string
  readonly created_at: string
  readonly attachments: readonly JsonValue[]
}

export interface CommentRedactionAuditEvent {
  readonly type: 'CommentRedactionEvent'
  readonly comment_id: string
}

export interface CommentPrivacyChangeAuditEvent {
  readonly type: 'CommentPrivacyChange'
  readonly comment_id: string
  readonly public: boolean
}

/** Not among the Zendesk ticket audit event types, which have no deletions: a comment was removed. */
export interface CommentDeletionAuditEvent {
  readonly type: 'CommentDeletion'
  readonly comment_id: string
}

/** Not among the Zendesk ticket audit event types: a reaction was added to or removed from a comment. */
export interface CommentReactionAuditEvent {
  readonly type: 'CommentReaction'
  readonly comment_id: string
  readonly emoji: string
  readonly user_id: string
  readonly action: 'added' | 'removed'
}

export interface SatisfactionRatingAuditEvent {
  readonly type: 'SatisfactionRating'
  readonly survey_id: string
  readonly score: number
  readonly body: string | null
  readonly assignee_id: string | null
}

export interface SurveyOfferedAuditEvent {
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
  readonly ticketId: string
  readonly createdAt: string
  readonly authorId: string | null
  readonly via: Via | null
  /** Ids of the stored events this audit describes. */
  readonly eventIds: readonly string[]
  readonly events: readonly AuditEvent[]
}
