/// <reference lib="dom" />
import * as z from 'zod/mini'
import { parseWith, TicketError } from '../../core/index.js'
import type { TicketService } from '../../service/ticket-service.js'
import { abortableSleep } from '../../subscriptions/abortable-sleep.js'
import { randomToken } from '../web-apis.js'
import type { DeliveryReport, DispatcherFailure } from './delivery-report.js'
import { type DeliveryRetryOptions, deliveryRetrySchema, toDeliveryRetryPolicy } from './delivery-retry.js'
import type { DeadLetter, DeadLetterQuery, DeliveryStore, EndpointLease } from './delivery-store.js'
import { runEndpointSession } from './endpoint-session.js'
import type { WebhookEventSource } from './event-source.js'
import { logEventSource } from './log-event-source.js'
import { postWebhook, type WebhookFetch } from './post-webhook.js'
import { DEFAULT_TIMEOUT_MS, endpointSchema, type WebhookEndpoint } from './webhook-endpoint.js'

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherOptions {
  /**
   * The ticket service whose event log is delivered (read with `subscribe` unless `source`
   * is given). A ticket not in the fold cache (after a restart) is loaded from it as of
   * the version before the event, with `load(ticketId, { version })`.
   */
  readonly service: Pick<TicketService, 'events' | 'load'>
  /** Where low-water marks, leases, disabled flags and dead letters are kept. */
  readonly store: DeliveryStore
  /** The receivers, each followed from its own low-water mark. */
  readonly endpoints: readonly WebhookEndpoint[]
  /** Where events come from (default: {@link logEventSource} over `service`, polling every `pollIntervalMs`). */
  readonly source?: WebhookEventSource
  /** The `fetch` to POST with (default: the global one). */
  readonly fetch?: WebhookFetch
  /** Retries of a failing delivery: exponential backoff with full jitter, then a dead letter. */
  readonly retry?: DeliveryRetryOptions
  /** Told after every POST. Keep it quick: it runs on the delivery path. */
  readonly onDelivery?: (report: DeliveryReport) => void
  /** Told when an event becomes a dead letter (it is already stored). */
  readonly onDeadLetter?: (letter: DeadLetter) => void
  /** Told about failures the dispatcher retries by itself: reads, store writes, payloads it could not render. */
  readonly onError?: (error: unknown, failure: DispatcherFailure) => void
  /**
   * How long a lease on an endpoint lasts, in ms (default 30 000). It is renewed every
   * quarter of that; a dispatcher that could not renew for 80 % of it stops delivering the
   * endpoint, before another may take it over.
   */
  readonly leaseMs?: number
  /** How often the default source reads the log once caught up, and a disabled endpoint is checked, in ms (default 1000). */
  readonly pollIntervalMs?: number
  /** Tickets kept folded per endpoint (default 1000; 0 loads every ticket from the store). */
  readonly cacheSize?: number
  /** Events an endpoint holds unsettled before it stops reading (default 1000). */
  readonly maxBuffered?: number
  /** The payload limit handed to `toWebhook` (default 256 KiB). */
  readonly maxBytes?: number
}

/** A dead letter's replay, as {@link WebhookDispatcher.replayDeadLetters} reports it. */
export interface DeadLetterReplay {
  readonly endpointId: string
  readonly eventId: string
  /** The HTTP status, or `null` without an answer. */
  readonly status: number | null
  readonly error: string | null
  /** Whether the endpoint accepted it (2xx): the dead letter is then deleted. */
  readonly delivered: boolean
}

