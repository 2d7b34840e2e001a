import {
  type FieldChange,
  isDerivedType,
  parseWith,
  type Ticket,
  TicketError,
  type TicketEvent,
  type TicketEventType,
} from '../../core/index.js'
import { isContentField } from './content-fields.js'
import { fitToSize, type TruncatedField } from './fit-to-size.js'
import type { ChangeEventType, WebhookPayload } from './webhook-payload.js'
import { toWebhookInputSchema } from './webhook-schemas.js'

/** The webhook payload limit: 256 KB of UTF-8 JSON. */
export const DEFAULT_MAX_WEBHOOK_BYTES = 256 * 1024

/** The ticket states a webhook describes. */
export interface WebhookContext {
  /** The ticket after the event. */
  readonly ticket: Ticket
  /**
   * The ticket before the event. Required for `ticket:updated` and the derived change
   * events; included in the payload of other events when given.
   */
  readonly previousTicket?: Ticket | null | undefined
}

/** What `onTruncate` is told when content fields were replaced to make a payload fit. */
export interface WebhookTruncation {
  readonly eventId: string
  readonly type: TicketEventType
  /** The replaced fields, largest first, with JSONPaths such as `$.payload.ticket.comments["…"].body`. */
  readonly fields: readonly TruncatedField[]
  /** Serialized size before truncation, in UTF-8 bytes. */
  readonly originalBytes: number
  /** Serialized size after truncation, in UTF-8 bytes (at most `maxBytes`). */
  readonly bytes: number
  readonly maxBytes: number
}

/** Options of {@link toWebhook}. */
export interface ToWebhookOptions {
  /** The largest serialized payload, in UTF-8 bytes of `JSON.stringify(payload)`. Default 256 KiB. */
  readonly maxBytes?: number
  /** Told which fields were replaced by the truncation marker; called only when something was. */
  readonly onTruncate?: (truncation: WebhookTruncation) => void
}

/**
 * Renders a ticket event as the webhook events payload
 * `{ eventId, type, timestamp, payload: { ticket, previousTicket?, changes?, … } }`
 * (see `WebhookBody` for each event family), capped at `maxBytes` of UTF-8 JSON.
 *
 * When the payload is too large, the largest content fields — comment bodies and HTML
 * bodies, summaries, custom field values, CSAT comments, in `ticket`, `previousTicket`
 * and the event's own fields — are replaced by `Payload too large. Use API instead`,
 * largest first, until it fits; `onTruncate` learns their paths. Sizes are measured once
 * (no re-serialization per replacement), so multi-megabyte bodies cost linear time.
 * Untouched parts of the result share objects with the inputs; treat it as read-only.
 *
 * This is a pure function.
 *
 * @throws {TicketError} `VALIDATION` for a malformed event (not a ULID id, unknown type),
 * ticket or option, or a ticket that is not the event's; `PAYLOAD_TOO_LARGE` when the
 * payload cannot fit even with every content field replaced.
 *
 * @example
 * ```ts
 * const before = ticket
 * const { state, events } = handle(ticket, { type: 'takeover', assigneeId })
 * for (const event of events) {
 *   const payload = toWebhook(event, { ticket: state, previousTicket: before }, {
 *     onTruncate: ({ fields }) => console.warn('truncated', fields.map((field) => field.path)),
 *   })
 *   await send(JSON.stringify(payload))
 * }
 * ```
 */
export function toWebhook<T extends TicketEventType>(
  event: TicketEvent<T>,
  context: WebhookContext,
  options: ToWebhookOptions = {},
): WebhookPayload<T> {
  parseWith(toWebhookInputSchema, { event, context, options }, 'webhook input')
  return renderWebhook(event, context, options)
}

/**
 * {@link toWebhook} without validating its input: for callers that hand it events and
 * tickets straight from the store and the reducer (the dispatcher), which are valid by
 * construction. Validating a whole ticket per event would cost more than the rest.
 *
 * @internal
 */
export function renderWebhook<T extends TicketEventType>(
  event: TicketEvent<T>,
  context: WebhookContext,
  options: ToWebhookOptions = {},
): WebhookPayload<T> {
  const generic = event as TicketEvent
  const payload = untruncatedPayload(generic, context)
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_WEBHOOK_BYTES
  const fitted = fitToSize(payload, maxBytes, isContentField)
  if (fitted.value === null) {
    throw new TicketError(
      'PAYLOAD_TOO_LARGE',
      `The ${generic.type} webhook for event ${generic.id} needs at least ${fitted.minimumBytes} bytes even with every content field truncated, over the ${maxBytes}-byte limit.`,
      {
        details: {
          eventId: generic.id,
          type: generic.type,
          maxBytes,
          originalBytes: fitted.originalBytes,
          minimumBytes: fitted.minimumBytes,
        },
      },
    )
  }
  if (fitted.truncated.length > 0) {
    options.onTruncate?.({
      eventId: generic.id,
      type: generic.type,
      fields: fitted.truncated,
      originalBytes: fitted.originalBytes,
      bytes: fitted.bytes,
      maxBytes,
    })
  }
  return fitted.value as unknown as WebhookPayload<T>
}

