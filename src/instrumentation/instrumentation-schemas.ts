import * as z from 'zod/mini'
import type { InstrumentationMeter, InstrumentationTracer } from './open-telemetry-types.js'

const hasMethods =
  (...methods: readonly string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function')

const hook = z.custom<(info: never) => void>((value: unknown) => typeof value === 'function', { error: 'Expected a function' })

const tracer = z.custom<InstrumentationTracer>(hasMethods('startActiveSpan'), {
  error: 'Expected an OpenTelemetry Tracer (an object with startActiveSpan)',
})

const meter = z.custom<InstrumentationMeter>(hasMethods('createCounter', 'createHistogram'), {
  error: 'Expected an OpenTelemetry Meter (an object with createCounter and createHistogram)',
})

/** The `instrumentation` option of `createTicketService`. @internal */
export const serviceInstrumentationSchema = z.strictObject({
  tracer: z.optional(tracer),
  meter: z.optional(meter),
  onRetry: z.optional(hook),
  onAppend: z.optional(hook),
})

/** The `instrumentation` option of `subscribe`. @internal */
export const subscriptionInstrumentationSchema = z.strictObject({
  tracer: z.optional(tracer),
  meter: z.optional(meter),
  onLag: z.optional(hook),
  onCaughtUp: z.optional(hook),
})
