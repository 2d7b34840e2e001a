import * as z from 'zod'
import { findJsonProblem, type JsonValue } from '../model/json.js'
import { CIRCUMSTANCES, PRIORITIES, SENTIMENTS, SLA_METRICS, TICKET_STATUSES, TICKET_TYPES } from '../model/ticket.js'

/** The longest comment body accepted, in characters. */
export const MAX_BODY_LENGTH = 5_000_000
/** The longest summary accepted, in characters. */
export const MAX_SUMMARY_LENGTH = 10_000

/** A UUID (any RFC 9562 version), as the seed's ids are. */
export const uuidSchema = z.uuid({ error: 'Expected a UUID' })
/** A ULID, as event ids and survey ids are. */
export const ulidSchema = z.ulid({ error: 'Expected a ULID' })
/** A custom field id: letters, digits, `_ . : -`, starting with a letter or digit. */
export const fieldIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { error: 'Expected a field id (letters, digits, _ . : -)' })
const tokenSchema = z.string().min(1).max(255)

/** A JSON value with finite numbers, plain objects and no prototype-reaching keys. */
export const jsonValueSchema = z.custom<JsonValue>((value) => findJsonProblem(value) === null, {
  error: (issue) => findJsonProblem(issue.input)?.message ?? 'Expected a JSON value',
})

/**
 * Rejects own `__proto__` / `constructor` / `prototype` keys before a record schema sees
 * them (zod's records silently drop `__proto__`, and we want a loud error instead).
 */
function guardedRecord<V extends z.ZodType>(keySchema: z.ZodType<string>, valueSchema: V) {
  return z
    .unknown()
    .superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null) return
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        if (Object.hasOwn(value, key)) ctx.addIssue({ code: 'custom', message: `Key "${key}" is not allowed`, path: [key] })
      }
    })
    .pipe(z.record(keySchema, valueSchema))
}

export const actorSchema = z.strictObject({
  type: z.enum(['user', 'agent', 'system']),
  id: tokenSchema,
})

const jsonObjectSchema = guardedRecord(z.string().max(255), jsonValueSchema)

export const viaSchema = z.strictObject({
  channel: z.string().min(1).max(64),
  source: z
    .strictObject({
      from: jsonObjectSchema.optional(),
      to: jsonObjectSchema.optional(),
      rel: z.string().max(255).nullable().optional(),
    })
    .optional(),
})

/** Tracing and idempotency data any command may carry. */
export const commandMetaSchema = z.strictObject({
  /** Idempotency key: a repeated id returns the first result (see the service). */
  commandId: tokenSchema.optional(),
  actor: actorSchema.optional(),
  via: viaSchema.optional(),
  correlationId: tokenSchema.optional(),
})

const meta = commandMetaSchema.optional()
const status = z.enum(TICKET_STATUSES)
const priority = z.enum(PRIORITIES)
const ticketType = z.enum(TICKET_TYPES)
const sentiment = z.enum(SENTIMENTS)
const summary = z.string().max(MAX_SUMMARY_LENGTH)
const body = z.string().min(1).max(MAX_BODY_LENGTH)
const htmlBody = z.string().max(MAX_BODY_LENGTH)
const customFields = guardedRecord(fieldIdSchema, jsonValueSchema.nullable())

export const attachmentSchema = z.strictObject({
  id: tokenSchema,
  fileName: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  url: z.url(),
})

export const slaTargetSchema = z.strictObject({
  minutes: z.number().int().positive().max(1_000_000),
  inBusinessHours: z.boolean(),
})

export const createCommandSchema = z.strictObject({
  type: z.literal('create'),
  ticketId: uuidSchema.optional(),
  workspaceId: uuidSchema,
  chatId: uuidSchema,
  ticketingTeamId: uuidSchema.nullable(),
  assigneeId: uuidSchema.nullable(),
  status,
  circumstance: z.enum(CIRCUMSTANCES).optional(),
  summary: summary.optional(),
  priority: priority.optional(),
  ticketType: ticketType.optional(),
  sentiment: sentiment.optional(),
  tags: z.array(uuidSchema).max(1000).optional(),
  customFields: customFields.optional(),
  meta,
})

const onTicket = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.strictObject({ type: z.literal(type), ...shape, meta })

