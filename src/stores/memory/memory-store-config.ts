/**
 * Options of the in-memory store.
 *
 * @module
 */

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The store's name in messages and test titles (default `"memory"`). */
  readonly name?: string
  /**
   * Keep snapshots (default `true`). With `false` the store reports
   * `supportsSnapshots: false`, the service writes none, and every load replays the
   * whole stream — useful to measure what snapshots save.
   */
  readonly supportsSnapshots?: boolean
  /**
   * Keep the appended objects themselves, deep-frozen in place (`true`, the default), or
   * frozen JSON copies of them (`false`). In place, an append costs what the command
   * changed, not a copy of the whole batch: `execute` runs two to three times as fast
   * (see docs/performance.md). The caller's objects become frozen — the events, state and
   * audit of every batch, and so the results `execute` returns, whatever the service's
   * `freeze` option says (a service that does not freeze still hands back what the store
   * froze). Choose `false` when code must change the states it gets back. Either way,
   * appended values must be plain JSON; anything else (also `NaN` and `Infinity`) fails
   * the append with `VALIDATION` and freezes and writes nothing.
   */
  readonly freezeInPlace?: boolean
}
