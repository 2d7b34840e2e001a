/**
 * The webhook dispatcher's and receiver's options are typed: a misspelt option or a
 * wrong type is a compile error.
 */
import { describe, expectTypeOf, it } from 'vitest'
import type { TicketService } from '../../src/service/ticket-service.js'
import {
  createWebhookDispatcher,
  createWebhookReceiver,
  type DedupeStore,
  type DeliveryReport,
  type DeliveryStore,
  type WebhookDispatcher,
  type WebhookEndpoint,
  type WebhookPayload,
} from '../../src/webhooks/index.js'

declare const service: TicketService
declare const store: DeliveryStore
declare const dedupe: DedupeStore
const endpoint: WebhookEndpoint = { id: 'crm', url: 'https://crm.example.com/hooks', secret: 'whsec_MTIz' }

describe('createWebhookDispatcher', () => {
  it('takes typed endpoints and reports', () => {
    const dispatcher = createWebhookDispatcher({
      service,
      store,
      endpoints: [endpoint],
      onDelivery: (report) => expectTypeOf(report).toEqualTypeOf<DeliveryReport>(),
    })
    expectTypeOf(dispatcher).toEqualTypeOf<WebhookDispatcher>()
    expectTypeOf(dispatcher.run).parameter(0).toEqualTypeOf<AbortSignal>()
  })

  it('refuses misspelt endpoint options', () => {
    // @ts-expect-error maxInflight is spelt maxInFlight
    const misspelt: WebhookEndpoint = { ...endpoint, maxInflight: 4 }
    // @ts-expect-error timeoutMs is a number of milliseconds
    const wrongType: WebhookEndpoint = { ...endpoint, timeoutMs: '10s' }
    void [misspelt, wrongType]
  })

  it('refuses a retry option it does not have', () => {
    // @ts-expect-error the dispatcher's retry has maxAttempts, not attempts
    createWebhookDispatcher({ service, store, endpoints: [endpoint], retry: { attempts: 3 } })
  })
})

describe('createWebhookReceiver', () => {
  it('hands the handler the payload type, and answers with a Response', () => {
    const receive = createWebhookReceiver({
      secret: 'whsec_MTIz',
      store: dedupe,
      handler: (delivery) => expectTypeOf(delivery).toEqualTypeOf<WebhookPayload>(),
    })
    expectTypeOf(receive).returns.toEqualTypeOf<Promise<Response>>()
  })

  it('refuses a misspelt hook', () => {
    // @ts-expect-error onDeadletter is spelt onDeadLetter
    createWebhookReceiver({ secret: 'whsec_MTIz', store: dedupe, handler: () => {}, onDeadletter: () => {} })
  })
})
