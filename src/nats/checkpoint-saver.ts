/**
 * Saves a moving position to a {@link Checkpoint} without saving every step: one save
 * at a time, and when it finishes, one more for the newest position if it moved on.
 *
 * @internal
 * @module
 */
import type { Checkpoint } from '../subscriptions/checkpoint.js'

export interface CheckpointSaver {
  /** Asks for `afterId` to be saved; returns at once. */
  request(afterId: string): void
  /** Waits for the save in progress and for the newest requested position to be saved. */
  flush(): Promise<void>
  /** The last position saved (or the initial one). */
  readonly saved: string | null
}

/**
 * @param save - saves one position, retrying as the caller sees fit; a rejection stops
 * the saver (later requests are ignored) and is handed to `onFailure`.
 */
export function createCheckpointSaver(
  checkpoint: Checkpoint | undefined,
  initial: string | null,
  save: (checkpoint: Checkpoint, afterId: string) => Promise<void>,
  onFailure: (error: unknown) => void,
): CheckpointSaver {
  let saved = initial
  let wanted = initial
  let running: Promise<void> | undefined
  let broken = false

  const loop = async () => {
    try {
      while (wanted !== saved && wanted !== null && !broken) {
        const afterId: string = wanted
        if (checkpoint) await save(checkpoint, afterId)
        saved = afterId
      }
    } catch (error) {
      broken = true
      onFailure(error)
    } finally {
      running = undefined
    }
  }

  return {
    request(afterId) {
      wanted = afterId
      if (!broken) running ??= loop()
    },
    async flush() {
      while (running) await running
      if (wanted !== saved && !broken) {
        running = loop()
        await running
      }
    },
    get saved() {
      return saved
    },
  }
}
