/**
 * The commands, one named interface each, written out by hand so editors show plain
 * fields (no zod generics) and a misspelled `type` or field is a compile error in an
 * object literal. The zod schemas in `core/commands/schemas.ts` validate the same shapes
 * at runtime, for JavaScript callers and data from the wire; a type test keeps each
 * interface equal to its schema's inferred input and output, so the two cannot drift.
 *
 * Optional fields also accept `undefined` (as the schemas do), so a caller compiling with
 * `exactOptionalPropertyTypes` can pass a value that may be absent.
 *
 * @module
 */
import type { Actor, Via } from './event.js'
import type { JsonValue } from './json.js'
import type { Attachment, Circumstance, Priority, Sentiment, SlaMetric, SlaTarget, TicketStatus, TicketType } from './ticket.js'

/** Tracing and idempotency data any command may carry. */
export interface CommandMeta {
  /** Idempotency key: a repeated id returns the first result within the service's dedupe window. */
  readonly commandId?: string | undefined
  /** Who issued the command. */
  readonly actor?: Actor | undefined
  /** How the change reached the system (the audit's `via`). */
  readonly via?: Via | undefined
  readonly correlationId?: string | undefined
}

/** Custom field id → JSON value; in `update`, the value `null` removes the field. */
export interface CustomFieldValues {
  readonly [fieldId: string]: JsonValue
}

/** Creates a ticket (the ticket API's `POST /tickets`). */
export interface CreateCommand {
  readonly type: 'create'
  /** The new ticket's id; the service fills in the id it is executed on. */
  readonly ticketId?: string | undefined
  readonly workspaceId: string
  readonly chatId: string
  readonly ticketingTeamId: string | null
  readonly assigneeId: string | null
  readonly status: TicketStatus
  /** Default `handover`. */
  readonly circumstance?: Circumstance | undefined
  readonly summary?: string | undefined
  readonly priority?: Priority | undefined
  readonly ticketType?: TicketType | undefined
  readonly sentiment?: Sentiment | undefined
  readonly tags?: readonly string[] | undefined
  readonly customFields?: CustomFieldValues | undefined
  readonly meta?: CommandMeta | undefined
}

/** A user takes a pending ticket over: `pending` → `ongoing`, assigned to them. */
export interface TakeoverCommand {
  readonly type: 'takeover'
  readonly assigneeId: string
  readonly meta?: CommandMeta | undefined
}

/** Changes the assignee; `null` unassigns. */
export interface AssignCommand {
  readonly type: 'assign'
  readonly assigneeId: string | null
  readonly meta?: CommandMeta | undefined
}

/** A user completes the ticket (from `pending` or `ongoing`). */
export interface CompleteCommand {
  readonly type: 'complete'
  readonly userId: string
  readonly meta?: CommandMeta | undefined
}

/** Attaches a tag (a no-op when it is already there). */
export interface TagCommand {
  readonly type: 'tag'
  readonly tagId: string
  readonly meta?: CommandMeta | undefined
}

/** Removes a tag (a no-op when it is not there). */
export interface UntagCommand {
  readonly type: 'untag'
  readonly tagId: string
  readonly meta?: CommandMeta | undefined
}

/** Sets fields; `null` clears a nullable field or removes a custom field. Equal values change nothing. */
export interface UpdateCommand {
  readonly type: 'update'
  readonly priority?: Priority | null | undefined
  readonly ticketType?: TicketType | null | undefined
  readonly sentiment?: Sentiment | null | undefined
  readonly summary?: string | null | undefined
  readonly status?: TicketStatus | undefined
  readonly customFields?: CustomFieldValues | undefined
  readonly meta?: CommandMeta | undefined
}

/** Escalates the ticket (once; a second escalation changes nothing). */
export interface EscalateCommand {
  readonly type: 'escalate'
  readonly reason?: string | undefined
  readonly meta?: CommandMeta | undefined
}

/** Moves the ticket to another ticketing team. */
export interface MigrateCommand {
  readonly type: 'migrate'
  readonly ticketingTeamId: string
  readonly meta?: CommandMeta | undefined
}

/** Archives the ticket: hidden from lists, refusing commands until unarchived. */
export interface ArchiveCommand {
  readonly type: 'archive'
  readonly meta?: CommandMeta | undefined
}

