import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import type { ContractContext } from './contract-context.js'
import { addCommentCommand, createTicketCommand, tagCommand, ticketId, userId, WORKSPACE_A, WORKSPACE_B } from './fixtures.js'
import { settledLog } from './observe-store.js'

/** Tickets 1 and 3 live in workspace A, 2 and 4 in workspace B. */
export const INTERLEAVED_TICKETS = [ticketId(1), ticketId(2), ticketId(3), ticketId(4)] as const

/** What {@link runInterleavedHistory} did. */
export interface InterleavedHistory {
  /** Every event the commands returned, in the order they were executed. */
  readonly events: readonly TicketEvent[]
  /** Each ticket's state after its last command. */
  readonly states: ReadonlyMap<string, Ticket>
}

/**
 * Runs commands on four tickets in two workspaces, interleaved so that no ticket's
 * events sit together in the log (about 35 events, one clock step per command), and
 * waits until the log shows them all.
 */
export async function runInterleavedHistory(t: ContractContext): Promise<InterleavedHistory> {
  const [one, two, three, four] = INTERLEAVED_TICKETS
  const plan: ReadonlyArray<readonly [string, unknown]> = [
    [one, createTicketCommand(one, WORKSPACE_A, { summary: 'first ticket' })],
    [two, createTicketCommand(two, WORKSPACE_B, { tags: [1] })],
    [one, tagCommand(2)],
    [three, createTicketCommand(three, WORKSPACE_A, { chat: 2 })],
    [two, { type: 'takeover', assigneeId: userId(1) }],
    [four, createTicketCommand(four, WORKSPACE_B, { summary: 'fourth ticket' })],
    [one, addCommentCommand('a comment on one')],
    [three, tagCommand(3)],
    [four, { type: 'update', priority: 'high', ticketType: 'incident', summary: 'fourth, now urgent' }],
    [two, { type: 'complete', userId: userId(1) }],
    [one, { type: 'takeover', assigneeId: userId(2) }],
    [three, addCommentCommand('a comment on three')],
    [four, tagCommand(4)],
    [one, { type: 'update', summary: 'first ticket, renamed' }],
    [two, addCommentCommand('a comment on two')],
    [three, { type: 'update', priority: 'low', sentiment: 'positive' }],
    [four, addCommentCommand('a comment on four')],
  ]
  const events: TicketEvent[] = []
  const states = new Map<string, Ticket>()
  for (const [id, command] of plan) {
    const result = await t.run(id, command)
    events.push(...result.events)
    states.set(id, result.state)
  }
  await settledLog(t)
  return { events, states }
}
