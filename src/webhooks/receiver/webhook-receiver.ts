/// <reference lib="dom" />
import * as z from 'zod/mini'
import { parseWith } from '../../core/index.js'
import { abortableSleep } from '../../subscriptions/abortable-sleep.js'
import type { DedupeStore } from '../consumer/dedupe-store.js'
import { MAX_DEDUPE_WINDOW_MS, MIN_DEDUPE_WINDOW_MS, type WebhookDelivery } from '../consumer/idempotent-consumer.js'
import type { WebhookPayload } from '../payload/webhook-payload.js'
import { verifyWebhook } from '../signing/verify-webhook.js'
import { type WebhookSecrets, webhookSecretsSchema } from '../signing/webhook-secret.js'
import { isWebhookVerificationError } from '../signing/webhook-verification-error.js'
import { randomToken, utf8Decode } from '../web-apis.js'

/** What the receiver tells `onError` about a failed attempt of the handler. */
export interface ReceiverFailure {
  readonly eventId: string
  /** 1 for the first attempt. */
  readonly attempt: number
  /** Whether the handler will be tried again (after `delayMs`). */
  readonly willRetry: boolean
  readonly delayMs: number
}

/** How the receiver retries a failing handler, in process, after it has answered. */
export interface ReceiverRetryOptions {
  /** Attempts, the first included (default 5). */
  readonly maxAttempts?: number
  /** The ceiling of the first wait, in ms (default 200); each further ceiling doubles (full jitter). */
  readonly initialDelayMs?: number
  /** The largest ceiling, in ms (default 30 000). */
  readonly maxDelayMs?: number
}

/** Options of {@link createWebhookReceiver}. */
export interface WebhookReceiverOptions<D extends WebhookDelivery = WebhookPayload> {
  /** The sender's secret, or several during a rotation. */
  readonly secret: WebhookSecrets
  /** Where claimed and processed event ids are kept (`memoryDedupeStore`, `sqliteDedupeStore`, `postgresDedupeStore`). */
  readonly store: DedupeStore
  /** Processes one delivery, after the response has gone. Throwing retries it (see `retry`). */
  readonly handler: (delivery: D) => unknown
  /** In-process retries of a throwing handler. */
  readonly retry?: ReceiverRetryOptions
  /** Told about every failed attempt, retried or not. */
  readonly onError?: (error: unknown, failure: ReceiverFailure) => void
  /**
   * Called with a delivery whose handler failed on every attempt. When it returns (or
   * resolves), the event counts as processed: it is yours to keep. Without it, or when it
   * throws, the claim is released, so a redelivery (a replay from the sender's dead
   * letters) runs the handler again.
   */
  readonly onDeadLetter?: (delivery: D, error: unknown) => unknown
  /** How long a processed id is remembered, in ms: 24–48 h (default 48 h). */
  readonly windowMs?: number
  /** Accept a `windowMs` outside 24–48 h. */
  readonly allowAnyWindow?: boolean
  /** How long a claim blocks redeliveries while it is processed, in ms (default 10 minutes): longer than all retries. */
  readonly leaseMs?: number
  /** How far `webhook-timestamp` may be from now, in seconds (default 300). */
  readonly toleranceSeconds?: number
  /** The largest body accepted, in bytes (default 1 MiB: a webhook payload is at most 256 KiB). */
  readonly maxBodyBytes?: number
}

/** What a runtime offers to keep work alive after the response (Cloudflare Workers, Vercel, Deno Deploy). */
export interface ReceiverContext {
  waitUntil?(promise: Promise<unknown>): void
}

/** A `fetch` handler, with a way to wait for the work it started. */
export interface WebhookReceiver {
  /**
   * Answers a delivery: `202` once verified and claimed (processing follows), `200` for a
   * duplicate of a processed event, `401` for a signature or timestamp that does not
   * verify, `400` for a body that is not a delivery, `405`, `413`, `409` while another
   * receiver processes the same event, `503` when the store is unavailable (the sender
   * retries what it gets no 2xx for).
   */
  (request: Request, context?: ReceiverContext): Promise<Response>
  /** Resolves once every delivery accepted so far has been processed or given up on (for shutdown and tests). */
  settled(): Promise<void>
}

