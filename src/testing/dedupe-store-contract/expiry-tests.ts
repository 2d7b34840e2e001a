import { expect } from 'vitest'
import { claimOf, type DefineDedupeTest, LEASE_MS, T0, WINDOW_MS } from './dedupe-contract-test.js'

/** Expiry: leases that run out, windows that end, and pruning. Times are the caller's, never the database's. */
export function defineDedupeExpiryTests(test: DefineDedupeTest): void {
  test('a claim whose lease ran out can be taken over, and the old token then completes nothing', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'crashed', T0))
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + LEASE_MS - 1))).toBe('in_flight')
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + LEASE_MS))).toBe('claimed')
    await store.complete({ eventId: 'event-1', token: 'crashed', expiresAt: T0 + WINDOW_MS })
    await store.release({ eventId: 'event-1', token: 'crashed' })
    expect(await store.claim(claimOf('event-1', 'token-3', T0 + LEASE_MS + 1))).toBe('in_flight')
  })

  test('a processed id counts as absent from the instant it expires', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + WINDOW_MS - 1))).toBe('processed')
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + WINDOW_MS))).toBe('claimed')
  })

  test('prune deletes the records that expired at or before now, returns how many, and keeps the rest', async ({ store }) => {
    await store.migrate()
    const expiries = [T0 + 10, T0 + 20, T0 + 30, T0 + 40]
    for (const [n, expiresAt] of expiries.entries()) {
      await store.claim(claimOf(`event-${n}`, `token-${n}`, T0))
      await store.complete({ eventId: `event-${n}`, token: `token-${n}`, expiresAt })
    }
    expect(await store.prune(T0 + 19)).toBe(1)
    expect(await store.prune(T0 + 30)).toBe(2)
    expect(await store.prune(T0 + 30)).toBe(0)
    expect(await store.claim(claimOf('event-3', 'again', T0 + 31))).toBe('processed')
    // A pruned id is simply absent.
    expect(await store.claim(claimOf('event-0', 'again', T0 + 31))).toBe('claimed')
  })

  test('prune also deletes in-flight claims whose lease ran out', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'crashed', T0))
    await store.claim(claimOf('event-2', 'live', T0 + LEASE_MS))
    expect(await store.prune(T0 + LEASE_MS)).toBe(1)
    expect(await store.claim(claimOf('event-2', 'other', T0 + LEASE_MS + 1))).toBe('in_flight')
  })
}