/** What {@link createWebhookDispatcher} returns. */
export interface WebhookDispatcher {
  /**
   * Delivers every endpoint until `signal` aborts; resolves once in-flight work has
   * stopped and the marks are saved (an in-flight POST is cancelled and sent again on the
   * next run). Rejects only for a store that cannot be migrated.
   */
  run(signal: AbortSignal): Promise<void>
  /** Clears an endpoint's disabled flag (set when it answered `410 Gone`); a running dispatcher resumes it. */
  enableEndpoint(endpointId: string): Promise<void>
  /** Dead letters, oldest first. */
  deadLetters(query?: DeadLetterQuery): Promise<DeadLetter[]>
  /**
   * POSTs dead letters again, once each, signed afresh, to the endpoint's current URL;
   * deletes those the endpoint accepts. Out of order by nature: the ticket's later
   * events were delivered already.
   */
  replayDeadLetters(query: { readonly endpointId: string; readonly eventIds?: readonly string[] }): Promise<DeadLetterReplay[]>
}

const isFunction = (value: unknown) => typeof value === 'function'
const fn = <T>(what: string) => z.custom<T>(isFunction, { error: `Expected ${what}` })
const hasMethods = <T>(methods: readonly string[], what: string) =>
  z.custom<T>(
    (value: unknown) =>
      typeof value === 'object' && value !== null && methods.every((method) => isFunction((value as Record<string, unknown>)[method])),
    { error: `Expected ${what}` },
  )

const optionsSchema = z
  .strictObject({
    service: hasMethods<Pick<TicketService, 'events' | 'load'>>(['events', 'load'], 'a ticket service'),
    store: hasMethods<DeliveryStore>(
      ['migrate', 'acquireLease', 'renewLease', 'releaseLease', 'endpointState', 'saveMark', 'disable', 'enable', 'addDeadLetter'],
      'a delivery store',
    ),
    endpoints: z.array(endpointSchema).check(z.minLength(1), z.maxLength(1000)),
    source: z.optional(hasMethods<WebhookEventSource>(['follow'], 'an event source (with follow)')),
    fetch: z.optional(fn<WebhookFetch>('a fetch function')),
    retry: z.optional(deliveryRetrySchema),
    onDelivery: z.optional(fn<(report: DeliveryReport) => void>('a function')),
    onDeadLetter: z.optional(fn<(letter: DeadLetter) => void>('a function')),
    onError: z.optional(fn<(error: unknown, failure: DispatcherFailure) => void>('a function')),
    leaseMs: z.optional(z.int().check(z.minimum(100), z.maximum(3_600_000))),
    pollIntervalMs: z.optional(z.int().check(z.minimum(1), z.maximum(3_600_000))),
    cacheSize: z.optional(z.int().check(z.minimum(0), z.maximum(1_000_000))),
    maxBuffered: z.optional(z.int().check(z.minimum(1), z.maximum(1_000_000))),
    maxBytes: z.optional(z.int().check(z.minimum(1024))),
  })
  .check(
    z.refine((options) => new Set(options.endpoints.map((endpoint) => endpoint.id)).size === options.endpoints.length, {
      error: 'Expected endpoints with distinct ids',
      path: ['endpoints'],
    }),
  )

const signalSchema = z.custom<AbortSignal>(
  (value: unknown) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    isFunction((value as AbortSignal).addEventListener),
  { error: 'Expected an AbortSignal' },
)

