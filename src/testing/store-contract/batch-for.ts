import type { HandleResult } from '../../core/reducer/handle.js'
import type { AppendBatch } from '../../store-contract/ticket-store.js'

/** What {@link batchFor} may add to a batch. */
export interface BatchExtras {
  /**
   * Records the command for idempotency under this id, at `recordedAt`; a record of the
   * same id from `notBefore` on (or any, without it) refuses the batch.
   */
  readonly command?: { readonly commandId: string; readonly recordedAt: string; readonly notBefore?: string }
  /** Keeps the result's state as a snapshot under this schema version. */
  readonly snapshotSchemaVersion?: number
}

/**
 * The batch the service would append for `result`, decided on a ticket at
 * `expectedVersion`; for tests that drive a store directly.
 *
 * @internal
 */
export function batchFor(expectedVersion: number, result: HandleResult, extras: BatchExtras = {}): AppendBatch {
  const { state, events, audit } = result
  return {
    ticketId: state.id,
    workspaceId: state.workspaceId,
    expectedVersion,
    events,
    state,
    audit,
    ...(extras.snapshotSchemaVersion === undefined ? {} : { snapshot: { state, schemaVersion: extras.snapshotSchemaVersion } }),
    ...(extras.command === undefined ? {} : { command: { ...extras.command, result: { state, events, audit } } }),
  }
}
