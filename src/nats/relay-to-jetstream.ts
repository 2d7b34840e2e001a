/// <reference lib="dom" />
import { jetstream, jetstreamManager } from '@nats-io/jetstream'
import { headers } from '@nats-io/nats-core'
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { ulidSchema } from '../core/commands/schemas.js'
import { isTicketError, TicketError } from '../core/errors/ticket-error.js'
import type { TicketEvent } from '../core/model/event.js'
import { MAX_EVENTS_LIMIT } from '../service/query-schemas.js'
import type { TicketService } from '../service/ticket-service.js'
import { abortableSleep } from '../subscriptions/abortable-sleep.js'
import type { Checkpoint } from '../subscriptions/checkpoint.js'
import {
  type RetryPolicy,
  retryDelay,
  retryOptionsSchema,
  type SubscriptionRetryOptions,
  toRetryPolicy,
} from '../subscriptions/retry-policy.js'
import { subscribe } from '../subscriptions/subscribe.js'
import { createCheckpointSaver } from './checkpoint-saver.js'
import { TICKET_EVENT_HEADERS } from './event-headers.js'
import { toTicketError } from './nats-errors.js'
import {
  assertOpen,
  functionSchema,
  jetStreamNameSchema,
  type NatsConnectionLike,
  natsConnectionSchema,
  onConnectionClosed,
  runOnce,
  signalSchema,
} from './nats-options.js'
import { createPublishWindow } from './publish-window.js'
import { isPublishableSubject, subjectPrefixSchema, ticketSubject } from './subjects.js'
import { MAX_PARTITIONS, ticketPartition } from './ticket-partition.js'

/** What a custom {@link RelayToJetStreamOptions.subject} function is told besides the event. */
export interface SubjectContext {
  /** The event's partition when the relay runs with `partitions`, otherwise `undefined`. */
  readonly partition: number | undefined
}

/** What {@link RelayToJetStreamOptions.onError} is told about a failure. */
export interface RelayFailure {
  /** What failed: reaching the stream, reading the log, publishing an event, or saving the checkpoint. */
  readonly stage: 'connect' | 'read' | 'publish' | 'checkpoint'
  /** How many times this step has failed in a row. */
  readonly attempt: number
  /** Whether it will be tried again, and after how long. */
  readonly willRetry: boolean
  readonly delayMs: number
  /** The event being published, for `publish`. */
  readonly eventId?: string
}

/** Options of {@link relayToJetStream}. */
export interface RelayToJetStreamOptions {
  /** Where events come from: the ticket service (anything with its `events()`). */
  readonly service: Pick<TicketService, 'events'>
  /** Your NATS connection (`connect()` of `@nats-io/transport-node`); you close it. */
  readonly nats: NatsConnectionLike
  /** The JetStream stream the events must land in; it must exist and capture the subjects. */
  readonly stream: string
  /** The first subject token(s) of the default layout (default `tickets`). */
  readonly subjectPrefix?: string
  /**
   * Spread tickets over this many partitions, 1..1024: the subject gets the partition
   * after the workspace id (`tickets.<workspaceId>.<partition>.<type>`), so one consumer
   * per partition sees each ticket's events in order.
   */
  readonly partitions?: number
  /**
   * Names the subject of each event instead of the default layout. It must return a
   * subject without wildcards that the stream captures.
   */
  readonly subject?: (event: TicketEvent, context: SubjectContext) => string
  /** Where the relay keeps its place; saved only up to events JetStream acknowledged. */
  readonly checkpoint?: Checkpoint
  /** Start after this event id when the checkpoint has nothing saved (default: the beginning of the log). */
  readonly afterId?: string
  /** Events read from the log per query, 1..1000 (default 500). */
  readonly batchSize?: number
  /** Publishes awaiting their acknowledgement at most, 1..10,000 (default 256). */
  readonly maxInFlight?: number
  /** How long to wait before reading the log again once caught up, in ms (default 250). */
  readonly pollIntervalMs?: number
  /** How long to wait for JetStream to acknowledge a publish, in ms (default 5000). */
  readonly publishTimeoutMs?: number
  /**
   * Backoff for failing publishes, reads and checkpoint saves (default: the subscription
   * defaults, but `maxAttempts: Infinity`: a relay keeps trying until it is stopped).
   */
  readonly retry?: SubscriptionRetryOptions
  /** Told about every failure, retried or not (for logs and metrics). */
  readonly onError?: (error: unknown, failure: RelayFailure) => void
}

