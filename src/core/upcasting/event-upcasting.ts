import { TicketError } from '../errors/ticket-error.js'
import type { EventMeta, TicketEvent } from '../model/event.js'
import type { EventUpcaster, StoredPayload } from './event-upcaster.js'

/**
 * An upcaster chain made ready to run: each type's steps in order and its current
 * schema version. Built once (by the service, and once for the library's chain) with
 * {@link createEventUpcasting}.
 *
 * @internal
 */
export interface EventUpcasting {
  /** Whether the chain changes anything at all (when not, reads skip it). */
  readonly active: boolean
  /** The schema version events of `type` are written in now (1 plus its upcasters). */
  currentVersion(type: string): number
  /** The event in its type's current shape, `meta.schemaVersion` included (the same object when it already is). */
  upcast<E extends TicketEvent>(event: E): E
  /** The events, each upcast (the same array when none needed it). */
  upcastAll<E extends TicketEvent>(events: readonly E[]): readonly E[]
  /** New events stamped with their type's current version where it is above 1 (the same array when none needs it). */
  stamp(events: readonly TicketEvent[]): TicketEvent[]
}

/**
 * Prepares an upcaster chain. Each type's upcasters must start at `fromVersion` 1 and
 * go up one at a time (the caller validates that; see the service options schema).
 * This is a pure function.
 *
 * @internal
 */
export function createEventUpcasting(chain: readonly EventUpcaster[]): EventUpcasting {
  const steps = new Map<string, ((payload: StoredPayload) => StoredPayload)[]>()
  for (const upcaster of [...chain].sort((left, right) => left.fromVersion - right.fromVersion)) {
    const list = steps.get(upcaster.type) ?? []
    list.push(upcaster.upcast)
    steps.set(upcaster.type, list)
  }
  const currentVersion = (type: string): number => 1 + (steps.get(type)?.length ?? 0)

  function upcast<E extends TicketEvent>(event: E): E {
    const stored = event.meta.schemaVersion ?? 1
    const current = currentVersion(event.type)
    if (stored === current) return event
    if (!Number.isSafeInteger(stored) || stored < 1 || stored > current) {
      throw new TicketError(
        'VALIDATION',
        `Event ${event.id} (${event.type}) is stored in schema version ${String(stored)}, which this version of ticket-events cannot read (its ${event.type} is at version ${current}). Upgrade ticket-events, or add the missing upcaster.`,
        { details: { eventId: event.id, type: event.type, version: event.version } },
      )
    }
    let payload = event.payload as unknown as StoredPayload
    const list = steps.get(event.type) ?? []
    for (let version = stored; version < current; version++)
      payload = (list[version - 1] as (payload: StoredPayload) => StoredPayload)(payload)
    return { ...event, payload, meta: withSchemaVersion(event.meta, current) }
  }

  return {
    active: steps.size > 0,
    currentVersion,
    upcast,
    upcastAll: <E extends TicketEvent>(events: readonly E[]): readonly E[] => (steps.size === 0 ? events : mapChanged(events, upcast)),
    stamp: (events) =>
      mapChanged(events, (event) =>
        (event.meta.schemaVersion ?? 1) === currentVersion(event.type)
          ? event
          : ({ ...event, meta: withSchemaVersion(event.meta, currentVersion(event.type)) } as TicketEvent),
      ) as TicketEvent[],
  }
}

/** `items` mapped, as the same array when `map` returned every item itself (no copy on the common path). */
function mapChanged<T>(items: readonly T[], map: (item: T) => T): readonly T[] {
  let changed: T[] | undefined
  for (let index = 0; index < items.length; index++) {
    const item = items[index] as T
    const next = map(item)
    if (next !== item && changed === undefined) changed = items.slice(0, index)
    changed?.push(next)
  }
  return changed ?? items
}

/** `meta` with `schemaVersion` set (left out for version 1, so events of first shapes are stored as they always were). */
function withSchemaVersion(meta: EventMeta, version: number): EventMeta {
  const { schemaVersion: _previous, ...rest } = meta
  return version === 1 ? rest : { ...rest, schemaVersion: version }
}
