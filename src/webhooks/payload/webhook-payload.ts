import type { DerivedType, EventPayloads, FieldChange, Ticket, TicketEventType } from '../../core/index.js'

/**
 * The event's own fields that a webhook body repeats (none for `ticket:created` and for
 * events with an empty payload).
 */
export type WebhookEventFields<T extends TicketEventType> = T extends 'ticket:created'
  ? Record<never, never>
  : EventPayloads[T] extends Record<string, never>
    ? Record<never, never>
    : EventPayloads[T]

/** The change family: `ticket:updated` and the change events derived from it. */
export type ChangeEventType = 'ticket:updated' | DerivedType

/**
 * The `payload` of a webhook for one event type (webhook events reference, "Payload structure").
 *
 * - Every event: `ticket`, the ticket after the event.
 * - `ticket:updated` and every derived change event (`ticket:status:changed`,
 *   `ticket:assigned`, `ticket:custom_field_value:added`, `ticket:tag:updated`, …):
 *   also `previousTicket` (before the update) and `changes` (the field changes, as in
 *   `ticket:updated`; for a derived event only the changes it stems from).
 * - Other events: `previousTicket` only when the caller passed one.
 * - Then the event's own fields, e.g. `comment` for `ticket:comment:added`,
 *   `from` / `to` for `ticket:status:changed`, `fieldId` / `value` for custom field events,
 *   `surveyId` / `score` / `comment` for `ticket:csat:received`.
 *
 * Content fields may hold the text `Payload too large. Use API instead` instead of their value when the
 * payload had to be cut to fit; fetch the ticket through the API when you see it.
 */
export type WebhookBody<T extends TicketEventType = TicketEventType> = { readonly ticket: Ticket } & (T extends ChangeEventType
  ? { readonly previousTicket: Ticket; readonly changes: readonly FieldChange[] }
  : { readonly previousTicket?: Ticket }) &
  WebhookEventFields<T>

/**
 * A webhook delivery body: `{ eventId, type, timestamp, payload }` (webhook events reference).
 * A union discriminated by `type`.
 */
export type WebhookPayload<T extends TicketEventType = TicketEventType> = {
  [K in T]: {
    /** The event's ULID; use it as the idempotency key. */
    readonly eventId: string
    readonly type: K
    /** When the event occurred (ISO-8601 UTC). */
    readonly timestamp: string
    readonly payload: WebhookBody<K>
  }
}[T]