/** How a relay run ended (it was stopped by its signal). */
export interface RelayStopped {
  /**
   * The last saved position: every event up to it is in the stream (`null` when nothing
   * was saved, or the run stopped before it could read its checkpoint).
   */
  readonly afterId: string | null
  /** Events JetStream stored in this run. */
  readonly published: number
  /** Events JetStream already had (acknowledged as duplicates within its `duplicate_window`). */
  readonly duplicates: number
}

/** A relay from the event log to a JetStream stream. */
export interface JetStreamRelay {
  /**
   * Relays until `signal` aborts, then resolves with {@link RelayStopped}: publishes in
   * flight get their acknowledgement (or their timeout), nothing new starts, and the
   * checkpoint is saved at the last acknowledged position.
   *
   * Rejects with a `TicketError`: `UNAVAILABLE` (not retryable) when the connection is
   * closed, `NOT_FOUND` when the stream does not exist, `VALIDATION` when a subject is
   * not publishable or is captured by another stream, `PAYLOAD_TOO_LARGE` when an event
   * exceeds the server's `max_payload`, and the last error of a step that ran out of
   * `retry.maxAttempts`.
   */
  run(signal: AbortSignal): Promise<RelayStopped>
}

/** How far past a publish that holds the low-water mark back the relay reads on: 16 windows, at least 4096 events. */
const SPAN_PER_IN_FLIGHT = 16
const MIN_SPAN = 4096

const optionsSchema = z.strictObject({
  service: z.custom<Pick<TicketService, 'events'>>(
    (value: unknown) => typeof value === 'object' && value !== null && typeof (value as TicketService).events === 'function',
    { error: 'Expected a ticket service' },
  ),
  nats: natsConnectionSchema,
  stream: jetStreamNameSchema,
  subjectPrefix: z.optional(subjectPrefixSchema),
  partitions: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_PARTITIONS))),
  subject: z.optional(functionSchema),
  checkpoint: z.optional(
    z.custom<Checkpoint>(
      (value: unknown) =>
        typeof value === 'object' &&
        value !== null &&
        typeof (value as Checkpoint).load === 'function' &&
        typeof (value as Checkpoint).save === 'function',
      { error: 'Expected { load(), save(afterId) }' },
    ),
  ),
  afterId: z.optional(ulidSchema),
  batchSize: z.optional(z.int().check(z.minimum(1), z.maximum(MAX_EVENTS_LIMIT))),
  maxInFlight: z.optional(z.int().check(z.minimum(1), z.maximum(10_000))),
  pollIntervalMs: z.optional(z.int().check(z.minimum(0), z.maximum(86_400_000))),
  publishTimeoutMs: z.optional(z.int().check(z.minimum(1), z.maximum(600_000))),
  retry: z.optional(retryOptionsSchema),
  onError: z.optional(functionSchema),
})