/**
 * Creates a webhook dispatcher: it follows the event log once per endpoint, renders each
 * event with `toWebhook` (tickets folded forward in an LRU cache), signs it the Standard
 * Webhooks way (`webhook-id` = the event id) and POSTs it.
 *
 * - **Ordered per ticket, at least once.** Events of one ticket are POSTed one at a
 *   time, in the log's order; other tickets go on meanwhile (up to `maxInFlight` POSTs).
 *   A failure (non-2xx, timeout, network error) is retried with exponential backoff and
 *   full jitter. After `retry.maxAttempts` or `retry.maxAgeMs` the event becomes a dead
 *   letter and that ticket's later events go on: this is where order can break.
 * - **Durable.** Each endpoint's low-water mark (every event up to it delivered or
 *   dead-lettered) is saved in `store`; after a restart the events after it are sent
 *   again (same `webhook-id`), never skipped. `410 Gone` disables the endpoint (a stored
 *   flag) until {@link WebhookDispatcher.enableEndpoint}.
 * - **Single owner.** Each endpoint is delivered under a lease in `store`: dispatchers
 *   sharing a SQLite file or a PostgreSQL database split the endpoints and never deliver
 *   one at once; every write carries the lease's token, so a dispatcher that lost its
 *   lease cannot move the mark.
 *
 * @throws {TicketError} `VALIDATION` when the options are malformed
 *
 * @example
 * ```ts
 * const dispatcher = createWebhookDispatcher({
 *   service: tickets,
 *   store: postgresDeliveryStore({ pool }),
 *   endpoints: [{ id: 'crm', url: 'https://crm.example.com/hooks', secret: process.env.CRM_SECRET!, types: ['ticket:created'] }],
 *   onDelivery: ({ endpointId, status, durationMs }) => metrics.record(endpointId, status, durationMs),
 * })
 * const stop = new AbortController()
 * const running = dispatcher.run(stop.signal)
 * // on shutdown
 * stop.abort()
 * await running
 * ```
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  parseWith(optionsSchema, options, 'webhook dispatcher options')
  const { store } = options
  const retry = toDeliveryRetryPolicy(options.retry)
  const leaseMs = options.leaseMs ?? 30_000
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const source = options.source ?? logEventSource(options.service, { pollIntervalMs })
  const fetchImpl: WebhookFetch = options.fetch ?? ((url, init) => fetch(url, init))
  const onError = options.onError ?? (() => undefined)
  const endpoints = new Map(options.endpoints.map((endpoint) => [endpoint.id, endpoint]))
  /** Wakes an endpoint waiting while disabled, after `enableEndpoint` in this process. */
  const enableWaiters = new Map<string, () => void>()
  let migrated: Promise<void> | undefined

  const ensureMigrated = (): Promise<void> => {
    migrated ??= store.migrate().catch((error: unknown) => {
      migrated = undefined
      throw error
    })
    return migrated
  }

  const knownEndpoint = (endpointId: string): WebhookEndpoint => {
    const endpoint = endpoints.get(endpointId)
    if (endpoint === undefined) {
      throw new TicketError('NOT_FOUND', `No endpoint ${JSON.stringify(endpointId)} in this dispatcher.`)
    }
    return endpoint
  }

  /** Takes and keeps the lease on `endpoint` while `signal` is live, delivering it while held. */
  async function runEndpoint(endpoint: WebhookEndpoint, owner: string, signal: AbortSignal): Promise<void> {
    const endpointId = endpoint.id
    for (let failures = 0; !signal.aborted; ) {
      let lease: EndpointLease | null = null
      const acquiredAt = Date.now()
      try {
        lease = await store.acquireLease({ endpointId, owner, now: acquiredAt, expiresAt: acquiredAt + leaseMs })
      } catch (error) {
        onError(error, { endpointId, stage: 'store' })
      }
      if (lease === null) {
        await abortableSleep(Math.ceil(leaseMs / 4), signal)
        continue
      }
      const held = new AbortController()
      const onStop = () => held.abort()
      signal.addEventListener('abort', onStop, { once: true })
      // Stop delivering well before the lease could expire unrenewed, so a successor never overlaps.
      // Counted from before the acquisition was asked for, as the expiry is: a slow answer shortens it.
      let deadline = setTimeout(() => held.abort(), Math.max(0, acquiredAt + Math.floor(leaseMs * 0.8) - Date.now()))
      const token = lease.token
      const renewer = setInterval(
        async () => {
          const started = Date.now()
          try {
            if (await store.renewLease({ endpointId, token, expiresAt: started + leaseMs })) {
              clearTimeout(deadline)
              deadline = setTimeout(() => held.abort(), Math.max(0, started + Math.floor(leaseMs * 0.8) - Date.now()))
            } else {
              held.abort()
            }
          } catch (error) {
            onError(error, { endpointId, stage: 'store' })
          }
        },
        Math.ceil(leaseMs / 4),
      )
      // Once stopped for any reason, renew no more: a lease this dispatcher no longer acts on must expire.
      held.signal.addEventListener('abort', () => clearInterval(renewer), { once: true })
      try {
        while (!held.signal.aborted) {
          const state = await store.endpointState(endpointId)
          if (state.disabled) {
            await new Promise<void>((resolve) => {
              enableWaiters.set(endpointId, resolve)
              void abortableSleep(pollIntervalMs, held.signal).then(resolve)
            })
            enableWaiters.delete(endpointId)
            continue
          }
          const end = await runEndpointSession({
            endpoint,
            lease,
            afterId: state.afterId,
            store,
            source,
            service: options.service,
            fetch: fetchImpl,
            retry,
            cacheSize: options.cacheSize ?? 1000,
            maxBuffered: options.maxBuffered ?? 1000,
            maxBytes: options.maxBytes,
            signal: held.signal,
            onDelivery: options.onDelivery,
            onDeadLetter: options.onDeadLetter,
            onError,
          })
          if (end === 'fenced') break
        }
        failures = 0
      } catch (error) {
        onError(error, { endpointId, stage: 'read' })
        failures++
      } finally {
        clearInterval(renewer)
        clearTimeout(deadline)
        signal.removeEventListener('abort', onStop)
      }
      // Hand the endpoint over at once (after a stop, a failure or a lapse): release is
      // fenced by the token, so a lease someone else has taken since stays theirs.
      await store.releaseLease({ endpointId, token }).catch((error: unknown) => onError(error, { endpointId, stage: 'store' }))
      if (failures > 0) await abortableSleep(Math.min(30_000, 100 * 2 ** Math.min(failures, 10)), signal)
    }
  }

  return {
    async run(signal) {
      parseWith(signalSchema, signal, 'dispatcher signal')
      await ensureMigrated()
      const owner = randomToken()
      // One listener on the caller's signal, and a signal of its own for each endpoint.
      const perEndpoint = [...endpoints.values()].map((endpoint) => ({ endpoint, controller: new AbortController() }))
      const stopAll = () => {
        for (const { controller } of perEndpoint) controller.abort()
      }
      if (signal.aborted) stopAll()
      signal.addEventListener('abort', stopAll, { once: true })
      await Promise.all(perEndpoint.map(({ endpoint, controller }) => runEndpoint(endpoint, owner, controller.signal)))
    },
    async enableEndpoint(endpointId) {
      knownEndpoint(endpointId)
      await ensureMigrated()
      await store.enable(endpointId)
      enableWaiters.get(endpointId)?.()
    },
    async deadLetters(query) {
      await ensureMigrated()
      return store.deadLetters(query)
    },
    async replayDeadLetters(query) {
      const endpoint = knownEndpoint(query.endpointId)
      await ensureMigrated()
      const wanted = query.eventIds === undefined ? undefined : new Set(query.eventIds)
      const letters = (await store.deadLetters({ endpointId: endpoint.id, limit: 1000 })).filter(
        (letter) => (wanted === undefined || wanted.has(letter.eventId)) && letter.body !== '',
      )
      const replays: DeadLetterReplay[] = []
      for (const letter of letters) {
        const outcome = await postWebhook({
          fetch: fetchImpl,
          url: endpoint.url,
          eventId: letter.eventId,
          body: letter.body,
          secret: endpoint.secret,
          timeoutMs: endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS,
          controller: new AbortController(),
        })
        const delivered = outcome.error === null
        if (delivered) await store.removeDeadLetter({ endpointId: endpoint.id, eventId: letter.eventId })
        replays.push({ endpointId: endpoint.id, eventId: letter.eventId, status: outcome.status, error: outcome.error, delivered })
      }
      return replays
    },
  }
}
