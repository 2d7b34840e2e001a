import { callHook, inSpan } from './in-span.js'
import type {
  InstrumentationAttributes,
  InstrumentationCounter,
  InstrumentationSpan,
  InstrumentationTracer,
} from './open-telemetry-types.js'
import type { AppendInfo, RetryInfo, ServiceInstrumentation } from './service-instrumentation.js'

/** The span names of the ticket service. */
export const SERVICE_SPANS = {
  execute: 'ticket_events.execute',
  /** Children of `execute`, once per attempt. */
  findCommand: 'ticket_events.execute.find_command',
  executeLoad: 'ticket_events.execute.load',
  decide: 'ticket_events.execute.decide',
  append: 'ticket_events.execute.append',
  load: 'ticket_events.load',
  audits: 'ticket_events.audits',
  events: 'ticket_events.events',
  list: 'ticket_events.list',
} as const

/** The counter names of the ticket service. */
export const SERVICE_COUNTERS = {
  retries: 'ticket_events.retries',
  conflicts: 'ticket_events.conflicts',
  cacheHits: 'ticket_events.cache.hits',
  cacheMisses: 'ticket_events.cache.misses',
  eventsAppended: 'ticket_events.events.appended',
} as const

/**
 * What the service tells its instrumentation. The service holds `undefined` instead when
 * it has none, and tests that before each call, so an uninstrumented service pays a
 * comparison per step and nothing else.
 *
 * @internal
 */
export class ServiceTelemetry {
  readonly #tracer: InstrumentationTracer | undefined
  readonly #hooks: ServiceInstrumentation
  readonly #retries: InstrumentationCounter | undefined
  readonly #conflicts: InstrumentationCounter | undefined
  readonly #cacheHits: InstrumentationCounter | undefined
  readonly #cacheMisses: InstrumentationCounter | undefined
  readonly #eventsAppended: InstrumentationCounter | undefined
  /** Whether `onAppend` wants the append timed (the clock is read only then). */
  readonly timesAppends: boolean

  constructor(instrumentation: ServiceInstrumentation) {
    this.#tracer = instrumentation.tracer
    this.#hooks = instrumentation
    this.timesAppends = instrumentation.onAppend !== undefined
    const meter = instrumentation.meter
    this.#retries = meter?.createCounter(SERVICE_COUNTERS.retries, {
      description: 'Calls retried after a conflict or while the store was unavailable',
      unit: '{retry}',
    })
    this.#conflicts = meter?.createCounter(SERVICE_COUNTERS.conflicts, {
      description: 'Appends refused because another writer appended first (CONCURRENCY)',
      unit: '{conflict}',
    })
    this.#cacheHits = meter?.createCounter(SERVICE_COUNTERS.cacheHits, {
      description: 'Commands decided on the state the service had cached',
      unit: '{command}',
    })
    this.#cacheMisses = meter?.createCounter(SERVICE_COUNTERS.cacheMisses, {
      description: 'Commands for which the service had no usable cached state',
      unit: '{command}',
    })
    this.#eventsAppended = meter?.createCounter(SERVICE_COUNTERS.eventsAppended, {
      description: 'Events stored by execute',
      unit: '{event}',
    })
  }

  /** Runs `work` in a span when there is a tracer; otherwise just runs it. */
  span<T>(name: string, attributes: InstrumentationAttributes, work: (span: InstrumentationSpan | undefined) => T): T {
    return this.#tracer === undefined ? work(undefined) : inSpan(this.#tracer, name, attributes, work)
  }

  cacheLookup(hit: boolean): void {
    ;(hit ? this.#cacheHits : this.#cacheMisses)?.add(1)
  }

  conflict(): void {
    this.#conflicts?.add(1)
  }

  retry(info: RetryInfo): void {
    this.#retries?.add(1, { 'ticket_events.operation': info.operation, 'ticket_events.retry.reason': info.reason })
    callHook(this.#hooks.onRetry, info)
  }

  appended(info: AppendInfo): void {
    this.#eventsAppended?.add(info.events.length, { 'ticket_events.command.type': info.commandType })
    callHook(this.#hooks.onAppend, info)
  }
}

/** The service's telemetry, or `undefined` when it has no instrumentation. @internal */
export function serviceTelemetry(instrumentation: ServiceInstrumentation | undefined): ServiceTelemetry | undefined {
  return instrumentation === undefined ? undefined : new ServiceTelemetry(instrumentation)
}
