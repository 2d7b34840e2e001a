/**
 * Service benchmarks on the memory store: `execute` commands/s for a realistic command
 * mix next to the pure core deciding the same commands, and loading a 100,000-event
 * ticket from a snapshot plus its tail and from the whole stream.
 */

import type { TicketStore } from 'ticket-events'
import { createIdFactory, createTicketService, type HandleResult, handle, replay, TICKET_SCHEMA_VERSION, type Ticket } from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { createCommand, nextCommand } from './command-mix.js'
import { buildStream } from './core.js'
import type { BenchRow, BenchSection } from './report.js'
import { bestOfAsync, cpuSeconds } from './timing.js'

const TICKETS = 50
const COMMANDS = 10_000
/** Commands run once before measuring, so the JIT has settled. */
const WARM_UP = 2_000
/** Alternating rounds over the `execute` variants; each reports its fastest. */
const ROUNDS = 3
const LONG_STREAM = 100_000
/** How far the newest snapshot lies behind the end of the long ticket: half of the default `snapshotEvery`. */
const LOAD_TAIL = 50

const ticketId = (n: number): string => `2d5c2f4e-3c1a-4d7e-9f10-${n.toString(16).padStart(12, '0')}`

/** The command for `step`: a create for a ticket's first step, the mix afterwards. */
function commandFor(states: Map<string, Ticket>, step: number) {
  const id = ticketId(step % TICKETS)
  const state = states.get(id)
  return { id, command: state === undefined ? { ...createCommand, ticketId: id } : nextCommand(state, step) }
}

/** Runs the mix round-robin over `TICKETS` tickets through the service; returns CPU seconds (no I/O: the memory store never waits). */
async function executeThroughService(withCommandIds: boolean, commands = COMMANDS, freezeInPlace = true): Promise<number> {
  const tickets = createTicketService({ store: memoryStore({ freezeInPlace }), ctx: { newId: createIdFactory() } })
  const states = new Map<string, Ticket>()
  const start = cpuSeconds()
  for (let step = 0; step < commands; step++) {
    const { id, command } = commandFor(states, step)
    const withMeta = withCommandIds ? { ...command, meta: { commandId: `command-${step}` } } : command
    states.set(id, (await tickets.execute(id, withMeta)).state)
  }
  const seconds = cpuSeconds() - start
  await tickets.close()
  return seconds
}

/** The baseline: the pure core deciding the same mix with states kept in a Map (no store, no replay); CPU seconds. */
function executeInCore(): number {
  const ctx = { newId: createIdFactory() }
  const states = new Map<string, Ticket>()
  const start = cpuSeconds()
  for (let step = 0; step < COMMANDS; step++) {
    const { id, command } = commandFor(states, step)
    const result: HandleResult = handle(states.get(id) ?? null, command, ctx)
    states.set(id, result.state)
  }
  return cpuSeconds() - start
}

const NO_OPS = 10_000
const noOpTag = '4f5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/**
 * Commands that change nothing (a tag already present) on tickets the service has cached,
 * through `execute`, and the pure `handle` deciding the same no-ops; returns commands/s
 * for each. A no-op on a cached state is where the service used to decide more than once.
 */
async function measureNoOps(): Promise<{ service: number; core: number }> {
  const tickets = createTicketService({ store: memoryStore(), ctx: { newId: createIdFactory() } })
  const states: Ticket[] = []
  for (let n = 0; n < TICKETS; n++) {
    const id = ticketId(n)
    await tickets.execute(id, { ...createCommand, ticketId: id })
    states.push((await tickets.execute(id, { type: 'tag', tagId: noOpTag })).state)
  }
  const noOp = { type: 'tag', tagId: noOpTag } as const
  for (let step = 0; step < WARM_UP; step++) await tickets.execute(ticketId(step % TICKETS), noOp)
  const serviceStart = performance.now()
  for (let step = 0; step < NO_OPS; step++) await tickets.execute(ticketId(step % TICKETS), noOp)
  const serviceSeconds = (performance.now() - serviceStart) / 1000
  await tickets.close()
  const ctx = { newId: createIdFactory() }
  const coreStart = performance.now()
  for (let step = 0; step < NO_OPS; step++) handle(states[step % TICKETS] as Ticket, noOp, ctx)
  const coreSeconds = (performance.now() - coreStart) / 1000
  return { service: NO_OPS / serviceSeconds, core: NO_OPS / coreSeconds }
}