/**
 * Relays the event log to a JetStream stream: every event, in log order per ticket,
 * each exactly once in the stream (see below).
 *
 * - **Subject** `tickets.<workspaceId>.<type with : as .>` (e.g.
 *   `tickets.4f0c….ticket.status.changed`), with `partitions`
 *   `tickets.<workspaceId>.<partition>.<type>`; or whatever `subject` returns.
 * - **Headers** `Ticket-Event-Type`, `Ticket-Id`, `Workspace-Id`, `Ticket-Version`
 *   (and `Ticket-Partition`), so consumers can filter without parsing the body; the
 *   body is the event as JSON.
 * - **`Nats-Msg-Id` is the event id**: a re-publish after a crash is dropped by the
 *   stream's `duplicate_window` (acknowledged as a duplicate). Make the window longer
 *   than the longest the relay may be down and catching up.
 * - **Pipelined, in order per ticket.** Up to `maxInFlight` publishes await their
 *   acknowledgement at once, but never two of the same ticket: a ticket's event is
 *   published once the previous one is acknowledged, so the stream holds each ticket's
 *   events in log order whatever fails, times out or is retried.
 * - **The checkpoint moves only over acknowledged events**: it is the low-water mark of
 *   the acknowledgements, so a crash republishes at most the events in flight.
 *
 * Failing publishes, reads and checkpoint saves are retried with backoff (for ever by
 * default) and reported to `onError`. Validation of the options happens here, and
 * throws a `VALIDATION` `TicketError`.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node'
 * import { ensureTicketStream, relayToJetStream } from 'ticket-events/nats'
 *
 * const nats = await connect({ servers: '127.0.0.1:4222' })
 * await ensureTicketStream({ nats, stream: 'TICKETS' })
 * const relay = relayToJetStream({ service: tickets, nats, stream: 'TICKETS', checkpoint })
 * const controller = new AbortController()
 * const running = relay.run(controller.signal)
 * // on shutdown:
 * controller.abort()
 * const { afterId, published } = await running
 * await nats.close()
 * ```
 */
