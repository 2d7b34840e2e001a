import * as z from 'zod/mini'
import { parseWith } from '../../core/commands/parse-command.js'
import type { AppendBatch, PrunableTicketStore, StoredStream } from '../../store-contract/ticket-store.js'
import { canonicalTime } from '../shared/canonical-time.js'
import { pruneCutoff } from '../shared/prune-options.js'
import { commandRecordedError, versionConflictError } from '../shared/store-errors.js'
import { commandKey, copyBatch, createMemoryTables, freezeBatch, type StoredTicket } from './memory-schema.js'
import { findCommand, listTickets, pruneCommands, readAudits, readEvents } from './memory-statements.js'
import type { MemoryStoreOptions } from './memory-store-config.js'

const optionsSchema = z.optional(
  z.strictObject({
    name: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    supportsSnapshots: z.optional(z.boolean()),
    freezeInPlace: z.optional(z.boolean()),
  }),
)

/**
 * Creates a store that keeps everything in this process's memory: for tests, demos,
 * prototypes and short-lived workers. Nothing survives the process.
 *
 * It follows the whole {@link PrunableTicketStore | TicketStore} contract: atomic appends with an expected
 * version, one global order (append order) with `afterId` paging, the `list()`
 * projection, snapshots per schema version, the audit trail (`readAudits`) and
 * idempotency records, which `prune({ before })` deletes. What it keeps is frozen — the
 * caller's own objects deep-frozen in place, or with `freezeInPlace: false` frozen JSON
 * copies — so neither the caller nor the store can change the other's objects by accident.
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
export function memoryStore(options?: MemoryStoreOptions): PrunableTicketStore {
  parseWith(optionsSchema, options, 'memory store options')
  const supportsSnapshots = options?.supportsSnapshots ?? true
  const keep = options?.freezeInPlace === false ? copyBatch : freezeBatch
  const tables = createMemoryTables()

  return {
    name: options?.name ?? 'memory',
    capabilities: { supportsSnapshots, supportsListCursor: true },

    async migrate() {
      // Nothing to create: the maps of `tables` are the tables.
    },

    async loadStream(ticketId, { snapshotSchemaVersion }): Promise<StoredStream | null> {
      const ticket = tables.tickets.get(ticketId)
      if (ticket === undefined) return null
      const snapshot = ticket.snapshots.get(snapshotSchemaVersion) ?? null
      return { snapshot, events: ticket.events.slice(snapshot?.version ?? 0) }
    },

    async loadStreamAt(ticketId, { snapshotSchemaVersion, version }): Promise<StoredStream | null> {
      const ticket = tables.tickets.get(ticketId)
      if (ticket === undefined) return null
      // Only the newest snapshot is kept: one past the version means folding from the start.
      const newest = ticket.snapshots.get(snapshotSchemaVersion) ?? null
      const snapshot = newest !== null && newest.version <= version ? newest : null
      return { snapshot, events: ticket.events.slice(snapshot?.version ?? 0, version) }
    },

    async append(batch: AppendBatch) {
      const stored = tables.tickets.get(batch.ticketId)
      const actualVersion = stored?.events.length ?? 0
      if (actualVersion !== batch.expectedVersion) throw versionConflictError(batch.ticketId, batch.expectedVersion, actualVersion)
      const key = batch.command ? commandKey(batch.ticketId, batch.command.commandId) : undefined
      const previous = key === undefined ? undefined : tables.commands.get(key)
      const notBefore = batch.command?.notBefore
      // A record from before the dedupe window has expired: the command may run, and record, again.
      if (previous !== undefined && (notBefore === undefined || previous.recordedAt >= canonicalTime(notBefore))) {
        throw commandRecordedError(batch.ticketId, batch.command?.commandId ?? '', actualVersion)
      }

      // Copy (or check and freeze) everything before writing anything, so a value JSON
      // cannot hold fails the whole batch and leaves the store as it was.
      const copy = keep(batch)

      const ticket: StoredTicket = stored ?? {
        workspaceId: batch.workspaceId,
        events: [],
        state: copy.state,
        snapshots: new Map(),
        audits: [],
        auditPositions: new Map(),
      }
      if (stored === undefined) {
        tables.tickets.set(batch.ticketId, ticket)
        const ids = tables.workspaces.get(ticket.workspaceId) ?? new Set<string>()
        tables.workspaces.set(ticket.workspaceId, ids.add(batch.ticketId))
      }
      for (const event of copy.events) {
        tables.positions.set(event.id, tables.log.length)
        tables.log.push(event)
        ticket.events.push(event)
      }
      ticket.state = copy.state
      if (copy.audit !== null) {
        ticket.auditPositions.set(copy.audit.id, ticket.audits.length)
        ticket.audits.push(copy.audit)
      }
      if (copy.snapshot !== null && supportsSnapshots) ticket.snapshots.set(copy.snapshot.schemaVersion, copy.snapshot.state)
      if (key !== undefined && copy.command !== null) tables.commands.set(key, copy.command)
    },

    async readEvents(query) {
      return readEvents(tables, query)
    },

    async listTickets(query) {
      return listTickets(tables, query)
    },

    async readAudits(query) {
      return readAudits(tables, query)
    },

    async currentVersion(ticketId) {
      return tables.tickets.get(ticketId)?.events.length ?? 0
    },

    async hasEvent(eventId) {
      return tables.positions.has(eventId)
    },

    async prune(options) {
      return pruneCommands(tables, pruneCutoff(options))
    },

    async findCommand(ticketId, commandId, notBefore) {
      return findCommand(tables, ticketId, commandId, notBefore)
    },

    async close() {
      // Nothing was opened; the data stays readable until the store is garbage-collected.
    },
  }
}
