/**
 * `afterId`, the events query's cursor, resolved alike by every store.
 *
 * @internal
 * @module
 */
import { unknownCursorError } from './store-errors.js'

/** Event ids are ULIDs, which are case-insensitive; stores keep them in canonical upper case. */
export function cursorEventId(afterId: string): string {
  return afterId.toUpperCase()
}

/**
 * The cursor event, when this reader may continue after it: it exists and, for a reader
 * of one workspace, belongs to that workspace. Anything else is the same `VALIDATION`
 * error, so a reader cannot probe another workspace's event ids.
 *
 * @throws {TicketError} `VALIDATION` for an unknown or foreign event
 */
export function visibleCursor<Cursor extends { readonly workspaceId: string }>(
  afterId: string,
  found: Cursor | undefined,
  workspaceId: string | undefined,
): Cursor {
  if (found === undefined || (workspaceId !== undefined && found.workspaceId.toLowerCase() !== workspaceId.toLowerCase())) {
    throw unknownCursorError(afterId)
  }
  return found
}
