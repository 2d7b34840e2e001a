import * as z from 'zod/mini'
import { backoffDelay } from '../service/backoff.js'

/**
 * How a subscription retries a failing handler (and a failing read or checkpoint save):
 * exponential backoff, capped, with jitter so many subscribers do not retry in step.
 */
export interface SubscriptionRetryOptions {
  /** Attempts per batch, the first included (default 10); `Infinity` never gives up. */
  readonly maxAttempts?: number
  /** The delay after the first failure, in ms (default 100). */
  readonly initialDelayMs?: number
  /** The longest delay, in ms (default 30 000). */
  readonly maxDelayMs?: number
  /** What each further failure multiplies the delay by (default 2). */
  readonly factor?: number
  /** The share of each delay that is randomised away, 0..1 (default 0.5: between half and all of it). */
  readonly jitter?: number
}

/** The retry options with every default filled in. */
export type RetryPolicy = Required<SubscriptionRetryOptions>

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 10,
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: 0.5,
})

/** The zod schema of {@link SubscriptionRetryOptions}. */
export const retryOptionsSchema = z.strictObject({
  // Not `z.number()`: zod 4 refuses Infinity there, and Infinity is how to never give up.
  maxAttempts: z.optional(
    z.custom<number>((value: unknown) => value === Number.POSITIVE_INFINITY || (Number.isSafeInteger(value) && (value as number) >= 1), {
      error: 'Expected a whole number of at least 1, or Infinity',
    }),
  ),
  initialDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
  maxDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
  factor: z.optional(z.number().check(z.minimum(1), z.maximum(100))),
  jitter: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
})

/** Fills in the defaults of {@link SubscriptionRetryOptions}. */
export function toRetryPolicy(options: SubscriptionRetryOptions = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) }
}

/**
 * The delay before the next attempt after `failures` consecutive failures (1-based), in
 * whole ms: `min(maxDelayMs, initialDelayMs × factor^(failures − 1))`, less a random
 * share of up to `jitter` of it (the library's one backoff, {@link backoffDelay}).
 */
export function retryDelay(policy: RetryPolicy, failures: number, random: () => number = Math.random): number {
  return Math.round(backoffDelay(policy, Math.max(0, failures - 1), random))
}
