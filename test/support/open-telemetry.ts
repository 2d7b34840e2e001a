/**
 * The OpenTelemetry SDK, set up in memory: a tracer whose finished spans land in the
 * SDK's `InMemorySpanExporter`, and a meter read by a `MetricReader` on demand. The
 * context manager Node's SDK registers (`AsyncLocalStorageContextManager`) is enabled, so
 * spans nest exactly as they would in an application.
 */
import { context, type Meter, type Tracer } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { AggregationTemporality, type DataPoint, type Histogram, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { BasicTracerProvider, InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'

/** A reader that exports nothing: the test collects when it wants to look. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE })
  }
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

export interface OpenTelemetryHarness {
  readonly tracer: Tracer
  readonly meter: Meter
  /** The spans ended so far, in the order they ended. */
  spans(): ReadableSpan[]
  /** The spans named `name`. */
  spansNamed(name: string): ReadableSpan[]
  /** The data points of the metric named `name` (empty when it was never recorded). */
  points(name: string): Promise<DataPoint<number | Histogram>[]>
  /** The sum of a counter's data points (0 when it was never incremented). */
  counted(name: string): Promise<number>
  shutdown(): Promise<void>
}

let contextManager: AsyncLocalStorageContextManager | undefined

export function openTelemetry(): OpenTelemetryHarness {
  if (contextManager === undefined) {
    contextManager = new AsyncLocalStorageContextManager().enable()
    context.setGlobalContextManager(contextManager)
  }
  const exporter = new InMemorySpanExporter()
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
  const reader = new OnDemandReader()
  const meterProvider = new MeterProvider({ readers: [reader] })
  const points = async (name: string): Promise<DataPoint<number | Histogram>[]> => {
    const { resourceMetrics } = await reader.collect()
    const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((found) => found.descriptor.name === name)
    return (metric?.dataPoints ?? []) as DataPoint<number | Histogram>[]
  }
  return {
    tracer: tracerProvider.getTracer('ticket-events-test'),
    meter: meterProvider.getMeter('ticket-events-test'),
    spans: () => exporter.getFinishedSpans(),
    spansNamed: (name) => exporter.getFinishedSpans().filter((span) => span.name === name),
    points,
    async counted(name) {
      return (await points(name)).reduce((sum, point) => sum + (point.value as number), 0)
    },
    async shutdown() {
      await tracerProvider.shutdown()
      await meterProvider.shutdown()
    },
  }
}

/** The id of the span `span` is a child of, or `undefined` for a root span. */
export function parentOf(span: ReadableSpan): string | undefined {
  return span.parentSpanContext?.spanId
}