const isFunction = (value: unknown) => typeof value === 'function'
const fn = <T>() => z.custom<T>(isFunction, { error: 'Expected a function' })

const optionsSchema = z
  .strictObject({
    secret: webhookSecretsSchema,
    store: z.custom<DedupeStore>(
      (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        ['migrate', 'claim', 'complete', 'release', 'prune'].every((method) => isFunction((value as Record<string, unknown>)[method])),
      { error: 'Expected a dedupe store (migrate, claim, complete, release, prune)' },
    ),
    handler: fn<(delivery: never) => unknown>(),
    retry: z.optional(
      z.strictObject({
        maxAttempts: z.optional(z.int().check(z.minimum(1), z.maximum(100))),
        initialDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
        maxDelayMs: z.optional(z.int().check(z.minimum(0), z.maximum(3_600_000))),
      }),
    ),
    onError: z.optional(fn<(error: unknown, failure: ReceiverFailure) => void>()),
    onDeadLetter: z.optional(fn<(delivery: never, error: unknown) => unknown>()),
    windowMs: z.optional(z.int().check(z.positive())),
    allowAnyWindow: z.optional(z.boolean()),
    leaseMs: z.optional(z.int().check(z.positive())),
    toleranceSeconds: z.optional(z.int().check(z.nonnegative())),
    maxBodyBytes: z.optional(z.int().check(z.minimum(1024), z.maximum(100 * 1024 * 1024))),
  })
  .check(
    z.refine(
      (options) => {
        const windowMs = options.windowMs ?? MAX_DEDUPE_WINDOW_MS
        return options.allowAnyWindow === true || (windowMs >= MIN_DEDUPE_WINDOW_MS && windowMs <= MAX_DEDUPE_WINDOW_MS)
      },
      { error: 'Expected 24–48 h; set allowAnyWindow to use another window', path: ['windowMs'] },
    ),
  )

const deliverySchema = z.looseObject({ eventId: z.string().check(z.minLength(1), z.maxLength(255)) })

const json = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })

/**
 * Creates a webhook receiver that answers first, as the webhook events reference asks
 * ("process asynchronously; don't block the HTTP response"): a Web-standard `fetch`
 * handler that verifies the Standard Webhooks signature on the raw body, claims the
 * event id in `store`, answers `202 Accepted` at once, and runs `handler` after the
 * response — inside `context.waitUntil` when the runtime offers one, otherwise in the
 * background of this process. A failing handler is retried in process (backoff with full
 * jitter), then handed to `onDeadLetter`.
 *
 * Since the sender has its `202`, it will not send the event again: what the handler
 * does not finish is yours to recover (`onDeadLetter`, or the sender's replay). Where
 * losing the work on a crash is not acceptable, use `createIdempotentConsumer`, which
 * answers after the handler.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * const receive = createWebhookReceiver({
 *   secret: env.WEBHOOK_SECRET,
 *   store: memoryDedupeStore(),
 *   handler: async (delivery) => { if (delivery.type === 'ticket:created') await crm.open(delivery.payload.ticket) },
 *   onDeadLetter: (delivery, error) => console.error('gave up on', delivery.eventId, error),
 * })
 * export default { fetch: (request: Request, env: unknown, context: ExecutionContext) => receive(request, context) }
 * ```
 */
