/// <reference lib="dom" />

/**
 * At most `limit` holders at once, the others waiting in arrival order. A waiter whose
 * signal aborts gives up its place and gets `false`.
 *
 * @internal
 */
export class ConcurrencyGate {
  readonly #limit: number
  #held = 0
  readonly #waiting: (() => void)[] = []

  constructor(limit: number) {
    this.#limit = limit
  }

  /** Waits for a place; `false` when `signal` aborted first. */
  async enter(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false
    if (this.#held < this.#limit) {
      this.#held++
      return true
    }
    return new Promise((resolve) => {
      const admit = () => {
        signal.removeEventListener('abort', onAbort)
        this.#held++
        resolve(true)
      }
      const onAbort = () => {
        const index = this.#waiting.indexOf(admit)
        if (index >= 0) this.#waiting.splice(index, 1)
        resolve(false)
      }
      this.#waiting.push(admit)
      signal.addEventListener('abort', onAbort, { once: true })
    })
  }

  leave(): void {
    this.#held--
    this.#waiting.shift()?.()
  }
}

/**
 * Spaces request starts to at most `perSecond` per second (no bursts): each start takes
 * the next free slot.
 *
 * @internal
 */
export class RateLimiter {
  readonly #intervalMs: number
  #nextSlot = 0

  constructor(perSecond: number) {
    this.#intervalMs = 1000 / perSecond
  }

  /** How long to wait before starting now, reserving the slot. */
  reserve(now: number): number {
    const slot = Math.max(now, this.#nextSlot)
    this.#nextSlot = slot + this.#intervalMs
    return slot - now
  }
}
