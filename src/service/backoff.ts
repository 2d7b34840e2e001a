/** The first retry waits up to this many ms; each further retry doubles it. */
const BASE_DELAY_MS = 2
/** No single wait is longer than this. */
const MAX_DELAY_MS = 100

// The core entries target every runtime and compile without DOM or Node typings, so the
// one timer function we need is typed here rather than pulled in from a lib.
const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown }

/**
 * Waits before retry number `attempt` (0-based): exponential backoff with full jitter,
 * so writers that collided spread out instead of colliding again in step.
 *
 * @internal
 */
export function backoff(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)
  const delay = ceiling / 2 + Math.random() * (ceiling / 2)
  return new Promise((resolve) => timers.setTimeout(resolve, delay))
}
