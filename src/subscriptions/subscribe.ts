/// <reference lib="dom" />
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { identifierSchema, ulidSchema, uuidSchema } from '../core/commands/schemas.js'
import { isTicketError } from '../core/errors/ticket-error.js'
import type { TicketEvent } from '../core/model/event.js'
import { subscriptionInstrumentationSchema } from '../instrumentation/instrumentation-schemas.js'
import type { InstrumentationSpan } from '../instrumentation/open-telemetry-types.js'
import type { SubscriptionInstrumentation } from '../instrumentation/subscription-instrumentation.js'
import { subscriptionTelemetry } from '../instrumentation/subscription-telemetry.js'
import { MAX_EVENTS_LIMIT } from '../service/query-schemas.js'
import type { TicketService } from '../service/ticket-service.js'
import { abortableSleep } from './abortable-sleep.js'
import type { Checkpoint } from './checkpoint.js'
import { retryDelay, retryOptionsSchema, type SubscriptionRetryOptions, toRetryPolicy } from './retry-policy.js'

/** What a handler is told besides the events. */
export interface SubscriptionContext {
  /** The subscription's signal: long handlers may stop early when it aborts. */
  readonly signal: AbortSignal
  /** 1 on first delivery, 2 on the first retry, … */
  readonly attempt: number
}

/** What {@link subscribe} reports each time something fails. */
export interface SubscriptionFailure {
  /** What failed: the handler, reading the log, or saving the checkpoint. */
  readonly stage: 'handler' | 'read' | 'checkpoint'
  /** How many times this step has failed in a row. */
  readonly attempt: number
  /** Whether it will be tried again, and after how long. */
  readonly willRetry: boolean
  readonly delayMs: number
}

/** Options shared by both handler shapes of {@link subscribe}. */
export interface SubscribeCommonOptions {
  /** Where events come from: anything with the ticket service's `events()`. */
  readonly service: Pick<TicketService, 'events'>
  /** Start after this event id when the checkpoint has no saved position (default: the beginning of the log). */
  readonly afterId?: string
  /** Only these event types (default: all). */
  readonly types?: readonly string[]
  /** Only this workspace's events (default: the whole log). */
  readonly workspaceId?: string
  /** Where the position is loaded from and saved to after each handled batch. */
  readonly checkpoint?: Checkpoint
  /** Events read per query, 1..1000 (default 100). */
  readonly batchSize?: number
  /** How long to wait before asking again once caught up, in ms (default 1000). */
  readonly pollIntervalMs?: number
  /** Stops the subscription: the returned promise then resolves. */
  readonly signal: AbortSignal
  /** Backoff for failing handlers, reads and checkpoint saves. */
  readonly retry?: SubscriptionRetryOptions
  /** Told about every failure, retried or not (for logs and metrics). */
  readonly onError?: (error: unknown, failure: SubscriptionFailure) => void
  /**
   * OpenTelemetry (a span per page handled, counters, a lag histogram) and plain hooks
   * (`onLag`, `onCaughtUp`); see {@link SubscriptionInstrumentation}. Off by default.
   */
  readonly instrumentation?: SubscriptionInstrumentation
}

/** {@link subscribe} with a handler that takes one event at a time (the default). */
export interface SubscribeEventOptions extends SubscribeCommonOptions {
  readonly batch?: false
  readonly handler: (event: TicketEvent, context: SubscriptionContext) => unknown
}

/** {@link subscribe} with a handler that takes each batch whole (`batch: true`). */
export interface SubscribeBatchOptions extends SubscribeCommonOptions {
  readonly batch: true
  readonly handler: (events: readonly TicketEvent[], context: SubscriptionContext) => unknown
}

export type SubscribeOptions = SubscribeEventOptions | SubscribeBatchOptions

/** How a subscription ended (it was stopped by its signal). */
export interface SubscriptionStopped {
  /** The last saved position: every event up to it was handled. */
  readonly afterId: string | null
  /** How many events the handler completed in this run (redeliveries counted once). */
  readonly delivered: number
}

const isFunction = (value: unknown) => typeof value === 'function'

