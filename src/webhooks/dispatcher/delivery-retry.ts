import * as z from 'zod/mini'

/** How the dispatcher retries a delivery that failed (a non-2xx answer, a timeout, a network error). */
export interface DeliveryRetryOptions {
  /** POSTs per event, the first included (default 8); then the event becomes a dead letter. */
  readonly maxAttempts?: number
  /** The ceiling of the first wait, in ms (default 1000); each further ceiling doubles. */
  readonly initialDelayMs?: number
  /** The largest ceiling, in ms (default 300 000: 5 minutes). */
  readonly maxDelayMs?: number
  /**
   * How long after its first attempt an event may still be retried, in ms (default
   * 24 h); a retry that would start that long or longer after it makes it a dead letter instead.
   */
  readonly maxAgeMs?: number
}

/** The retry options with the defaults filled in. @internal */
export type DeliveryRetryPolicy = Required<DeliveryRetryOptions>

/** @internal */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetryPolicy = Object.freeze({
  maxAttempts: 8,
  initialDelayMs: 1000,
  maxDelayMs: 300_000,
  maxAgeMs: 24 * 60 * 60 * 1000,
})

/** @internal */
export const deliveryRetrySchema = z.strictObject({
  maxAttempts: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
  initialDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(86_400_000))),
  maxDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(86_400_000))),
  maxAgeMs: z.optional(z.int().check(z.minimum(0), z.maximum(30 * 86_400_000))),
})

/** @internal */
export function toDeliveryRetryPolicy(options: DeliveryRetryOptions = {}): DeliveryRetryPolicy {
  return {
    maxAttempts: options.maxAttempts ?? DEFAULT_DELIVERY_RETRY.maxAttempts,
    initialDelayMs: options.initialDelayMs ?? DEFAULT_DELIVERY_RETRY.initialDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_DELIVERY_RETRY.maxDelayMs,
    maxAgeMs: options.maxAgeMs ?? DEFAULT_DELIVERY_RETRY.maxAgeMs,
  }
}

/**
 * The wait after failed attempt number `failures` (1-based): full jitter, a uniformly
 * random share of `min(maxDelayMs, initialDelayMs × 2^(failures − 1))`. Full rather than
 * equal jitter, because many deliveries fail together when an endpoint goes down, and
 * spreading their retries over the whole window keeps them from hitting it in step
 * when it comes back.
 *
 * @internal
 */
export function fullJitterDelay(policy: DeliveryRetryPolicy, failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(failures - 1, 52))
  return Math.floor(random() * ceiling)
}
