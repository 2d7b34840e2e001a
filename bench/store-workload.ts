/** The workload the store benches share: its ticket ids, the command mix run through a service, and a store that records what it appended. */
import {
  type AppendBatch,
  type Command,
  createIdFactory,
  createTicketService,
  type Ticket,
  type TicketService,
  type TicketStore,
} from 'ticket-events'
import { memoryStore } from 'ticket-events/memory'
import { createCommand, nextCommand } from './command-mix.js'

/** Bench tickets' ids: the n-th ticket of a run. */
export const benchTicketId = (n: number): string => `2d5c2f4e-3c1a-4d7e-9f10-${n.toString(16).padStart(12, '0')}`

/** A store that remembers every batch it appends, so the raw driver can write the same rows. */
export function recording(store: TicketStore, batches: AppendBatch[]): TicketStore {
  return {
    name: store.name,
    migrate: () => store.migrate(),
    loadStream: (id, options) => store.loadStream(id, options),
    append: async (batch) => {
      await store.append(batch)
      batches.push(batch)
    },
    readEvents: (query) => store.readEvents(query),
    listTickets: (query) => store.listTickets(query),
    findCommand: (id, commandId, notBefore) => store.findCommand(id, commandId, notBefore),
    ...(store.currentVersion === undefined ? {} : { currentVersion: (id: string) => store.currentVersion!(id) }),
    close: () => store.close(),
  }
}

/**
 * Runs `commands` commands of the realistic mix through the service, round-robin over
 * `tickets` tickets, each command fitting its ticket's state; returns the seconds taken
 * (making the commands included).
 */
export async function runCommandMix(service: TicketService, commands: number, tickets: number): Promise<number> {
  const states = new Map<string, Ticket>()
  const start = performance.now()
  for (let step = 0; step < commands; step++) {
    const { ticketId, command } = mixStep(states, step, tickets)
    states.set(ticketId, (await service.execute(ticketId, command)).state)
  }
  return (performance.now() - start) / 1000
}

/** The mix's `step`-th command: its ticket (round-robin over `tickets`), and a command fitting that ticket's state in `states`. */
function mixStep(states: ReadonlyMap<string, Ticket>, step: number, tickets: number): MixStep {
  const ticketId = benchTicketId(step % tickets)
  const state = states.get(ticketId)
  return { ticketId, command: state === undefined ? createCommand : nextCommand(state, step) }
}

/** One command of a recorded mix: the ticket it goes to, and the command as a caller sends it. */
export interface MixStep {
  readonly ticketId: string
  readonly command: Command
}

/** A recorded mix: its steps, and the batches the recording run appended for them. */
export interface RecordedMix {
  readonly steps: readonly MixStep[]
  readonly batches: readonly AppendBatch[]
}

/**
 * An id source that gives the same ids in every run (a fixed clock for the ids' time part,
 * a new millisecond every 64 ids, and a fixed random part): a recorded mix then replays
 * with the comment ids its later commands name.
 */
export function reproducibleIds(): () => string {
  let issued = 0
  const base = Date.parse('2026-01-01T00:00:00Z')
  return createIdFactory({ now: () => base + Math.floor(issued++ / 64), random: () => 0.5 })
}

/**
 * Records `commands` commands of the mix over `tickets` tickets, each fitting its ticket's
 * state, by running them through a service on the memory store with
 * {@link reproducibleIds}, so that a timed run can replay them without making them; and
 * the batches that run appended, which a service replaying the steps with
 * {@link reproducibleIds} appends again (the same ids and versions; only the times differ).
 */
export async function recordCommandMix(commands: number, tickets: number): Promise<RecordedMix> {
  const batches: AppendBatch[] = []
  const service = createTicketService({ store: recording(memoryStore(), batches), ctx: { newId: reproducibleIds() } })
  const states = new Map<string, Ticket>()
  const steps: MixStep[] = []
  for (let step = 0; step < commands; step++) {
    const next = mixStep(states, step, tickets)
    states.set(next.ticketId, (await service.execute(next.ticketId, next.command)).state)
    steps.push(next)
  }
  await service.close()
  return { steps, batches }
}

/**
 * Runs recorded steps through `service`, which must make its ids with
 * {@link reproducibleIds}; returns the seconds the `execute` calls took. Only the calls
 * are timed, as the raw baselines time only their writes.
 */
export async function replayCommandMix(service: TicketService, steps: readonly MixStep[]): Promise<number> {
  const start = performance.now()
  for (const { ticketId, command } of steps) await service.execute(ticketId, command)
  return (performance.now() - start) / 1000
}