const optionsSchema = z.object({
  service: z.custom<Pick<TicketService, 'events'>>(
    (value: unknown) => typeof value === 'object' && value !== null && isFunction((value as TicketService).events),
    { error: 'Expected a ticket service' },
  ),
  handler: z.custom<(input: never, context: SubscriptionContext) => unknown>(isFunction, { error: 'Expected a function' }),
  batch: z.optional(z.boolean()),
  afterId: z.optional(ulidSchema),
  types: z.optional(z.array(identifierSchema()).check(z.minLength(1), z.maxLength(100))),
  workspaceId: z.optional(uuidSchema),
  checkpoint: z.optional(
    z.custom<Checkpoint>(
      (value: unknown) =>
        typeof value === 'object' && value !== null && isFunction((value as Checkpoint).load) && isFunction((value as Checkpoint).save),
      { error: 'Expected { load(), save(afterId) }' },
    ),
  ),
  batchSize: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_EVENTS_LIMIT))),
  pollIntervalMs: z.optional(z.int().check(z.minimum(0), z.maximum(86_400_000))),
  signal: z.custom<AbortSignal>(
    (value: unknown) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as AbortSignal).aborted === 'boolean' &&
      isFunction((value as AbortSignal).addEventListener),
    { error: 'Expected an AbortSignal' },
  ),
  retry: z.optional(retryOptionsSchema),
  onError: z.optional(z.custom<SubscribeCommonOptions['onError']>(isFunction, { error: 'Expected a function' })),
  instrumentation: z.optional(subscriptionInstrumentationSchema),
})

/** Marks a failure that retrying cannot fix. */
function isPermanent(error: unknown): boolean {
  return isTicketError(error) && error.code === 'VALIDATION'
}

/**
 * Runs a catch-up subscription over the event log: reads pages after its position,
 * hands the events to `handler` in order, saves the position after each handled page,
 * and polls every `pollIntervalMs` once caught up, until `signal` aborts.
 *
 * - **At least once.** The position is saved only after the handler finished; after a
 *   crash the events since the last save are delivered again. With the default
 *   per-event handler a stop or give-up mid-batch saves the position of the last
 *   handled event, so only a crash redelivers.
 * - **Retries.** A throwing handler is retried with exponential backoff and jitter
 *   ({@link SubscriptionRetryOptions}): a batch handler gets the whole batch again, a
 *   per-event handler the failing event (then the rest). Failing reads and checkpoint
 *   saves are retried the same way; a `VALIDATION` error (like an unknown `afterId`) is not.
 * - **Types.** One type is filtered by the log query; several are filtered here (the
 *   events API query takes one type), and the position still moves past skipped events.
 * - **Position.** A saved checkpoint wins over `afterId`.
 *
 * @returns a promise that resolves with {@link SubscriptionStopped} once `signal` aborts
 * (after the handler call in progress returns; no timers are left behind), and
 * rejects with the handler's error when it still fails after `retry.maxAttempts`
 * attempts, or with a `VALIDATION` `TicketError` for malformed options.
 *
 * @example
 * ```ts
 * const controller = new AbortController()
 * const running = subscribe({
 *   service: tickets,
 *   types: ['ticket:created', 'ticket:status:changed'],
 *   checkpoint: memoryCheckpoint(),
 *   handler: async (event) => { await notify(event) },
 *   signal: controller.signal,
 * })
 * // … later
 * controller.abort()
 * const { afterId } = await running
 * ```
 */
