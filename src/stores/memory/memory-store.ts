import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import { TicketError } from '../../core/errors/ticket-error.js'
import type { Audit } from '../../core/model/audit.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import { deepFreeze } from '../../core/reducer/mutable-ticket.js'
import type {
  AppendBatch,
  CommandResult,
  ListTicketsQuery,
  ReadEventsQuery,
  StoredStream,
  TicketStore,
} from '../../store-contract/ticket-store.js'
import type { MemoryStoreOptions } from './memory-store-config.js'

/** One ticket's stream, its projection row, snapshots and audit trail. */
interface StoredTicket {
  readonly workspaceId: string
  /** The ticket's events; index `i` holds version `i + 1`. */
  readonly events: TicketEvent[]
  /** The projection row `listTickets` reads. */
  state: Ticket
  /** The newest snapshot written under each schema version. */
  readonly snapshots: Map<number, Ticket>
  readonly audits: Audit[]
}

interface StoredCommand {
  readonly recordedAt: string
  readonly result: CommandResult
}

const optionsSchema = z.optional(
  z.strictObject({
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    supportsSnapshots: z.optional(z.boolean()),
  }),
)

/**
 * Creates a store that keeps everything in this process's memory: for tests, demos,
 * prototypes and short-lived workers. Nothing survives the process.
 *
 * It follows the whole {@link TicketStore} contract: atomic appends with an expected
 * version, one global order (append order) with `afterId` paging, the `list()`
 * projection, snapshots per schema version and idempotency records. Data goes in and
 * out as frozen JSON copies, so neither the caller nor the store can change the other's
 * objects by accident.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * import { createTicketService } from 'ticket-events'
 * import { memoryStore } from 'ticket-events/memory'
 *
 * const tickets = createTicketService({ store: memoryStore() })
 * ```
 */
export function memoryStore(options?: MemoryStoreOptions): TicketStore {
  parseWith(optionsSchema, options, 'memory store options')
  const supportsSnapshots = options?.supportsSnapshots ?? true

  /** Every event in append order: the store's one global order. */
  const log: TicketEvent[] = []
  /** Event id → its index in {@link log}, for `afterId`. */
  const positions = new Map<string, number>()
  const tickets = new Map<string, StoredTicket>()
  /** Workspace id → its ticket ids, for `listTickets`. */
  const workspaces = new Map<string, Set<string>>()
  /** `ticketId␀commandId` → the remembered result. */
  const commands = new Map<string, StoredCommand>()

  return {
    name: options?.name ?? 'memory',
    capabilities: { supportsSnapshots },

    async migrate() {
      // Nothing to create: the maps above are the tables.
    },

    async loadStream(ticketId, { snapshotSchemaVersion }): Promise<StoredStream | null> {
      const ticket = tickets.get(ticketId)
      if (ticket === undefined) return null
      const snapshot = ticket.snapshots.get(snapshotSchemaVersion) ?? null
      return { snapshot, events: ticket.events.slice(snapshot?.version ?? 0) }
    },

    async append(batch: AppendBatch) {
      const stored = tickets.get(batch.ticketId)
      const actualVersion = stored?.events.length ?? 0
      if (actualVersion !== batch.expectedVersion) {
        throw new TicketError(
          'CONCURRENCY',
          `Ticket ${batch.ticketId} is at version ${actualVersion}, not ${batch.expectedVersion}: another command changed it first. Load it again and retry.`,
          { details: { ticketId: batch.ticketId, expectedVersion: batch.expectedVersion, actualVersion } },
        )
      }
      const commandKey = batch.command ? keyOf(batch.ticketId, batch.command.commandId) : undefined
      const previous = commandKey === undefined ? undefined : commands.get(commandKey)
      const notBefore = batch.command?.notBefore
      // A record from before the dedupe window has expired: the command may run, and record, again.
      if (previous !== undefined && (notBefore === undefined || previous.recordedAt >= normaliseTime(notBefore))) {
        throw new TicketError(
          'CONCURRENCY',
          `Command ${batch.command?.commandId} already ran on ticket ${batch.ticketId}; its first result stands.`,
          {
            details: {
              ticketId: batch.ticketId,
              ...(batch.command === undefined ? {} : { commandId: batch.command.commandId }),
              expectedVersion: batch.expectedVersion,
              actualVersion,
            },
          },
        )
      }

      // Copy everything before writing anything, so a value JSON cannot hold fails the
      // whole batch and leaves the store as it was.
      const copy = copyBatch(batch)

      const ticket: StoredTicket = stored ?? {
        workspaceId: batch.workspaceId,
        events: [],
        state: copy.state,
        snapshots: new Map(),
        audits: [],
      }
      if (stored === undefined) {
        tickets.set(batch.ticketId, ticket)
        const ids = workspaces.get(ticket.workspaceId) ?? new Set<string>()
        workspaces.set(ticket.workspaceId, ids.add(batch.ticketId))
      }
      for (const event of copy.events) {
        positions.set(event.id, log.length)
        log.push(event)
        ticket.events.push(event)
      }
      ticket.state = copy.state
      if (copy.audit !== null) ticket.audits.push(copy.audit)
      if (copy.snapshot !== null && supportsSnapshots) ticket.snapshots.set(copy.snapshot.schemaVersion, copy.snapshot.state)
      if (commandKey !== undefined && copy.command !== null) commands.set(commandKey, copy.command)
    },

    async readEvents(query: ReadEventsQuery): Promise<TicketEvent[]> {
      let start = 0
      if (query.afterId !== undefined) {
        const position = positions.get(query.afterId.toUpperCase())
        const visible = position !== undefined && (query.workspaceId === undefined || log[position]?.workspaceId === query.workspaceId)
        if (!visible) {
          throw new TicketError('VALIDATION', `Invalid events query: afterId ${query.afterId} is not an event this reader can see.`, {
            issues: [{ path: ['afterId'], message: 'Unknown event id', code: 'custom' }],
          })
        }
        start = (position as number) + 1
      }
      const occurredAfter = query.occurredAfter === undefined ? undefined : normaliseTime(query.occurredAfter)
      const page: TicketEvent[] = []
      for (let index = start; index < log.length && page.length < query.limit; index++) {
        const event = log[index] as TicketEvent
        if (query.workspaceId !== undefined && event.workspaceId !== query.workspaceId) continue
        if (query.type !== undefined && event.type !== query.type) continue
        // Both sides are `toISOString()` output, so text order is time order.
        if (occurredAfter !== undefined && event.occurredAt <= occurredAfter) continue
        page.push(event)
      }
      return page
    },

    async listTickets(query: ListTicketsQuery): Promise<Ticket[]> {
      const search = query.search?.toLowerCase()
      const matches: Ticket[] = []
      for (const ticketId of workspaces.get(query.workspaceId) ?? []) {
        const ticket = (tickets.get(ticketId) as StoredTicket).state
        if (!query.includeRemoved && (ticket.archived || ticket.deleted)) continue
        if (query.status !== undefined && ticket.status !== query.status) continue
        if (query.assigneeIds.length > 0 && (ticket.assigneeId === null || !query.assigneeIds.includes(ticket.assigneeId))) continue
        if (query.chatIds.length > 0 && !query.chatIds.includes(ticket.chatId)) continue
        if (query.tagIds.length > 0 && !ticket.tags.some((tag) => query.tagIds.includes(tag))) continue
        if (search !== undefined && !(ticket.summary ?? '').toLowerCase().includes(search)) continue
        matches.push(ticket)
      }
      matches.sort(newestFirst)
      const from = (query.pageNumber - 1) * query.pageSize
      return matches.slice(from, from + query.pageSize)
    },

    async currentVersion(ticketId) {
      return tickets.get(ticketId)?.events.length ?? 0
    },

    async hasEvent(eventId) {
      return positions.has(eventId)
    },

    async findCommand(ticketId, commandId, notBefore) {
      const record = commands.get(keyOf(ticketId, commandId))
      return record !== undefined && record.recordedAt >= normaliseTime(notBefore) ? record.result : null
    },

    async close() {
      // Nothing was opened; the data stays readable until the store is garbage-collected.
    },
  }
}

