import { describe, expectTypeOf, it } from 'vitest'
import type { TicketEvent } from '../../src/core/model/event.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import { type SubscriptionStopped, subscribe } from '../../src/subscriptions/index.js'

declare const service: TicketService
declare const signal: AbortSignal

describe('subscribe types', () => {
  it('types the handler by the batch flag', () => {
    void subscribe({
      service,
      signal,
      handler: (event, context) => {
        expectTypeOf(event).toEqualTypeOf<TicketEvent>()
        expectTypeOf(context.attempt).toEqualTypeOf<number>()
      },
    })
    void subscribe({
      service,
      signal,
      batch: true,
      handler: (events) => {
        expectTypeOf(events).toEqualTypeOf<readonly TicketEvent[]>()
      },
    })
  })

  it('returns a promise of how it stopped', () => {
    expectTypeOf(subscribe({ service, signal, handler: () => {} })).toEqualTypeOf<Promise<SubscriptionStopped>>()
  })

  it('requires a signal', () => {
    // @ts-expect-error a subscription without a signal could never be stopped
    void subscribe({ service, handler: () => {} })
  })
})
