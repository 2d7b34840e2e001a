import type { TicketEvent } from '../../core/model/event.js'

/** One event in the events API wire form. */
export interface WireEvent {
  readonly id: string
  readonly type: string
  readonly occurred_at: string
  readonly payload: TicketEvent['payload']
}

/** The applied query of `GET /v2/system/events`, with its defaults filled in. */
export interface WireEventsQuery {
  readonly limit: number
  readonly after_id?: string
  readonly occurred_after?: string
  readonly type?: string
}

/** The events API answer of `GET /v2/system/events`. */
export interface WireEventsPage {
  readonly query: WireEventsQuery
  readonly result: readonly WireEvent[]
}

/** Renders a stored event in the events API wire form (`occurredAt` becomes `occurred_at`). */
export function toWireEvent(event: TicketEvent): WireEvent {
  return { id: event.id, type: event.type, occurred_at: event.occurredAt, payload: event.payload }
}
