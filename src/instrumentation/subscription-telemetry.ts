import type { TicketEvent } from '../core/model/event.js'
import { callHook, inSpan } from './in-span.js'
import type {
  InstrumentationCounter,
  InstrumentationHistogram,
  InstrumentationSpan,
  InstrumentationTracer,
} from './open-telemetry-types.js'
import type { SubscriptionCaughtUp, SubscriptionInstrumentation, SubscriptionLag } from './subscription-instrumentation.js'

/** The span and instrument names of a subscription. */
export const SUBSCRIPTION_TELEMETRY = {
  batch: 'ticket_events.subscription.batch',
  events: 'ticket_events.subscription.events',
  retries: 'ticket_events.subscription.retries',
  lag: 'ticket_events.subscription.lag',
} as const

// The core entries compile without DOM or Node typings; Date.now() is enough for a lag in ms.
const wallClock = (): number => Date.now()

/**
 * What a subscription tells its instrumentation. `subscribe` holds `undefined` instead
 * when it has none.
 *
 * @internal
 */
export class SubscriptionTelemetry {
  readonly #tracer: InstrumentationTracer | undefined
  readonly #hooks: SubscriptionInstrumentation
  readonly #events: InstrumentationCounter | undefined
  readonly #retries: InstrumentationCounter | undefined
  readonly #lag: InstrumentationHistogram | undefined
  /** Whether the last page read reached the end of the log (none has at the start). */
  #caughtUp = false

  constructor(instrumentation: SubscriptionInstrumentation) {
    this.#tracer = instrumentation.tracer
    this.#hooks = instrumentation
    const meter = instrumentation.meter
    this.#events = meter?.createCounter(SUBSCRIPTION_TELEMETRY.events, {
      description: 'Events a subscription handed to its handler',
      unit: '{event}',
    })
    this.#retries = meter?.createCounter(SUBSCRIPTION_TELEMETRY.retries, {
      description: 'Retries of a failing handler, read or checkpoint save',
      unit: '{retry}',
    })
    this.#lag = meter?.createHistogram(SUBSCRIPTION_TELEMETRY.lag, {
      description: 'How far behind the log a subscription is: now minus the occurredAt of the newest event it got past',
      unit: 'ms',
    })
  }

  /** Runs the handling of one page in a span when there is a tracer. */
  batch<T>(page: readonly TicketEvent[], delivered: number, work: (span: InstrumentationSpan | undefined) => Promise<T>): Promise<T> {
    if (this.#tracer === undefined) return work(undefined)
    return inSpan(
      this.#tracer,
      SUBSCRIPTION_TELEMETRY.batch,
      {
        'ticket_events.subscription.events_read': page.length,
        'ticket_events.subscription.events_delivered': delivered,
        'ticket_events.subscription.first_event_id': page[0]?.id,
        'ticket_events.subscription.last_event_id': page.at(-1)?.id,
      },
      work,
    )
  }

  retry(stage: 'handler' | 'read' | 'checkpoint'): void {
    this.#retries?.add(1, { 'ticket_events.subscription.stage': stage })
  }

  /** After a page was got past: its events counted, the lag measured and reported. */
  passed(last: TicketEvent, delivered: number, behind: boolean, span: InstrumentationSpan | undefined): void {
    const lagMs = Math.max(0, wallClock() - Date.parse(last.occurredAt))
    if (delivered > 0) this.#events?.add(delivered)
    this.#lag?.record(lagMs)
    span?.setAttribute('ticket_events.subscription.lag_ms', lagMs)
    const lag: SubscriptionLag = { afterId: last.id, lagMs, delivered, behind }
    callHook(this.#hooks.onLag, lag)
  }

  /**
   * After each page was dealt with (`atEnd`: it was shorter than a batch, so the log has
   * no more): tells `onCaughtUp` when the subscription went from behind to the end.
   */
  pageDone(atEnd: boolean, caughtUp: () => SubscriptionCaughtUp): void {
    if (atEnd && !this.#caughtUp) callHook(this.#hooks.onCaughtUp, caughtUp())
    this.#caughtUp = atEnd
  }
}

/** A subscription's telemetry, or `undefined` when it has no instrumentation. @internal */
export function subscriptionTelemetry(instrumentation: SubscriptionInstrumentation | undefined): SubscriptionTelemetry | undefined {
  return instrumentation === undefined ? undefined : new SubscriptionTelemetry(instrumentation)
}
