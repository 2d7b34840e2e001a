import type { TicketEventType } from '../model/event.js'
import type { JsonValue } from '../model/json.js'

/** An event payload as stored, in whatever shape the version that wrote it used. */
export interface StoredPayload {
  readonly [key: string]: JsonValue
}

/**
 * One step of the event upcaster chain: turns the payload of one event type from schema
 * version `fromVersion` into the shape of version `fromVersion + 1`.
 *
 * An upcaster sees the payload only, never the envelope: it cannot change an event's
 * `type` (which the stores index and filter on), id, version or time. It must be a pure
 * function of the payload (it runs on every read, often more than once per event), and
 * must not mutate its argument (stored events may be frozen).
 *
 * A type's current schema version is 1 plus the number of upcasters the chain has for it;
 * an event without `meta.schemaVersion` is at version 1.
 *
 * @example
 * ```ts
 * // Version 1 of ticket:viewed named the viewer `viewerId`; version 2 calls it `userId`.
 * const renameViewer: EventUpcaster = {
 *   type: 'ticket:viewed',
 *   fromVersion: 1,
 *   upcast: ({ viewerId, ...rest }) => ({ ...rest, userId: viewerId ?? null }),
 * }
 * ```
 */
export interface EventUpcaster {
  readonly type: TicketEventType
  /** The schema version of the payloads it reads (1 for the first shape). */
  readonly fromVersion: number
  /** The payload in the next version's shape. */
  readonly upcast: (payload: StoredPayload) => StoredPayload
}
