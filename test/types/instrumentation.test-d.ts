import { metrics, trace } from '@opentelemetry/api'
import { describe, expectTypeOf, it } from 'vitest'
import {
  type AppendInfo,
  createTicketService,
  type InstrumentationMeter,
  type InstrumentationTracer,
  type RetryInfo,
  type ServiceInstrumentation,
  type SubscriptionInstrumentation,
  subscribe,
} from '../../src/index.js'
import { memoryStore } from '../../src/stores/memory/index.js'

describe('the instrumentation option types', () => {
  it("takes @opentelemetry/api's Tracer and Meter as they are", () => {
    expectTypeOf(trace.getTracer('ticket-events')).toExtend<InstrumentationTracer>()
    expectTypeOf(metrics.getMeter('ticket-events')).toExtend<InstrumentationMeter>()
    createTicketService({
      store: memoryStore(),
      instrumentation: { tracer: trace.getTracer('ticket-events'), meter: metrics.getMeter('ticket-events') },
    })
    subscribe({
      service: createTicketService({ store: memoryStore() }),
      signal: new AbortController().signal,
      handler: () => undefined,
      instrumentation: { tracer: trace.getTracer('ticket-events'), meter: metrics.getMeter('ticket-events') },
    })
  })

  it('types the hooks, so a misspelt hook or field fails to compile', () => {
    expectTypeOf<ServiceInstrumentation['onRetry']>().toEqualTypeOf<((info: RetryInfo) => void) | undefined>()
    expectTypeOf<ServiceInstrumentation['onAppend']>().toEqualTypeOf<((info: AppendInfo) => void) | undefined>()
    expectTypeOf<RetryInfo['reason']>().toEqualTypeOf<'conflict' | 'unavailable'>()
    // @ts-expect-error onRetries is not a hook
    const misspelt: ServiceInstrumentation = { onRetries: () => undefined }
    // @ts-expect-error a subscription has onLag, not onAppend
    const wrongHook: SubscriptionInstrumentation = { onAppend: () => undefined }
    const readsFields: ServiceInstrumentation = {
      // @ts-expect-error RetryInfo has no `attempt` (it is `retry`)
      onRetry: (info) => info.attempt,
    }
    expectTypeOf(misspelt).toBeObject()
    expectTypeOf(wrongHook).toBeObject()
    expectTypeOf(readsFields).toBeObject()
  })
})
