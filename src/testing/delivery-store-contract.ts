/**
 * The delivery store conformance suite: every {@link DeliveryStore} (the store behind
 * `createWebhookDispatcher`) must pass it, as ticket stores pass the store contract.
 *
 * @module
 */
import { beforeEach, describe, expect } from 'vitest'
import type { DeadLetter, DeliveryStore } from '../webhooks/dispatcher/delivery-store.js'
import { parseConformanceArguments, skipListedTests } from './store-contract/conformance-suite.js'

/** Options of {@link describeDeliveryStoreContract}. */
export interface DeliveryStoreContractOptions {
  /** Tests to skip: test title → the reason. A title that names no test, or an entry without a reason, fails the suite. */
  readonly skip?: Readonly<Record<string, string>>
}

/** Makes a fresh, empty delivery store that shares nothing with the stores made before it. */
export type DeliveryStoreFactory = () => DeliveryStore | Promise<DeliveryStore>

// The suite's own clock, far from the wall clock.
const T0 = 1_000_000_000
const EVENT_A = '01JAAAAAAAAAAAAAAAAAAAAAAA'
const EVENT_B = '01JBBBBBBBBBBBBBBBBBBBBBBB'

function letter(overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    endpointId: 'crm',
    eventId: EVENT_A,
    ticketId: '7d3c6a52-0b1e-4c8f-9d7a-3f2e1b0c9a8d',
    type: 'ticket:status:changed',
    attempts: 8,
    lastStatus: 500,
    lastError: 'HTTP 500',
    firstAttemptAt: T0,
    deadAt: T0 + 60_000,
    body: '{"eventId":"01JAAAAAAAAAAAAAAAAAAAAAAA","note":"ünïcødé"}',
    ...overrides,
  }
}

/**
 * Registers the delivery store conformance suite with vitest. It proves what the
 * dispatcher relies on:
 * - `migrate()` is idempotent and keeps what was stored;
 * - of concurrent lease acquisitions on one endpoint exactly one wins; a held lease is
 *   refused to others until it expires or is released; each acquisition has a larger token;
 * - writes carrying a token that is no longer current (mark, disable, dead letter,
 *   renewal) change nothing and answer `false`;
 * - marks, disabled flags and dead letters are kept per endpoint, exactly as given.
 *
 * @param name - the store's name, used in the suite's title
 * @param makeStore - makes a fresh, empty store for each test
 * @param options - `skip`: test title → reason
 * @throws {TicketError} `VALIDATION` when the arguments are malformed
 *
 * @example
 * ```ts
 * import { describeDeliveryStoreContract } from 'ticket-events/testing/vitest'
 * describeDeliveryStoreContract('redis', () => redisDeliveryStore({ client, keyPrefix: `test:${crypto.randomUUID()}:` }))
 * ```
 */
