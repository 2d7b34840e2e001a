import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { foldEvent } from './fold-event.js'
import { FREEZES_BY_DEFAULT } from './immer-instances.js'
import { cloneTicket, deepFreeze, type WritableTicket } from './mutable-ticket.js'

/** Options of {@link replay}. */
export interface ReplayOptions {
  /**
   * Deep-freeze the returned state (`true`) or leave it unfrozen (`false`). The default
   * follows `NODE_ENV`: see {@link FREEZES_BY_DEFAULT}.
   */
  readonly freeze?: boolean
}

/**
 * Rebuilds a ticket from its stored events, optionally starting from a snapshot.
 * This is a pure function: `from` and the events are never mutated.
 *
 * Built for long streams: it copies `from` once, folds every event into that private
 * copy with the same applier `handle` uses (no drafts and no per-event copies: nothing
 * else can see the copy), and freezes the result once at the end when asked to.
 *
 * @param events - the ticket's events in version order (facts and derived events)
 * @param from - a snapshot to continue from; the first event must follow its version
 * @param options - whether to freeze the result (default: in development mode)
 * @returns the ticket, or `null` when there were no events and no snapshot
 * @throws {TicketError} `VALIDATION` when an event does not follow the state before it
 *
 * @example
 * ```ts
 * const ticket = replay(await loadEvents(ticketId))
 * const later = replay(tail, snapshot)
 * ```
 */
export function replay(events: Iterable<TicketEvent>, from: Ticket | null = null, options: ReplayOptions = {}): Ticket | null {
  let state: WritableTicket | null = null
  let copied = false
  for (const event of events) {
    if (!copied) {
      // Copy lazily, so an empty tail hands back the snapshot itself.
      state = from === null ? null : cloneTicket(from)
      copied = true
    }
    state = foldEvent(state, event)
  }
  if (!copied) return from
  return (options.freeze ?? FREEZES_BY_DEFAULT) ? deepFreeze(state) : state
}
