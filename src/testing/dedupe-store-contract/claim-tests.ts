import { expect } from 'vitest'
import { claimOf, type DefineDedupeTest, T0, WINDOW_MS } from './dedupe-contract-test.js'

/** Claims: atomic, reported for what they found, acted on only by their token. */
export function defineDedupeClaimTests(test: DefineDedupeTest): void {
  test('a new id is claimed; while that claim is in flight, another claim of it reports in_flight', async ({ store }) => {
    await store.migrate()
    expect(await store.claim(claimOf('event-1', 'token-1', T0))).toBe('claimed')
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('in_flight')
  })

  test('a completed id reports processed, to every claim, until it expires', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('processed')
    expect(await store.claim(claimOf('event-1', 'token-3', T0 + WINDOW_MS - 1))).toBe('processed')
  })

  test('of 20 concurrent claims of one id exactly one is claimed, and the others report in_flight', async ({ store }) => {
    await store.migrate()
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => store.claim(claimOf('event-1', `token-${n}`, T0))))
    expect(outcomes.filter((outcome) => outcome === 'claimed')).toHaveLength(1)
    expect(outcomes.filter((outcome) => outcome === 'in_flight')).toHaveLength(19)
  })

  test('complete acts only on the claim holding its token', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.complete({ eventId: 'event-1', token: 'not-the-token', expiresAt: T0 + WINDOW_MS })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('in_flight')
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 2))).toBe('processed')
  })

  test('release drops the in-flight claim holding its token, so the next claim gets the id', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.release({ eventId: 'event-1', token: 'not-the-token' })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('in_flight')
    await store.release({ eventId: 'event-1', token: 'token-1' })
    expect(await store.claim(claimOf('event-1', 'token-3', T0 + 2))).toBe('claimed')
  })

  test('release never drops a processed record, even with its token', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    await store.release({ eventId: 'event-1', token: 'token-1' })
    expect(await store.claim(claimOf('event-1', 'token-2', T0 + 1))).toBe('processed')
  })

  test('ids are independent: what happens to one changes no other', async ({ store }) => {
    await store.migrate()
    await store.claim(claimOf('event-1', 'token-1', T0))
    await store.complete({ eventId: 'event-1', token: 'token-1', expiresAt: T0 + WINDOW_MS })
    await store.claim(claimOf('event-2', 'token-2', T0))
    await store.claim(claimOf('event-3', 'token-3', T0))
    await store.release({ eventId: 'event-3', token: 'token-3' })
    expect(await store.claim(claimOf('event-1', 'token-4', T0 + 1))).toBe('processed')
    expect(await store.claim(claimOf('event-2', 'token-5', T0 + 1))).toBe('in_flight')
    expect(await store.claim(claimOf('event-3', 'token-6', T0 + 1))).toBe('claimed')
    expect(await store.claim(claimOf('event-4', 'token-7', T0 + 1))).toBe('claimed')
  })

  test('event ids are kept exactly: case, length and any character', async ({ store }) => {
    await store.migrate()
    const ids = ['01J8M766YV6FTKCCBQ0Z85YND5', '01j8m766yv6ftkccbq0z85ynd5', `x${'y'.repeat(254)}`, "quote ' and \\ and ünïcode 🎉"]
    for (const [n, eventId] of ids.entries()) {
      expect(await store.claim(claimOf(eventId, `token-${n}`, T0)), eventId).toBe('claimed')
      await store.complete({ eventId, token: `token-${n}`, expiresAt: T0 + WINDOW_MS })
    }
    for (const eventId of ids) expect(await store.claim(claimOf(eventId, 'again', T0 + 1)), eventId).toBe('processed')
  })
}
