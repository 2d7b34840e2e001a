import * as z from 'zod/mini'
import type { CommandType } from '../model/command.js'
import { findJsonProblem, type JsonValue } from '../model/json.js'
import { CIRCUMSTANCES, PRIORITIES, SENTIMENTS, SLA_METRICS, TICKET_STATUSES, TICKET_TYPES } from '../model/ticket.js'
import { isoDateTimeSchema } from './date-time-schema.js'
import { missingMessage } from './missing-message.js'
import { identifierSchema, storableText, textSchema } from './text-schemas.js'

export { isoDateTimeSchema } from './date-time-schema.js'
export { identifierSchema, MAX_IDENTIFIER_LENGTH, textSchema } from './text-schemas.js'

/** The longest comment body accepted, in characters. */
export const MAX_BODY_LENGTH = 5_000_000
/** The longest summary accepted, in characters. */
export const MAX_SUMMARY_LENGTH = 10_000

/** An error map saying `expected`, or that a required value is missing when there is none. */
const expecting =
  (expected: string) =>
  (issue: { readonly input?: unknown }): string =>
    issue.input === undefined ? missingMessage(expected) : `Expected ${expected}`

/**
 * A UUID (any RFC 9562 version), as the seed's ids are. UUIDs are case-insensitive, so
 * the schema lower-cases them: `ABC…` and `abc…` name the same ticket, workspace or
 * user on every store, and ids compare as plain strings.
 */
export const uuidSchema = z.uuid({ error: expecting('a UUID') }).check(z.toLowerCase())
/** A UUID (lower-cased like {@link uuidSchema}) or `null`, for the fields where `null` means "none". */
export const nullableUuidSchema = z.nullable(z.uuid({ error: expecting('a UUID, or null for none') }).check(z.toLowerCase()))
/** A ULID, as event ids and survey ids are. */
export const ulidSchema = z.ulid({ error: expecting('a ULID') })
/** A custom field id: letters, digits, `_ . : -`, starting with a letter or digit. */
export const fieldIdSchema = z
  .string()
  .check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, { error: 'Expected a field id (letters, digits, _ . : -)' }))

const storableJson = { storableText: true } as const

/**
 * A JSON value with finite numbers, plain objects, no prototype-reaching keys, and
 * strings and keys that follow the {@link textSchema} rules (no U+0000, no lone surrogates).
 */
export const jsonValueSchema = z.custom<JsonValue>((value: unknown) => findJsonProblem(value, storableJson) === null, {
  error: (issue) => findJsonProblem(issue.input, storableJson)?.message ?? 'Expected a JSON value',
})

/**
 * Rejects own `__proto__` / `constructor` / `prototype` keys before a record schema sees
 * them (zod's records silently drop `__proto__`, and we want a loud error instead).
 */
function guardedRecord<K extends z.ZodMiniType<string, string>, V extends z.ZodMiniType>(keySchema: K, valueSchema: V) {
  // Typed as the record it lets through (not `unknown`), so the schema's inferred input is
  // the record and the hand-written command interfaces can be checked against it.
  const guard = z.custom<z.input<z.ZodMiniRecord<K, V>>>().check(
    z.superRefine((value: unknown, ctx) => {
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
  id: identifierSchema(),
})

const jsonObjectSchema = guardedRecord(textSchema(255), jsonValueSchema)

export const viaSchema = z.strictObject({
  channel: textSchema(64, 1),
  source: z.optional(
    z.strictObject({
      from: z.optional(jsonObjectSchema),
      to: z.optional(jsonObjectSchema),
      rel: z.optional(z.nullable(textSchema(255))),
    }),
  ),
})

/** Tracing and idempotency data any command may carry. */
export const commandMetaSchema = z.strictObject({
  /** Idempotency key: a repeated id returns the first result (see the service). */
  commandId: z.optional(identifierSchema()),
  actor: z.optional(actorSchema),
  via: z.optional(viaSchema),
  correlationId: z.optional(identifierSchema()),
})

const meta = z.optional(commandMetaSchema)
const status = z.enum(TICKET_STATUSES)
const priority = z.enum(PRIORITIES)
const ticketType = z.enum(TICKET_TYPES)
const sentiment = z.enum(SENTIMENTS)
/** An enum that `update` may also set to `null` (to clear the field), saying so when a value does not fit. */
const clearable = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.nullable(z.enum(values, { error: expecting(`one of ${values.map((value) => JSON.stringify(value)).join('|')}, or null to clear it`) }))
const summary = textSchema(MAX_SUMMARY_LENGTH)
const body = textSchema(MAX_BODY_LENGTH, 1)
const htmlBody = textSchema(MAX_BODY_LENGTH)
const customFields = guardedRecord(fieldIdSchema, z.nullable(jsonValueSchema))

export const attachmentSchema = z.strictObject({
  id: textSchema(255, 1),
  fileName: textSchema(255, 1),
  contentType: textSchema(255, 1),
  size: z.int().check(z.nonnegative()),
  url: z.url().check(storableText()),
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
  ticketingTeamId: nullableUuidSchema,
  assigneeId: nullableUuidSchema,
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
export const assignCommandSchema = onTicket('assign', { assigneeId: nullableUuidSchema })
export const completeCommandSchema = onTicket('complete', { userId: uuidSchema })
export const tagCommandSchema = onTicket('tag', { tagId: uuidSchema })
export const untagCommandSchema = onTicket('untag', { tagId: uuidSchema })
export const updateCommandSchema = onTicket('update', {
  priority: z.optional(clearable(PRIORITIES)),
  ticketType: z.optional(clearable(TICKET_TYPES)),
  sentiment: z.optional(clearable(SENTIMENTS)),
  summary: z.optional(z.nullable(summary)),
  status: z.optional(status),
  customFields: z.optional(customFields),
})
export const escalateCommandSchema = onTicket('escalate', { reason: z.optional(textSchema(1000, 1)) })
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
const reaction = { commentId: uuidSchema, emoji: textSchema(64, 1), userId: uuidSchema }
export const reactCommandSchema = onTicket('react', reaction)
export const unreactCommandSchema = onTicket('unreact', reaction)
export const redactCommentCommandSchema = onTicket('redactComment', {
  commentId: uuidSchema,
  text: textSchema(10_000, 1),
})
export const setCommentPrivacyCommandSchema = onTicket('setCommentPrivacy', { commentId: uuidSchema, public: z.boolean() })
export const sendCsatCommandSchema = onTicket('sendCsat', { surveyId: ulidSchema })
export const receiveCsatCommandSchema = onTicket('receiveCsat', {
  surveyId: z.optional(ulidSchema),
  score: z.int().check(z.minimum(1), z.maximum(5)),
  comment: z.optional(textSchema(10_000)),
})
const slaRecord = { metric: z.enum(SLA_METRICS), target: slaTargetSchema, at: isoDateTimeSchema }
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

/** Every command type, for generators and docs. */
export const COMMAND_TYPES: readonly CommandType[] = commandSchema.def.options.map(
  (option) => option.shape.type.def.values[0] as CommandType,
)
