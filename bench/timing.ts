/** Runs `fn` `runs` times and returns the fastest run in seconds (the least disturbed by noise). */
export function bestOf(runs: number, fn: () => unknown): number {
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    fn()
    best = Math.min(best, (performance.now() - start) / 1000)
  }
  return best
}

/** The async form of {@link bestOf}. */
export async function bestOfAsync(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY
  for (let run = 0; run < runs; run++) {
    const start = performance.now()
    await fn()
    best = Math.min(best, (performance.now() - start) / 1000)
  }
  return best
}

/**
 * This process's CPU time (user + system) in seconds. For work that never waits on I/O it
 * is a steadier clock than wall time on a shared machine: time spent waiting for a core
 * while other processes run does not count.
 */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}