/** Newest `createdAt` first; tickets created in the same millisecond by id. */
function newestFirst(left: Ticket, right: Ticket): number {
  if (left.createdAt !== right.createdAt) return left.createdAt < right.createdAt ? 1 : -1
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0
}

function keyOf(ticketId: string, commandId: string): string {
  return `${ticketId}\u0000${commandId}`
}

/** An ISO time in the `toISOString()` form events carry, so text comparison is time comparison. */
function normaliseTime(time: string): string {
  const ms = Date.parse(time)
  if (Number.isNaN(ms)) {
    throw new TicketError('VALIDATION', `Invalid time ${JSON.stringify(time)}: expected an ISO-8601 date-time.`, {
      issues: [{ path: [], message: 'Invalid date-time', code: 'custom' }],
    })
  }
  return new Date(ms).toISOString()
}

/** The parts of a batch the store keeps, as frozen JSON copies. */
interface BatchCopy {
  readonly events: readonly TicketEvent[]
  readonly state: Ticket
  readonly audit: Audit | null
  readonly snapshot: { readonly state: Ticket; readonly schemaVersion: number } | null
  readonly command: StoredCommand | null
}

/**
 * Copies a batch. The snapshot and the remembered result usually repeat the batch's own
 * state, events and audit (the service passes the same objects): those are copied once
 * and shared, which is safe because every copy is frozen.
 */
function copyBatch(batch: AppendBatch): BatchCopy {
  const { events, state, audit } = frozenJsonCopy({ events: batch.events, state: batch.state, audit: batch.audit })
  const reuse = <T>(value: T, original: unknown, copied: unknown): T => (value === original ? (copied as T) : frozenJsonCopy(value))
  const snapshot = batch.snapshot
    ? { schemaVersion: batch.snapshot.schemaVersion, state: reuse(batch.snapshot.state, batch.state, state) }
    : null
  const result = batch.command?.result
  const command =
    batch.command && result
      ? {
          recordedAt: normaliseTime(batch.command.recordedAt),
          result: Object.freeze({
            state: reuse(result.state, batch.state, state),
            events: reuse(result.events, batch.events, events),
            audit: reuse(result.audit, batch.audit, audit),
          }),
        }
      : null
  return { events, state, audit, snapshot, command }
}

/** A deep, frozen copy through JSON: exactly what a database would hand back. */
function frozenJsonCopy<T>(value: T): T {
  return deepFreeze(JSON.parse(JSON.stringify(value)) as T)
}
