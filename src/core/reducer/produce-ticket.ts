import { isDerivedType, type TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { applyFact } from './apply-event.js'
import { checkEvent } from './check-event.js'
import { foldEvent } from './fold-event.js'
import { immerFor } from './immer-instances.js'
import { deepFreeze, layoutTicket, type WritableTicket } from './mutable-ticket.js'

/**
 * Folds a command's events onto a state with immer: one `produce` for a fact and the
 * derived change events after it, which for `handle` is one `produce` per command. The
 * result shares every part the events do not write with `state`, and is deep-frozen
 * when `freeze` is set (immer's auto-freeze, which skips the parts already frozen).
 *
 * Every check runs on plain values before the draft exists, and {@link applyFact} reads
 * from the plain state, so the recipe only writes: immer drafts exactly the paths an
 * event changes. A new ticket (`state` is `null`) needs no draft: it is folded into a
 * private copy of the `ticket:created` payload.
 *
 * @throws {TicketError} `VALIDATION` when the events do not follow the state
 * @internal
 */
export function produceTicket(state: Ticket | null, events: readonly TicketEvent[], freeze: boolean): Ticket | null {
  if (events.length === 0) return state
  if (state === null) {
    let created: WritableTicket | null = null
    for (const event of events) created = foldEvent(created, event)
    return freeze ? deepFreeze(created) : created
  }
  const immer = immerFor(freeze)
  let next = state
  let index = 0
  while (index < events.length) {
    const fact = events[index] as TicketEvent
    checkEvent(next, fact, next.version)
    let version = fact.version
    let end = index + 1
    for (; end < events.length && isDerivedType((events[end] as TicketEvent).type); end++) {
      const derived = events[end] as TicketEvent
      checkEvent(next, derived, version)
      version = derived.version
    }
    const base = next
    const produced = immer.produce(base, (draft) => {
      applyFact(draft, base, fact)
      draft.version = version
    })
    // Re-laid out in the fixed field order, so the next command's copy of it stays on
    // V8's fast path (see layoutTicket). Its parts are immer's, already frozen when asked.
    next = freeze ? Object.freeze(layoutTicket(produced)) : layoutTicket(produced)
    index = end
  }
  return next
}
