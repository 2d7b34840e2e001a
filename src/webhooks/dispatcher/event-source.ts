/**
 * The seam the dispatcher reads events through. The default follows the store's log
 * with `subscribe` ({@link logEventSource}); another source (a NATS JetStream consumer,
 * say) only has to hand events over in the log's order for each ticket.
 *
 * @module
 */
import type { TicketEvent } from '../../core/index.js'

/** What the dispatcher answers when it takes an event. */
export interface AcceptedEvent {
  /**
   * Resolves once the event is settled for this endpoint: delivered, skipped by the
   * endpoint's `types`, or recorded as a dead letter. Rejects when the endpoint stopped
   * before that (the dispatcher was stopped, lost its lease, or the endpoint was
   * disabled): the event will be sent again from the endpoint's low-water mark.
   * A source that acknowledges messages acknowledges here.
   */
  readonly settled: Promise<void>
}

/** What the dispatcher asks of a source, once per endpoint and lease. */
export interface WebhookEventSourceRequest {
  /**
   * The endpoint the events are for. A source that keeps a position of its own (a
   * JetStream durable consumer) keeps one per endpoint, since endpoints move on
   * independently.
   */
  readonly endpointId: string
  /** Start after this event id (the endpoint's low-water mark), or at the beginning when `null`. */
  readonly afterId: string | null
  /** Only this workspace's events, when the endpoint names one. */
  readonly workspaceId?: string
  /** Stop when this aborts: `follow` should then resolve soon. */
  readonly signal: AbortSignal
  /**
   * Hands over the next event. Await it before handing over the next one: it waits while
   * the endpoint has as many events in hand as it may buffer. Resolves (never rejects)
   * also when the endpoint stops.
   */
  readonly accept: (event: TicketEvent) => Promise<AcceptedEvent>
  /** Told about a failure the source retries by itself (for logs and metrics). */
  readonly onError: (error: unknown) => void
}

/**
 * Where a dispatcher reads events from. Events of one ticket must come in version order
 * (the log's order); events of different tickets may interleave in any order.
 */
export interface WebhookEventSource {
  /** Hands over events after `request.afterId` until `request.signal` aborts; rejects on a failure it cannot retry. */
  follow(request: WebhookEventSourceRequest): Promise<void>
}
