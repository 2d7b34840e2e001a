/**
 * Exponential backoff with jitter: the one implementation behind every retry in the
 * library — the service's short schedule for `CONCURRENCY` (a lost race, settled in
 * milliseconds), its long one for `UNAVAILABLE` (a dropped connection or a failover,
 * settled in seconds), and a subscription's retries of a failing handler, read or
 * checkpoint save.
 *
 * @internal
 * @module
 */
import { isTicketError } from '../core/errors/ticket-error.js'
import type { UnavailableRetryOptions } from './ticket-service.js'

/**
 * Exponential backoff: the first wait is up to `initialDelayMs`, each further one grows by
 * `factor` (default 2), none exceeds `maxDelayMs`, and a random share of up to `jitter` of
 * each is taken off (default 0.5: equal jitter, each wait between half and all of its ceiling).
 */
export interface BackoffPolicy {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  readonly factor?: number
  readonly jitter?: number
}

/** After a `CONCURRENCY` conflict: 2 ms doubling to at most 100 ms (the rival's append is already done). */
export const CONFLICT_BACKOFF: BackoffPolicy = Object.freeze({ initialDelayMs: 2, maxDelayMs: 100 })

/** The defaults of {@link UnavailableRetryOptions}: 50 ms doubling to 2 s, for about 10 s in all. */
export const DEFAULT_UNAVAILABLE_RETRY: Readonly<Required<UnavailableRetryOptions>> = Object.freeze({
  initialDelayMs: 50,
  maxDelayMs: 2000,
  maxElapsedMs: 10_000,
})

/**
 * The wait before retry number `retry` (0-based): the ceiling
 * `min(maxDelayMs, initialDelayMs × factor^retry)`, less a random share of up to `jitter`
 * of it. With the default `jitter` of 0.5 this is equal jitter (between half and all of
 * the ceiling): writers that collided spread out instead of colliding again in step, and
 * no retry comes at once. `random` returning 0 gives the longest wait.
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const grown = policy.initialDelayMs * (policy.factor ?? 2) ** retry
  // After enough retries the power overflows to Infinity, and 0 × Infinity is NaN.
  const ceiling = Number.isNaN(grown) ? 0 : Math.min(policy.maxDelayMs, grown)
  return ceiling * (1 - (policy.jitter ?? 0.5) * random())
}

// The core entries target every runtime and compile without DOM or Node typings, so the
// one timer function we need is typed here rather than pulled in from a lib.
const timers = globalThis as unknown as { setTimeout(callback: () => void, ms: number): unknown }

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => timers.setTimeout(resolve, ms))
}

/** Whether `error` is an `UNAVAILABLE` that a retry can cure. */
export function isRetryableUnavailable(error: unknown): boolean {
  return isTicketError(error) && error.code === 'UNAVAILABLE' && error.retryable === true
}

/**
 * One call's retries after `UNAVAILABLE`: it remembers when the first failure came and
 * how many retries were made, and allows another only while the longest wait it could
 * draw still ends within `maxElapsedMs` of that first failure. Judged on the longest
 * wait rather than the drawn one, a spent budget stays spent. The clock is the wall
 * clock, not the service's `ctx.now` (which tests may stop).
 */
export class UnavailableRetrySchedule {
  readonly #policy: Readonly<Required<UnavailableRetryOptions>>
  #firstFailureAt: number | undefined
  #retries = 0

  constructor(policy: Readonly<Required<UnavailableRetryOptions>>) {
    this.#policy = policy
  }

  /** The wait before retrying after `error`, or `undefined` when it is not worth a retry or the time is spent. */
  nextDelay(error: unknown): number | undefined {
    if (!isRetryableUnavailable(error)) return undefined
    const now = Date.now()
    this.#firstFailureAt ??= now
    const longest = backoffDelay(this.#policy, this.#retries, () => 0)
    if (now + longest - this.#firstFailureAt > this.#policy.maxElapsedMs) return undefined
    return backoffDelay(this.#policy, this.#retries++)
  }
}
