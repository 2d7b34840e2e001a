import * as z from 'zod/mini'
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
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { error: 'Expected a field id (letters, digits, _ . : -)' }))
const tokenSchema = z.string().check(z.minLength(1), z.maxLength(255))

/** A JSON value with finite numbers, plain objects and no prototype-reaching keys. */
export const jsonValueSchema = z.custom<JsonValue>((value: unknown) => findJsonProblem(value) === null, {
  error: (issue) => findJsonProblem(issue.input)?.message ?? 'Expected a JSON value',
})

/**
 * Rejects own `__proto__` / `constructor` / `prototype` keys before a record schema sees
 * them (zod's records silently drop `__proto__`, and we want a loud error instead).
 */
function guardedRecord<V extends z.ZodMiniType>(keySchema: z.ZodMiniType<string, string>, valueSchema: V) {
  const guard = z.unknown().check(
    z.superRefine((value, ctx) => {
      if (typeof value !== 'object' || value === null) return
      for (const key of ['__proto__', 'constructor', 'prototype']) {
        if (Object.hasOwn(value, key)) ctx.addIssue({ code: 'custom', message: `Key "${key}" is not allowed`, path: [key], input: value })
      }
    }),
  )
  return z.pipe(guard, z.record(keySchema, valueSchema))
}

export const actorSchema = z.strictObject({
  type: z.enum(['user', 'agent', 'system']),
  id: tokenSchema,
})

const jsonObjectSchema = guardedRecord(z.string().check(z.maxLength(255)), jsonValueSchema)

export const viaSchema = z.strictObject({
  channel: z.string().check(z.minLength(1), z.maxLength(64)),
  source: z.optional(
    z.strictObject({
      from: z.optional(jsonObjectSchema),
      to: z.optional(jsonObjectSchema),
      rel: z.optional(z.nullable(z.string().check(z.maxLength(255)))),
    }),
  ),
})

/** Tracing and idempotency data any command may carry. */
export const commandMetaSchema = z.strictObject({
  /** Idempotency key: a repeated id returns the first result (see the service). */
  commandId: z.optional(tokenSchema),
  actor: z.optional(actorSchema),
  via: z.optional(viaSchema),
  correlationId: z.optional(tokenSchema),
})

const meta = z.optional(commandMetaSchema)
const status = z.enum(TICKET_STATUSES)
const priority = z.enum(PRIORITIES)
const ticketType = z.enum(TICKET_TYPES)
const sentiment = z.enum(SENTIMENTS)
const summary = z.string().check(z.maxLength(MAX_SUMMARY_LENGTH))
const body = z.string().check(z.minLength(1), z.maxLength(MAX_BODY_LENGTH))
const htmlBody = z.string().check(z.maxLength(MAX_BODY_LENGTH))
const customFields = guardedRecord(fieldIdSchema, z.nullable(jsonValueSchema))

export const attachmentSchema = z.strictObject({
  id: tokenSchema,
  fileName: z.string().check(z.minLength(1), z.maxLength(255)),
  contentType: z.string().check(z.minLength(1), z.maxLength(255)),
  size: z.int().check(z.nonnegative()),
  url: z.url(),
})

export const slaTargetSchema = z.strictObject({
  minutes: z.int().check(z.positive(), z.maximum(1_000_000)),
  inBusinessHours: z.boolean(),
})

export const createCommandSchema = z.strictObject({
  type: z.literal('create'),
  ticketId: z.optional(uuidSchema),
  workspaceId: uuidSchema,
  chatId: uuidSchema,
  ticketingTeamId: z.nullable(uuidSchema),
  assigneeId: z.nullable(uuidSchema),
  status,
  circumstance: z.optional(z.enum(CIRCUMSTANCES)),
  summary: z.optional(summary),
  priority: z.optional(priority),
  ticketType: z.optional(ticketType),
  sentiment: z.optional(sentiment),
  tags: z.optional(z.array(uuidSchema).check(z.maxLength(1000))),
  customFields: z.optional(customFields),
  meta,
})

const onTicket = <T extends string, S extends z.core.$ZodLooseShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape, meta })

export const takeoverCommandSchema = onTicket('takeover', { assigneeId: uuidSchema })
export const assignCommandSchema = onTicket('assign', { assigneeId: z.nullable(uuidSchema) })
export const completeCommandSchema = onTicket('complete', { userId: uuidSchema })
export const tagCommandSchema = onTicket('tag', { tagId: uuidSchema })
export const untagCommandSchema = onTicket('untag', { tagId: uuidSchema })
export const updateCommandSchema = onTicket('update', {
  priority: z.optional(z.nullable(priority)),
  ticketType: z.optional(z.nullable(ticketType)),
  sentiment: z.optional(z.nullable(sentiment)),
  summary: z.optional(z.nullable(summary)),
  status: z.optional(status),
  customFields: z.optional(customFields),
})
export const escalateCommandSchema = onTicket('escalate', { reason: z.optional(z.string().check(z.minLength(1), z.maxLength(1000))) })
export const migrateCommandSchema = onTicket('migrate', { ticketingTeamId: uuidSchema })
export const archiveCommandSchema = onTicket('archive', {})
export const unarchiveCommandSchema = onTicket('unarchive', {})
export const deleteCommandSchema = onTicket('delete', {})
export const addCommentCommandSchema = onTicket('addComment', {
  commentId: z.optional(uuidSchema),
  body,
  htmlBody: z.optional(htmlBody),
  public: z.boolean(),
  authorId: uuidSchema,
  attachments: z.optional(z.array(attachmentSchema).check(z.maxLength(100))),
})
export const editCommentCommandSchema = onTicket('editComment', {
  commentId: uuidSchema,
  body,
  htmlBody: z.optional(z.nullable(htmlBody)),
  attachments: z.optional(z.array(attachmentSchema).check(z.maxLength(100))),
})
export const deleteCommentCommandSchema = onTicket('deleteComment', { commentId: uuidSchema })
const reaction = { commentId: uuidSchema, emoji: z.string().check(z.minLength(1), z.maxLength(64)), userId: uuidSchema }
export const reactCommandSchema = onTicket('react', reaction)
export const unreactCommandSchema = onTicket('unreact', reaction)
export const redactCommentCommandSchema = onTicket('redactComment', {
  commentId: uuidSchema,
  text: z.string().check(z.minLength(1), z.maxLength(10_000)),
})
export const setCommentPrivacyCommandSchema = onTicket('setCommentPrivacy', { commentId: uuidSchema, public: z.boolean() })
export const sendCsatCommandSchema = onTicket('sendCsat', { surveyId: ulidSchema })
export const receiveCsatCommandSchema = onTicket('receiveCsat', {
  surveyId: z.optional(ulidSchema),
  score: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z.optional(z.string().check(z.maxLength(10_000))),
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
export const COMMAND_TYPES: readonly CommandType[] = commandSchema.def.options.map(
  (option) => option.shape.type.def.values[0] as CommandType,
)
