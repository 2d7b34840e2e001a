import * as z from 'zod/mini'
import { safeParseWithMessages } from '../../core/commands/parse-command.js'
import { DERIVED_TYPES, FACT_TYPES, ulidSchema } from '../../core/index.js'
import { findJsonProblem, type JsonValue } from '../../core/model/json.js'

const EVENT_TYPE_VALUES = [...FACT_TYPES, ...DERIVED_TYPES] as const

/** Adds an issue when a value is not plain JSON (what a webhook body must be). */
function plainJson(value: unknown, ctx: z.core.$RefinementCtx): void {
  const problem = findJsonProblem(value)
  if (problem) ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path })
}

// Stored events are rendered as they are: only their shape is checked, not the text
// rules commands follow (events written before those rules may break them).
const jsonValueSchema = z.custom<JsonValue>((value: unknown) => findJsonProblem(value) === null, {
  error: (issue) => findJsonProblem(issue.input)?.message ?? 'Expected a JSON value',
})
const fromTo = z.looseObject({ from: jsonValueSchema, to: jsonValueSchema })
const fieldChange = z.looseObject({ field: z.string() })

/** Payload checks for the event types whose fields a webhook reads. */
const payloadSchemas: Partial<Record<(typeof EVENT_TYPE_VALUES)[number], z.ZodMiniType>> = {
  'ticket:created': z.looseObject({ ticket: z.looseObject({ id: z.string() }) }),
  'ticket:updated': z.looseObject({ changes: z.array(fieldChange) }),
  'ticket:status:changed': fromTo,
  'ticket:priority:changed': fromTo,
  'ticket:assigned': fromTo,
  'ticket:type:changed': fromTo,
  'ticket:sentiment:changed': fromTo,
  'ticket:migrated': fromTo,
  'ticket:custom_field_value:added': z.looseObject({ fieldId: z.string(), value: jsonValueSchema }),
  'ticket:custom_field_value:removed': z.looseObject({ fieldId: z.string(), previousValue: jsonValueSchema }),
  'ticket:custom_field_value:changed': z.looseObject({ fieldId: z.string(), value: jsonValueSchema, previousValue: jsonValueSchema }),
  'ticket:tag:updated': z.looseObject({ added: z.array(z.string()), removed: z.array(z.string()) }),
}

/** A stored ticket event, as `toWebhook` accepts it: a ULID id, a known type, a JSON payload. */
export const webhookEventSchema = z
  .looseObject({
    id: ulidSchema,
    type: z.enum(EVENT_TYPE_VALUES, { error: 'Expected a known ticket event type' }),
    ticketId: z.string().check(z.minLength(1), z.maxLength(255)),
    workspaceId: z.string().check(z.minLength(1), z.maxLength(255)),
    version: z.int().check(z.positive()),
    occurredAt: z.iso.datetime({ offset: true, error: 'Expected an ISO-8601 date-time' }),
    payload: z.record(z.string(), z.unknown()),
  })
  .check(
    z.superRefine((event, ctx) => {
      plainJson(event.payload, ctx)
      const schema = payloadSchemas[event.type]
      const result = schema && safeParseWithMessages(schema, event.payload)
      if (result && !result.success) {
        for (const issue of result.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: ['payload', ...issue.path] })
        }
      }
    }),
  )

/** The ticket a webhook carries: checked for the fields it reads and for being plain JSON. */
export const webhookTicketSchema = z
  .looseObject({
    id: z.string().check(z.minLength(1)),
    workspaceId: z.string().check(z.minLength(1)),
    summary: z.nullable(z.string()),
    tags: z.array(z.string()),
    customFields: z.record(z.string(), z.unknown()),
    comments: z.record(z.string(), z.looseObject({ body: z.string(), htmlBody: z.nullable(z.string()) })),
    version: z.int().check(z.nonnegative()),
  })
  .check(z.superRefine(plainJson))

/** Options of `toWebhook`. */
export const toWebhookOptionsSchema = z.strictObject({
  maxBytes: z.optional(z.int().check(z.positive())),
  onTruncate: z.optional(
    z.custom<(...args: never[]) => unknown>((value: unknown) => typeof value === 'function', { error: 'Expected a function' }),
  ),
})

/** Everything `toWebhook` is given, validated together so issue paths say which argument is wrong. */
export const toWebhookInputSchema = z.strictObject({
  event: webhookEventSchema,
  context: z.strictObject({ ticket: webhookTicketSchema, previousTicket: z.nullish(webhookTicketSchema) }),
  options: toWebhookOptionsSchema,
})
