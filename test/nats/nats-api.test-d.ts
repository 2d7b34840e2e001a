import type { NatsConnection } from '@nats-io/nats-core'
import { describe, expectTypeOf, it } from 'vitest'
import type { TicketEvent, TicketService } from '../../src/index.js'
import {
  type ConsumeJetStreamOptions,
  type ConsumerStopped,
  consumeJetStream,
  type JetStreamDelivery,
  jetStreamEventSource,
  type RelayStopped,
  type RelayToJetStreamOptions,
  relayToJetStream,
} from '../../src/nats/index.js'
import { createWebhookDispatcher, memoryDeliveryStore, type WebhookEventSource } from '../../src/webhooks/index.js'

declare const nats: NatsConnection
declare const service: TicketService

describe('the ticket-events/nats types', () => {
  it('takes the v3 client’s NatsConnection and the ticket service', () => {
    expectTypeOf<RelayToJetStreamOptions['nats']>().toEqualTypeOf<NatsConnection>()
    expectTypeOf(relayToJetStream({ service, nats, stream: 'TICKETS' }).run).returns.toEqualTypeOf<Promise<RelayStopped>>()
    expectTypeOf(consumeJetStream).parameter(0).toEqualTypeOf<ConsumeJetStreamOptions>()
  })

  it('hands the handler a TicketEvent and its delivery, and resolves with the counts', () => {
    consumeJetStream({
      nats,
      stream: 'TICKETS',
      durable: 'worker',
      handler: (event, delivery) => {
        expectTypeOf(event).toEqualTypeOf<TicketEvent>()
        expectTypeOf(delivery).toEqualTypeOf<JetStreamDelivery>()
      },
    })
    expectTypeOf<ReturnType<ReturnType<typeof consumeJetStream>['run']>>().toEqualTypeOf<Promise<ConsumerStopped>>()
  })

  it('makes a misspelled event type or option a compile error', () => {
    // @ts-expect-error: not an event type
    consumeJetStream({ nats, stream: 'TICKETS', durable: 'worker', types: ['ticket:opened'], handler: () => {} })
    // @ts-expect-error: not an option
    relayToJetStream({ service, nats, stream: 'TICKETS', partition: 4 })
    // @ts-expect-error: a subject function returns a string
    relayToJetStream({ service, nats, stream: 'TICKETS', subject: () => 42 })
  })

  it('gives the webhook dispatcher a source, and refuses misspelled options', () => {
    const source = jetStreamEventSource({ nats, stream: 'TICKETS', durable: 'webhooks', partition: 0 })
    expectTypeOf(source).toEqualTypeOf<WebhookEventSource>()
    createWebhookDispatcher({
      service,
      store: memoryDeliveryStore(),
      endpoints: [{ id: 'crm', url: 'https://crm.example.com', secret: 'whsec_x' }],
      source,
    })
    // @ts-expect-error: not an option (it is `partition`)
    jetStreamEventSource({ nats, stream: 'TICKETS', durable: 'webhooks', partitions: 2 })
    // @ts-expect-error: durable is required
    jetStreamEventSource({ nats, stream: 'TICKETS' })
  })
})
