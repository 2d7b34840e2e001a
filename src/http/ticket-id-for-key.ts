/// <reference lib="dom" />

/**
 * The ticket id a `POST /api/v1/tickets` with an `Idempotency-Key` creates: a UUID
 * (version 8, RFC 9562) hashed from the workspace and the key. A retried request thus
 * names the same ticket, so the service's command dedupe returns the first result
 * instead of creating a second ticket.
 */
export async function ticketIdForKey(workspaceId: string, idempotencyKey: string): Promise<string> {
  const data = new TextEncoder().encode(`ticket-events:create\n${workspaceId}\n${idempotencyKey}`)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data)).slice(0, 16)
  digest[6] = ((digest[6] ?? 0) & 0x0f) | 0x80 // version 8
  digest[8] = ((digest[8] ?? 0) & 0x3f) | 0x80 // RFC 9562 variant
  const hex = Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
