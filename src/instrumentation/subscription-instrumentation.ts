import type { InstrumentationMeter, InstrumentationTracer } from './open-telemetry-types.js'

/** What {@link SubscriptionInstrumentation.onLag} is told after each page of the log the subscription got past. */
export interface SubscriptionLag {
  /** The position saved: every event up to it was handled. */
  readonly afterId: string
  /**
   * How far behind the log the subscription is, in ms: the wall clock now minus the
   * `occurredAt` of the newest event it got past (events carry the service's clock, so
   * a stopped or shifted `ctx.now` shows here).
   */
  readonly lagMs: number
  /** How many events of the page went to the handler (those of other types were skipped). */
  readonly delivered: number
  /** Whether the page was full, so more events are waiting. */
  readonly behind: boolean
}

/** What {@link SubscriptionInstrumentation.onCaughtUp} is told when the subscription reaches the end of the log. */
export interface SubscriptionCaughtUp {
  /** The position saved, or `null` when the log was empty. */
  readonly afterId: string | null
  /** How many events the handler completed in this run so far. */
  readonly delivered: number
}

/**
 * The `instrumentation` option of `subscribe`: OpenTelemetry, plain hooks, or both.
 * Without it the subscription creates no span, counts nothing and calls nothing.
 *
 * With a `tracer`, each page of the log handed to the handler is a span
 * `ticket_events.subscription.batch` (the handler's own spans nest under it). With a
 * `meter`, the counters `ticket_events.subscription.events` and
 * `ticket_events.subscription.retries`, and the histogram `ticket_events.subscription.lag` (ms).
 *
 * A hook that throws is ignored: telemetry never stops a subscription.
 */
export interface SubscriptionInstrumentation {
  /** An OpenTelemetry tracer (`trace.getTracer('ticket-events')`). */
  readonly tracer?: InstrumentationTracer
  /** An OpenTelemetry meter (`metrics.getMeter('ticket-events')`). */
  readonly meter?: InstrumentationMeter
  /** Called after each page of the log the subscription got past (its position was saved). */
  readonly onLag?: (lag: SubscriptionLag) => void
  /**
   * Called when the subscription reaches the end of the log (a page shorter than
   * `batchSize`) after being behind: once at the first catch-up, then once each time it
   * falls behind (a full page) and catches up again, not at every poll.
   */
  readonly onCaughtUp?: (caughtUp: SubscriptionCaughtUp) => void
}
