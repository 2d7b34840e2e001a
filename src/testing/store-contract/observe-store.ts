/**
 * Reading everything a store holds, to show that a refused call changed nothing.
 *
 * @internal
 * @module
 */
import type { TicketEvent } from '../../core/model/event.js'
import { TICKET_SCHEMA_VERSION, type Ticket } from '../../core/model/ticket.js'
import type { TicketService } from '../../service/ticket-service.js'
import type { StoredStream } from '../../store-contract/ticket-store.js'
import type { ContractContext } from './contract-context.js'
import { WORKSPACE_A, WORKSPACE_B } from './fixtures.js'

/** The largest events page. */
const PAGE = 1000
/** A guard against a store whose `afterId` paging never ends. */
const MAX_PAGES = 10_000

/**
 * Pages through the whole log (or one workspace's part) with `afterId`, `limit` events at
 * a time, until a page comes back empty.
 */
export async function pageThroughLog(
  tickets: TicketService,
  options: { readonly workspaceId?: string; readonly limit?: number } = {},
): Promise<TicketEvent[]> {
  const seen: TicketEvent[] = []
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const last = seen.at(-1)
    const page = await tickets.events({
      ...(options.workspaceId === undefined ? {} : { workspaceId: options.workspaceId }),
      ...(last === undefined ? {} : { afterId: last.id }),
      limit: options.limit ?? PAGE,
    })
    if (page.result.length === 0) return seen
    seen.push(...page.result)
  }
  throw new Error(`Paging the log did not end after ${MAX_PAGES} pages: afterId does not move the reader forward.`)
}

/** How long {@link settledLog} waits in all, per test, for the log to catch up (ms). */
const SETTLE_BUDGET_MS = 2000

/** Tests whose log did not catch up: their later reads don't wait again. */
const unsettled = new WeakSet<ContractContext>()

/** Lets pending I/O and timers run before the next read. */
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * The whole log, once it holds every committed event of the suite's tickets.
 *
 * A store may make a commit visible to log readers a little later than to `load` and
 * `list` (PostgreSQL, for one, holds readers back while an older transaction anywhere in
 * the database is still in flight, so that they never skip a late commit). The contract
 * asks that every committed event is seen exactly once, in order — not at once — so the
 * suite waits for the log to catch up with the projection before it compares: the
 * tickets' versions in both workspaces add up to the number of events the log must hold.
 * Once reached, later reads see at least as much, so a test settles once after writing.
 * If the log does not catch up within {@link SETTLE_BUDGET_MS}, the log as last read is
 * returned (and later calls in the same test no longer wait): the test's own assertion
 * then shows what is missing.
 */
export async function settledLog(t: ContractContext): Promise<TicketEvent[]> {
  let expected = 0
  for (const workspaceId of [WORKSPACE_A, WORKSPACE_B]) {
    const { result } = await t.tickets.list({ workspaceId, includeRemoved: true, pageSize: 100 })
    for (const ticket of result) expected += ticket.version
  }
  let log = await pageThroughLog(t.tickets)
  let waited = 0
  for (let reads = 1; log.length < expected && !unsettled.has(t); reads++) {
    if (waited >= SETTLE_BUDGET_MS) {
      unsettled.add(t)
      break
    }
    const wait = Math.min(50, reads * 5)
    await pause(wait)
    waited += wait
    log = await pageThroughLog(t.tickets)
  }
  return log
}

/** Everything observable about a store, for before/after comparisons. */
export interface StoreObservation {
  readonly log: readonly TicketEvent[]
  readonly tickets: Readonly<Record<string, Ticket | null>>
  readonly streams: Readonly<Record<string, StoredStream | null>>
  readonly lists: Readonly<Record<string, readonly Ticket[]>>
}

/** Reads the whole (settled) log, the given tickets (loaded and as stored streams) and both workspaces' lists. */
export async function observeStore(t: ContractContext, ticketIds: readonly string[]): Promise<StoreObservation> {
  const tickets: Record<string, Ticket | null> = {}
  const streams: Record<string, StoredStream | null> = {}
  for (const id of ticketIds) {
    tickets[id] = await t.tickets.load(id)
    streams[id] = await t.store.loadStream(id, { snapshotSchemaVersion: TICKET_SCHEMA_VERSION })
  }
  const lists: Record<string, readonly Ticket[]> = {}
  for (const workspaceId of [WORKSPACE_A, WORKSPACE_B]) {
    lists[workspaceId] = (await t.tickets.list({ workspaceId, includeRemoved: true, pageSize: 100 })).result
  }
  return { log: await settledLog(t), tickets, streams, lists }
}
