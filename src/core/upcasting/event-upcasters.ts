import type { EventUpcaster } from './event-upcaster.js'
import { createEventUpcasting } from './event-upcasting.js'

/**
 * The library's event upcaster chain: every payload shape change since events were first
 * stored, oldest first. Empty: every event type is still at schema version 1, the shape
 * it was first stored in.
 *
 * To change a payload's shape (see docs/events.md, "Changing an event's shape"): change
 * its type in `src/core/model/event.ts` and the code that emits and folds it, then append
 * an {@link EventUpcaster} here from the type's current version to the next. `handle`
 * then stamps new events of that type with the new `meta.schemaVersion`, and every read
 * path of the service upcasts older ones.
 */
export const EVENT_UPCASTERS: readonly EventUpcaster[] = Object.freeze([])

/** The library's chain, made ready to run. @internal */
export const LIBRARY_UPCASTING = createEventUpcasting(EVENT_UPCASTERS)
