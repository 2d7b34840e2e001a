/// <reference lib="dom" />

/**
 * At most `limit` holders at once, the others waiting in arrival order.
 *
 * @internal
 */
export class ConcurrencyGate {
  readonly #limit: number
  readonly #signal: AbortSignal
  #held = 0
  #waiting: ((admitted: boolean) => void)[] = []

  /** Waiters get `false` when `signal` aborts (one listener for all of them). */
  constructor(limit: number, signal: AbortSignal) {
    this.#limit = limit
    this.#signal = signal
    signal.addEventListener(
      'abort',
      () => {
        const waiting = this.#waiting
        this.#waiting = []
        for (const wake of waiting) wake(false)
      },
      { once: true },
    )
  }

  /** Waits for a place; `false` when the signal aborted first. */
  async enter(): Promise<boolean> {
    if (this.#signal.aborted) return false
    if (this.#held < this.#limit) {
      this.#held++
      return true
    }
    return new Promise((resolve) => {
      this.#waiting.push((admitted) => {
        if (admitted) this.#held++
        resolve(admitted)
      })
    })
  }

  leave(): void {
    this.#held--
    this.#waiting.shift()?.(true)
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
