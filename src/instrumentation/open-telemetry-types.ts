/**
 * The few parts of the OpenTelemetry API that ticket-events calls, declared as structural
 * types so the library depends on nothing optional: a `Tracer` from `trace.getTracer()`
 * and a `Meter` from `metrics.getMeter()` of `@opentelemetry/api` 1.x fit them as they
 * are (a type test proves it), and so does any object with these methods.
 *
 * @module
 */

/** A span or metric attribute value (the scalar part of OpenTelemetry's `AttributeValue`). */
export type InstrumentationAttributeValue = string | number | boolean

/** Span or metric attributes, as OpenTelemetry's `Attributes`. */
export interface InstrumentationAttributes {
  readonly [key: string]: InstrumentationAttributeValue | undefined
}

/** The options ticket-events passes when it starts a span (a subset of OpenTelemetry's `SpanOptions`). */
export interface InstrumentationSpanOptions {
  readonly attributes?: InstrumentationAttributes
}

/** The status ticket-events gives a failed span: `code` 2 is OpenTelemetry's `SpanStatusCode.ERROR`. */
export interface InstrumentationSpanStatus {
  readonly code: number
  readonly message?: string
}

/** The part of an OpenTelemetry `Span` ticket-events calls. */
export interface InstrumentationSpan {
  setAttribute(key: string, value: InstrumentationAttributeValue): unknown
  setStatus(status: InstrumentationSpanStatus): unknown
  recordException(exception: Error | string): void
  end(): void
}

/**
 * The part of an OpenTelemetry `Tracer` ticket-events calls: `startActiveSpan`, so the
 * spans it starts nest under the caller's active span (an HTTP request's, say), and its
 * own child spans nest under them. Nesting needs the context manager the OpenTelemetry
 * SDK registers (`AsyncLocalStorageContextManager` on Node); without one every span is a root.
 */
export interface InstrumentationTracer {
  startActiveSpan<F extends (span: InstrumentationSpan) => unknown>(name: string, options: InstrumentationSpanOptions, fn: F): ReturnType<F>
}

/** The options ticket-events passes when it creates an instrument (a subset of OpenTelemetry's `MetricOptions`). */
export interface InstrumentationMetricOptions {
  readonly description?: string
  readonly unit?: string
}

/** The part of an OpenTelemetry `Counter` ticket-events calls. */
export interface InstrumentationCounter {
  add(value: number, attributes?: InstrumentationAttributes): void
}

/** The part of an OpenTelemetry `Histogram` ticket-events calls. */
export interface InstrumentationHistogram {
  record(value: number, attributes?: InstrumentationAttributes): void
}

/** The part of an OpenTelemetry `Meter` ticket-events calls. Instruments are created once, when the service or subscription is. */
export interface InstrumentationMeter {
  createCounter(name: string, options?: InstrumentationMetricOptions): InstrumentationCounter
  createHistogram(name: string, options?: InstrumentationMetricOptions): InstrumentationHistogram
}
