import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { base64Decode, hmacSha256 } from '../web-apis.js'
import { signedContent, type WebhookBodyBytes, webhookBodySchema } from './signed-content.js'
import { secretKeys, type WebhookSecrets, webhookSecretsSchema } from './webhook-secret.js'
import { WebhookVerificationError } from './webhook-verification-error.js'

/** Request headers: a Web `Headers` object, or a plain record such as Node's `IncomingHttpHeaders`. */
export type WebhookRequestHeaders =
  | { get(name: string): string | null }
  | { readonly [name: string]: string | readonly string[] | undefined }

/** Input of {@link verifyWebhook}. */
export interface VerifyWebhookInput {
  readonly headers: WebhookRequestHeaders
  /** The raw body exactly as received (verify before parsing: re-serialized JSON will not match). */
  readonly body: WebhookBodyBytes
  /** The secret, or several during a key rotation (a signature by any of them is accepted). */
  readonly secret: WebhookSecrets
  /** How far `webhook-timestamp` may be from now, either way, in seconds. Default 300. */
  readonly toleranceSeconds?: number
  /** The clock; default the system's. */
  readonly now?: () => Date
}

/** A delivery that passed verification. */
export interface VerifiedWebhook {
  /** The `webhook-id` (the event id for deliveries made from `toWebhook`). */
  readonly id: string
  /** The `webhook-timestamp`, in unix seconds. */
  readonly timestamp: number
}

const verifyInputSchema = z.strictObject({
  headers: z.custom<WebhookRequestHeaders>((value: unknown) => typeof value === 'object' && value !== null, {
    error: 'Expected the request headers',
  }),
  body: webhookBodySchema,
  secret: webhookSecretsSchema,
  toleranceSeconds: z.optional(z.int().check(z.nonnegative())),
  now: z.optional(z.custom<() => Date>((value: unknown) => typeof value === 'function', { error: 'Expected a function returning a Date' })),
})

const TIMESTAMP = /^\d{1,15}$/
const HMAC_SHA256_BYTES = 32

/**
 * Verifies a Standard Webhooks delivery: reads `webhook-id`, `webhook-timestamp` and
 * `webhook-signature`, rejects timestamps more than `toleranceSeconds` in the past or
 * the future (replay protection), and accepts the delivery when any `v1,` signature
 * matches the HMAC-SHA256 of `${id}.${timestamp}.${body}` under any of the secrets
 * (key rotation). Signatures are compared in constant time. Uses Web Crypto only.
 *
 * Verification only proves who sent the delivery and when; deduplicate with
 * `createIdempotentConsumer`, since a sender may deliver the same event twice.
 *
 * @throws {WebhookVerificationError} (a `TicketError` with code `VALIDATION` and a `reason`)
 * when the delivery is not authentic or not fresh.
 * @throws {TicketError} `VALIDATION` for malformed arguments (no secret, a negative tolerance).
 *
 * @example
 * ```ts
 * const body = await request.text()
 * const { id } = await verifyWebhook({ headers: request.headers, body, secret: env.WEBHOOK_SECRET })
 * const payload = JSON.parse(body) as WebhookPayload
 * ```
 */
export async function verifyWebhook(input: VerifyWebhookInput): Promise<VerifiedWebhook> {
  parseWith(verifyInputSchema, input, 'webhook verification input')
  const keys = secretKeys(input.secret, ['secret'])
  const id = singleHeader(input.headers, 'webhook-id')
  const timestampText = singleHeader(input.headers, 'webhook-timestamp')
  const signatureHeader = readHeader(input.headers, 'webhook-signature', ' ')

  if (!TIMESTAMP.test(timestampText)) {
    throw new WebhookVerificationError('malformed_header', 'Invalid webhook-timestamp header: expected unix seconds.')
  }
  const timestamp = Number(timestampText)
  const tolerance = input.toleranceSeconds ?? 300
  const nowSeconds = Math.floor((input.now ?? (() => new Date()))().getTime() / 1000)
  if (nowSeconds - timestamp > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_old',
      `Webhook timestamp ${timestamp} is ${nowSeconds - timestamp} s old, beyond the ${tolerance} s tolerance; refusing a possible replay.`,
    )
  }
  if (timestamp - nowSeconds > tolerance) {
    throw new WebhookVerificationError(
      'timestamp_too_new',
      `Webhook timestamp ${timestamp} is ${timestamp - nowSeconds} s in the future, beyond the ${tolerance} s tolerance.`,
    )
  }

  const signatures = parseSignatures(signatureHeader)
  const content = signedContent(id, timestamp, input.body)
  for (const key of keys) {
    const expected = await hmacSha256(key, content)
    if (signatures.some((signature) => constantTimeEqual(signature, expected))) return { id, timestamp }
  }
  throw new WebhookVerificationError(
    'no_matching_signature',
    'No webhook signature matches: the body, id or timestamp was altered, or the secret is wrong.',
  )
}

/** Decodes every `v1,<base64>` entry; other versions (e.g. asymmetric `v1a`) are skipped. */
function parseSignatures(header: string): Uint8Array[] {
  const signatures: Uint8Array[] = []
  for (const raw of header.split(/\s+/)) {
    // A Web `Headers` object joins repeated headers with ", ", leaving a comma behind an entry.
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw
    if (!entry.startsWith('v1,')) continue
    const bytes = base64Decode(entry.slice(3))
    if (bytes !== null && bytes.length === HMAC_SHA256_BYTES) signatures.push(bytes)
  }
  if (signatures.length === 0) {
    throw new WebhookVerificationError('malformed_header', 'Invalid webhook-signature header: expected "v1,<base64 HMAC-SHA256>" entries.')
  }
  return signatures
}

/** Compares two byte arrays in time that depends on their length only, not their content. */
function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  let difference = 0
  for (let index = 0; index < a.length; index++) difference |= (a[index] as number) ^ (b[index] as number)
  return difference === 0
}

function readHeader(headers: WebhookRequestHeaders, name: string, separator: string): string {
  const value = rawHeader(headers, name)
  const text = typeof value === 'string' ? value : value?.join(separator)
  if (text === undefined || text.trim() === '') {
    throw new WebhookVerificationError('missing_header', `Missing ${name} header.`)
  }
  return text.trim()
}

function singleHeader(headers: WebhookRequestHeaders, name: string): string {
  const value = rawHeader(headers, name)
  if (Array.isArray(value) && value.length > 1) {
    throw new WebhookVerificationError('malformed_header', `Invalid ${name} header: expected one value, got ${value.length}.`)
  }
  return readHeader(headers, name, '')
}

function rawHeader(headers: WebhookRequestHeaders, name: string): string | readonly string[] | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined
  const record = headers as { readonly [name: string]: string | readonly string[] | undefined }
  if (Object.hasOwn(record, name)) return record[name]
  // Plain records may keep the sender's capitalisation; header names are case-insensitive.
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name)
  return key === undefined ? undefined : record[key]
}
