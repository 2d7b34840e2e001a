/// <reference lib="dom" />
/**
 * One endpoint's deliveries while this dispatcher holds its lease: events from the
 * source, folded into tickets and rendered in the log's order, POSTed concurrently
 * across tickets and one at a time per ticket, with the low-water mark saved as the
 * oldest unsettled event moves on.
 *
 * @internal
 * @module
 */
import { isTicketError, type TicketEvent } from '../../core/index.js'
import type { TicketService } from '../../service/ticket-service.js'
import { renderWebhookBody } from '../payload/to-webhook.js'
import { ConcurrencyGate, RateLimiter } from './concurrency-gate.js'
import type { DeliveryReport, DispatcherFailure } from './delivery-report.js'
import { type DeliveryRetryPolicy, fullJitterDelay } from './delivery-retry.js'
import type { DeadLetter, DeliveryStore, EndpointLease } from './delivery-store.js'
import { endpointCheckpoint, isFenced } from './endpoint-checkpoint.js'
import type { AcceptedEvent, WebhookEventSource } from './event-source.js'
import { postWebhook, type WebhookFetch } from './post-webhook.js'
import { StopGroup } from './stop-group.js'
import { TicketFoldCache } from './ticket-fold-cache.js'
import { DEFAULT_MAX_IN_FLIGHT, DEFAULT_TIMEOUT_MS, type WebhookEndpoint } from './webhook-endpoint.js'

/** How a session ended: stopped (dispatcher stop or lease lost), the endpoint disabled (410), or fenced out by a newer lease. */
export type SessionEnd = 'stopped' | 'disabled' | 'fenced'

/** What a session needs. */
export interface SessionContext {
  readonly endpoint: WebhookEndpoint
  readonly lease: EndpointLease
  readonly afterId: string | null
  readonly store: DeliveryStore
  readonly source: WebhookEventSource
  readonly service: Pick<TicketService, 'load'>
  readonly fetch: WebhookFetch
  readonly retry: DeliveryRetryPolicy
  readonly cacheSize: number
  readonly maxBuffered: number
  readonly maxBytes: number | undefined
  /** Aborts when the dispatcher stops or the lease is lost. */
  readonly signal: AbortSignal
  readonly onDelivery: ((report: DeliveryReport) => void) | undefined
  readonly onDeadLetter: ((letter: DeadLetter) => void) | undefined
  readonly onError: (error: unknown, failure: DispatcherFailure) => void
}

/** Thrown inside a session when the endpoint stops before an event settled. */
class SessionStopped extends Error {
  constructor() {
    super('The endpoint stopped before the event settled; it will be sent again from the low-water mark.')
    this.name = 'SessionStopped'
  }
}

interface PendingEvent {
  readonly id: string
  done: boolean
}