export function describeDeliveryStoreContract(name: string, makeStore: DeliveryStoreFactory, options?: DeliveryStoreContractOptions): void {
  const skip = parseConformanceArguments('describeDeliveryStoreContract', 'Expected a function that makes a delivery store', {
    name,
    makeStore,
    options,
  })

  describe(`delivery store contract: ${name}`, () => {
    let store: DeliveryStore | undefined
    const { test, checkSkipList } = skipListedTests<DeliveryStore>('describeDeliveryStoreContract', name, skip, () => store)
    const acquire = (s: DeliveryStore, owner: string, now = T0, endpointId = 'crm') =>
      s.acquireLease({ endpointId, owner, now, expiresAt: now + 30_000 })

    const sequential = describe.sequential ?? describe
    sequential('guarantees', () => {
      beforeEach(async () => {
        store = undefined
        const made = await makeStore()
        await made.migrate()
        store = made
      })

      test('an endpoint never seen has no mark and is enabled', async (s) => {
        expect(await s.endpointState('crm')).toEqual({ afterId: null, disabled: false, disabledReason: null })
      })

      test('migrate is idempotent and keeps the marks', async (s) => {
        const lease = await acquire(s, 'a')
        expect(await s.saveMark({ endpointId: 'crm', token: lease?.token ?? -1, afterId: EVENT_A })).toBe(true)
        await s.migrate()
        expect((await s.endpointState('crm')).afterId).toBe(EVENT_A)
      })

      test('a held lease is refused to another owner until it expires', async (s) => {
        const first = await acquire(s, 'a')
        expect(first).not.toBeNull()
        expect(await acquire(s, 'b', T0 + 29_999)).toBeNull()
        const second = await acquire(s, 'b', T0 + 30_000)
        expect(second?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY)
      })

      test('of concurrent acquisitions exactly one wins', async (s) => {
        const results = await Promise.all(Array.from({ length: 8 }, (_, index) => acquire(s, `owner-${index}`)))
        expect(results.filter((lease) => lease !== null)).toHaveLength(1)
      })

      test('a live lease is refused to its own owner too, and a later one fences it', async (s) => {
        const first = await acquire(s, 'a')
        expect(await acquire(s, 'a', T0 + 10)).toBeNull()
        const again = await acquire(s, 'a', T0 + 30_000)
        expect(again?.token).toBeGreaterThan(first?.token ?? Number.POSITIVE_INFINITY)
        expect(await s.saveMark({ endpointId: 'crm', token: first?.token ?? -1, afterId: EVENT_A })).toBe(false)
      })

      test('a released lease is free at once', async (s) => {
        const first = await acquire(s, 'a')
        await s.releaseLease({ endpointId: 'crm', token: first?.token ?? -1 })
        expect(await acquire(s, 'b', T0 + 1)).not.toBeNull()
      })

      test('renewal extends only the current lease', async (s) => {
        const first = await acquire(s, 'a')
        expect(await s.renewLease({ endpointId: 'crm', token: first?.token ?? -1, expiresAt: T0 + 60_000 })).toBe(true)
        expect(await acquire(s, 'b', T0 + 45_000)).toBeNull()
        const second = await acquire(s, 'b', T0 + 60_000)
        expect(await s.renewLease({ endpointId: 'crm', token: first?.token ?? -1, expiresAt: T0 + 120_000 })).toBe(false)
        expect(second).not.toBeNull()
      })

      test('a stale token moves no mark, disables nothing and adds no dead letter', async (s) => {
        const first = await acquire(s, 'a')
        const second = await acquire(s, 'b', T0 + 30_000)
        const stale = first?.token ?? -1
        expect(await s.saveMark({ endpointId: 'crm', token: second?.token ?? -1, afterId: EVENT_A })).toBe(true)
        expect(await s.saveMark({ endpointId: 'crm', token: stale, afterId: EVENT_B })).toBe(false)
        expect(await s.disable({ endpointId: 'crm', token: stale, reason: 'gone' })).toBe(false)
        expect(await s.addDeadLetter({ token: stale, letter: letter() })).toBe(false)
        expect(await s.endpointState('crm')).toEqual({ afterId: EVENT_A, disabled: false, disabledReason: null })
        expect(await s.deadLetters()).toEqual([])
      })

      test('disable and enable set and clear the flag with its reason', async (s) => {
        const lease = await acquire(s, 'a')
        expect(await s.disable({ endpointId: 'crm', token: lease?.token ?? -1, reason: '410 Gone' })).toBe(true)
        expect(await s.endpointState('crm')).toEqual({ afterId: null, disabled: true, disabledReason: '410 Gone' })
        await s.enable('crm')
        expect(await s.endpointState('crm')).toEqual({ afterId: null, disabled: false, disabledReason: null })
      })

      test('dead letters are kept exactly, per endpoint, oldest first, and removed once', async (s) => {
        const crm = await acquire(s, 'a')
        const billing = await acquire(s, 'a', T0, 'billing')
        const later = letter({ eventId: EVENT_B, deadAt: T0 + 90_000, lastStatus: null, lastError: 'timed out after 10 ms' })
        expect(await s.addDeadLetter({ token: crm?.token ?? -1, letter: later })).toBe(true)
        expect(await s.addDeadLetter({ token: crm?.token ?? -1, letter: letter() })).toBe(true)
        expect(await s.addDeadLetter({ token: billing?.token ?? -1, letter: letter({ endpointId: 'billing' }) })).toBe(true)
        expect(await s.deadLetters({ endpointId: 'crm' })).toEqual([letter(), later])
        expect(await s.deadLetters({ limit: 1 })).toHaveLength(1)
        expect(await s.deadLetters()).toHaveLength(3)
        expect(await s.removeDeadLetter({ endpointId: 'crm', eventId: EVENT_A })).toBe(true)
        expect(await s.removeDeadLetter({ endpointId: 'crm', eventId: EVENT_A })).toBe(false)
        expect(await s.deadLetters({ endpointId: 'crm' })).toEqual([later])
      })

      test('a dead letter for the same event replaces the earlier one', async (s) => {
        const lease = await acquire(s, 'a')
        await s.addDeadLetter({ token: lease?.token ?? -1, letter: letter() })
        await s.addDeadLetter({ token: lease?.token ?? -1, letter: letter({ attempts: 3, deadAt: T0 + 120_000 }) })
        expect(await s.deadLetters()).toEqual([letter({ attempts: 3, deadAt: T0 + 120_000 })])
      })

      test('endpoints are independent', async (s) => {
        const crm = await acquire(s, 'a')
        expect(await acquire(s, 'b', T0, 'billing')).not.toBeNull()
        await s.saveMark({ endpointId: 'crm', token: crm?.token ?? -1, afterId: EVENT_B })
        expect((await s.endpointState('billing')).afterId).toBeNull()
        expect((await s.endpointState('crm')).afterId).toBe(EVENT_B)
      })
    })

    checkSkipList()
  })
}
