/** The workload the store benches share: its ticket ids, the command mix run through a service, and a store that records what it appended. */
import type { AppendBatch, Ticket, TicketService, TicketStore } from 'ticket-events'
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
 * `tickets` tickets, each command fitting its ticket's state; returns the seconds taken.
 */
export async function runCommandMix(service: TicketService, commands: number, tickets: number): Promise<number> {
  const states = new Map<string, Ticket>()
  const start = performance.now()
  for (let step = 0; step < commands; step++) {
    const id = benchTicketId(step % tickets)
    const state = states.get(id)
    const command = state === undefined ? createCommand : nextCommand(state, step)
    states.set(id, (await service.execute(id, command)).state)
  }
  return (performance.now() - start) / 1000
}
