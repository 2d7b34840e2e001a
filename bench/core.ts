import { createIdFactory, handle, replay, type Ticket, type TicketEvent } from 'ticket-events'
import { baselineFold } from './baseline-reducer.js'
import { createCommand, nextCommand } from './command-mix.js'
import type { BenchRow, BenchSection } from './report.js'
import { bestOf } from './timing.js'

const STREAM_LENGTH = 1_000_000
const HANDLE_COMMANDS = 200_000

/** Builds one ticket's stream of at least `length` events from the realistic command mix. */
export function buildStream(length: number): { events: TicketEvent[]; state: Ticket } {
  const ctx = { newId: createIdFactory() }
  let result = handle(null, createCommand, ctx)
  const events: TicketEvent[] = [...result.events]
  for (let step = 0; events.length < length; step++) {
    result = handle(result.state, nextCommand(result.state, step), ctx)
    for (const event of result.events) events.push(event)
  }
  return { events: events.slice(0, length), state: result.state }
}

/** `replay` vs. the hand-written baseline on the same 1,000,000-event stream, and `handle` commands/s. */
export const benchCore: BenchSection = async () => {
  const { events } = buildStream(STREAM_LENGTH)

  // Both folds must agree, or the comparison means nothing.
  const expected = JSON.stringify(replay(events))
  const baseline = baselineFold(events) as Record<string, unknown>
  const replayed = replay(events) as Ticket
  if (baseline.version !== replayed.version || JSON.stringify(baseline.tags) !== JSON.stringify(replayed.tags) || expected.length === 0) {
    throw new Error('baseline and replay disagree on the bench stream')
  }

  const baselineSeconds = bestOf(5, () => baselineFold(events))
  const replaySeconds = bestOf(5, () => replay(events))

  const ctx = { newId: createIdFactory() }
  const handleSeconds = bestOf(3, () => {
    let current = handle(null, createCommand, ctx).state
    for (let step = 0; step < HANDLE_COMMANDS; step++) current = handle(current, nextCommand(current, step), ctx).state
  })

  const rows: BenchRow[] = [
    {
      name: `replay, ${STREAM_LENGTH.toLocaleString('en-US')} events`,
      value: STREAM_LENGTH / replaySeconds,
      unit: 'events/s',
      baseline: { name: 'hand-written mutable reducer', value: STREAM_LENGTH / baselineSeconds },
      target: '>= 0.5x baseline',
    },
    {
      name: `handle, realistic mix of ${HANDLE_COMMANDS.toLocaleString('en-US')} commands`,
      value: HANDLE_COMMANDS / handleSeconds,
      unit: 'commands/s',
      target: '>= 100,000 commands/s',
    },
  ]
  return rows
}
