/**
 * Whatever the log and whichever POSTs fail, the dispatcher delivers each ticket's events
 * in version order, settles every event exactly once (delivered or dead-lettered), and
 * leaves the low-water mark on the last event. The endpoint here is a `fetch` function
 * that answers at once (the real-HTTP tests are in webhook-dispatcher.test.ts), so that
 * many logs and failure patterns can be tried.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { TicketEvent } from '../../src/core/index.js'
import { createTicketService } from '../../src/service/create-ticket-service.js'
import { memoryStore } from '../../src/stores/memory/index.js'
import {
  createWebhookDispatcher,
  generateWebhookSecret,
  memoryDeliveryStore,
  type WebhookEventSource,
  type WebhookFetch,
} from '../../src/webhooks/index.js'
import { moreActivity, ticketWithActivity } from './support/ticket-activity.js'

const secret = generateWebhookSecret()

/** A source over a fixed log that resolves `drained` once every event it handed over has settled. */
function arraySource(log: readonly TicketEvent[], drained: () => void): WebhookEventSource {
  return {
    async follow({ afterId, signal, accept }) {
      const start = afterId === null ? 0 : log.findIndex((event) => event.id === afterId) + 1
      const settling: Promise<void>[] = []
      for (const event of log.slice(start)) settling.push((await accept(event)).settled)
      await Promise.allSettled(settling)
      drained()
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
    },
  }
}

describe('createWebhookDispatcher (property)', () => {
  it('delivers in order per ticket and settles every event once, whatever fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat({ max: 3 }), { minLength: 0, maxLength: 6 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 4 }),
        async (ticketCount, extraRounds, failurePattern, maxInFlight) => {
          const service = createTicketService({ store: memoryStore(), snapshotEvery: 4 })
          const tickets: string[] = []
          for (let index = 0; index < ticketCount; index++) tickets.push(await ticketWithActivity(service))
          for (const pick of extraRounds) await moreActivity(service, tickets[pick % tickets.length] as string)
          const log = (await service.events({ limit: 1000 })).result

          let calls = 0
          const accepted: string[] = []
          const fetch: WebhookFetch = async (_url, init) => {
            const failing = failurePattern[calls++ % failurePattern.length] === true
            if (!failing) accepted.push((init.headers as Record<string, string>)['webhook-id'] as string)
            return new Response(null, { status: failing ? 500 : 204 })
          }
          let drained: () => void = () => {}
          const allSettled = new Promise<void>((resolve) => {
            drained = resolve
          })
          const store = memoryDeliveryStore()
          const dispatcher = createWebhookDispatcher({
            service,
            store,
            source: arraySource(log, () => drained()),
            fetch,
            endpoints: [{ id: 'endpoint', url: 'http://127.0.0.1:1/hooks', secret, maxInFlight }],
            retry: { maxAttempts: 3, initialDelayMs: 0, maxDelayMs: 0 },
            cacheSize: 2,
          })
          const controller = new AbortController()
          const running = dispatcher.run(controller.signal)
          await allSettled
          controller.abort()
          await running
          await service.close()

          const byId = new Map(log.map((event) => [event.id, event]))
          const lettered = (await store.deadLetters({ limit: 1000 })).map((letter) => letter.eventId)
          expect([...accepted, ...lettered].sort()).toEqual(log.map((event) => event.id).sort())
          for (const ticketId of tickets) {
            const versions = accepted.map((id) => byId.get(id) as TicketEvent).filter((event) => event.ticketId === ticketId)
            const inOrder = versions.map((event) => event.version)
            expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b))
          }
          expect((await store.endpointState('endpoint')).afterId).toBe(log.at(-1)?.id)
        },
      ),
      { numRuns: 40 },
    )
  })
})
