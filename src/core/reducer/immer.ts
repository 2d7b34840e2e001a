/**
 * The one module that knows about immer, so the hot path can be tuned in one place.
 * @internal
 */
import { Immer } from 'immer'
import type { TicketEvent } from '../model/event.js'
import type { Ticket } from '../model/ticket.js'
import { applyEvent } from './apply-event.js'
import { deepFreeze } from './mutable-ticket.js'

// A private instance: users' own immer settings never change ours, and ours never
// change theirs. Results are frozen, so no caller can mutate a state another holds.
const immer = new Immer({ autoFreeze: true })

/**
 * Folds events onto a state with structural sharing: untouched comments, tags and
 * fields are the same objects as in `state`. Returns a deeply frozen ticket.
 */
export function produceTicket(state: Ticket | null, events: readonly TicketEvent[]): Ticket | null {
  if (events.length === 0) return state
  if (state === null) {
    // Nothing to share: the first event builds a fresh object we may write directly.
    let fresh = applyEvent(null, events[0] as TicketEvent)
    for (let index = 1; index < events.length; index++) fresh = applyEvent(fresh, events[index] as TicketEvent)
    return deepFreeze(fresh) as Ticket
  }
  return immer.produce(state, (draft) => {
    for (const event of events) applyEvent(draft, event)
  })
}
