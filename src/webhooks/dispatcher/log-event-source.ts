import type { TicketService } from '../../service/ticket-service.js'
import type { SubscriptionRetryOptions } from '../../subscriptions/retry-policy.js'
import { subscribe } from '../../subscriptions/subscribe.js'
import type { WebhookEventSource } from './event-source.js'

/** Options of {@link logEventSource}. */
export interface LogEventSourceOptions {
  /** How long to wait before reading again once caught up, in ms (default 1000). */
  readonly pollIntervalMs?: number
  /** Events read per query, 1..1000 (default 100). */
  readonly batchSize?: number
  /** Backoff for failing reads (default: forever, 100 ms doubling to 30 s). */
  readonly retry?: SubscriptionRetryOptions
}

/**
 * The dispatcher's default event source: a catch-up {@link subscribe} over the service's
 * event log, from the endpoint's low-water mark. It keeps no position of its own (the
 * dispatcher's store does), and retries failing reads until stopped.
 *
 * @example
 * ```ts
 * createWebhookDispatcher({ service, store, endpoints, source: logEventSource(service, { pollIntervalMs: 200 }) })
 * ```
 */
export function logEventSource(service: Pick<TicketService, 'events'>, options: LogEventSourceOptions = {}): WebhookEventSource {
  return {
    async follow({ afterId, workspaceId, signal, accept, onError }) {
      await subscribe({
        service,
        ...(afterId === null ? {} : { afterId }),
        ...(workspaceId === undefined ? {} : { workspaceId }),
        ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
        ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
        retry: { maxAttempts: Number.POSITIVE_INFINITY, ...options.retry },
        signal,
        onError: (error) => onError(error),
        handler: async (event) => {
          await accept(event)
        },
      })
    },
  }
}
