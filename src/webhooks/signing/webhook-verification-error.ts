import { TicketError } from '../../core/index.js'

/** Why a delivery failed verification. */
export type WebhookVerificationReason =
  /** A `webhook-id`, `webhook-timestamp` or `webhook-signature` header is absent. */
  | 'missing_header'
  /** A header is present but unreadable (a timestamp that is not unix seconds, no `v1,` signature). */
  | 'malformed_header'
  /** The timestamp is older than the tolerance: possibly a replay. */
  | 'timestamp_too_old'
  /** The timestamp is further in the future than the tolerance. */
  | 'timestamp_too_new'
  /** No signature matches any secret: the body, id or timestamp was altered, or the secret is wrong. */
  | 'no_matching_signature'

// A registry symbol, so two bundled copies of the library recognise each other's errors.
const brand: unique symbol = Symbol.for('ticket-events.WebhookVerificationError') as never

/**
 * Thrown by {@link verifyWebhook} when a delivery is not authentic or not fresh.
 *
 * It is a {@link TicketError} with code `VALIDATION` (so `isTicketError` and existing
 * error handling keep working) plus a machine-readable `reason`. Answer it with
 * HTTP 400/401 and do not process the delivery.
 *
 * @example
 * ```ts
 * try {
 *   await verifyWebhook({ headers, body, secret })
 * } catch (error) {
 *   if (isWebhookVerificationError(error)) return new Response(error.reason, { status: 401 })
 *   throw error
 * }
 * ```
 */
export class WebhookVerificationError extends TicketError {
  readonly reason: WebhookVerificationReason
  readonly [brand] = true

  constructor(reason: WebhookVerificationReason, message: string) {
    super('VALIDATION', message, { details: { reason } })
    this.reason = reason
  }
}

/**
 * Tells whether `value` is a {@link WebhookVerificationError}, also across bundled
 * copies of the library (a `Symbol.for` brand, not `instanceof`).
 */
export function isWebhookVerificationError(value: unknown): value is WebhookVerificationError {
  return typeof value === 'object' && value !== null && (value as { [brand]?: unknown })[brand] === true
}
