import * as z from 'zod/mini'
import { utf8Encode } from '../web-apis.js'

/** A raw request body: the exact bytes or text that were (or will be) sent. */
export type WebhookBodyBytes = string | Uint8Array | ArrayBuffer

/** Validates a raw body. */
export const webhookBodySchema = z.union([z.string(), z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)], {
  error: 'Expected the raw body as a string, Uint8Array or ArrayBuffer',
})

/** A `webhook-id`: printable ASCII without spaces, as an HTTP header value must be. */
export const webhookIdSchema = z
  .string()
  .check(z.regex(/^[\x21-\x7e]{1,255}$/, { error: 'Expected 1–255 printable ASCII characters without spaces' }))

/**
 * The bytes a Standard Webhooks signature covers: `${id}.${timestamp}.${body}`.
 * @internal
 */
export function signedContent(id: string, timestamp: number, body: WebhookBodyBytes): Uint8Array {
  const prefix = utf8Encode(`${id}.${timestamp}.`)
  const bodyBytes = typeof body === 'string' ? utf8Encode(body) : body instanceof Uint8Array ? body : new Uint8Array(body)
  const content = new Uint8Array(prefix.length + bodyBytes.length)
  content.set(prefix, 0)
  content.set(bodyBytes, prefix.length)
  return content
}
