/// <reference lib="dom" />
import {
  AckPolicy,
  type ConsumerMessages,
  type ConsumerUpdateConfig,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream'
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { isTicketError, TicketError } from '../core/errors/ticket-error.js'
import { EVENT_TYPES, type TicketEvent, type TicketEventType } from '../core/model/event.js'
import { abortableSleep } from '../subscriptions/abortable-sleep.js'
import { retryDelay, toRetryPolicy } from '../subscriptions/retry-policy.js'
import { filterSubjectsOrPartition, jetStreamConsumerShape, toNanos } from './consumer-options.js'
import { decodeEventMessage } from './event-message.js'
import { existingConsumer } from './existing-consumer.js'
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
import { ticketSubjectFilter } from './subjects.js'

/** What the handler is told besides the event. */
export interface JetStreamDelivery {
  /** The consumer's signal: a long handler may stop early when it aborts. */
  readonly signal: AbortSignal
  /** 1 on first delivery, 2 on the first redelivery, … (JetStream's delivery count). */
  readonly attempt: number
  readonly subject: string
  /** The message's sequence in the stream. */
  readonly streamSequence: number
  readonly redelivered: boolean
}

/** A message that will not be delivered again, handed to {@link ConsumeJetStreamOptions.onDeadLetter}. */
export interface DeadLetter {
  /**
   * `malformed`: the body is not a ticket event (terminated at once, never retried);
   * `failed`: the handler still failed on delivery `maxDeliver`.
   */
  readonly reason: 'malformed' | 'failed'
  /** The parse error or the handler's last error. */
  readonly error: unknown
  readonly subject: string
  readonly streamSequence: number
  readonly deliveryCount: number
  /** The message's headers (the first value of each). */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body. */
  readonly data: Uint8Array
  /** The event, when the body was one (`failed`). */
  readonly event?: TicketEvent
}

/** What {@link ConsumeJetStreamOptions.onError} is told about a failure. */
export interface ConsumerFailure {
  /**
   * `connect`: creating or binding the durable consumer; `handler`: the handler threw;
   * `dead-letter`: `onDeadLetter` threw; `consumer`: JetStream reported the consumer
   * or stream missing, or heartbeats missed (the client keeps trying).
   */
  readonly stage: 'connect' | 'handler' | 'dead-letter' | 'consumer'
  /** The delivery count for `handler` and `dead-letter`, the failures in a row for `connect`. */
  readonly attempt: number
  /** Whether the message (or the step) will be tried again, and after how long. */
  readonly willRetry: boolean
  readonly delayMs: number
  readonly streamSequence?: number
}

/** Options of {@link consumeJetStream}. */
export interface ConsumeJetStreamOptions {
  /** Your NATS connection (`connect()` of `@nats-io/transport-node`); you close it. */
  readonly nats: NatsConnectionLike
  /** The stream the relay writes to. */
  readonly stream: string
  /** The durable consumer's name: created when missing, its settings updated when they differ. Workers sharing it share the work. */
  readonly durable: string
  /** Only these event types (default all). */
  readonly types?: readonly TicketEventType[]
  /** Only this partition, 0-based, when the relay runs with `partitions` (default: the stream is not partitioned). */
  readonly partition?: number
  /** The relay's subject prefix (default `tickets`). */
  readonly subjectPrefix?: string
  /**
   * Filter subjects for a relay with a custom `subject` function, instead of the ones
   * derived from `subjectPrefix`, `partition` and `types` (`types` is still checked
   * against each event).
   */
  readonly filterSubjects?: readonly string[]
  /** Handles one event; may return a promise. Throwing naks the message with backoff. */
  readonly handler: (event: TicketEvent, delivery: JetStreamDelivery) => unknown
  /** Messages delivered and not yet acknowledged, across all workers of the durable, 1..100,000 (default 1000; 1 for strict order). */
  readonly maxAckPending?: number
  /** Deliveries per message, 1..1000 (default 5): after the last failed one, the message is terminated and dead-lettered. */
  readonly maxDeliver?: number
  /** The delays before each redelivery of a failed message, in ms; the last repeats (default `[1000, 5000, 30000]`). */
  readonly backoff?: readonly number[]
  /** How long a delivered message may go unacknowledged before JetStream redelivers it, in ms (default 30,000). */
  readonly ackWaitMs?: number
  /** Messages pulled ahead into this worker, 1..1000 (default 32, at most `maxAckPending`). */
  readonly prefetch?: number
  /** Receives each message that will not be delivered again; if it throws, the message is kept and redelivered. */
  readonly onDeadLetter?: (letter: DeadLetter) => unknown
  /** Told about every failure (for logs and metrics). */
  readonly onError?: (error: unknown, failure: ConsumerFailure) => void
}

/** What a consumer run did (it was stopped by its signal). */
export interface ConsumerStopped {
  /** Events the handler completed (and that were acknowledged). */
  readonly handled: number
  /** Failed deliveries handed back with `nak` for a later retry. */
  readonly retried: number
  /** Messages terminated and given to `onDeadLetter`. */
  readonly deadLettered: number
  /** Events acknowledged without calling the handler because their type is not in `types`. */
  readonly skipped: number
}

/** A durable JetStream pull consumer handing ticket events to a handler. */
export interface JetStreamConsumer {
  /**
   * Consumes until `signal` aborts, then resolves with {@link ConsumerStopped}: the
   * handler call in progress finishes, and messages pulled ahead that reached this
   * worker are handed back at once (`nak`) for another worker (one still on the wire
   * comes back after `ackWaitMs`).
   *
   * Reaching JetStream and binding the durable are retried with backoff until `signal`
   * aborts. Rejects with a `TicketError` for what retrying cannot fix: `UNAVAILABLE`
   * (not retryable) when the connection is or gets closed, `NOT_FOUND` when the stream
   * does not exist, `VALIDATION` when `durable` names a consumer of another kind, when
   * JetStream refuses the configuration, or when several `filterSubjects` need a newer
   * server.
   */
  run(signal: AbortSignal): Promise<ConsumerStopped>
}

const optionsSchema = z
  .strictObject({
    nats: natsConnectionSchema,
    stream: jetStreamNameSchema,
    durable: jetStreamNameSchema,
    types: z.optional(z.array(z.enum(EVENT_TYPES as [TicketEventType, ...TicketEventType[]])).check(z.minLength(1), z.maxLength(100))),
    ...jetStreamConsumerShape,
    handler: functionSchema,
    maxDeliver: z.optional(z.int().check(z.minimum(1), z.maximum(1000))),
    backoff: z.optional(z.array(z.int().check(z.minimum(0), z.maximum(86_400_000))).check(z.minLength(1), z.maxLength(100))),
    onDeadLetter: z.optional(functionSchema),
    onError: z.optional(functionSchema),
  })
  .check(filterSubjectsOrPartition())

const DEFAULT_BACKOFF_MS = [1000, 5000, 30_000] as const
/** How long a connect step waits between attempts: the subscription defaults. */
const CONNECT_RETRY = toRetryPolicy()

/** Whether the server's version is at least `major.minor`. */
function serverAtLeast(version: string | undefined, major: number, minor: number): boolean {
  const [actualMajor = 0, actualMinor = 0] = (version ?? '0.0').split('.').map((part) => Number.parseInt(part, 10))
  return actualMajor > major || (actualMajor === major && actualMinor >= minor)
}

function headerRecord(message: JsMsg): Record<string, string> {
  const record: Record<string, string> = {}
  for (const [key, values] of message.headers ?? []) {
    const first = values[0]
    if (first !== undefined) record[key] = first
  }
  return record
}

/**
 * Consumes ticket events from a JetStream stream written by {@link relayToJetStream}
 * through a durable pull consumer: each message's body is validated as a ticket event
 * and handed to `handler`, then acknowledged.
 *
 * - **Failure**: the handler threw → `nak` with the next `backoff` delay; on delivery
 *   `maxDeliver` → `term` and `onDeadLetter` (reason `failed`).
 * - **Malformed** (not JSON, not a ticket event) → `onDeadLetter` (reason `malformed`)
 *   and `term` at once; the loop goes on.
 * - **At least once**: a crash before the acknowledgement redelivers after `ackWaitMs`,
 *   and a relay outage longer than the stream's `duplicate_window` can store an event
 *   twice: dedupe on `event.id` (see `createIdempotentConsumer` in
 *   `ticket-events/webhooks`).
 * - **Order**: one worker handles messages one at a time in stream order; a retried
 *   message comes back after later ones unless `maxAckPending` is 1. Workers sharing a
 *   durable share its messages with no order between them; for order per ticket across
 *   workers, run the relay with `partitions` and one durable per partition, each
 *   consumed by one worker at a time (`docs/delivery.md` says what holds in each mode).
 *
 * Long handlers keep their message: the consumer tells JetStream it is still working
 * every `ackWaitMs / 2`.
 *
 * @example
 * ```ts
 * const consumer = consumeJetStream({
 *   nats,
 *   stream: 'TICKETS',
 *   durable: 'notifier',
 *   types: ['ticket:status:changed'],
 *   handler: async (event) => { await notify(event) },
 *   onDeadLetter: async (letter) => { await parkForInspection(letter) },
 * })
 * const controller = new AbortController()
 * const running = consumer.run(controller.signal)
 * ```
 */
export function consumeJetStream(options: ConsumeJetStreamOptions): JetStreamConsumer {
  parseWith(optionsSchema, options, 'consumer options')
  const { nats, stream, durable, handler } = options
  const maxAckPending = options.maxAckPending ?? 1000
  const maxDeliver = options.maxDeliver ?? 5
  const backoff: readonly number[] = options.backoff ?? DEFAULT_BACKOFF_MS
  const ackWaitMs = options.ackWaitMs ?? 30_000
  const prefetch = Math.min(options.prefetch ?? 32, maxAckPending)
  const wantedTypes = options.types === undefined ? undefined : new Set<string>(options.types)
  const guard = runOnce('consumer')

  const delayAfter = (deliveryCount: number): number => backoff[Math.min(deliveryCount, backoff.length) - 1] ?? 0

  /** The filter of the durable consumer: one subject, or several on servers that take several. */
  const filterConfig = (): Pick<ConsumerUpdateConfig, 'filter_subject' | 'filter_subjects'> => {
    const prefix = options.subjectPrefix
    const partition = options.partition
    const filters =
      options.filterSubjects ??
      ticketSubjectFilter({
        ...(prefix === undefined ? {} : { prefix }),
        ...(partition === undefined ? {} : { partition }),
        ...(options.types === undefined ? {} : { types: options.types }),
      })
    const [only] = filters
    if (filters.length === 1 && only !== undefined) return { filter_subject: only }
    if (serverAtLeast(nats.info?.version, 2, 10)) return { filter_subjects: [...filters] }
    if (options.filterSubjects !== undefined) {
      throw new TicketError(
        'VALIDATION',
        `Several filterSubjects need NATS server 2.10 or later (this one is ${nats.info?.version ?? 'unknown'}).`,
        {
          issues: [{ path: ['filterSubjects'], message: 'Several filter subjects need NATS server 2.10', code: 'custom' }],
        },
      )
    }
    // An older server takes one filter: take every type of the partition and skip the others here.
    const [wide = '>'] = ticketSubjectFilter({
      ...(prefix === undefined ? {} : { prefix }),
      ...(partition === undefined ? {} : { partition }),
    })
    return { filter_subject: wide }
  }

  /** Creates the durable consumer, or updates the settings this function owns when they differ. */
  async function ensureConsumer(manager: JetStreamManager): Promise<void> {
    const filter = filterConfig()
    const settings = {
      ack_wait: toNanos(ackWaitMs),
      max_deliver: maxDeliver,
      max_ack_pending: maxAckPending,
      // Exactly one of the two filters is set; the other is cleared on update.
      filter_subject: filter.filter_subject,
      filter_subjects: filter.filter_subjects,
    }
    const existing = await existingConsumer(manager, stream, durable)
    if (existing === undefined) {
      const { filter_subject, filter_subjects, ...rest } = settings
      await manager.consumers.add(stream, {
        durable_name: durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...rest,
        ...(filter_subject === undefined ? {} : { filter_subject }),
        ...(filter_subjects === undefined ? {} : { filter_subjects }),
      })
      return
    }
    const config = existing.config
    if (config.deliver_subject || config.ack_policy !== AckPolicy.Explicit) {
      throw new TicketError(
        'VALIDATION',
        `Consumer "${durable}" of stream "${stream}" exists but is not a pull consumer with explicit acks; choose another durable name.`,
        {
          issues: [{ path: ['durable'], message: 'Names an existing consumer of another kind', code: 'custom' }],
          details: { stream, durable },
          retryable: false,
        },
      )
    }
    const same =
      config.ack_wait === settings.ack_wait &&
      config.max_deliver === settings.max_deliver &&
      config.max_ack_pending === settings.max_ack_pending &&
      (config.filter_subject || undefined) === settings.filter_subject &&
      JSON.stringify(config.filter_subjects ?? undefined) === JSON.stringify(settings.filter_subjects)
    if (!same) await manager.consumers.update(stream, durable, settings as ConsumerUpdateConfig)
  }

  async function run(signal: AbortSignal): Promise<ConsumerStopped> {
    parseWith(signalSchema, signal, 'consumer signal')
    guard.enter()
    try {
      return await consume(signal)
    } finally {
      guard.leave()
    }
  }

  async function consume(signal: AbortSignal): Promise<ConsumerStopped> {
    assertOpen(nats, 'start the consumer')
    const counts = { handled: 0, retried: 0, deadLettered: 0, skipped: 0 }
    const js = jetstream(nats)

    let messages: ConsumerMessages | undefined
    for (let attempt = 1; messages === undefined; attempt++) {
      if (signal.aborted) return counts
      try {
        assertOpen(nats, 'start the consumer')
        await ensureConsumer(await jetstreamManager(nats))
        messages = await (await js.consumers.get(stream, durable)).consume({ max_messages: prefetch })
      } catch (raw) {
        const error = toTicketError(raw, { action: `bind consumer "${durable}" of stream "${stream}"`, stream })
        const delayMs = error.retryable ? retryDelay(CONNECT_RETRY, attempt) : 0
        options.onError?.(error, { stage: 'connect', attempt, willRetry: error.retryable, delayMs })
        if (!error.retryable) throw error
        await abortableSleep(delayMs, signal)
      }
    }
    const active = messages

    let fatal: TicketError | undefined
    const stop = () => {
      void active.close().catch(() => undefined)
    }
    signal.addEventListener('abort', stop, { once: true })
    if (signal.aborted) stop() // aborted while binding: the listener above never fires
    const stopWatching = onConnectionClosed(nats, () => {
      if (signal.aborted) return // already stopping: a close now is the owner's shutdown
      fatal ??= new TicketError('UNAVAILABLE', `Consumer "${durable}" stopped: the NATS connection closed. Open a new connection.`, {
        retryable: false,
      })
      stop()
    })
    void (async () => {
      let missed = 0
      for await (const status of active.status()) {
        if (
          status.type === 'consumer_deleted' ||
          status.type === 'consumer_not_found' ||
          status.type === 'stream_not_found' ||
          status.type === 'heartbeats_missed'
        ) {
          missed++
          const error = new TicketError(
            'UNAVAILABLE',
            `Consumer "${durable}" of stream "${stream}": ${status.type.replaceAll('_', ' ')}; the client keeps trying.`,
            {
              details: { stream, durable, status: status.type },
            },
          )
          options.onError?.(error, { stage: 'consumer', attempt: missed, willRetry: true, delayMs: 0 })
        } else if (status.type === 'next') {
          missed = 0
        }
      }
    })().catch(() => undefined)

    const deadLetter = async (message: JsMsg, reason: DeadLetter['reason'], error: unknown, event?: TicketEvent) => {
      const { deliveryCount, streamSequence } = message.info
      const letter: DeadLetter = {
        reason,
        error,
        subject: message.subject,
        streamSequence,
        deliveryCount,
        headers: headerRecord(message),
        data: message.data,
        ...(event === undefined ? {} : { event }),
      }
      try {
        await options.onDeadLetter?.(letter)
      } catch (failure) {
        // The dead letter was not taken: keep the message for a later delivery, unless this was its last.
        const last = deliveryCount >= maxDeliver
        const delayMs = last ? 0 : delayAfter(deliveryCount)
        options.onError?.(failure, { stage: 'dead-letter', attempt: deliveryCount, willRetry: !last, delayMs, streamSequence })
        if (!last) {
          message.nak(delayMs)
          counts.retried++
          return
        }
      }
      // Servers before 2.11 ignore a "+TERM" that carries a reason, leaving the message pending.
      if (serverAtLeast(nats.info?.version, 2, 11))
        message.term(reason === 'malformed' ? 'not a ticket event' : 'handler failed on every delivery')
      else message.term()
      counts.deadLettered++
    }

    const handle = async (message: JsMsg) => {
      let event: TicketEvent
      try {
        event = decodeEventMessage(message.data)
      } catch (error) {
        await deadLetter(message, 'malformed', error)
        return
      }
      if (wantedTypes !== undefined && !wantedTypes.has(event.type)) {
        message.ack()
        counts.skipped++
        return
      }
      const { deliveryCount, streamSequence, redelivered } = message.info
      const keepAlive = setInterval(() => message.working(), ackWaitMs / 2)
      try {
        await handler(event, { signal, attempt: deliveryCount, subject: message.subject, streamSequence, redelivered })
      } catch (error) {
        const last = deliveryCount >= maxDeliver
        const delayMs = last ? 0 : delayAfter(deliveryCount)
        options.onError?.(error, { stage: 'handler', attempt: deliveryCount, willRetry: !last, delayMs, streamSequence })
        if (last) await deadLetter(message, 'failed', error, event)
        else {
          message.nak(delayMs)
          counts.retried++
        }
        return
      } finally {
        clearInterval(keepAlive)
      }
      message.ack()
      counts.handled++
    }

    try {
      for await (const message of active) {
        if (signal.aborted || fatal) {
          // Pulled ahead but not started: hand it back for another worker now, not after ackWaitMs.
          message.nak()
          continue
        }
        await handle(message)
      }
    } catch (error) {
      if (!signal.aborted) fatal ??= isTicketError(error) ? error : toTicketError(error, { action: `consume from "${durable}"`, stream })
    } finally {
      stopWatching()
      signal.removeEventListener('abort', stop)
      stop()
    }
    if (fatal) throw fatal
    return counts
  }

  return { run }
}
