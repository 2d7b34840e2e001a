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
}