export function subscribe(options: SubscribeBatchOptions): Promise<SubscriptionStopped>
export function subscribe(options: SubscribeEventOptions): Promise<SubscriptionStopped>
export async function subscribe(options: SubscribeOptions): Promise<SubscriptionStopped> {
  parseWith(optionsSchema, options, 'subscription options')
  const { service, signal, checkpoint, workspaceId } = options
  const batchSize = options.batchSize ?? 100
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const policy = toRetryPolicy(options.retry)
  const types = options.types
  const queryType = types?.length === 1 ? types[0] : undefined
  const wantedTypes = types !== undefined && types.length > 1 ? new Set(types) : undefined

  const telemetry = subscriptionTelemetry(options.instrumentation)

  let position: string | null = (await checkpoint?.load()) ?? options.afterId ?? null
  let delivered = 0

  /**
   * Runs `step` until it succeeds; `undefined` when the signal aborted while waiting to
   * retry. Throws the step's error when it is permanent or the attempts run out.
   */
  async function retrying<T>(
    stage: SubscriptionFailure['stage'],
    step: (attempt: number) => Promise<T>,
  ): Promise<{ value: T } | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        return { value: await step(attempt) }
      } catch (error) {
        const willRetry = !isPermanent(error) && attempt < policy.maxAttempts
        const delayMs = willRetry ? retryDelay(policy, attempt) : 0
        options.onError?.(error, { stage, attempt, willRetry, delayMs })
        if (!willRetry) throw error
        telemetry?.retry(stage)
        await abortableSleep(delayMs, signal)
        if (signal.aborted) return undefined
      }
    }
  }

  async function savePosition(afterId: string): Promise<void> {
    const saved = checkpoint ? await retrying('checkpoint', () => checkpoint.save(afterId)) : { value: undefined }
    if (saved !== undefined) position = afterId
  }

  /** Delivers one batch; returns the id through which every event was handled. */
  async function deliver(events: readonly TicketEvent[]): Promise<{ handledThrough: string | null; error?: unknown }> {
    if (options.batch === true) {
      const handler = options.handler
      try {
        const done = await retrying('handler', (attempt) => Promise.resolve(handler(events, { signal, attempt })))
        if (done === undefined) return { handledThrough: null }
      } catch (error) {
        return { handledThrough: null, error }
      }
      delivered += events.length
      return { handledThrough: events.at(-1)?.id ?? null }
    }
    const handler = options.handler
    let handledThrough: string | null = null
    for (const event of events) {
      // A handler may abort the subscription itself; the rest of the batch then waits.
      if (signal.aborted) return { handledThrough }
      try {
        const done = await retrying('handler', (attempt) => Promise.resolve(handler(event, { signal, attempt })))
        if (done === undefined) return { handledThrough }
      } catch (error) {
        return { handledThrough, error }
      }
      delivered += 1
      handledThrough = event.id
    }
    return { handledThrough }
  }

  /**
   * Hands one page's `wanted` events to the handler and saves the position past the whole
   * page. `false` when the subscription stopped part-way; throws the handler's error when
   * it gave up.
   */
  async function handlePage(page: readonly TicketEvent[], wanted: readonly TicketEvent[], span?: InstrumentationSpan): Promise<boolean> {
    const last = page.at(-1) as TicketEvent
    if (wanted.length > 0) {
      const outcome = await deliver(wanted)
      const finished = outcome.error === undefined && outcome.handledThrough === wanted.at(-1)?.id
      if (!finished) {
        // Stopped or gave up part-way: keep what was handled, so it is not redelivered.
        if (outcome.handledThrough !== null) await savePosition(outcome.handledThrough)
        if (outcome.error !== undefined) throw outcome.error
        return false
      }
    }
    await savePosition(last.id)
    if (position === last.id) telemetry?.passed(last, wanted.length, page.length === batchSize, span)
    return true
  }

  while (!signal.aborted) {
    const read = await retrying('read', () =>
      service.events({
        limit: batchSize,
        ...(position === null ? {} : { afterId: position }),
        ...(workspaceId === undefined ? {} : { workspaceId }),
        ...(queryType === undefined ? {} : { type: queryType }),
      }),
    )
    if (read === undefined) break
    const page = read.value.result
    if (page.length > 0) {
      const wanted = wantedTypes ? page.filter((event) => wantedTypes.has(event.type)) : page
      const handled =
        telemetry === undefined
          ? await handlePage(page, wanted)
          : await telemetry.batch(page, wanted.length, (span) => handlePage(page, wanted, span))
      if (!handled) break
    }
    const atEnd = page.length < batchSize
    telemetry?.pageDone(atEnd, () => ({ afterId: position, delivered }))
    if (atEnd) await abortableSleep(pollIntervalMs, signal)
  }
  return { afterId: position, delivered }
}
