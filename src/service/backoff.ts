/**
 * The service's two retry schedules: a short one for `CONCURRENCY` (a lost race, settled in
 * milliseconds) and a long one for `UNAVAILABLE` (a dropped connection or a failover,
 * settled in seconds). Both wait with exponential backoff and equal jitter.
 *
 * @internal
 * @module
 */
import { isTicketError } from '../core/errors/ticket-error.js'
import type { UnavailableRetryOptions } from './ticket-service.js'

/** Exponential backoff: the first wait is up to `initialDelayMs`, each further one doubles, none exceeds `maxDelayMs`. */
export interface BackoffPolicy {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
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
 * The wait before retry number `retry` (0-based), with equal jitter: somewhere between
 * half and all of `min(maxDelayMs, initialDelayMs × 2^retry)`. Writers that collided
 * spread out instead of colliding again in step, and no retry comes at once.
 */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** retry)
  return ceiling / 2 + random() * (ceiling / 2)
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
    const longest = backoffDelay(this.#policy, this.#retries, () => 1)
    if (now + longest - this.#firstFailureAt > this.#policy.maxElapsedMs) return undefined
    return backoffDelay(this.#policy, this.#retries++)
  }
}
