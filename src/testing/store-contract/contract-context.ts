/**
 * What every conformance test gets: a fresh store, a service over it, and a clock that
 * moves only when the test says so.
 *
 * @internal
 * @module
 */
import { createIdFactory } from '../../core/ids/ids.js'
import type { HandleResult } from '../../core/reducer/handle.js'
import { createTicketService } from '../../service/create-ticket-service.js'
import type { TicketService, TicketServiceOptions, WorkspaceScope } from '../../service/ticket-service.js'
import { type StoreCapabilities, storeCapabilities, type TicketStore } from '../../store-contract/ticket-store.js'
import { untyped } from './untyped.js'

/** The instant every conformance test starts at. */
export const CONTRACT_START = '2024-01-01T00:00:00.000Z'

/** How far {@link ContractContext.run} moves the clock before each command, in ms. */
export const COMMAND_STEP_MS = 1000

/** A clock that stands still until moved, so a test knows every `occurredAt` it causes. */
export interface MovableClock {
  readonly now: () => Date
  readonly advance: (ms: number) => void
}

/** Service settings a test may change; the store, clock and ids always come from the context. */
export type ServiceTuning = Omit<TicketServiceOptions, 'store' | 'ctx'>

/** One conformance test's world. */
export interface ContractContext {
  /** A fresh, empty store from the caller's factory; closed after the test. */
  readonly store: TicketStore
  /** The store's capabilities with the defaults filled in. */
  readonly capabilities: Required<StoreCapabilities>
  readonly clock: MovableClock
  /** The clock and id source every service of this test uses (one monotonic id factory). */
  readonly ctx: { readonly now: () => Date; readonly newId: () => string }
  /** A service over {@link store} with default settings. */
  readonly tickets: TicketService
  /** Another service over the same store, with other settings (snapshots, dedupe window). */
  service(tuning?: ServiceTuning): TicketService
  /** Moves the clock by {@link COMMAND_STEP_MS}, then executes: every command gets its own instant. */
  run(ticketId: string, command: unknown, scope?: WorkspaceScope): Promise<HandleResult>
}

/** Creates a movable clock standing at `start`. */
export function createMovableClock(start: string): MovableClock {
  let time = Date.parse(start)
  return {
    now: () => new Date(time),
    advance: (ms) => {
      time += ms
    },
  }
}

/**
 * Opens a test's world around a fresh store. The store is not migrated here: the
 * service must do that itself before first use, and tests that call the store directly
 * first migrate it themselves.
 */
export async function openContractContext(makeStore: () => TicketStore | Promise<TicketStore>): Promise<ContractContext> {
  const store = await makeStore()
  const clock = createMovableClock(CONTRACT_START)
  const ctx = { now: clock.now, newId: createIdFactory() }
  const service = (tuning: ServiceTuning = {}): TicketService => createTicketService({ ...tuning, store, ctx })
  const tickets = service()
  return {
    store,
    capabilities: storeCapabilities(store),
    clock,
    ctx,
    tickets,
    service,
    run(ticketId, command, scope) {
      clock.advance(COMMAND_STEP_MS)
      return tickets.execute(ticketId, untyped(command), scope)
    },
  }
}
