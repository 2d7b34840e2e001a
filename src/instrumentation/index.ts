/**
 * Telemetry for the ticket service and subscriptions: the `instrumentation` options of
 * `createTicketService` and `subscribe`, taking an OpenTelemetry tracer and meter
 * (structural types: nothing here imports `@opentelemetry/api`) or plain hooks.
 *
 * @module
 */
export type {
  InstrumentationAttributes,
  InstrumentationAttributeValue,
  InstrumentationCounter,
  InstrumentationHistogram,
  InstrumentationMeter,
  InstrumentationMetricOptions,
  InstrumentationSpan,
  InstrumentationSpanOptions,
  InstrumentationSpanStatus,
  InstrumentationTracer,
} from './open-telemetry-types.js'
export type { AppendInfo, InstrumentedOperation, RetryInfo, ServiceInstrumentation } from './service-instrumentation.js'
export type { SubscriptionCaughtUp, SubscriptionInstrumentation, SubscriptionLag } from './subscription-instrumentation.js'