/** Runs one endpoint until `context.signal` aborts, it is disabled, or its lease is fenced. */
export async function runEndpointSession(context: SessionContext): Promise<SessionEnd> {
  const { endpoint, lease, store, retry } = context
  const endpointId = endpoint.id
  const stop = new AbortController()
  let end = 'stopped' as SessionEnd
  const endWith = (reason: SessionEnd) => {
    if (!stop.signal.aborted) end = reason
    stop.abort()
  }
  const onOuterAbort = () => endWith('stopped')
  if (context.signal.aborted) return 'stopped'
  context.signal.addEventListener('abort', onOuterAbort, { once: true })

  const types = endpoint.types === undefined ? undefined : new Set(endpoint.types)
  const cache = new TicketFoldCache(context.service, context.cacheSize)
  const gate = new ConcurrencyGate(endpoint.maxInFlight ?? DEFAULT_MAX_IN_FLIGHT, stop.signal)
  const group = new StopGroup(stop.signal)
  const limiter = endpoint.rateLimitPerSecond === undefined ? undefined : new RateLimiter(endpoint.rateLimitPerSecond)
  const timeoutMs = endpoint.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const tails = new Map<string, Promise<void>>()

  // The events in hand, in the source's order; the mark is the last of the settled prefix.
  const pending: PendingEvent[] = []
  let head = 0
  let unsettled = 0
  let spaceWaiters: (() => void)[] = []
  const checkpoint = endpointCheckpoint(store, lease)
  let latestMark = context.afterId
  let savedMark = context.afterId
  let saving: Promise<void> | undefined

  const saveMarks = async (): Promise<void> => {
    while (latestMark !== savedMark && latestMark !== null && end !== 'fenced') {
      const target = latestMark
      try {
        await checkpoint.save(target)
        savedMark = target
      } catch (error) {
        if (isFenced(error)) return endWith('fenced')
        // The next settled event tries again; the session's last flush too.
        context.onError(error, { endpointId, stage: 'store' })
        return
      }
    }
  }
  const scheduleSave = () => {
    saving ??= saveMarks().finally(() => {
      saving = undefined
    })
  }

  const settle = (entry: PendingEvent) => {
    entry.done = true
    unsettled--
    let moved = false
    while (head < pending.length && (pending[head] as PendingEvent).done) {
      latestMark = (pending[head] as PendingEvent).id
      head++
      moved = true
    }
    if (head > 1024 && head * 2 > pending.length) {
      pending.splice(0, head)
      head = 0
    }
    if (moved) scheduleSave()
    const waiters = spaceWaiters
    spaceWaiters = []
    for (const wake of waiters) wake()
  }

  const waitForSpace = () =>
    new Promise<void>((resolve) => {
      spaceWaiters.push(resolve)
    })
  stop.signal.addEventListener('abort', () => {
    for (const wake of spaceWaiters) wake()
    spaceWaiters = []
  })

  /** Retries a store write until it answers, or the session stops (then `undefined`). */
  const storeWrite = async <T>(write: () => Promise<T>): Promise<T | undefined> => {
    for (let failures = 1; ; failures++) {
      try {
        return await write()
      } catch (error) {
        context.onError(error, { endpointId, stage: 'store' })
        await group.sleep(Math.min(5000, 50 * 2 ** Math.min(failures, 10)))
        if (stop.signal.aborted) return undefined
      }
    }
  }

  const deadLetter = async (letter: DeadLetter): Promise<void> => {
    const added = await storeWrite(() => store.addDeadLetter({ token: lease.token, letter }))
    if (added === undefined) throw new SessionStopped()
    if (!added) {
      endWith('fenced')
      throw new SessionStopped()
    }
    context.onDeadLetter?.(letter)
  }

  const deliver = async (event: TicketEvent, body: string): Promise<void> => {
    let firstAttemptAt: number | undefined
    for (let attempt = 1; ; attempt++) {
      if (!(await gate.enter())) throw new SessionStopped()
      let outcome: Awaited<ReturnType<typeof postWebhook>>
      try {
        if (limiter !== undefined) await group.sleep(limiter.reserve(Date.now()))
        if (stop.signal.aborted) throw new SessionStopped()
        firstAttemptAt ??= Date.now()
        const request = group.request()
        try {
          outcome = await postWebhook({
            fetch: context.fetch,
            url: endpoint.url,
            eventId: event.id,
            body,
            secret: endpoint.secret,
            timeoutMs,
            controller: request,
          })
        } finally {
          group.done(request)
        }
      } finally {
        gate.leave()
      }
      context.onDelivery?.({ endpointId, eventId: event.id, attempt, ...outcome })
      if (outcome.error === null) return
      if (stop.signal.aborted) throw new SessionStopped()
      if (outcome.status === 410) {
        const disabled = await storeWrite(() =>
          store.disable({ endpointId, token: lease.token, reason: `410 Gone for event ${event.id} at ${new Date().toISOString()}` }),
        )
        endWith(disabled === false ? 'fenced' : 'disabled')
        throw new SessionStopped()
      }
      const delay = fullJitterDelay(retry, attempt)
      if (attempt >= retry.maxAttempts || Date.now() + delay - firstAttemptAt >= retry.maxAgeMs) {
        return deadLetter({
          endpointId,
          eventId: event.id,
          ticketId: event.ticketId,
          type: event.type,
          attempts: attempt,
          lastStatus: outcome.status,
          lastError: outcome.error,
          firstAttemptAt,
          deadAt: Date.now(),
          body,
        })
      }
      await group.sleep(delay)
      if (stop.signal.aborted) throw new SessionStopped()
    }
  }

  /** Runs `work` after the ticket's previous event settled: one event per ticket at a time. */
  const chain = (ticketId: string, work: () => Promise<void>): Promise<void> => {
    const previous = tails.get(ticketId)
    const job = previous === undefined ? work() : previous.then(work)
    tails.set(ticketId, job)
    const forget = () => {
      if (tails.get(ticketId) === job) tails.delete(ticketId)
    }
    job.then(forget, forget)
    return job
  }

  /** Folds the event into its ticket (retrying a store that is unavailable) and renders the body, or says why it cannot. */
  const render = async (event: TicketEvent, wanted: boolean): Promise<{ body: string } | { error: unknown } | undefined> => {
    for (let failures = 1; ; failures++) {
      try {
        const folded = await cache.advance(event)
        if (!wanted) return { body: '' }
        return { body: renderWebhookBody(event, folded, context.maxBytes) }
      } catch (error) {
        if (!(isTicketError(error) && error.code === 'UNAVAILABLE')) {
          context.onError(error, { endpointId, stage: 'render' })
          return { error }
        }
        context.onError(error, { endpointId, stage: 'store' })
        await group.sleep(Math.min(5000, 50 * 2 ** Math.min(failures, 10)))
        if (stop.signal.aborted) return undefined
      }
    }
  }

  const stoppedEvent = (): AcceptedEvent => {
    const settled = Promise.reject(new SessionStopped())
    settled.catch(() => undefined)
    return { settled }
  }

  const accept = async (event: TicketEvent): Promise<AcceptedEvent> => {
    while (unsettled >= context.maxBuffered && !stop.signal.aborted) await waitForSpace()
    if (stop.signal.aborted) return stoppedEvent()
    const wanted = types === undefined || types.has(event.type)
    const rendered = await render(event, wanted)
    if (rendered === undefined) return stoppedEvent()
    const entry: PendingEvent = { id: event.id, done: false }
    pending.push(entry)
    unsettled++
    let job: Promise<void>
    if ('error' in rendered) {
      const error = rendered.error
      const message = error instanceof Error ? error.message : String(error)
      job = chain(event.ticketId, () =>
        deadLetter({
          endpointId,
          eventId: event.id,
          ticketId: event.ticketId,
          type: event.type,
          attempts: 0,
          lastStatus: null,
          lastError: `could not render the webhook: ${message}`,
          firstAttemptAt: Date.now(),
          deadAt: Date.now(),
          body: '',
        }),
      )
    } else if (!wanted) {
      // Skipped events still move the mark, but only once the ticket's earlier events settled.
      job = tails.has(event.ticketId) ? chain(event.ticketId, async () => {}) : Promise.resolve()
    } else {
      const body = rendered.body
      job = chain(event.ticketId, () => deliver(event, body))
    }
    job.then(
      () => settle(entry),
      () => undefined, // stopped: not settled, so the mark stays before it
    )
    return { settled: job }
  }

  try {
    await context.source.follow({
      endpointId,
      afterId: context.afterId,
      ...(endpoint.workspaceId === undefined ? {} : { workspaceId: endpoint.workspaceId }),
      signal: stop.signal,
      accept,
      onError: (error) => context.onError(error, { endpointId, stage: 'read' }),
    })
  } finally {
    stop.abort()
    context.signal.removeEventListener('abort', onOuterAbort)
    await Promise.allSettled([...tails.values()])
    await saving
    if (end !== 'fenced') await saveMarks()
  }
  return end
}