/**
 * The webhook body of an event that comes straight from the store and the reducer,
 * serialized: {@link renderWebhook} and `JSON.stringify`, without measuring a payload
 * that cannot be over `maxBytes` (a UTF-16 code unit is at most 3 UTF-8 bytes), which
 * is nearly every one. The dispatcher's path: measuring costs a walk of the whole ticket.
 *
 * @internal
 */
export function renderWebhookBody(event: TicketEvent, context: WebhookContext, maxBytes = DEFAULT_MAX_WEBHOOK_BYTES): string {
  const body = JSON.stringify(untruncatedPayload(event, context))
  if (body.length * 3 <= maxBytes) return body
  return JSON.stringify(renderWebhook(event, context, { maxBytes }))
}

/** The payload before any truncation. */
function untruncatedPayload(event: TicketEvent, context: WebhookContext) {
  const ticket = context.ticket
  const previousTicket = context.previousTicket ?? undefined
  const generic = event
  checkTicketOf(generic, ticket, ['context', 'ticket', 'id'])
  if (previousTicket) checkTicketOf(generic, previousTicket, ['context', 'previousTicket', 'id'])

  const body: Record<string, unknown> = { ticket }
  if (isChangeEvent(generic)) {
    if (!previousTicket) {
      throw new TicketError('VALIDATION', `Invalid webhook input: a ${generic.type} webhook needs context.previousTicket.`, {
        issues: [{ path: ['context', 'previousTicket'], message: 'Required for ticket:updated and derived change events', code: 'custom' }],
      })
    }
    body.previousTicket = previousTicket
    body.changes = changesOf(generic, previousTicket, ticket)
  } else if (previousTicket) {
    body.previousTicket = previousTicket
  }
  if (generic.type !== 'ticket:created') Object.assign(body, generic.payload)

  return { eventId: generic.id, type: generic.type, timestamp: generic.occurredAt, payload: body }
}

function isChangeEvent(event: TicketEvent): event is TicketEvent<ChangeEventType> {
  return event.type === 'ticket:updated' || isDerivedType(event.type)
}

function checkTicketOf(event: TicketEvent, ticket: Ticket, path: readonly string[]): void {
  if (ticket.id === event.ticketId) return
  throw new TicketError(
    'VALIDATION',
    `Invalid webhook input: ${path.join('.')} is ${ticket.id}, but event ${event.id} is about ticket ${event.ticketId}.`,
    {
      issues: [{ path, message: `Expected the ticket of the event (${event.ticketId})`, code: 'custom' }],
    },
  )
}

/**
 * The field changes a change event stands for: a `ticket:updated` carries them; a
 * derived event stems from one of them (tags are compared between the two tickets,
 * since `ticket:tag:updated` only lists what was added and removed).
 */
function changesOf(event: TicketEvent<ChangeEventType>, previousTicket: Ticket, ticket: Ticket): readonly FieldChange[] {
  switch (event.type) {
    case 'ticket:updated':
      return event.payload.changes
    case 'ticket:status:changed':
      return [{ field: 'status', from: event.payload.from, to: event.payload.to }]
    case 'ticket:priority:changed':
      return [{ field: 'priority', from: event.payload.from, to: event.payload.to }]
    case 'ticket:type:changed':
      return [{ field: 'type', from: event.payload.from, to: event.payload.to }]
    case 'ticket:sentiment:changed':
      return [{ field: 'sentiment', from: event.payload.from, to: event.payload.to }]
    case 'ticket:assigned':
      return [{ field: 'assigneeId', from: event.payload.from, to: event.payload.to }]
    case 'ticket:migrated':
      return [{ field: 'ticketingTeamId', from: event.payload.from, to: event.payload.to }]
    case 'ticket:escalated':
      return [{ field: 'escalated', from: false, to: true }]
    case 'ticket:custom_field_value:added':
      return [{ field: 'customFields', key: event.payload.fieldId, from: null, to: event.payload.value }]
    case 'ticket:custom_field_value:removed':
      return [{ field: 'customFields', key: event.payload.fieldId, from: event.payload.previousValue, to: null }]
    case 'ticket:custom_field_value:changed':
      return [{ field: 'customFields', key: event.payload.fieldId, from: event.payload.previousValue, to: event.payload.value }]
    case 'ticket:tag:updated':
      return [{ field: 'tags', from: previousTicket.tags, to: ticket.tags }]
  }
}