export function createWebhookReceiver<D extends WebhookDelivery = WebhookPayload>(options: WebhookReceiverOptions<D>): WebhookReceiver {
  parseWith(optionsSchema, options, 'webhook receiver options')
  const { store, handler } = options
  const maxAttempts = options.retry?.maxAttempts ?? 5
  const initialDelayMs = options.retry?.initialDelayMs ?? 200
  const maxDelayMs = options.retry?.maxDelayMs ?? 30_000
  const windowMs = options.windowMs ?? MAX_DEDUPE_WINDOW_MS
  const leaseMs = options.leaseMs ?? 10 * 60 * 1000
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const working = new Set<Promise<void>>()
  const never = new AbortController().signal
  let migrated: Promise<void> | undefined

  const ensureMigrated = (): Promise<void> => {
    migrated ??= store.migrate().catch((error: unknown) => {
      migrated = undefined
      throw error
    })
    return migrated
  }

  const processDelivery = async (delivery: D, token: string): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(delivery)
      } catch (error) {
        const willRetry = attempt < maxAttempts
        const delayMs = willRetry ? Math.floor(Math.random() * Math.min(maxDelayMs, initialDelayMs * 2 ** (attempt - 1))) : 0
        options.onError?.(error, { eventId: delivery.eventId, attempt, willRetry, delayMs })
        if (willRetry) {
          await abortableSleep(delayMs, never)
          continue
        }
        try {
          if (options.onDeadLetter === undefined) throw error
          await options.onDeadLetter(delivery, error)
          await store.complete({ eventId: delivery.eventId, token, expiresAt: Date.now() + windowMs })
        } catch {
          // Not parked: let a redelivery run the handler again. If releasing fails, the claim expires after leaseMs.
          await store.release({ eventId: delivery.eventId, token }).catch(() => undefined)
        }
        return
      }
      // Done: a failure to record it is reported, not retried (that would run the handler again).
      await store
        .complete({ eventId: delivery.eventId, token, expiresAt: Date.now() + windowMs })
        .catch((error: unknown) => options.onError?.(error, { eventId: delivery.eventId, attempt, willRetry: false, delayMs: 0 }))
      return
    }
  }

  const receive = async (request: Request, context?: ReceiverContext): Promise<Response> => {
    if (request.method !== 'POST') return json(405, { error: 'method_not_allowed' }, { allow: 'POST' })
    const declared = Number(request.headers.get('content-length') ?? '0')
    if (declared > maxBodyBytes) return json(413, { error: 'body_too_large' })
    const body = new Uint8Array(await request.arrayBuffer())
    if (body.byteLength > maxBodyBytes) return json(413, { error: 'body_too_large' })

    let id: string
    try {
      ;({ id } = await verifyWebhook({
        headers: request.headers,
        body,
        secret: options.secret,
        ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }),
      }))
    } catch (error) {
      if (isWebhookVerificationError(error)) return json(401, { error: error.reason })
      throw error
    }

    let delivery: D
    try {
      delivery = JSON.parse(utf8Decode(body)) as D
      parseWith(deliverySchema, delivery, 'webhook delivery')
    } catch {
      return json(400, { error: 'not_a_delivery' })
    }
    if (delivery.eventId !== id) return json(400, { error: 'event_id_mismatch' })

    const token = randomToken()
    let outcome: Awaited<ReturnType<DedupeStore['claim']>>
    try {
      await ensureMigrated()
      const now = Date.now()
      outcome = await store.claim({ eventId: id, token, now, leaseUntil: now + leaseMs })
    } catch {
      return json(503, { error: 'unavailable' }, { 'retry-after': '5' })
    }
    if (outcome === 'processed') return json(200, { status: 'duplicate' })
    if (outcome === 'in_flight') return json(409, { error: 'in_flight' }, { 'retry-after': '30' })

    // Never rejects: only a throwing onError could make it, and nobody awaits it but waitUntil.
    const work = processDelivery(delivery, token).catch(() => undefined)
    working.add(work)
    void work.finally(() => working.delete(work))
    context?.waitUntil?.(work)
    return json(202, { status: 'accepted' })
  }

  return Object.assign(receive, {
    async settled(): Promise<void> {
      while (working.size > 0) await Promise.allSettled([...working])
    },
  })
}
