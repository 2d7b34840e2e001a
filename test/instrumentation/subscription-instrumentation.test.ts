import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SubscriptionCaughtUp, SubscriptionLag } from '../../src/instrumentation/index.js'
import { createTicketService } from '../../src/service/index.js'
import type { TicketService } from '../../src/service/ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import { subscribe } from '../../src/subscriptions/index.js'
import { ALICE, createCommand, uuid } from '../service/service-fixtures.js'
import { type OpenTelemetryHarness, openTelemetry, parentOf } from '../support/open-telemetry.js'

let otel: OpenTelemetryHarness
let service: TicketService
beforeEach(() => {
  otel = openTelemetry()
  service = createTicketService({ store: memoryStore() })
})
afterEach(async () => {
  await service.close()
  await otel.shutdown()
})

/** Creates `count` tickets and takes each over: 4 events per ticket. */
async function appendTickets(count: number, first = 0): Promise<number> {
  for (let n = first; n < first + count; n++) {
    await service.execute(uuid(9, n), createCommand())
    await service.execute(uuid(9, n), { type: 'takeover', assigneeId: ALICE })
  }
  return (await service.events({ limit: 1000 })).result.length
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 1))
}

describe('subscribe with instrumentation', () => {
  it('traces each page as a span the handler’s spans nest under, and counts the events it delivered', async () => {
    const total = await appendTickets(3)
    const controller = new AbortController()
    let seen = 0
    await subscribe({
      service,
      batchSize: 5,
      pollIntervalMs: 1,
      signal: controller.signal,
      instrumentation: { tracer: otel.tracer, meter: otel.meter },
      handler: (event) =>
        otel.tracer.startActiveSpan('handle event', (span) => {
          span.setAttribute('event.id', event.id)
          span.end()
          if (++seen === total) controller.abort()
        }),
    })

    const batches = otel.spansNamed('ticket_events.subscription.batch')
    expect(batches.map((span) => span.attributes['ticket_events.subscription.events_delivered'])).toEqual([5, 5, total - 10])
    const handled = otel.spansNamed('handle event')
    expect(handled).toHaveLength(total)
    const batchIds = new Set(batches.map((span) => span.spanContext().spanId))
    expect(handled.every((span) => batchIds.has(parentOf(span) ?? ''))).toBe(true)
    expect(await otel.counted('ticket_events.subscription.events')).toBe(total)
    const [lag] = await otel.points('ticket_events.subscription.lag')
    expect(lag?.value).toMatchObject({ count: 3 })
  })

  it('reports lag after every page and caught-up once per catch-up, not at every poll', async () => {
    await appendTickets(2)
    const controller = new AbortController()
    const lags: SubscriptionLag[] = []
    const caughtUp: SubscriptionCaughtUp[] = []
    let polls = 0
    // Set when the subscription first catches up: reads wait for these appends, so it
    // falls behind by whole pages, never by a page that is still being written.
    let appending: Promise<unknown> = Promise.resolve()
    const counting: Pick<TicketService, 'events'> = {
      events: async (query) => {
        await appending
        polls++
        return service.events(query)
      },
    }
    const running = subscribe({
      service: counting,
      batchSize: 4,
      pollIntervalMs: 1,
      signal: controller.signal,
      instrumentation: {
        onLag: (lag) => lags.push(lag),
        onCaughtUp: (info) => {
          caughtUp.push(info)
          if (caughtUp.length === 1) appending = appendTickets(2, 10)
        },
      },
      handler: () => undefined,
    })
    await until(() => caughtUp.length === 2)
    const pollsAtSecondCatchUp = polls
    await until(() => polls >= pollsAtSecondCatchUp + 3)
    controller.abort()
    const stopped = await running

    expect(caughtUp).toHaveLength(2)
    expect(caughtUp[0]?.delivered).toBe(8)
    expect(caughtUp[1]).toEqual({ afterId: stopped.afterId, delivered: 16 })
    expect(lags.map((lag) => lag.delivered).reduce((sum, n) => sum + n, 0)).toBe(16)
    expect(lags.every((lag) => lag.lagMs >= 0)).toBe(true)
    expect(lags.at(-1)?.afterId).toBe(stopped.afterId)
  })

  it('counts the retries of a failing handler by stage', async () => {
    await appendTickets(1)
    const controller = new AbortController()
    let failures = 2
    await subscribe({
      service,
      batch: true,
      pollIntervalMs: 1,
      retry: { initialDelayMs: 1, maxDelayMs: 2 },
      signal: controller.signal,
      instrumentation: { meter: otel.meter },
      handler: () => {
        if (failures-- > 0) throw new Error('the search index is down')
        controller.abort()
      },
    })

    expect(await otel.points('ticket_events.subscription.retries')).toMatchObject([
      { attributes: { 'ticket_events.subscription.stage': 'handler' }, value: 2 },
    ])
  })

  it('refuses malformed instrumentation with VALIDATION', async () => {
    await expect(
      subscribe({
        service,
        signal: new AbortController().signal,
        handler: () => undefined,
        instrumentation: { onLagg: () => undefined } as never,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION' })
  })
})
