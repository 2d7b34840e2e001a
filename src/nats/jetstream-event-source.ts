/// <reference lib="dom" />
import {
  AckPolicy,
  type Consumer,
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream'
import * as z from 'zod/mini'
import { parseWith } from '../core/commands/parse-command.js'
import { TicketError } from '../core/errors/ticket-error.js'
import type { TicketEvent } from '../core/model/event.js'
import { abortableSleep } from '../subscriptions/abortable-sleep.js'
import { retryDelay, toRetryPolicy } from '../subscriptions/retry-policy.js'
// Type-only: the webhooks entry is not loaded at runtime by this one.
import type { WebhookEventSource, WebhookEventSourceRequest } from '../webhooks/dispatcher/event-source.js'
import { filterSubjectsOrPartition, jetStreamConsumerShape, toNanos } from './consumer-options.js'
import { decodeEventMessage } from './event-message.js'
import { existingConsumer } from './existing-consumer.js'
import { toTicketError } from './nats-errors.js'
import { assertOpen, jetStreamNameSchema, type NatsConnectionLike, natsConnectionSchema, onConnectionClosed } from './nats-options.js'
import { DEFAULT_SUBJECT_PREFIX } from './subjects.js'

/** Options of {@link jetStreamEventSource}. */
export interface JetStreamEventSourceOptions {
  /** Your NATS connection (`connect()` of `@nats-io/transport-node`); you close it. */
  readonly nats: NatsConnectionLike
  /** The stream {@link relayToJetStream} writes to. */
  readonly stream: string
  /**
   * The prefix of the durable consumers' names. Each endpoint reads through its own
   * consumer, `<durable>-<endpoint id>` (`.` and `:` of the id written `_`), since
   * endpoints move on independently; the consumer is created when missing.
   */
  readonly durable: string
  /** Only this partition, 0-based, when the relay runs with `partitions` (default: the stream is not partitioned). */
  readonly partition?: number
  /** The relay's subject prefix (default `tickets`). */
  readonly subjectPrefix?: string
  /** Filter subjects for a relay with a custom `subject` function, instead of the ones derived from `subjectPrefix` and `partition`. */
  readonly filterSubjects?: readonly string[]
  /**
   * Messages handed to the dispatcher and not yet settled, per endpoint, 1..100,000
   * (default 1000). It bounds the endpoint's concurrency across tickets together with
   * the dispatcher's `maxBuffered` and the endpoint's `maxInFlight`.
   */
  readonly maxAckPending?: number
  /**
   * How long a message may go without news before JetStream takes it back, in ms
   * (default 10,000). Messages in hand are kept alive every half of it however long
   * their delivery retries, so this is how soon a crashed worker's messages come back
   * to the next holder, which hands them over before anything newer.
   */
  readonly ackWaitMs?: number
  /** Messages pulled ahead, 1..1000 (default 64, at most `maxAckPending`). */
  readonly prefetch?: number
}

const optionsSchema = z
  .strictObject({
    nats: natsConnectionSchema,
    stream: jetStreamNameSchema,
    durable: z.string().check(z.minLength(1), z.maxLength(40), z.regex(/^[A-Za-z0-9_-]+$/, { error: 'Expected letters, digits, _ and -' })),
    ...jetStreamConsumerShape,
  })
  .check(filterSubjectsOrPartition())

const CONNECT_RETRY = toRetryPolicy()
/** The shortest pull nats.js accepts (`expires`), in ms. */
const MIN_PULL_EXPIRES_MS = 1000
/** How many recently taken sequences a session remembers, to drop redelivered copies. */
const TAKEN_REMEMBERED = 100_000

/**
 * Sends an ack, nak or term, ignoring a connection that has closed meanwhile: the
 * message then comes back after `ack_wait`, which is what at least once needs anyway.
 */
function answer(send: () => void): void {
  try {
    send()
  } catch {
    // Closed or draining: nothing left to tell JetStream on this connection.
  }
}

/** Stream order, which is each ticket's order (the relay publishes a ticket's events one after another). */
const byStreamSequence = (a: JsMsg, b: JsMsg): number => a.info.streamSequence - b.info.streamSequence

/** The consumer an endpoint reads through: `<durable>-<endpoint id>`, with the id's `.` and `:` (not allowed in names) as `_`. */
export function webhookConsumerName(durable: string, endpointId: string): string {
  return `${durable}-${endpointId.replaceAll(/[.:]/g, '_')}`
}

/**
 * A webhook dispatcher's event source reading a JetStream stream written by
 * {@link relayToJetStream}, through one durable pull consumer per endpoint, instead of
 * the store's log. Pass it as `source` of `createWebhookDispatcher`.
 *
 * - **Position**: the consumer's ack state is the durable position; the dispatcher's
 *   low-water mark is still saved but not read back (`afterId` is ignored). A message is
 *   acknowledged only once the dispatcher settled it (delivered, skipped by the
 *   endpoint's `types`, or dead-lettered in the delivery store): a crash redelivers it,
 *   never skips it. At least once, with the same `webhook-id` on a redelivery.
 * - **Failures** are the dispatcher's to retry (its backoff, then a dead letter): the
 *   consumer is created with no `max_deliver`, so JetStream never drops a message. A
 *   message that is not a ticket event is terminated at once (told to `onError`). When
 *   the endpoint stops (dispatcher stopped, lease lost, endpoint disabled), the messages
 *   in hand are handed back with `nak`, oldest first, so the next holder gets them first.
 * - **Order per ticket**: the dispatcher keeps it among the messages it holds. A session
 *   that finds messages still pending from an earlier holder (a crashed worker, or one
 *   that stopped and handed them back) first takes all of them back — JetStream
 *   redelivers them as their ack waits run out, not in stream order — holding anything
 *   newer meanwhile, and hands them over in stream order before the rest. That takes up
 *   to `ackWaitMs` after the earlier holder's last word (at most `2 × ackWaitMs + 1 s`).
 *   Across workers: run the relay with `partitions`, give each worker a `partition`, and
 *   give each partition its own endpoint id (`crm-p0`, `crm-p1`, … with the same URL and
 *   secret) so each has its own lease, mark and consumer (`docs/delivery.md`).
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * const dispatcher = createWebhookDispatcher({
 *   service: tickets,
 *   store: postgresDeliveryStore({ pool }),
 *   endpoints: [{ id: 'crm-p0', url: 'https://crm.example.com/hooks', secret }],
 *   source: jetStreamEventSource({ nats, stream: 'TICKETS', durable: 'webhooks', partition: 0 }),
 * })
 * ```
 */
export function jetStreamEventSource(options: JetStreamEventSourceOptions): WebhookEventSource {
  parseWith(optionsSchema, options, 'JetStream event source options')
  const { nats, stream } = options
  const prefix = options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX
  const maxAckPending = options.maxAckPending ?? 1000
  const ackWaitMs = options.ackWaitMs ?? 10_000
  const prefetch = Math.min(options.prefetch ?? 64, maxAckPending)

  /** The consumer's filter: the endpoint's workspace (when it names one) and the partition. */
  const filtersFor = (workspaceId: string | undefined): string[] => {
    if (options.filterSubjects !== undefined) return [...options.filterSubjects]
    const partition = options.partition === undefined ? '' : `.${options.partition}`
    return [`${prefix}.${workspaceId ?? '*'}${partition}.>`]
  }

  /** Creates the endpoint's consumer, or brings its settings in line; answers how many messages an earlier holder left unacknowledged. */
  async function ensureConsumer(manager: JetStreamManager, name: string, filters: readonly string[]): Promise<number> {
    const [only] = filters
    const filter = filters.length === 1 && only !== undefined ? { filter_subject: only } : { filter_subjects: [...filters] }
    const settings = { ack_wait: toNanos(ackWaitMs), max_ack_pending: maxAckPending, max_deliver: -1 }
    const existing = await existingConsumer(manager, stream, name)
    if (existing === undefined) {
      await manager.consumers.add(stream, {
        durable_name: name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...settings,
        ...filter,
      })
      return 0
    }
    const config = existing.config
    if (config.deliver_subject || config.ack_policy !== AckPolicy.Explicit) {
      throw new TicketError(
        'VALIDATION',
        `Consumer "${name}" of stream "${stream}" exists but is not a pull consumer with explicit acks.`,
        {
          issues: [{ path: ['durable'], message: 'Names an existing consumer of another kind', code: 'custom' }],
          details: { stream, durable: name },
          retryable: false,
        },
      )
    }
    const same =
      config.ack_wait === settings.ack_wait &&
      config.max_ack_pending === settings.max_ack_pending &&
      (config.max_deliver ?? -1) <= 0 &&
      (config.filter_subject || undefined) === filter.filter_subject &&
      JSON.stringify(config.filter_subjects ?? undefined) === JSON.stringify(filter.filter_subjects)
    if (!same) {
      await manager.consumers.update(stream, name, {
        ...settings,
        filter_subject: filter.filter_subject,
        filter_subjects: filter.filter_subjects,
      } as Parameters<JetStreamManager['consumers']['update']>[2])
    }
    return existing.num_ack_pending
  }

  /**
   * Takes back what an earlier holder (a crashed worker, or one that stopped and handed
   * its messages back) left unacknowledged, before anything newer is handed over.
   * JetStream redelivers those messages as each one's ack wait runs out, so in that order
   * rather than the stream's: one the holder kept alive longer comes back later, behind a
   * later event of its ticket. So they are gathered, with any newer message pulled
   * meanwhile (all kept alive), until the consumer has nothing pending beyond what this
   * session holds, or `2 × ackWaitMs + 1 s` has passed (a message deleted from the stream
   * meanwhile never comes back), and returned in stream order. When `signal` aborts, what
   * was gathered is handed back.
   *
   * @param pending - the consumer's unacknowledged messages when the session began
   */
  async function gatherLeftBehind(consumer: Consumer, pending: number, signal: AbortSignal): Promise<JsMsg[]> {
    const gathered = new Map<number, JsMsg>()
    let missing = pending
    const deadline = Date.now() + 2 * ackWaitMs + 1000
    try {
      while (missing > 0 && !signal.aborted && Date.now() < deadline) {
        const batch = await consumer.fetch({
          max_messages: Math.min(missing, prefetch),
          expires: Math.max(MIN_PULL_EXPIRES_MS, Math.floor(Math.min(ackWaitMs / 2, deadline - Date.now()))),
        })
        const stop = () => void batch.close().catch(() => undefined)
        signal.addEventListener('abort', stop, { once: true })
        try {
          for await (const message of batch) {
            // A second copy (its ack wait ran out while gathering) is covered by the first one's answer.
            if (!gathered.has(message.info.streamSequence)) gathered.set(message.info.streamSequence, message)
          }
        } finally {
          signal.removeEventListener('abort', stop)
        }
        for (const message of gathered.values()) answer(() => message.working())
        // Counted again rather than down: the earlier holder's last acks and naks may land
        // after the first count, and everything gathered is pending too (to this session).
        missing = (await consumer.info()).num_ack_pending - gathered.size
      }
    } catch (error) {
      handBackInOrder([...gathered.values()])
      throw error
    }
    const inOrder = [...gathered.values()].sort(byStreamSequence)
    if (!signal.aborted) return inOrder
    handBackInOrder(inOrder)
    return []
  }

  /** Hands messages back (`nak`), oldest first, so the next holder receives them in stream order. */
  function handBackInOrder(messages: JsMsg[]): void {
    messages.sort(byStreamSequence)
    for (const message of messages) answer(() => message.nak())
  }

  async function follow(request: WebhookEventSourceRequest): Promise<void> {
    const { endpointId, workspaceId, signal, accept, onError } = request
    const name = webhookConsumerName(options.durable, endpointId)
    const js = jetstream(nats)

    let messages: ConsumerMessages | undefined
    /** What an earlier holder left unacknowledged, taken back and in stream order: handed over first. */
    let leftBehind: JsMsg[] = []
    for (let attempt = 1; messages === undefined; attempt++) {
      if (signal.aborted) return
      try {
        assertOpen(nats, 'read webhook events from JetStream')
        const pending = await ensureConsumer(await jetstreamManager(nats), name, filtersFor(workspaceId))
        const consumer = await js.consumers.get(stream, name)
        leftBehind = pending > 0 ? await gatherLeftBehind(consumer, pending, signal) : []
        if (signal.aborted) {
          handBackInOrder(leftBehind)
          return
        }
        messages = await consumer.consume({ max_messages: prefetch })
      } catch (raw) {
        // Taken back but not handed over: the next attempt gathers them again.
        handBackInOrder(leftBehind.splice(0))
        const error = toTicketError(raw, { action: `bind consumer "${name}" of stream "${stream}"`, stream })
        onError(error)
        if (!error.retryable) throw error
        await abortableSleep(retryDelay(CONNECT_RETRY, attempt), signal)
      }
    }
    const active = messages

    /** Messages handed to the dispatcher and not yet acknowledged. */
    const inHand = new Set<JsMsg>()
    /** Messages to hand back when the endpoint stops. */
    const handBack: JsMsg[] = []
    /**
     * Stream sequences this session took (in hand or acknowledged), the most recent
     * ones. A message that waited in the client's prefetch buffer longer than ack_wait
     * (the dispatcher was full, or its store down) is redelivered while its first copy is
     * still coming; the copy is dropped here, unanswered: the first one's ack or nak
     * covers the sequence, and delivering it again would repeat an event after its
     * ticket's later ones.
     */
    const taken = new Set<number>()
    const settlements: Promise<void>[] = []
    let fatal: TicketError | undefined
    const stop = () => {
      void active.close().catch(() => undefined)
    }
    signal.addEventListener('abort', stop, { once: true })
    if (signal.aborted) stop()
    const stopWatching = onConnectionClosed(nats, () => {
      if (signal.aborted) return
      fatal ??= new TicketError('UNAVAILABLE', `Consumer "${name}" stopped: the NATS connection closed. Open a new connection.`, {
        retryable: false,
      })
      stop()
    })
    /** Messages taken back from an earlier holder and not yet handed over. */
    const queued = new Set(leftBehind)
    // However long the dispatcher retries a delivery, JetStream must not take the message back meanwhile.
    const keepAlive = setInterval(
      () => {
        for (const message of inHand) answer(() => message.working())
        for (const message of queued) answer(() => message.working())
      },
      Math.floor(ackWaitMs / 2),
    )

    /** Hands one message to the dispatcher (or terminates it, or drops a copy of one this session took). */
    const take = async (message: JsMsg): Promise<void> => {
      queued.delete(message)
      if (signal.aborted || fatal) {
        handBack.push(message)
        return
      }
      let event: TicketEvent
      try {
        event = decodeEventMessage(message.data)
      } catch (error) {
        // Never deliverable: keeping it would hold the endpoint forever.
        onError(error)
        answer(() => message.term())
        return
      }
      if (workspaceId !== undefined && event.workspaceId !== workspaceId) {
        answer(() => message.ack()) // a custom filter let another workspace through
        return
      }
      const sequence = message.info.streamSequence
      if (message.info.redelivered && taken.has(sequence)) return
      taken.add(sequence)
      if (taken.size > TAKEN_REMEMBERED) {
        for (const oldest of taken) {
          taken.delete(oldest)
          if (taken.size <= TAKEN_REMEMBERED / 2) break
        }
      }
      inHand.add(message)
      const { settled } = await accept(event)
      settlements.push(
        settled.then(
          () => {
            inHand.delete(message)
            answer(() => message.ack())
          },
          () => {
            inHand.delete(message)
            handBack.push(message)
          },
        ),
      )
      if (settlements.length > 4096) {
        // Forget the settled ones now and then; the rest are awaited on stop.
        const still = settlements.splice(0)
        settlements.push(Promise.all(still).then(() => undefined))
      }
    }

    try {
      // What an earlier holder left comes first, in stream order, then the stream goes on.
      for (const message of leftBehind) await take(message)
      for await (const message of active) await take(message)
    } catch (error) {
      if (!signal.aborted) fatal ??= toTicketError(error, { action: `consume from "${name}"`, stream })
    } finally {
      signal.removeEventListener('abort', stop)
      stop()
      stopWatching()
      // The endpoint has stopped: what is in hand settles (or is refused) soon. With the
      // connection gone nothing can be answered, and JetStream takes it all back after ack_wait.
      if (!fatal) await Promise.all(settlements)
      clearInterval(keepAlive)
      handBackInOrder([...handBack, ...inHand, ...queued])
    }
    if (fatal) throw fatal
  }

  return { follow }
}
