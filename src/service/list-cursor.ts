/**
 * The keyset cursor of the ticket list: where a page ends in the list's order (newest
 * `createdAt` first, ties by ticket id), as an opaque token. The next page starts right
 * after that ticket, whatever was created since, and costs the same at any depth (an
 * index seek, where `pageNumber` skips every earlier row).
 *
 * @internal
 * @module
 */
import type { ListPosition } from '../store-contract/ticket-store.js'

const CURSOR_VERSION = 1
/** The longest cursor this module writes is about 90 characters; anything much longer is not one. */
export const MAX_CURSOR_LENGTH = 200

const CANONICAL_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
const BASE64URL = /^[A-Za-z0-9_-]+$/

// The core compiles without DOM or Node typings; btoa and atob are in every runtime it targets.
const runtime = globalThis as unknown as { btoa(text: string): string; atob(base64: string): string }

/** The cursor of the list position just after `position`: pass it back as `cursor` for the next page. */
export function encodeListCursor(position: ListPosition): string {
  const json = JSON.stringify([CURSOR_VERSION, position.createdAt, position.ticketId])
  return runtime.btoa(json).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/** The position a cursor names, or `undefined` when the text is not a cursor this module wrote. */
export function decodeListCursor(cursor: string): ListPosition | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH || !BASE64URL.test(cursor)) return undefined
  let decoded: unknown
  try {
    decoded = JSON.parse(runtime.atob(cursor.replaceAll('-', '+').replaceAll('_', '/')))
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== CURSOR_VERSION) return undefined
  const [, createdAt, ticketId] = decoded as [number, unknown, unknown]
  if (typeof createdAt !== 'string' || typeof ticketId !== 'string' || !CANONICAL_UUID.test(ticketId)) return undefined
  // Only the form stored times have (`toISOString()`), so text order is time order in every store.
  const ms = Date.parse(createdAt)
  if (Number.isNaN(ms) || new Date(ms).toISOString() !== createdAt) return undefined
  return { createdAt, ticketId }
}
