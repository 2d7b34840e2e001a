import type { TicketEvent } from '../../core/model/event.js'
import { toWireEvent } from '../wire/wire-event.js'

const encoder = new TextEncoder()

/**
 * One Server-Sent Events message for an event: `id:` is the event id (what a client sends
 * back as `Last-Event-ID`), `data:` the event in the events API wire form on one line
 * (`JSON.stringify` escapes every line break). No `event:` field, so a browser
 * `EventSource`'s `onmessage` sees every event; the type is in the data.
 */
export function sseEvent(event: TicketEvent): Uint8Array {
  return encoder.encode(`id: ${event.id}\ndata: ${JSON.stringify(toWireEvent(event))}\n\n`)
}

/** A comment line: ignored by clients, it keeps proxies and load balancers from closing an idle stream. */
export const SSE_HEARTBEAT: Uint8Array = encoder.encode(': heartbeat\n\n')

/** The `retry:` field: how long a client waits before it reconnects after the stream ends. */
export function sseRetry(milliseconds: number): Uint8Array {
  return encoder.encode(`retry: ${milliseconds}\n\n`)
}