export interface UnarchiveCommand {
  readonly type: 'unarchive'
  readonly meta?: CommandMeta | undefined
}

/** Deletes the ticket for good: every later command is `DELETED`. */
export interface DeleteCommand {
  readonly type: 'delete'
  readonly meta?: CommandMeta | undefined
}

export interface AddCommentCommand {
  readonly type: 'addComment'
  /** The new comment's id; a fresh UUID when left out. */
  readonly commentId?: string | undefined
  readonly body: string
  readonly htmlBody?: string | undefined
  readonly public: boolean
  readonly authorId: string
  readonly attachments?: readonly Attachment[] | undefined
  readonly meta?: CommandMeta | undefined
}

export interface EditCommentCommand {
  readonly type: 'editComment'
  readonly commentId: string
  readonly body: string
  readonly htmlBody?: string | null | undefined
  readonly attachments?: readonly Attachment[] | undefined
  readonly meta?: CommandMeta | undefined
}

export interface DeleteCommentCommand {
  readonly type: 'deleteComment'
  readonly commentId: string
  readonly meta?: CommandMeta | undefined
}

export interface ReactCommand {
  readonly type: 'react'
  readonly commentId: string
  readonly emoji: string
  readonly userId: string
  readonly meta?: CommandMeta | undefined
}

export interface UnreactCommand {
  readonly type: 'unreact'
  readonly commentId: string
  readonly emoji: string
  readonly userId: string
  readonly meta?: CommandMeta | undefined
}

/** Replaces `text` in the comment's bodies with a redaction mark. */
export interface RedactCommentCommand {
  readonly type: 'redactComment'
  readonly commentId: string
  readonly text: string
  readonly meta?: CommandMeta | undefined
}

export interface SetCommentPrivacyCommand {
  readonly type: 'setCommentPrivacy'
  readonly commentId: string
  readonly public: boolean
  readonly meta?: CommandMeta | undefined
}

/** Offers the customer satisfaction survey. */
export interface SendCsatCommand {
  readonly type: 'sendCsat'
  /** A ULID. */
  readonly surveyId: string
  readonly meta?: CommandMeta | undefined
}

/** Records the customer's rating, 1–5. */
export interface ReceiveCsatCommand {
  readonly type: 'receiveCsat'
  readonly surveyId?: string | undefined
  readonly score: number
  readonly comment?: string | undefined
  readonly meta?: CommandMeta | undefined
}

export interface RecordSlaBreachCommand {
  readonly type: 'recordSlaBreach'
  readonly metric: SlaMetric
  readonly target: SlaTarget
  /** ISO-8601 date-time with a time zone. */
  readonly at: string
  readonly meta?: CommandMeta | undefined
}

export interface RecordSlaWarningCommand {
  readonly type: 'recordSlaWarning'
  readonly metric: SlaMetric
  readonly target: SlaTarget
  /** ISO-8601 date-time with a time zone. */
  readonly at: string
  readonly meta?: CommandMeta | undefined
}

/** A user viewed the ticket (sets `lastViewedAt`). */
export interface MarkViewedCommand {
  readonly type: 'markViewed'
  readonly userId: string
  readonly meta?: CommandMeta | undefined
}

/** Every command, discriminated by `type`. */
export type Command =
  | CreateCommand
  | TakeoverCommand
  | AssignCommand
  | CompleteCommand
  | TagCommand
  | UntagCommand
  | UpdateCommand
  | EscalateCommand
  | MigrateCommand
  | ArchiveCommand
  | UnarchiveCommand
  | DeleteCommand
  | AddCommentCommand
  | EditCommentCommand
  | DeleteCommentCommand
  | ReactCommand
  | UnreactCommand
  | RedactCommentCommand
  | SetCommentPrivacyCommand
  | SendCsatCommand
  | ReceiveCsatCommand
  | RecordSlaBreachCommand
  | RecordSlaWarningCommand
  | MarkViewedCommand

/** Every command `type`. */
export type CommandType = Command['type']

/** The command of one `type`. */
export type CommandOf<T extends CommandType> = Extract<Command, { readonly type: T }>
