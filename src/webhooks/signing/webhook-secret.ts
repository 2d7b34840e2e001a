import * as z from 'zod/mini'
import { TicketError } from '../../core/index.js'
import { base64Decode, base64Encode, randomBytes, utf8Encode } from '../web-apis.js'

/**
 * A signing secret: `whsec_<base64>` (the Standard Webhooks form, decoded to its bytes),
 * any other string (used as its UTF-8 bytes), or the raw key bytes.
 */
export type WebhookSecret = string | Uint8Array

/** One secret, or several during a rotation (sign with all, accept any). */
export type WebhookSecrets = WebhookSecret | readonly WebhookSecret[]

const SECRET_PREFIX = 'whsec_'

const secretSchema = z.union([
  z.string().check(z.minLength(1, { error: 'Expected a non-empty secret' })),
  z.instanceof(Uint8Array).check(z.refine((bytes) => bytes.length > 0, { error: 'Expected a non-empty secret' })),
])

/** Validates one secret or a non-empty list of them. */
export const webhookSecretsSchema = z.union([
  secretSchema,
  z.array(secretSchema).check(z.minLength(1, { error: 'Expected at least one secret' })),
])

/** The HMAC key bytes of each secret. @internal */
export function secretKeys(secrets: WebhookSecrets, path: readonly (string | number)[]): Uint8Array[] {
  const list: readonly WebhookSecret[] = typeof secrets === 'string' || secrets instanceof Uint8Array ? [secrets] : secrets
  return list.map((secret, index) => {
    if (typeof secret !== 'string') return secret
    if (!secret.startsWith(SECRET_PREFIX)) return utf8Encode(secret)
    const key = base64Decode(secret.slice(SECRET_PREFIX.length))
    if (key === null || key.length === 0) {
      const at = Array.isArray(secrets) ? [...path, index] : [...path]
      throw new TicketError('VALIDATION', `Invalid webhook secret at ${at.join('.')}: the part after "whsec_" must be base64.`, {
        issues: [{ path: at, message: 'Expected base64 after "whsec_"', code: 'custom' }],
      })
    }
    return key
  })
}

/**
 * Creates a random signing secret in the Standard Webhooks form `whsec_<base64>`.
 *
 * @param bytes - key length in bytes, 24–64 (default 32)
 *
 * @example
 * ```ts
 * const secret = generateWebhookSecret() // 'whsec_…'
 * ```
 */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) {
    throw new TicketError('VALIDATION', 'Invalid secret length: expected an integer number of bytes from 24 to 64.', {
      issues: [{ path: ['bytes'], message: 'Expected an integer from 24 to 64', code: 'custom' }],
    })
  }
  return SECRET_PREFIX + base64Encode(randomBytes(bytes))
}
