/**
 * Where a subscription keeps its place: the id of the last event it has handled.
 * Back it with any durable store (a row in your database, a key in Redis, a file);
 * `save` is called after each handled batch, so make it cheap.
 */
export interface Checkpoint {
  /** The saved position, or `null` when the subscription has never saved one. */
  load(): Promise<string | null>
  /** Saves the position: every event up to and including `afterId` has been handled. */
  save(afterId: string): Promise<void>
}

/** A {@link Checkpoint} kept in memory, with a way to read it back. */
export interface MemoryCheckpoint extends Checkpoint {
  /** The last saved position (or the initial one). */
  readonly position: string | null
}

/**
 * A {@link Checkpoint} kept in this process's memory: for tests, demos, and
 * subscriptions that may replay from `afterId` on every start.
 *
 * @example
 * ```ts
 * const checkpoint = memoryCheckpoint()
 * await subscribe({ service, checkpoint, handler, signal })
 * checkpoint.position // the id of the last handled event
 * ```
 */
export function memoryCheckpoint(initial: string | null = null): MemoryCheckpoint {
  let position = initial
  return {
    get position() {
      return position
    },
    async load() {
      return position
    },
    async save(afterId) {
      position = afterId
    },
  }
}