/** Stores one ticket of `LONG_STREAM` events, with its newest snapshot `LOAD_TAIL` events before the end. */
async function storeLongTicket(store: TicketStore, { events, state }: ReturnType<typeof buildStream>): Promise<string> {
  const split = LONG_STREAM - LOAD_TAIL
  const head = events.slice(0, split)
  const headState = replay(head) as Ticket
  const base = { ticketId: state.id, workspaceId: state.workspaceId, audit: null }
  await store.migrate()
  await store.append({
    ...base,
    expectedVersion: 0,
    events: head,
    state: headState,
    snapshot: { state: headState, schemaVersion: TICKET_SCHEMA_VERSION },
  })
  await store.append({ ...base, expectedVersion: split, events: events.slice(split), state })
  return state.id
}

/** `execute` through the service on the memory store, and `load` of a 100,000-event ticket. */
export const benchMemoryService: BenchSection = async () => {
  await executeThroughService(false, WARM_UP)
  // Rounds that alternate over every variant, best of each: a busy spell on a shared
  // machine then slows one round of every variant, not all rounds of one.
  const best = { core: Infinity, service: Infinity, dedupe: Infinity, copies: Infinity, copiesDedupe: Infinity }
  for (let round = 0; round < ROUNDS; round++) {
    best.core = Math.min(best.core, executeInCore())
    best.service = Math.min(best.service, await executeThroughService(false))
    best.dedupe = Math.min(best.dedupe, await executeThroughService(true))
    best.copies = Math.min(best.copies, await executeThroughService(false, COMMANDS, false))
    best.copiesDedupe = Math.min(best.copiesDedupe, await executeThroughService(true, COMMANDS, false))
  }
  const {
    core: coreSeconds,
    service: serviceSeconds,
    dedupe: dedupeSeconds,
    copies: copiesSeconds,
    copiesDedupe: copiesDedupeSeconds,
  } = best
  const core = { name: 'pure handle, same commands, states in a Map', value: COMMANDS / coreSeconds }
  const mix = `${COMMANDS.toLocaleString('en-US')} commands over ${TICKETS} tickets`
  const rows: BenchRow[] = [
    {
      name: `memory execute (frozen in place, the default), ${mix}`,
      value: COMMANDS / serviceSeconds,
      unit: 'commands/s',
      baseline: core,
      target: '>= 0.5x baseline',
    },
    { name: `memory execute with meta.commandId, ${mix}`, value: COMMANDS / dedupeSeconds, unit: 'commands/s', baseline: core },
    {
      name: `memory({ freezeInPlace: false }) execute (frozen copies), ${mix}`,
      value: COMMANDS / copiesSeconds,
      unit: 'commands/s',
      baseline: core,
    },
    {
      name: `memory({ freezeInPlace: false }) execute with meta.commandId, ${mix}`,
      value: COMMANDS / copiesDedupeSeconds,
      unit: 'commands/s',
      baseline: core,
    },
  ]
  const noOps = await measureNoOps()
  rows.push({
    name: `memory execute, ${NO_OPS.toLocaleString('en-US')} no-op commands (tag already present) on cached tickets`,
    value: noOps.service,
    unit: 'commands/s',
    baseline: { name: 'pure handle, same no-ops', value: noOps.core },
  })

  const stream = buildStream(LONG_STREAM)
  for (const supportsSnapshots of [true, false]) {
    const store = memoryStore({ supportsSnapshots })
    const id = await storeLongTicket(store, stream)
    const tickets = createTicketService({ store })
    const seconds = await bestOfAsync(5, async () => {
      const ticket = await tickets.load(id)
      if (ticket?.version !== LONG_STREAM) throw new Error('the long ticket did not load whole')
    })
    await tickets.close()
    rows.push({
      name: `memory load, ${LONG_STREAM.toLocaleString('en-US')}-event ticket ${supportsSnapshots ? `from a snapshot + ${LOAD_TAIL} events` : 'without snapshots'}`,
      value: seconds * 1000,
      unit: 'ms',
    })
  }
  return rows
}
