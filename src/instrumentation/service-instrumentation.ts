import type { TicketError } from '../core/errors/ticket-error.js'
import type { Command } from '../core/model/command.js'
import type { TicketEvent } from '../core/model/event.js'
import type { InstrumentationMeter, InstrumentationTracer } from './open-telemetry-types.js'

/** Which service call a retry belongs to. */
export type InstrumentedOperation = 'execute' | 'load' | 'audits' | 'events' | 'list'

/** What {@link ServiceInstrumentation.onRetry} is told before the service waits and tries again. */
export interface RetryInfo {
  readonly operation: InstrumentedOperation
  /** The ticket, for `execute` and `load`. */
  readonly ticketId?: string
  /** The command's type, for `execute`. */
  readonly commandType?: Command['type']
  /** `conflict`: another writer appended first (`CONCURRENCY`); `unavailable`: the store failed (`UNAVAILABLE`). */
  readonly reason: 'conflict' | 'unavailable'
  /** 1 for the first retry of this call and reason, 2 for the next, … */
  readonly retry: number
  /** How long the service waits before the retry, in ms. */
  readonly delayMs: number
  readonly error: TicketError
}

/** What {@link ServiceInstrumentation.onAppend} is told after a command's events were stored. */
export interface AppendInfo {
  readonly ticketId: string
  readonly workspaceId: string
  readonly commandType: Command['type']
  /** The events stored, in order (the same objects `execute` returns). */
  readonly events: readonly TicketEvent[]
  /** The ticket's version after the append. */
  readonly version: number
  /** How long the store's `append` took, in ms. */
  readonly durationMs: number
}

/**
 * The `instrumentation` option of `createTicketService`: OpenTelemetry, plain hooks, or both.
 * Without it the service creates no span, counts nothing and calls nothing (a bench in
 * `bench/instrumentation.ts` measures the difference).
 *
 * With a `tracer`, each `execute` is a span `ticket_events.execute` whose children are
 * `ticket_events.execute.find_command` (with `meta.commandId`),
 * `ticket_events.execute.load` (when the cached state is missing or unconfirmed),
 * `ticket_events.execute.decide` and `ticket_events.execute.append`, once per attempt;
 * `load`, `events` and `list` are spans `ticket_events.load`, `ticket_events.events` and
 * `ticket_events.list`. With a `meter`, the counters
 * `ticket_events.retries`, `ticket_events.conflicts`, `ticket_events.cache.hits`,
 * `ticket_events.cache.misses` and `ticket_events.events.appended` (see docs/observability.md).
 *
 * A hook that throws is ignored: telemetry never fails a command.
 *
 * @example
 * ```ts
 * import { metrics, trace } from '@opentelemetry/api'
 *
 * const tickets = createTicketService({
 *   store,
 *   instrumentation: {
 *     tracer: trace.getTracer('ticket-events'),
 *     meter: metrics.getMeter('ticket-events'),
 *     onRetry: ({ reason, retry, ticketId }) => log.warn({ reason, retry, ticketId }, 'retrying a command'),
 *   },
 * })
 * ```
 */
export interface ServiceInstrumentation {
  /** An OpenTelemetry tracer (`trace.getTracer('ticket-events')`). */
  readonly tracer?: InstrumentationTracer
  /** An OpenTelemetry meter (`metrics.getMeter('ticket-events')`). */
  readonly meter?: InstrumentationMeter
  /** Called before each retry of a call, after a conflict or while the store is unavailable. */
  readonly onRetry?: (info: RetryInfo) => void
  /** Called after each append that stored events (a no-op or a repeated command id appends nothing). */
  readonly onAppend?: (info: AppendInfo) => void
}
