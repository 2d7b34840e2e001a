/**
 * Reading a ticket event back from a JetStream message: the body is the event as JSON.
 *
 * @internal
 * @module
 */
import * as z from 'zod/mini'
import { describeIssues, safeParseWithMessages, toTicketIssues } from '../core/commands/parse-command.js'
import { TicketError } from '../core/errors/ticket-error.js'
import type { TicketEvent } from '../core/model/event.js'
import { webhookEventSchema } from '../webhooks/payload/webhook-schemas.js'

const metaSchema = z.looseObject({
  commandId: z.optional(z.string()),
  causationId: z.optional(z.string()),
  correlationId: z.optional(z.string()),
})

/** The envelope of a stored event (id, known type, ids, version, time, JSON payload) plus its `meta`. */
const eventMessageSchema = z.intersection(webhookEventSchema, z.looseObject({ meta: metaSchema }))

const decoder = new TextDecoder('utf-8', { fatal: true })

/**
 * Parses a message body as a ticket event.
 *
 * @throws a `VALIDATION` `TicketError` when the body is not UTF-8 JSON or not a ticket
 * event (with zod's issue paths).
 */
export function decodeEventMessage(data: Uint8Array): TicketEvent {
  let body: unknown
  try {
    body = JSON.parse(decoder.decode(data))
  } catch (error) {
    throw new TicketError('VALIDATION', 'Invalid event message: the body is not UTF-8 JSON.', {
      cause: error,
      issues: [{ path: [], message: 'Expected UTF-8 JSON', code: 'invalid_type' }],
    })
  }
  const result = safeParseWithMessages(eventMessageSchema, body)
  if (!result.success) {
    const issues = toTicketIssues(result.error.issues)
    throw new TicketError('VALIDATION', `Invalid event message: ${describeIssues(issues)}`, { issues })
  }
  // Validated once here: the envelope and the payload fields consumers read.
  return body as TicketEvent
}
