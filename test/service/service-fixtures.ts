import type { Command, CreateCommand } from '../../src/index.js'
import type { TicketService } from '../../src/service/index.js'
import type { AppendBatch, StoredStream, TicketStore } from '../../src/store-contract/ticket-store.js'

export { rejectionOf } from '../support/core-fixtures.js'

export const WORKSPACE = '0b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const OTHER_WORKSPACE = '0c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const CHAT = '1c5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const TICKET = '2d5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const OTHER_TICKET = '2e5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const ALICE = '3a5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'
export const BOB = '3b5c2f4e-3c1a-4d7e-9f10-1a2b3c4d5e6f'

/** A distinct, valid UUID per number (for tags, tickets, users). */
export const uuid = (group: number, n: number): string =>
  `${group.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`

/** A pending, unassigned ticket in `workspaceId`. */
export function createCommand(workspaceId = WORKSPACE, summary = 'Customer cannot log in'): CreateCommand {
  return { type: 'create', workspaceId, chatId: CHAT, ticketingTeamId: null, assigneeId: null, status: 'pending', summary }
}

/** An `addComment` without a comment id: every run adds a new comment, so a re-run is visible. */
export function commentCommand(body: string, commandId?: string): Command {
  return { type: 'addComment', body, public: true, authorId: ALICE, ...(commandId === undefined ? {} : { meta: { commandId } }) }
}

/** What an instrumented store saw. */
export interface StoreLog {
  appends: AppendBatch[]
  /** How many events each `loadStream` call returned, and whether it came with a snapshot. */
  loads: { events: number; snapshot: boolean }[]
  migrations: number
  closes: number
}

/** Hooks run by {@link instrument} before delegating to the real store. */
export interface StoreHooks {
  /** Runs before each append reaches the real store (to inject a conflicting writer, for instance). */
  beforeAppend?: (batch: AppendBatch, store: TicketStore) => Promise<void>
  /** Runs before each `loadStream` reaches the real store. */
  beforeLoad?: (ticketId: string, store: TicketStore) => Promise<void>
  /** Runs before each `migrate` reaches the real store; a rejection fails that migration. */
  migrate?: () => Promise<void>
  /** Runs after each append was stored (a rejection plays an answer lost on the way back). */
  afterAppend?: (batch: AppendBatch) => Promise<void>
  /** Runs before each `hasEvent` reaches the real store. */
  beforeHasEvent?: (eventId: string) => Promise<void>
  /** Runs before each `readEvents` and `listTickets` reaches the real store. */
  beforeRead?: () => Promise<void>
}

/**
 * Wraps a real store, recording what the service asks of it. Not a mock: every call
 * still reaches the wrapped store.
 */
export function instrument(store: TicketStore, hooks: StoreHooks = {}): { store: TicketStore; log: StoreLog } {
  const log: StoreLog = { appends: [], loads: [], migrations: 0, closes: 0 }
  const wrapped: TicketStore = {
    name: `instrumented ${store.name}`,
    ...(store.capabilities === undefined ? {} : { capabilities: store.capabilities }),
    async migrate() {
      log.migrations++
      if (hooks.migrate) await hooks.migrate()
      await store.migrate()
    },
    async loadStream(ticketId, options): Promise<StoredStream | null> {
      if (hooks.beforeLoad) await hooks.beforeLoad(ticketId, store)
      const stream = await store.loadStream(ticketId, options)
      log.loads.push({ events: stream?.events.length ?? 0, snapshot: stream?.snapshot != null })
      return stream
    },
    async append(batch) {
      if (hooks.beforeAppend) await hooks.beforeAppend(batch, store)
      await store.append(batch)
      log.appends.push(batch)
      if (hooks.afterAppend) await hooks.afterAppend(batch)
    },
    async readEvents(query) {
      if (hooks.beforeRead) await hooks.beforeRead()
      return store.readEvents(query)
    },
    async listTickets(query) {
      if (hooks.beforeRead) await hooks.beforeRead()
      return store.listTickets(query)
    },
    findCommand: (ticketId, commandId, notBefore) => store.findCommand(ticketId, commandId, notBefore),
    ...(store.currentVersion === undefined ? {} : { currentVersion: (ticketId: string) => store.currentVersion!(ticketId) }),
    ...(store.hasEvent === undefined
      ? {}
      : {
          async hasEvent(eventId: string) {
            if (hooks.beforeHasEvent) await hooks.beforeHasEvent(eventId)
            return store.hasEvent!(eventId)
          },
        }),
    async close() {
      log.closes++
      await store.close()
    },
  }
  return { store: wrapped, log }
}

/** Awaits `promise` and returns the TicketError it rejects with (failing on anything else). */

/** Everything a service can show: the whole log and every listed ticket of both workspaces. */
export async function everything(service: TicketService): Promise<unknown> {
  const events = await service.events({ limit: 1000 })
  const lists = await Promise.all(
    [WORKSPACE, OTHER_WORKSPACE].map((workspaceId) => service.list({ workspaceId, includeRemoved: true, pageSize: 100 })),
  )
  return { events: events.result, tickets: lists.map((page) => page.result) }
}