export const takeoverCommandSchema = onTicket('takeover', { assigneeId: uuidSchema })
export const assignCommandSchema = onTicket('assign', { assigneeId: uuidSchema.nullable() })
export const completeCommandSchema = onTicket('complete', { userId: uuidSchema })
export const tagCommandSchema = onTicket('tag', { tagId: uuidSchema })
export const untagCommandSchema = onTicket('untag', { tagId: uuidSchema })
export const updateCommandSchema = onTicket('update', {
  priority: priority.nullable().optional(),
  ticketType: ticketType.nullable().optional(),
  sentiment: sentiment.nullable().optional(),
  summary: summary.nullable().optional(),
  status: status.optional(),
  customFields: customFields.optional(),
})
export const escalateCommandSchema = onTicket('escalate', { reason: z.string().min(1).max(1000).optional() })
export const migrateCommandSchema = onTicket('migrate', { ticketingTeamId: uuidSchema })
export const archiveCommandSchema = onTicket('archive', {})
export const unarchiveCommandSchema = onTicket('unarchive', {})
export const deleteCommandSchema = onTicket('delete', {})
export const addCommentCommandSchema = onTicket('addComment', {
  commentId: uuidSchema.optional(),
  body,
  htmlBody: htmlBody.optional(),
  public: z.boolean(),
  authorId: uuidSchema,
  attachments: z.array(attachmentSchema).max(100).optional(),
})
export const editCommentCommandSchema = onTicket('editComment', {
  commentId: uuidSchema,
  body,
  htmlBody: htmlBody.nullable().optional(),
  attachments: z.array(attachmentSchema).max(100).optional(),
})
export const deleteCommentCommandSchema = onTicket('deleteComment', { commentId: uuidSchema })
const reaction = { commentId: uuidSchema, emoji: z.string().min(1).max(64), userId: uuidSchema }
export const reactCommandSchema = onTicket('react', reaction)
export const unreactCommandSchema = onTicket('unreact', reaction)
export const redactCommentCommandSchema = onTicket('redactComment', {
  commentId: uuidSchema,
  text: z.string().min(1).max(10_000),
})
export const setCommentPrivacyCommandSchema = onTicket('setCommentPrivacy', { commentId: uuidSchema, public: z.boolean() })
export const sendCsatCommandSchema = onTicket('sendCsat', { surveyId: ulidSchema })
export const receiveCsatCommandSchema = onTicket('receiveCsat', {
  surveyId: ulidSchema.optional(),
  score: z.number().int().min(1).max(5),
  comment: z.string().max(10_000).optional(),
})
const slaRecord = { metric: z.enum(SLA_METRICS), target: slaTargetSchema, at: z.iso.datetime({ offset: true }) }
export const recordSlaBreachCommandSchema = onTicket('recordSlaBreach', slaRecord)
export const recordSlaWarningCommandSchema = onTicket('recordSlaWarning', slaRecord)
export const markViewedCommandSchema = onTicket('markViewed', { userId: uuidSchema })

/** The schema every command is validated with before anything else happens. */
export const commandSchema = z.discriminatedUnion('type', [
  createCommandSchema,
  takeoverCommandSchema,
  assignCommandSchema,
  completeCommandSchema,
  tagCommandSchema,
  untagCommandSchema,
  updateCommandSchema,
  escalateCommandSchema,
  migrateCommandSchema,
  archiveCommandSchema,
  unarchiveCommandSchema,
  deleteCommandSchema,
  addCommentCommandSchema,
  editCommentCommandSchema,
  deleteCommentCommandSchema,
  reactCommandSchema,
  unreactCommandSchema,
  redactCommentCommandSchema,
  setCommentPrivacyCommandSchema,
  sendCsatCommandSchema,
  receiveCsatCommandSchema,
  recordSlaBreachCommandSchema,
  recordSlaWarningCommandSchema,
  markViewedCommandSchema,
])

export type CommandMeta = z.infer<typeof commandMetaSchema>
export type Command = z.infer<typeof commandSchema>
/** The command input before defaults, as a caller writes it. */
export type CommandInput = z.input<typeof commandSchema>
export type CommandType = Command['type']
/** The command of one `type`. */
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>
export type CreateCommand = CommandOf<'create'>
export type UpdateCommand = CommandOf<'update'>

/** Every command type, for generators and docs. */
export const COMMAND_TYPES = commandSchema.options.map((option) => option.shape.type.value) as readonly CommandType[]
