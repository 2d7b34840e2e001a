/**
 * Runs async work one piece at a time, in call order. A single connection (a `pg.Client`
 * or PGlite) can run only one transaction: without this, two concurrent appends would
 * interleave their statements inside one `BEGIN … COMMIT`.
 *
 * @internal
 */
export class ConnectionMutex {
  #tail: Promise<unknown> = Promise.resolve()

  /** Runs `work` after everything queued before it has settled (whether it failed or not). */
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work)
    this.#tail = result.then(ignore, ignore)
    return result
  }
}

function ignore(): void {}
