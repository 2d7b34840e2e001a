import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { base64Encode, hmacSha256 } from '../web-apis.js'
import { signedContent, type WebhookBodyBytes, webhookBodySchema, webhookIdSchema } from './signed-content.js'
import { secretKeys, type WebhookSecrets, webhookSecretsSchema } from './webhook-secret.js'

/**
 * The three Standard Webhooks headers a delivery carries. A type alias rather than an
 * interface so it fits `HeadersInit` and header records as it is.
 */
export type WebhookHeaders = {
  /** The delivery's idempotency key; use the event id. */
  readonly 'webhook-id': string
  /** When the delivery was signed, in unix seconds. */
  readonly 'webhook-timestamp': string
  /** Space-separated `v1,<base64 HMAC-SHA256>` signatures, one per secret. */
  readonly 'webhook-signature': string
}

/** Input of {@link signWebhook}. */
export interface SignWebhookInput {
  /** The `webhook-id`; use the payload's `eventId`. */
  readonly id: string
  /** Signing time as unix seconds or a `Date`; default the current time. */
  readonly timestamp?: number | Date
  /** The exact body that will be sent (sign the string you send, not the object). */
  readonly body: WebhookBodyBytes
  /** The secret, or several during a key rotation (one signature each). */
  readonly secret: WebhookSecrets
}

const signInputSchema = z.strictObject({
  id: webhookIdSchema,
  timestamp: z.optional(z.union([z.int().check(z.nonnegative()), z.date()])),
  body: webhookBodySchema,
  secret: webhookSecretsSchema,
})

/**
 * Signs a delivery the Standard Webhooks way: `webhook-signature` holds
 * `v1,<base64 HMAC-SHA256 of "${id}.${timestamp}.${body}">` for each secret, separated
 * by spaces. Uses Web Crypto, so it runs in any modern runtime.
 *
 * @throws {TicketError} `VALIDATION` for a missing or malformed id, body, timestamp or secret.
 *
 * @example
 * ```ts
 * const body = JSON.stringify(toWebhook(event, { ticket }))
 * const headers = await signWebhook({ id: event.id, body, secret: process.env.WEBHOOK_SECRET })
 * await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body })
 * ```
 */
export async function signWebhook(input: SignWebhookInput): Promise<WebhookHeaders> {
  parseWith(signInputSchema, input, 'webhook signing input')
  const keys = secretKeys(input.secret, ['secret'])
  const timestamp = toUnixSeconds(input.timestamp ?? new Date())
  const content = signedContent(input.id, timestamp, input.body)
  const signatures = await Promise.all(keys.map(async (key) => `v1,${base64Encode(await hmacSha256(key, content))}`))
  return { 'webhook-id': input.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' ') }
}

function toUnixSeconds(value: number | Date): number {
  return typeof value === 'number' ? value : Math.floor(value.getTime() / 1000)
}