export function relayToJetStream(options: RelayToJetStreamOptions): JetStreamRelay {
  parseWith(optionsSchema, options, 'relay options')
  const { service, nats, stream, checkpoint, partitions } = options
  const prefix = options.subjectPrefix
  const maxInFlight = options.maxInFlight ?? 256
  const publishTimeoutMs = options.publishTimeoutMs ?? 5000
  const policy: RetryPolicy = toRetryPolicy({ maxAttempts: Number.POSITIVE_INFINITY, ...options.retry })
  const guard = runOnce('relay')

  const subjectOf = (event: TicketEvent): { subject: string; partition: number | undefined } => {
    const partition = partitions === undefined ? undefined : ticketPartition(event.ticketId, partitions)
    const subject = options.subject
      ? options.subject(event, { partition })
      : ticketSubject(event, { ...(prefix === undefined ? {} : { prefix }), ...(partitions === undefined ? {} : { partitions }) })
    if (typeof subject !== 'string' || !isPublishableSubject(subject)) {
      throw new TicketError(
        'VALIDATION',
        `Invalid subject for event ${event.id}: ${JSON.stringify(subject)} is not a subject a message can be published to.`,
        {
          issues: [{ path: ['subject'], message: 'Expected a subject without wildcards, whitespace or empty tokens', code: 'custom' }],
          details: { eventId: event.id },
        },
      )
    }
    return { subject, partition }
  }

  async function run(signal: AbortSignal): Promise<RelayStopped> {
    parseWith(signalSchema, signal, 'relay signal')
    guard.enter()
    try {
      return await relay(signal)
    } finally {
      guard.leave()
    }
  }

  async function relay(signal: AbortSignal): Promise<RelayStopped> {
    assertOpen(nats, 'start the relay')
    // One controller for everything below: the caller's abort and a fatal error both stop it.
    const stop = new AbortController()
    const onAbort = () => stop.abort()
    signal.addEventListener('abort', onAbort, { once: true })
    let fatal: { error: unknown } | undefined
    const fail = (error: unknown) => {
      fatal ??= { error }
      stop.abort()
    }
    // A connection closed under the relay (by its owner, or after the client gave up reconnecting) ends it.
    const stopWatching = onConnectionClosed(nats, () => {
      if (stop.signal.aborted) return // already stopping: a close now is the owner's shutdown
      fail(new TicketError('UNAVAILABLE', 'The relay stopped: the NATS connection closed. Open a new connection.', { retryable: false }))
    })

    /** Runs `step` until it succeeds (`undefined` when stopped first); throws what is not retryable. */
    async function retrying<T>(
      stage: RelayFailure['stage'],
      step: () => Promise<T>,
      toError: (error: unknown) => unknown,
      eventId?: string,
    ) {
      for (let attempt = 1; ; attempt++) {
        try {
          return { value: await step() }
        } catch (raw) {
          const error = toError(raw)
          const retryable = !isTicketError(error) || error.retryable
          const willRetry = retryable && attempt < policy.maxAttempts
          const delayMs = willRetry ? retryDelay(policy, attempt) : 0
          options.onError?.(error, { stage, attempt, willRetry, delayMs, ...(eventId === undefined ? {} : { eventId }) })
          if (!willRetry) throw error
          await abortableSleep(delayMs, stop.signal)
          if (stop.signal.aborted) return undefined
        }
      }
    }

    try {
      const js = jetstream(nats, { timeout: publishTimeoutMs })
      const reached = await retrying(
        'connect',
        async () => {
          assertOpen(nats, 'reach the stream')
          const manager = await jetstreamManager(nats, { timeout: publishTimeoutMs })
          return manager.streams.info(stream)
        },
        (error) => toTicketError(error, { action: `read the info of stream "${stream}"`, stream }),
      )
      const loaded =
        reached &&
        (await retrying(
          'checkpoint',
          async () => (await checkpoint?.load()) ?? null,
          (error) => error,
        ))
      if (reached === undefined || loaded === undefined) return { afterId: null, published: 0, duplicates: 0 }
      const start = loaded.value ?? options.afterId ?? null

      let published = 0
      let duplicates = 0
      const saver = createCheckpointSaver(
        checkpoint,
        start,
        async (target, afterId) => {
          if (!stop.signal.aborted) {
            const done = await retrying(
              'checkpoint',
              () => target.save(afterId),
              (error) => error,
            )
            if (done !== undefined) return
          }
          // Stopping: one last attempt, so a retry wait cut short does not lose the position.
          await target.save(afterId)
        },
        (error) => {
          // While stopping, a failed save costs only republished duplicates: report it and resolve.
          if (stop.signal.aborted) options.onError?.(error, { stage: 'checkpoint', attempt: 1, willRetry: false, delayMs: 0 })
          else fail(error)
        },
      )

      const publish = async (event: TicketEvent): Promise<boolean> => {
        const { subject, partition } = subjectOf(event)
        const payload = JSON.stringify(event)
        const done = await retrying(
          'publish',
          async () => {
            assertOpen(nats, `publish event ${event.id}`)
            const header = headers()
            header.set(TICKET_EVENT_HEADERS.type, event.type)
            header.set(TICKET_EVENT_HEADERS.ticket, event.ticketId)
            header.set(TICKET_EVENT_HEADERS.workspace, event.workspaceId)
            header.set(TICKET_EVENT_HEADERS.version, String(event.version))
            if (partition !== undefined) header.set(TICKET_EVENT_HEADERS.partition, String(partition))
            return js.publish(subject, payload, {
              msgID: event.id,
              headers: header,
              expect: { streamName: stream },
              timeout: publishTimeoutMs,
            })
          },
          (error) => toTicketError(error, { action: `publish event ${event.id}`, stream, subject }),
          event.id,
        )
        if (done === undefined) return false
        if (done.value.duplicate) duplicates++
        else published++
        return true
      }

      const window = createPublishWindow<TicketEvent>({
        maxInFlight,
        maxSpan: Math.max(MIN_SPAN, SPAN_PER_IN_FLIGHT * maxInFlight),
        publish,
        onLowWater: (afterId) => saver.request(afterId),
        onFatal: fail,
        signal: stop.signal,
      })

      try {
        await subscribe({
          service,
          ...(start === null ? {} : { afterId: start }),
          batch: true,
          batchSize: options.batchSize ?? 500,
          pollIntervalMs: options.pollIntervalMs ?? 250,
          retry: policy,
          signal: stop.signal,
          onError: (error, failure) => options.onError?.(error, { ...failure, stage: 'read' }),
          handler: async (events) => {
            for (const event of events) {
              while (!window.offer(event)) {
                if (stop.signal.aborted) return
                await window.room()
              }
            }
          },
        })
      } catch (error) {
        fail(error)
      }
      await window.drain()
      await saver.flush()
      if (fatal) throw fatal.error
      return { afterId: saver.saved, published, duplicates }
    } catch (error) {
      throw fatal?.error ?? error
    } finally {
      stopWatching()
      signal.removeEventListener('abort', onAbort)
      stop.abort()
    }
  }

  return { run }
}
