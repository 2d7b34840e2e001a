/// <reference lib="dom" />

/**
 * Waits `ms` milliseconds, or less when `signal` aborts first. Resolves either way
 * (never rejects) and leaves nothing behind: the timer is cleared on abort and the
 * abort listener is removed when the time is up.
 */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer)
      resolve()
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
