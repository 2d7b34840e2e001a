import * as z from 'zod/mini'
import { parseWith, TicketError } from '../../core/index.js'
import type { WebhookPayload } from '../payload/webhook-payload.js'
import { randomToken } from '../web-apis.js'
import type { DedupeStore } from './dedupe-store.js'

const HOUR = 60 * 60 * 1000

/** The shortest window the webhook events reference recommends for remembering processed event ids: 24 h. */
export const MIN_DEDUPE_WINDOW_MS = 24 * HOUR
/** The longest window the webhook events reference recommends, and the default: 48 h. */
export const MAX_DEDUPE_WINDOW_MS = 48 * HOUR

/** Anything with an `eventId`: a {@link WebhookPayload}, or your own delivery type. */
export interface WebhookDelivery {
  readonly eventId: string
}

/** Options of {@link createIdempotentConsumer}. */
export interface IdempotentConsumerOptions<D extends WebhookDelivery> {
  /** Where processed (and in-flight) event ids are kept. */
  readonly store: DedupeStore
  /** Processes one delivery; may return a promise. Throwing releases the claim so a retry runs it again. */
  readonly handler: (delivery: D) => unknown
  /** How long a processed id is remembered, in ms: 24–48 h (default 48 h). */
  readonly windowMs?: number
  /** Accept a `windowMs` outside 24–48 h (any positive integer), e.g. for short-lived tests or long retry horizons. */
  readonly allowAnyWindow?: boolean
  /**
   * How long an unfinished claim blocks other consumers, in ms (default 10 minutes).
   * After that a consumer that crashed mid-handler no longer blocks retries. Keep it
   * longer than your slowest handler.
   */
  readonly leaseMs?: number
  /** How often expired ids are pruned, in ms of clock time (default 1 h; checked on `consume`). */
  readonly pruneIntervalMs?: number
  /** The clock; default the system's. */
  readonly now?: () => Date
}

/** What {@link IdempotentConsumer.consume} did with a delivery. */
export interface ConsumeResult {
  /** `processed`: the handler ran and succeeded now; `duplicate`: it already had, within the window. */
  readonly status: 'processed' | 'duplicate'
}

/** Runs a handler at most once per `eventId` within a window. */
export interface IdempotentConsumer<D extends WebhookDelivery> {
  /**
   * Runs the handler for `delivery` unless its `eventId` was processed within the window.
   *
   * @throws the handler's error (the claim is released first, so a retry runs the handler);
   * {@link TicketError} `CONCURRENCY` when another consumer sharing the store is processing
   * the same id right now (answer with a retryable status such as HTTP 409 or 503);
   * `VALIDATION` for a delivery without an `eventId`.
   */
  consume(delivery: D): Promise<ConsumeResult>
  /** Deletes expired ids from the store now; returns how many. */
  prune(): Promise<number>
}

const functionSchema = z.custom<(...args: never[]) => unknown>((value: unknown) => typeof value === 'function', {
  error: 'Expected a function',
})

const storeSchema = z.custom<DedupeStore>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    ['migrate', 'claim', 'complete', 'release', 'prune'].every(
      (method) => typeof (value as Record<string, unknown>)[method] === 'function',
    ),
  { error: 'Expected a dedupe store (migrate, claim, complete, release, prune)' },
)

const optionsSchema = z
  .strictObject({
    store: storeSchema,
    handler: functionSchema,
    windowMs: z.optional(z.int().check(z.positive())),
    allowAnyWindow: z.optional(z.boolean()),
    leaseMs: z.optional(z.int().check(z.positive())),
    pruneIntervalMs: z.optional(z.int().check(z.nonnegative())),
    now: z.optional(functionSchema),
  })
  .check(
    z.superRefine((options, ctx) => {
      const windowMs = options.windowMs ?? MAX_DEDUPE_WINDOW_MS
      if (!options.allowAnyWindow && (windowMs < MIN_DEDUPE_WINDOW_MS || windowMs > MAX_DEDUPE_WINDOW_MS)) {
        ctx.addIssue({
          code: 'custom',
          path: ['windowMs'],
          message: `Expected 24–48 h (${MIN_DEDUPE_WINDOW_MS}–${MAX_DEDUPE_WINDOW_MS} ms); set allowAnyWindow to use another window`,
        })
      }
    }),
  )

const deliverySchema = z.looseObject({ eventId: z.string().check(z.minLength(1), z.maxLength(255)) })

