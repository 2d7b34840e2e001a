import type { AppendBatch, TicketStore } from 'ticket-events'

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
