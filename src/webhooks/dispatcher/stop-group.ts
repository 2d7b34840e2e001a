/// <reference lib="dom" />

/**
 * Waits and requests that one stop ends together, through a single listener on the stop
 * signal: an endpoint may have hundreds of tickets waiting to retry and dozens of POSTs
 * in flight, and a listener each would pile up on one signal (Node warns past ten).
 *
 * @internal
 */
export class StopGroup {
  readonly #sleepers = new Map<ReturnType<typeof setTimeout>, () => void>()
  readonly #requests = new Set<AbortController>()
  readonly #signal: AbortSignal

  constructor(signal: AbortSignal) {
    this.#signal = signal
    signal.addEventListener(
      'abort',
      () => {
        for (const [timer, wake] of this.#sleepers) {
          clearTimeout(timer)
          wake()
        }
        this.#sleepers.clear()
        for (const request of this.#requests) request.abort()
        this.#requests.clear()
      },
      { once: true },
    )
  }

  /** Resolves after `ms`, or at once when the group stops (never rejects). */
  sleep(ms: number): Promise<void> {
    if (this.#signal.aborted) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#sleepers.delete(timer)
        resolve()
      }, ms)
      this.#sleepers.set(timer, resolve)
    })
  }

  /** A signal for one request, aborted when the group stops; pass it to {@link StopGroup.done} after. */
  request(): AbortController {
    const controller = new AbortController()
    if (this.#signal.aborted) controller.abort()
    else this.#requests.add(controller)
    return controller
  }

  done(controller: AbortController): void {
    this.#requests.delete(controller)
  }
}
