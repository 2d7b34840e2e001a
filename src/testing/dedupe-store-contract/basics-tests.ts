import { expect } from 'vitest'
import { createIdempotentConsumer } from '../../webhooks/consumer/idempotent-consumer.js'
import { claimOf, type DefineDedupeTest, T0, WINDOW_MS } from './dedupe-contract-test.js'

/** The store's own promises: an idempotent `migrate()`, an empty start, and a consumer on top. */
export function defineDedupeBasicsTests(test: DefineDedupeTest): void {
  test('migrate() is idempotent: running it again keeps the store working and its records', async ({ store }) => {
    await store.migrate()
    expect(await store.claim(claimOf('event-1', 'token-1', T0))).toBe('claimed')
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    await store.migrate()
    await store.migrate()
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('processed')
  })

  test('starts empty: the first claim of an id is claimed and prune finds nothing', async ({ store }) => {
    await store.migrate()
    expect(await store.prune(T0 + 100 * WINDOW_MS)).toBe(0)
    expect(await store.claim(claimOf('event-1', 'token-1', T0))).toBe('claimed')
  })

  test('a consumer over the store runs the handler once per event id, also for concurrent deliveries', async ({ store }) => {
    let time = T0
    const runs: string[] = []
    const consumer = createIdempotentConsumer<{ eventId: string }>({
      store,
      now: () => new Date(time),
      handler: async ({ eventId }) => {
        runs.push(eventId)
        await new Promise((resolve) => setTimeout(resolve, 5))
      },
    })
    const deliveries = ['event-1', 'event-2', 'event-1', 'event-3', 'event-2', 'event-1'].map((eventId) => ({ eventId }))
    const results = await Promise.all(deliveries.map((delivery) => consumer.consume(delivery)))
    expect(results.filter((result) => result.status === 'processed')).toHaveLength(3)
    expect([...runs].sort()).toEqual(['event-1', 'event-2', 'event-3'])
    time += 1000
    expect(await consumer.consume({ eventId: 'event-2' })).toEqual({ status: 'duplicate' })
    expect(runs).toHaveLength(3)
  })
}
