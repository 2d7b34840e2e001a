import { isTicketError } from '../core/errors/ticket-error.js'
import type { InstrumentationAttributes, InstrumentationSpan, InstrumentationTracer } from './open-telemetry-types.js'

/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const SPAN_STATUS_ERROR = 2

/**
 * Runs `work` inside an active span named `name`, ending the span when `work` returns or,
 * for a promise, settles. A failure marks the span: status ERROR, the exception recorded,
 * and `error.type` set to the `TicketError` code (OpenTelemetry's convention for the kind
 * of error), so a dashboard can tell a conflict from an outage without parsing messages.
 *
 * @internal
 */
export function inSpan<T>(
  tracer: InstrumentationTracer,
  name: string,
  attributes: InstrumentationAttributes,
  work: (span: InstrumentationSpan) => T,
): T {
  return tracer.startActiveSpan(name, { attributes }, (span: InstrumentationSpan): T => {
    let result: T
    try {
      result = work(span)
    } catch (error) {
      markFailed(span, error)
      span.end()
      throw error
    }
    if (!isPromiseLike(result)) {
      span.end()
      return result
    }
    return result.then(
      (value) => {
        span.end()
        return value
      },
      (error: unknown) => {
        markFailed(span, error)
        span.end()
        throw error
      },
    ) as T
  })
}

/** Marks `span` as failed with `error`. */
export function markFailed(span: InstrumentationSpan, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error)
  span.setAttribute('error.type', isTicketError(error) ? error.code : error instanceof Error ? error.name : 'unknown')
  span.recordException(error instanceof Error ? error : message)
  span.setStatus({ code: SPAN_STATUS_ERROR, message })
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function'
}

/**
 * Calls a user's hook, ignoring what it throws: telemetry must never fail the work it
 * observes (nor leave a half-written append looking failed).
 *
 * @internal
 */
export function callHook<A>(hook: ((info: A) => void) | undefined, info: A): void {
  if (hook === undefined) return
  try {
    hook(info)
  } catch {
    // Deliberately ignored: see above.
  }
}