/**
 * Creates a consumer that runs `handler` at most once per `eventId` within `windowMs`
 * (the webhook events reference: "Use eventId for idempotency; store processed IDs for 24–48h").
 *
 * How it stays at-most-once:
 * - the id is **claimed atomically in the store before the handler runs**, so two
 *   receivers sharing a SQLite file or PostgreSQL table never both run it;
 * - concurrent deliveries of the same id **within this consumer wait** for the one in
 *   flight and share its outcome: `duplicate` when it succeeded, its error when it failed;
 * - a delivery whose id another consumer is processing right now gets a `CONCURRENCY`
 *   {@link TicketError} (retryable): acknowledging it as a duplicate could lose the event
 *   if that other attempt fails;
 * - a handler that throws releases the claim, so the sender's retry runs it again;
 * - a claim left by a crashed process expires after `leaseMs`.
 *
 * The store is migrated once, on first use; expired ids are pruned every `pruneIntervalMs`.
 *
 * @example
 * ```ts
 * const consumer = createIdempotentConsumer<WebhookPayload>({
 *   store: memoryDedupeStore(),
 *   handler: async (delivery) => {
 *     if (delivery.type === 'ticket:status:changed') await notify(delivery.payload.to)
 *   },
 * })
 * const { status } = await consumer.consume(JSON.parse(body)) // 'processed' | 'duplicate'
 * ```
 */
export function createIdempotentConsumer<D extends WebhookDelivery = WebhookPayload>(
  options: IdempotentConsumerOptions<D>,
): IdempotentConsumer<D> {
  parseWith(optionsSchema, options, 'idempotent consumer options')
  const { store, handler } = options
  const windowMs = options.windowMs ?? MAX_DEDUPE_WINDOW_MS
  const leaseMs = options.leaseMs ?? 10 * 60 * 1000
  const pruneIntervalMs = options.pruneIntervalMs ?? HOUR
  const clock = options.now ?? (() => new Date())
  const inFlight = new Map<string, Promise<ConsumeResult['status']>>()
  let migrated: Promise<void> | undefined
  let lastPruneAt = Number.NEGATIVE_INFINITY

  const currentTime = (): number => {
    const date = clock()
    const time = date instanceof Date ? date.getTime() : Number.NaN
    if (Number.isNaN(time)) {
      throw new TicketError('VALIDATION', 'Invalid consumer clock: now() must return a valid Date.', {
        issues: [{ path: ['now'], message: 'Invalid Date', code: 'custom' }],
      })
    }
    return time
  }

  const ensureMigrated = (): Promise<void> => {
    migrated ??= store.migrate().catch((error: unknown) => {
      migrated = undefined // let the next delivery try again
      throw error
    })
    return migrated
  }

  const pruneAt = (now: number): Promise<number> => {
    lastPruneAt = now // set before awaiting, so concurrent deliveries don't all prune
    return store.prune(now)
  }

  const run = async (delivery: D): Promise<ConsumeResult['status']> => {
    await ensureMigrated()
    const started = currentTime()
    if (started - lastPruneAt >= pruneIntervalMs) await pruneAt(started)
    const eventId = delivery.eventId
    const token = randomToken()
    const now = currentTime()
    const outcome = await store.claim({ eventId, token, now, leaseUntil: now + leaseMs })
    if (outcome === 'processed') return 'duplicate'
    if (outcome === 'in_flight') {
      throw new TicketError('CONCURRENCY', `Event ${eventId} is being processed by another consumer; retry the delivery later.`, {
        details: { eventId },
      })
    }
    try {
      await handler(delivery)
    } catch (error) {
      // If releasing fails too, the claim still expires after leaseMs; the handler's error is what matters.
      await store.release({ eventId, token }).catch(() => undefined)
      throw error
    }
    await store.complete({ eventId, token, expiresAt: currentTime() + windowMs })
    return 'processed'
  }

  return {
    async consume(delivery: D): Promise<ConsumeResult> {
      parseWith(deliverySchema, delivery, 'webhook delivery')
      const eventId = delivery.eventId
      const running = inFlight.get(eventId)
      if (running) {
        await running
        return { status: 'duplicate' }
      }
      // Registered before the first await, so every concurrent delivery of this id finds it.
      const attempt = run(delivery)
      inFlight.set(eventId, attempt)
      try {
        return { status: await attempt }
      } finally {
        inFlight.delete(eventId)
      }
    },
    async prune(): Promise<number> {
      await ensureMigrated()
      return pruneAt(currentTime())
    },
  }
}
