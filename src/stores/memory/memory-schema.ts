/**
 * The memory store's tables: plain maps and arrays, and the frozen values that go into
 * them. Nothing persists, so there is nothing to migrate: a new store starts with
 * the newest "schema".
 *
 * @internal
 * @module
 */
import type { Audit } from '../../core/model/audit.js'
import type { TicketEvent } from '../../core/model/event.js'
import type { Ticket } from '../../core/model/ticket.js'
import { deepFreeze } from '../../core/reducer/mutable-ticket.js'
import type { AppendBatch, CommandResult } from '../../store-contract/ticket-store.js'
import { canonicalTime } from '../shared/canonical-time.js'
import { freezeStored } from './freeze-stored.js'

/** One ticket's stream, its projection row, snapshots and audit trail. */
export interface StoredTicket {
  readonly workspaceId: string
  /** The ticket's events; index `i` holds version `i + 1`. */
  readonly events: TicketEvent[]
  /** The projection row `listTickets` reads. */
  state: Ticket
  /** The newest snapshot written under each schema version. */
  readonly snapshots: Map<number, Ticket>
  /** The audit trail in append order, which is version order. */
  readonly audits: Audit[]
  /** Audit id → its index in {@link audits}, for `afterId`. */
  readonly auditPositions: Map<string, number>
}

/** An idempotency record. */
export interface StoredCommand {
  /** In `toISOString()` form, so text order is time order. */
  readonly recordedAt: string
  readonly result: CommandResult
}

/** Everything one memory store keeps. */
export interface MemoryTables {
  /** Every event in append order: the store's one global order. */
  readonly log: TicketEvent[]
  /** Event id → its index in {@link log}, for `afterId`. */
  readonly positions: Map<string, number>
  readonly tickets: Map<string, StoredTicket>
  /** Workspace id → its ticket ids, for `listTickets`. */
  readonly workspaces: Map<string, Set<string>>
  /** {@link commandKey} → the remembered result. */
  readonly commands: Map<string, StoredCommand>
}

/** Empty tables. */
export function createMemoryTables(): MemoryTables {
  return { log: [], positions: new Map(), tickets: new Map(), workspaces: new Map(), commands: new Map() }
}

/** The key of a command record: ticket and command id. */
export function commandKey(ticketId: string, commandId: string): string {
  return `${ticketId}\u0000${commandId}`
}

/** The parts of a batch the store keeps, frozen (copies, or the caller's own objects with `freezeInPlace`). */
export interface StoredBatch {
  readonly events: readonly TicketEvent[]
  readonly state: Ticket
  readonly audit: Audit | null
  readonly snapshot: { readonly state: Ticket; readonly schemaVersion: number } | null
  readonly command: StoredCommand | null
}

/**
 * The default (`freezeInPlace`): checks and deep-freezes a batch's values in place, all in one walk before anything is
 * written, so a value JSON cannot hold fails the whole batch. The store keeps the
 * caller's objects themselves (no copy): once frozen, neither side can change them, and
 * the parts a state shares with the one before it were frozen by an earlier append.
 *
 * @throws {TicketError} `VALIDATION` when a value is not what JSON can hold
 */
export function freezeBatch(batch: AppendBatch): StoredBatch {
  const result = batch.command?.result
  // The snapshot and the remembered result usually repeat the batch's own objects (the
  // service passes the same ones): walk each object once, not once per place it appears.
  // States share objects with the ticket's later states; events and audits are new.
  const own = (value: unknown, batchValue: unknown): unknown => (value === batchValue ? undefined : value)
  freezeStored(
    {
      state: batch.state,
      snapshot: own(batch.snapshot?.state, batch.state),
      result: own(result?.state, batch.state),
    },
    {
      events: batch.events,
      audit: batch.audit,
      resultEvents: own(result?.events, batch.events),
      resultAudit: own(result?.audit, batch.audit),
    },
    'batch',
  )
  const snapshot = batch.snapshot ? { schemaVersion: batch.snapshot.schemaVersion, state: batch.snapshot.state } : null
  const command =
    batch.command && result
      ? {
          recordedAt: canonicalTime(batch.command.recordedAt),
          result: Object.freeze({ state: result.state, events: result.events, audit: result.audit }),
        }
      : null
  return { events: batch.events, state: batch.state, audit: batch.audit, snapshot, command }
}

/**
 * Copies a batch into frozen JSON (`freezeInPlace: false`). The snapshot and the remembered result
 * usually repeat the batch's own state, events and audit (the service passes the same
 * objects): those are copied once and shared, which is safe because every copy is frozen.
 */
export function copyBatch(batch: AppendBatch): StoredBatch {
  const { events, state, audit } = frozenJsonCopy({ events: batch.events, state: batch.state, audit: batch.audit })
  const reuse = <T>(value: T, original: unknown, copied: unknown): T => (value === original ? (copied as T) : frozenJsonCopy(value))
  const snapshot = batch.snapshot
    ? { schemaVersion: batch.snapshot.schemaVersion, state: reuse(batch.snapshot.state, batch.state, state) }
    : null
  const result = batch.command?.result
  const command =
    batch.command && result
      ? {
          recordedAt: canonicalTime(batch.command.recordedAt),
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
