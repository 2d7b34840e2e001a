import { type Command, createIdFactory, handle, replay, type Ticket, type TicketEvent } from 'ticket-events'
import { baselineFold } from './baseline-reducer.js'
import { createCommand, nextCommand } from './command-mix.js'
import { runEmmett } from './emmett.js'
import type { BenchRow, BenchSection } from './report.js'
import { bestOf, bestOfAsync } from './timing.js'

const STREAM_LENGTH = 1_000_000
const HANDLE_COMMANDS = 200_000
/**
 * Emmett's in-memory store folds a ticket's whole stream for every command, so it is fastest
 * on short streams: 10 commands per ticket here (over 50 tickets, 200 each, it ran 3.5k/s).
 */
const EMMETT_COMMANDS = 10_000
const EMMETT_TICKETS = 1_000

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

/**
 * `replay` vs. the hand-written baseline on the same 1,000,000-event stream; `handle`
 * commands/s vs. Emmett's `CommandHandler` on the same command shapes; and what
 * freezing every state costs `handle` in production.
 */
export const benchCore: BenchSection = async () => {
  // handle first: the million-event stream below would otherwise sit in the heap and
  // make every garbage collection during the handle loop scan it.
  const { unfrozen, frozen } = measureHandle()
  await runEmmett(EMMETT_COMMANDS, EMMETT_TICKETS) // warm-up
  const emmettRate = EMMETT_COMMANDS / (await bestOfAsync(3, () => runEmmett(EMMETT_COMMANDS, EMMETT_TICKETS)))
  const { replayRate, baselineRate } = measureReplay()
  const handleName = `handle, realistic mix of ${HANDLE_COMMANDS.toLocaleString('en-US')} commands`
  return [
    {
      name: `replay, ${STREAM_LENGTH.toLocaleString('en-US')} events`,
      value: replayRate,
      unit: 'events/s',
      baseline: { name: 'hand-written mutable reducer', value: baselineRate },
      target: '>= 0.5x baseline',
    },
    {
      name: handleName,
      value: unfrozen,
      unit: 'commands/s',
      baseline: {
        name: `Emmett CommandHandler + in-memory store, same mix, ${EMMETT_COMMANDS.toLocaleString('en-US')} commands over ${EMMETT_TICKETS} tickets`,
        value: emmettRate,
      },
      target: '>= 3x baseline and >= 60,000 commands/s',
    },
    {
      name: `${handleName}, every state frozen (ctx.freeze: true)`,
      value: frozen,
      unit: 'commands/s',
      baseline: { name: 'handle, same run, unfrozen (the production default)', value: unfrozen },
    },
  ] satisfies BenchRow[]
}

/**
 * Records the command mix once, then times only `handle` replaying it, unfrozen and
 * frozen in alternating rounds (so machine noise hits both alike); returns commands/s.
 */
function measureHandle(): { unfrozen: number; frozen: number } {
  // The ids come from a reproducible factory, so replayed comment ids match the recorded
  // commands; the clock is the system clock, as in production.
  const context = (freeze: boolean) => {
    let issued = 0
    const base = Date.parse('2024-01-01T00:00:00Z')
    return { newId: createIdFactory({ now: () => base + Math.floor(issued++ / 64), random: () => 0.5 }), freeze }
  }
  const commands: Command[] = []
  const recordingCtx = context(false)
  let recorded = handle(null, createCommand, recordingCtx).state
  for (let step = 0; step < HANDLE_COMMANDS; step++) {
    const command = nextCommand(recorded, step)
    commands.push(command)
    recorded = handle(recorded, command, recordingCtx).state
  }
  const run = (freeze: boolean) => () => {
    const ctx = context(freeze)
    let current = handle(null, createCommand, ctx).state
    for (const command of commands) current = handle(current, command, ctx).state
  }
  let unfrozen = Number.POSITIVE_INFINITY
  let frozen = Number.POSITIVE_INFINITY
  for (let round = 0; round < 3; round++) {
    unfrozen = Math.min(unfrozen, bestOf(1, run(false)))
    frozen = Math.min(frozen, bestOf(1, run(true)))
  }
  return { unfrozen: HANDLE_COMMANDS / unfrozen, frozen: HANDLE_COMMANDS / frozen }
}

/** Times `replay` and the baseline fold over the same stream; returns events/s for each. */
function measureReplay(): { replayRate: number; baselineRate: number } {
  const { events } = buildStream(STREAM_LENGTH)
  // Both folds must agree, or the comparison means nothing.
  const baseline = baselineFold(events) as Record<string, unknown>
  const replayed = replay(events) as Ticket
  if (baseline.version !== replayed.version || JSON.stringify(baseline.tags) !== JSON.stringify(replayed.tags)) {
    throw new Error('baseline and replay disagree on the bench stream')
  }
  const baselineSeconds = bestOf(5, () => baselineFold(events))
  const replaySeconds = bestOf(5, () => replay(events))
  return { replayRate: STREAM_LENGTH / replaySeconds, baselineRate: STREAM_LENGTH / baselineSeconds }
}
